"""Decode steps without per-token Python and launch overhead: torch.compile
and CUDA graphs, as gpt-fast does.

`Decoder(model, compiled=True)` compiles one greedy step (the model's
forward and the argmax) with `mode="reduce-overhead"`: Inductor fuses the
small element-wise operations, and the compiled step is captured as a CUDA
graph and replayed with one launch. Each new input shape (batch, tokens per
call, attended positions) is compiled and captured once, at its first call;
time only after a warm-up. With `compiled=False` the same step runs
eagerly, one kernel launch per operation, which is what a small model on a
fast GPU spends most of its time on.
"""
from __future__ import annotations

import torch

from .model import Transformer, rope_tables


class Decoder:
    def __init__(self, model: Transformer, compiled: bool):
        self.model = model
        self.compiled = compiled

        def step(tokens: torch.Tensor, positions: torch.Tensor,
                 kv_len: int | None, slots) -> torch.Tensor:
            logits = model(tokens, positions, slots=slots, kv_len=kv_len)
            return logits.argmax(-1)

        if compiled:
            # Every Decoder compiles the same function for another model,
            # shape or quantization: let Dynamo keep them all rather than
            # fall back to eager after its default of 8 versions.
            for name in ("recompile_limit", "cache_size_limit"):
                if hasattr(torch._dynamo.config, name):
                    limit = getattr(torch._dynamo.config, name)
                    setattr(torch._dynamo.config, name, max(64, limit))
            step = torch.compile(step, mode="reduce-overhead",
                                 fullgraph=True)
        self._step = step

    @torch.no_grad()
    def __call__(self, tokens: torch.Tensor, positions: torch.Tensor,
                 kv_len: int | None = None,
                 slots: torch.Tensor | None = None) -> torch.Tensor:
        """Greedy next token after each input token: (B, T) token ids
        in, (B, T) token ids out. `slots` (B,) picks the cache rows
        (default: the first B)."""
        out = self._step(tokens, positions, kv_len, slots)
        # A CUDA graph's output lives in memory that its next replay
        # overwrites: keep a copy.
        return out.clone() if self.compiled else out


def decode_loop(decoder: Decoder, batch: int, start: int, steps: int,
                kv_len: int | None = None):
    """A function that runs `steps` greedy decode steps for `batch`
    sequences from position `start`, feeding each output token back in:
    the unit the chapters time. The cache must hold start + steps
    positions."""
    device = decoder.model.tok_embeddings.weight.device
    positions = [torch.full((batch, 1), start + i, device=device)
                 for i in range(steps)]
    first = torch.zeros(batch, 1, dtype=torch.long, device=device)

    def run():
        token = first
        for i in range(steps):
            token = decoder(token, positions[i], kv_len)
        return token
    return run


def random_model(config, device: torch.device, dtype: torch.dtype,
                 seed: int = 0) -> Transformer:
    """A model with random weights (seeded, drawn on the device) in
    `dtype`: timed like a trained model of its shape. Its weights are never
    all zeros, which some kernels run faster on than on real data."""
    torch.manual_seed(seed)
    with torch.device("meta"):
        model = Transformer(config)
    model = model.to_empty(device=device).to(dtype)
    for name, p in model.named_parameters():
        if name.endswith("norm.weight"):
            torch.nn.init.ones_(p)
        else:
            torch.nn.init.normal_(p, std=0.02)
    cos, sin = rope_tables(config, device)
    model.rope_cos, model.rope_sin = cos.to(dtype), sin.to(dtype)
    return model.eval()
