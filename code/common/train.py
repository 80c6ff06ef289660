"""A short training run on the pinned corpus, cached on disk so several
notebooks share one trained model. Quiet unless given a `log` function.

The cache (code/.cache/models, or $BOOK_CACHE_DIR/models) holds plain
tensors, read with `torch.load(weights_only=True)`, and a JSON report of
the run beside each. An unreadable or corrupted entry is named in a
message, ignored and rebuilt; writes go through a unique temporary file,
so two processes can share the cache.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import torch
import torch.nn.functional as F

from .data import corpus, corpus_sha256, split
from .model import ModelConfig, Transformer
from .tokenizer import ByteTokenizer

CODE = Path(__file__).resolve().parents[1]


def cache_dir() -> Path:
    root = os.environ.get("BOOK_CACHE_DIR")
    return Path(root) / "models" if root else CODE / ".cache" / "models"


def batches(data: torch.Tensor, batch_size: int, seq_len: int,
            generator: torch.Generator):
    while True:
        starts = torch.randint(0, len(data) - seq_len - 1, (batch_size,),
                               generator=generator)
        offsets = torch.arange(seq_len + 1)
        windows = data[starts[:, None] + offsets]
        yield windows[:, :-1], windows[:, 1:]


def train(config: ModelConfig, text: str, steps: int, device: torch.device,
          batch_size: int = 32, seq_len: int = 128, lr: float = 3e-3,
          seed: int = 0, log=None) -> tuple[Transformer, dict]:
    torch.manual_seed(seed)
    model = Transformer(config).to(device)
    data = ByteTokenizer().encode(text)
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr,
                                  weight_decay=0.1, betas=(0.9, 0.95))
    warmup = max(1, steps // 10)

    def rate(s):  # linear warm-up, then cosine decay
        cosine = 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps))
        return min(1.0, (s + 1) / warmup) * cosine
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, rate)
    started = time.monotonic()
    seq_len = min(seq_len, config.max_seq_len)
    recent = []
    windows = batches(data, batch_size, seq_len, generator)
    for step, (x, y) in zip(range(steps), windows):
        x, y = x.to(device), y.to(device)
        # bf16 autocast on a GPU: several times faster; the weights
        # themselves stay in fp32.
        with torch.autocast(device.type, dtype=torch.bfloat16,
                            enabled=device.type == "cuda"):
            loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        if step >= steps - max(1, steps // 20):
            recent.append(loss.item())
        if log and (step % max(1, steps // 5) == 0 or step == steps - 1):
            seconds = time.monotonic() - started
            log(f"step {step:5d}/{steps}  loss {loss.item():.3f}  "
                f"({seconds:.0f} s)")
    report = {"steps": steps, "tokens_seen": steps * batch_size * seq_len,
              "training_bytes": len(data),
              "final_batch_loss": sum(recent) / len(recent),
              "seconds": round(time.monotonic() - started, 1)}
    return model.eval(), report


def _key(config: ModelConfig, steps: int, options: dict,
         corpus_bytes_: int | None) -> str:
    run = [asdict(config), steps, options, corpus_bytes_, corpus_sha256()]
    text = json.dumps(run, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _atomic_save(write, path: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                               suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def trained_model(config: ModelConfig, device: torch.device, steps: int,
                  corpus_bytes: int | None = None, log=None,
                  **options) -> Transformer:
    """The model trained on the pinned corpus (its first `corpus_bytes`, or
    all of it), from the disk cache when this exact run was done before.
    Its training report is `model.training_report`."""
    text, _ = split(corpus(corpus_bytes))
    folder = cache_dir()
    path = folder / f"{_key(config, steps, options, corpus_bytes)}.pt"
    report_path = path.with_suffix(".json")
    model = Transformer(config)
    if path.exists():
        try:
            model.load_state_dict(torch.load(path, map_location="cpu",
                                             weights_only=True))
            report = json.loads(report_path.read_text(encoding="utf-8"))
            model.training_report = report
            return model.to(device).eval()
        except Exception as error:  # noqa: BLE001 - rebuild what fails
            why = f"{type(error).__name__}: {str(error)[:120]}"
            (log or print)(f"cached model {path} is unreadable ({why}); "
                           "training it again")
    model, report = train(config, text, steps, device, log=log, **options)
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    _atomic_save(lambda tmp: torch.save(state, tmp), path)
    _atomic_save(lambda tmp: Path(tmp).write_text(
        json.dumps(report), encoding="utf-8"), report_path)
    model.training_report = report
    return model


@torch.no_grad()
def mean_loss(model: Transformer, text: str, device: torch.device,
              seq_len: int = 256, windows: int = 64) -> float:
    """Mean next-byte cross-entropy (nats) over `windows` windows spread
    evenly through `text`."""
    model.drop_cache()
    data = ByteTokenizer().encode(text)
    seq_len = min(seq_len, model.config.max_seq_len)
    windows = max(1, min(windows, (len(data) - 1) // seq_len))
    stride = 0
    if windows > 1:
        stride = (len(data) - 1 - seq_len) // (windows - 1)
    starts = torch.arange(windows) * stride
    offsets = torch.arange(seq_len + 1)
    chunk = data[starts[:, None] + offsets].to(device)
    x, y = chunk[:, :-1], chunk[:, 1:]
    total = sum(F.cross_entropy(model(x[i: i + 16]).float().flatten(0, 1),
                                y[i: i + 16].flatten(),
                                reduction="sum").item()
                for i in range(0, windows, 16))
    return total / y.numel()


def perplexity(model: Transformer, text: str, device: torch.device,
               seq_len: int = 256, windows: int = 64) -> float:
    """exp(mean next-byte cross-entropy) over windows of text the model
    did not train on."""
    return math.exp(mean_loss(model, text, device, seq_len, windows))
