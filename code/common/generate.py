"""Decoding: without a cache (recompute everything), with the static KV cache, and speculative decoding."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .model import Transformer


def pick_next(logits: torch.Tensor, temperature: float = 0.0, top_k: int | None = None,
              generator: torch.Generator | None = None) -> torch.Tensor:
    """Next token of each row of logits (B, V): argmax when temperature is 0, else a sample (optionally top-k)."""
    if temperature <= 0:
        return logits.argmax(dim=-1)
    logits = logits / temperature
    if top_k is not None:
        kth = torch.topk(logits, min(top_k, logits.shape[-1])).values[..., -1, None]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    probs = torch.softmax(logits, dim=-1)
    return torch.multinomial(probs, 1, generator=generator).squeeze(-1)


@torch.no_grad()
def generate_no_cache(model: Transformer, prompt: torch.Tensor, max_new_tokens: int, **sampling) -> torch.Tensor:
    """The naive loop: every new token runs the whole sequence through the model again."""
    model.drop_cache()
    tokens = prompt
    for _ in range(max_new_tokens):
        logits = model(tokens)[:, -1]
        tokens = torch.cat([tokens, pick_next(logits, **sampling)[:, None]], dim=1)
    return tokens


@torch.no_grad()
def generate(model: Transformer, prompt: torch.Tensor, max_new_tokens: int, **sampling) -> torch.Tensor:
    """Prefill the prompt once, then feed one token a step, reading past keys and values from the cache."""
    batch, length = prompt.shape
    if length + max_new_tokens > model.config.max_seq_len:
        raise ValueError(f"{length} + {max_new_tokens} tokens exceed max_seq_len {model.config.max_seq_len}")
    model.setup_cache(batch)
    positions = torch.arange(length, device=prompt.device).expand(batch, length)
    next_token = pick_next(model(prompt, positions)[:, -1], **sampling)
    out = [prompt, next_token[:, None]]
    for step in range(max_new_tokens - 1):
        position = torch.full((batch, 1), length + step, device=prompt.device)
        next_token = pick_next(model(next_token[:, None], position)[:, -1], **sampling)
        out.append(next_token[:, None])
    return torch.cat(out, dim=1)


@dataclass
class SpeculativeStats:
    proposed: int = 0       # draft tokens offered to the target
    accepted: int = 0       # of those, tokens the target agreed with
    target_calls: int = 0   # forward passes of the target model (the expensive part)

    @property
    def acceptance_rate(self) -> float:
        return self.accepted / self.proposed if self.proposed else 0.0


@torch.no_grad()
def speculative_generate(target: Transformer, draft: Transformer, prompt: torch.Tensor, max_new_tokens: int,
                         k: int = 4) -> tuple[torch.Tensor, SpeculativeStats]:
    """Greedy speculative decoding (batch 1): the draft proposes k tokens, the target checks them in one pass.

    The target keeps the longest prefix of the proposal that matches its own argmax and adds its own next token, so
    the output is exactly the target's greedy output; only the number of target passes changes.
    """
    assert prompt.shape[0] == 1, "speculative decoding here decodes one sequence"
    device = prompt.device
    target.setup_cache(1)
    draft.setup_cache(1)
    stats = SpeculativeStats()

    def run(model, tokens, start):
        positions = torch.arange(start, start + tokens.shape[1], device=device)[None]
        return model(tokens, positions)

    length = prompt.shape[1]
    first = run(target, prompt, 0)[:, -1].argmax(-1)
    stats.target_calls += 1
    seq = torch.cat([prompt, first[:, None]], dim=1)
    draft_valid = 0  # positions [0, draft_valid) of the draft's cache hold the tokens of seq
    while seq.shape[1] - length < max_new_tokens:
        n = seq.shape[1]
        # Draft: catch up on tokens it has not seen, then propose k tokens one by one.
        logits = run(draft, seq[:, draft_valid:], draft_valid)[:, -1]
        proposal = []
        for i in range(k):
            token = logits.argmax(-1)
            proposal.append(token)
            if i < k - 1:
                logits = run(draft, token[:, None], n + i)[:, -1]
        proposal = torch.stack(proposal, dim=1)
        # Target: one pass over the last known token and the k proposed ones.
        verdict = run(target, torch.cat([seq[:, -1:], proposal], dim=1), n - 1).argmax(-1)
        stats.target_calls += 1
        agree = (proposal == verdict[:, :k]).long().cumprod(dim=1).sum().item()
        stats.proposed += k
        stats.accepted += agree
        seq = torch.cat([seq, proposal[:, :agree], verdict[:, agree:agree + 1]], dim=1)
        draft_valid = n + min(agree, k - 1)
    return seq[:, : length + max_new_tokens], stats
