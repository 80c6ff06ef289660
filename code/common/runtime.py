"""Where and how big a demo runs: BOOK_DEVICE (cpu, cuda) and BOOK_SCALE
(ci: small and fast; full: the book's sizes)."""
from __future__ import annotations

import os
import warnings

import torch

SCALES = ("ci", "full")


def scale() -> str:
    value = os.environ.get("BOOK_SCALE", "ci")
    if value not in SCALES:
        raise ValueError(
            f"BOOK_SCALE must be one of {SCALES}, not {value!r}")
    return value


def device() -> torch.device:
    available = "cuda" if torch.cuda.is_available() else "cpu"
    wanted = os.environ.get("BOOK_DEVICE") or available
    if wanted == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(
            "BOOK_DEVICE=cuda but no CUDA device is available")
    return torch.device(wanted)


def pick(ci, full):
    """The value for the current scale."""
    return full if scale() == "full" else ci


def fast_dtype(dev: torch.device) -> torch.dtype:
    """bf16 where the hardware is built for it (GPUs); fp32 on a CPU,
    where bf16 matmuls are slow."""
    return torch.bfloat16 if dev.type == "cuda" else torch.float32


def quiet() -> None:
    """Same output on every machine: no warnings (nbval compares stderr
    too), deterministic kernels where cheap."""
    warnings.filterwarnings("ignore")
    torch.manual_seed(0)
    # A runner that shares the cores between notebooks says how many each
    # gets (OMP_NUM_THREADS); else up to 4.
    threads = os.environ.get("OMP_NUM_THREADS", "")
    if threads.isdigit() and int(threads) > 0:
        torch.set_num_threads(int(threads))
    else:
        torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    if torch.cuda.is_available():
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False


def compiled(dev: torch.device) -> bool:
    """Whether the timed decode paths run compiled (torch.compile, with
    CUDA graphs): on a GPU, unless BOOK_COMPILE=0."""
    enabled = os.environ.get("BOOK_COMPILE", "1") != "0"
    return dev.type == "cuda" and enabled


# The models the demos share. `trained` and `draft` are trained on the
# pinned corpus once per scale (cached) and give every quality figure
# (perplexity, acceptance, identical outputs). The others have random
# weights and exist to be timed: at full scale each holds at least 1 GB of
# bf16 weights, so that a decode step is bound by memory bandwidth as a
# real LLM's is. `wide` (5.5 GB: dim 8192, 4 layers, GQA 64/8, 8k
# positions) is timed by chapters 2, 6 and 7; `long` (3.2 GB: dim 4096,
# 8 layers, multi-head attention, 16k positions) by chapter 4 and §5.7,
# where the KV cache must weigh; `serve` (1.4 GB: dim 4096, 4 layers, GQA
# 32/8) by the serving chapters 4.6, 5 and 8; `small_draft` (44 MB) is the
# draft of the timed speculative pair.
def model_configs():
    from .model import ModelConfig as C
    return {
        "trained": pick(
            ci=C(dim=128, n_layer=2, n_head=4, n_kv_head=2,
                 max_seq_len=256),
            full=C(dim=512, n_layer=6, n_head=8, n_kv_head=2,
                   max_seq_len=512)),
        "draft": pick(
            ci=C(dim=64, n_layer=1, n_head=4, n_kv_head=2,
                 max_seq_len=256),
            full=C(dim=256, n_layer=2, n_head=4, n_kv_head=2,
                   max_seq_len=512)),
        "wide": pick(
            ci=C(dim=256, n_layer=2, n_head=8, n_kv_head=2,
                 max_seq_len=512),
            full=C(dim=8192, n_layer=4, n_head=64, n_kv_head=8,
                   max_seq_len=8192)),
        "long": pick(
            ci=C(dim=128, n_layer=2, n_head=4, n_kv_head=4,
                 max_seq_len=1024),
            full=C(dim=4096, n_layer=8, n_head=32, n_kv_head=32,
                   max_seq_len=16384)),
        "serve": pick(
            ci=C(dim=128, n_layer=2, n_head=4, n_kv_head=2,
                 max_seq_len=512),
            full=C(dim=4096, n_layer=4, n_head=32, n_kv_head=8,
                   max_seq_len=1024)),
        "small_draft": pick(
            ci=C(dim=64, n_layer=1, n_head=4, n_kv_head=2,
                 max_seq_len=512),
            full=C(dim=1024, n_layer=2, n_head=8, n_kv_head=2,
                   max_seq_len=2048)),
    }


def training(name: str) -> dict:
    """Options of `train.trained_model` for the shared models at this
    scale (a CI run trains in seconds on a prefix of the corpus; the full
    run reads all of it, about 1.4 passes over its 34 MB of text)."""
    steps = {"trained": pick(ci=120, full=3000),
             "draft": pick(ci=80, full=3000)}[name]
    return {"steps": steps, "batch_size": pick(ci=16, full=64),
            "seq_len": pick(ci=64, full=256),
            "corpus_bytes": pick(ci=1_000_000, full=None)}


def corpus_bytes() -> int | None:
    """How much of the corpus a notebook reads at this scale (None: all
    of it)."""
    return pick(ci=1_000_000, full=None)
