"""A short training run on offline text, cached on disk so several notebooks share one trained model."""
from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import asdict
from pathlib import Path

import torch
import torch.nn.functional as F

from .data import corpus, split
from .model import ModelConfig, Transformer
from .tokenizer import ByteTokenizer

CACHE = Path(__file__).resolve().parents[1] / ".cache" / "models"


def batches(data: torch.Tensor, batch_size: int, seq_len: int, generator: torch.Generator):
    while True:
        starts = torch.randint(0, len(data) - seq_len - 1, (batch_size,), generator=generator)
        x = torch.stack([data[s: s + seq_len] for s in starts])
        y = torch.stack([data[s + 1: s + seq_len + 1] for s in starts])
        yield x, y


def train(config: ModelConfig, text: str, steps: int, device: torch.device, batch_size: int = 32,
          seq_len: int = 128, lr: float = 3e-3, seed: int = 0, log=print) -> Transformer:
    torch.manual_seed(seed)
    model = Transformer(config).to(device)
    data = ByteTokenizer().encode(text)
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.1, betas=(0.9, 0.95))
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)))
    started = time.monotonic()
    for step, (x, y) in zip(range(steps), batches(data, batch_size, min(seq_len, config.max_seq_len), generator)):
        x, y = x.to(device), y.to(device)
        # bf16 autocast on a GPU: several times faster; the weights themselves stay in fp32.
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        if log and (step % max(1, steps // 5) == 0 or step == steps - 1):
            log(f"step {step:5d}/{steps}  loss {loss.item():.3f}  ({time.monotonic() - started:.0f} s)")
    return model.eval()


def trained_model(config: ModelConfig, device: torch.device, steps: int, log=print, **options) -> Transformer:
    """The model trained on the book's corpus, from the disk cache when this exact run was done before."""
    text, _ = split(corpus())
    key = hashlib.sha256(json.dumps([asdict(config), steps, options, hashlib.sha256(text.encode()).hexdigest()],
                                    sort_keys=True).encode()).hexdigest()[:16]
    path = CACHE / f"{key}.pt"
    model = Transformer(config)
    if path.exists():
        model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
        return model.to(device).eval()
    model = train(config, text, steps, device, log=log, **options)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save({k: v.cpu() for k, v in model.state_dict().items()}, tmp)
    tmp.replace(path)
    return model


@torch.no_grad()
def perplexity(model: Transformer, text: str, device: torch.device, seq_len: int = 128, max_windows: int = 64) -> float:
    """exp(mean next-byte cross-entropy) over non-overlapping windows of held-out text."""
    model.drop_cache()
    data = ByteTokenizer().encode(text)
    seq_len = min(seq_len, model.config.max_seq_len)
    windows = min(max_windows, (len(data) - 1) // seq_len)
    x = torch.stack([data[i * seq_len: (i + 1) * seq_len] for i in range(windows)]).to(device)
    y = torch.stack([data[i * seq_len + 1: (i + 1) * seq_len + 1] for i in range(windows)]).to(device)
    losses = [F.cross_entropy(model(x[i: i + 16]).flatten(0, 1), y[i: i + 16].flatten(), reduction="sum")
              for i in range(0, windows, 16)]
    return math.exp(sum(l.item() for l in losses) / y.numel())
