"""Where and how big a demo runs: BOOK_DEVICE (cpu, cuda) and BOOK_SCALE (ci: small and fast; full: the book's sizes)."""
from __future__ import annotations

import os
import warnings

import torch

SCALES = ("ci", "full")


def scale() -> str:
    value = os.environ.get("BOOK_SCALE", "ci")
    if value not in SCALES:
        raise ValueError(f"BOOK_SCALE must be one of {SCALES}, not {value!r}")
    return value


def device() -> torch.device:
    wanted = os.environ.get("BOOK_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu")
    if wanted == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("BOOK_DEVICE=cuda but no CUDA device is available")
    return torch.device(wanted)


def pick(ci, full):
    """The value for the current scale."""
    return full if scale() == "full" else ci


def fast_dtype(dev: torch.device) -> torch.dtype:
    """bf16 where the hardware is built for it (GPUs); fp32 on a CPU, where bf16 matmuls are slow."""
    return torch.bfloat16 if dev.type == "cuda" else torch.float32


def quiet() -> None:
    """Same output on every machine: no warnings (nbval compares stderr too), deterministic kernels where cheap."""
    warnings.filterwarnings("ignore")
    torch.manual_seed(0)
    # A runner that shares the cores between notebooks says how many each gets (OMP_NUM_THREADS); else up to 4.
    threads = os.environ.get("OMP_NUM_THREADS", "")
    torch.set_num_threads(int(threads) if threads.isdigit() and int(threads) > 0 else max(1, min(4, os.cpu_count() or 1)))
    if torch.cuda.is_available():
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False


# The models the demos share. `trained` is trained once per scale (cached) and reused by chapters 4–8; `draft` is the
# small model of chapter 7; `wide` is a larger untrained model whose only job is to be timed like a real LLM layer
# stack (weights big enough that reading them dominates a decode step).
def model_configs():
    from .model import ModelConfig
    return {
        "trained": pick(ci=ModelConfig(dim=128, n_layer=2, n_head=4, n_kv_head=2, max_seq_len=256),
                        full=ModelConfig(dim=512, n_layer=6, n_head=8, n_kv_head=2, max_seq_len=512)),
        "draft": pick(ci=ModelConfig(dim=64, n_layer=1, n_head=4, n_kv_head=2, max_seq_len=256),
                      full=ModelConfig(dim=192, n_layer=2, n_head=4, n_kv_head=2, max_seq_len=512)),
        "wide": pick(ci=ModelConfig(dim=256, n_layer=2, n_head=8, n_kv_head=2, max_seq_len=512),
                     full=ModelConfig(dim=8192, n_layer=4, n_head=64, n_kv_head=8, max_seq_len=2048)),
    }


def training(name: str) -> dict:
    """Options of `train.trained_model` for the shared models at this scale (a CI run trains in seconds)."""
    steps = {"trained": pick(ci=120, full=3000), "draft": pick(ci=80, full=3000)}[name]
    return {"steps": steps, "batch_size": pick(ci=16, full=64), "seq_len": pick(ci=64, full=256)}
