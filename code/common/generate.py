"""Decoding: without a cache (recompute everything), with the static KV
cache, and speculative decoding."""
from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass, field

import torch

from .model import Transformer


def pick_next(logits: torch.Tensor, temperature: float = 0.0,
              top_k: int | None = None,
              generator: torch.Generator | None = None) -> torch.Tensor:
    """Next token of each row of logits (B, V): argmax when temperature is
    0, else a sample (optionally top-k)."""
    if temperature <= 0:
        return logits.argmax(dim=-1)
    logits = logits / temperature
    if top_k is not None:
        top = torch.topk(logits, min(top_k, logits.shape[-1])).values
        kth = top[..., -1, None]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    probs = torch.softmax(logits, dim=-1)
    return torch.multinomial(probs, 1, generator=generator).squeeze(-1)


@torch.no_grad()
def generate_no_cache(model: Transformer, prompt: torch.Tensor,
                      max_new_tokens: int, **sampling) -> torch.Tensor:
    """The naive loop: every new token runs the whole sequence through the
    model again."""
    model.drop_cache()
    tokens = prompt
    for _ in range(max_new_tokens):
        logits = model(tokens)[:, -1]
        chosen = pick_next(logits, **sampling)
        tokens = torch.cat([tokens, chosen[:, None]], dim=1)
    return tokens


@torch.no_grad()
def generate(model: Transformer, prompt: torch.Tensor, max_new_tokens: int,
             **sampling) -> torch.Tensor:
    """Prefill the prompt once, then feed one token a step, reading past
    keys and values from the cache."""
    batch, length = prompt.shape
    if length + max_new_tokens > model.config.max_seq_len:
        raise ValueError(f"{length} + {max_new_tokens} tokens exceed "
                         f"max_seq_len {model.config.max_seq_len}")
    model.setup_cache(batch)
    positions = torch.arange(length, device=prompt.device)
    positions = positions.expand(batch, length)
    next_token = pick_next(model(prompt, positions)[:, -1], **sampling)
    out = [prompt, next_token[:, None]]
    for step in range(max_new_tokens - 1):
        position = torch.full((batch, 1), length + step,
                              device=prompt.device)
        logits = model(next_token[:, None], position)[:, -1]
        next_token = pick_next(logits, **sampling)
        out.append(next_token[:, None])
    return torch.cat(out, dim=1)


@dataclass
class SpeculativeStats:
    proposed: int = 0       # draft tokens offered to the target
    accepted: int = 0       # of those, tokens the target agreed with
    target_calls: int = 0   # target forward passes (the expensive part)
    # draft tokens accepted at each target pass
    pattern: list[int] = field(default_factory=list)

    @property
    def acceptance_rate(self) -> float:
        return self.accepted / self.proposed if self.proposed else 0.0


@torch.no_grad()
def speculative_generate(target: Transformer, draft: Transformer,
                         prompt: torch.Tensor, max_new_tokens: int,
                         k: int = 4) -> tuple[torch.Tensor,
                                              SpeculativeStats]:
    """Greedy speculative decoding (batch 1): the draft proposes k tokens,
    the target checks them in one pass.

    The target keeps the longest prefix of the proposal that matches its
    own argmax and adds its own next token, so the output is exactly the
    target's greedy output; only the number of target passes changes.
    """
    assert prompt.shape[0] == 1, "decodes one sequence"
    device = prompt.device
    target.setup_cache(1)
    draft.setup_cache(1)
    stats = SpeculativeStats()

    def run(model, tokens, start):
        positions = torch.arange(start, start + tokens.shape[1],
                                 device=device)[None]
        return model(tokens, positions)

    length = prompt.shape[1]
    first = run(target, prompt, 0)[:, -1].argmax(-1)
    stats.target_calls += 1
    seq = torch.cat([prompt, first[:, None]], dim=1)
    # Positions [0, draft_valid) of the draft's cache hold seq's tokens.
    draft_valid = 0
    while seq.shape[1] - length < max_new_tokens:
        n = seq.shape[1]
        # Draft: catch up on tokens it has not seen, then propose k
        # tokens one by one.
        logits = run(draft, seq[:, draft_valid:], draft_valid)[:, -1]
        proposal = []
        for i in range(k):
            token = logits.argmax(-1)
            proposal.append(token)
            if i < k - 1:
                logits = run(draft, token[:, None], n + i)[:, -1]
        proposal = torch.stack(proposal, dim=1)
        # Target: one pass over the last known token and the k proposed.
        checked = torch.cat([seq[:, -1:], proposal], dim=1)
        verdict = run(target, checked, n - 1).argmax(-1)
        stats.target_calls += 1
        matches = (proposal == verdict[:, :k]).long()
        agree = matches.cumprod(dim=1).sum().item()
        stats.proposed += k
        stats.accepted += agree
        stats.pattern.append(agree)
        seq = torch.cat([seq, proposal[:, :agree],
                         verdict[:, agree:agree + 1]], dim=1)
        draft_valid = n + min(agree, k - 1)
    return seq[:, : length + max_new_tokens], stats


def sample(probs: list[float], rng: random.Random) -> int:
    """One index drawn from a discrete distribution (probabilities summing
    to about 1)."""
    cumulative = list(itertools.accumulate(probs))
    drawn = bisect.bisect_right(cumulative, rng.random() * cumulative[-1])
    return min(drawn, len(probs) - 1)


def accept_or_resample(p: list[list[float]], q: list[list[float]],
                       proposal: list[int],
                       rng: random.Random) -> list[int]:
    """The rejection step of speculative sampling (Leviathan et al. 2023;
    Chen et al. 2023).

    p: the target's distributions at the k proposed positions and one more
    (k + 1 rows); q: the draft's at the k proposed positions; proposal: the
    k tokens drawn from q. Token i is kept with probability
    min(1, p_i(x)/q_i(x)); at the first rejection a token is drawn from the
    residual max(0, p_i - q_i) (normalized) and the step ends; if all k are
    kept, one more is drawn from p_k. Every token returned is distributed
    as the target's p at its position.
    """
    out = []
    for i, x in enumerate(proposal):
        # Accept with probability min(1, p/q); q[i][x] > 0: x came from q.
        if rng.random() * q[i][x] < p[i][x]:
            out.append(x)
            continue
        residual = [max(0.0, a - b) for a, b in zip(p[i], q[i])]
        out.append(sample(residual if sum(residual) > 0 else p[i], rng))
        return out
    out.append(sample(p[len(proposal)], rng))
    return out


@torch.no_grad()
def speculative_sample(target: Transformer, draft: Transformer,
                       prompt: torch.Tensor, max_new_tokens: int,
                       k: int = 4, temperature: float = 1.0,
                       seed: int = 0) -> tuple[torch.Tensor,
                                               SpeculativeStats]:
    """Speculative sampling (batch 1): the draft samples k tokens at
    `temperature`, the target checks them in one pass and
    `accept_or_resample` keeps or replaces them, so the output follows the
    target's own sampling
    distribution at that temperature."""
    assert prompt.shape[0] == 1 and temperature > 0
    device, rng = prompt.device, random.Random(seed)
    target.setup_cache(1)
    draft.setup_cache(1)
    stats = SpeculativeStats()

    def probs(model, tokens, start):
        positions = torch.arange(start, start + tokens.shape[1],
                                 device=device)[None]
        logits = model(tokens, positions)[0].float()
        return torch.softmax(logits / temperature, dim=-1)

    length = prompt.shape[1]
    first = sample(probs(target, prompt, 0)[-1].tolist(), rng)
    stats.target_calls += 1
    seq = prompt[0].tolist() + [first]
    draft_valid = 0
    while len(seq) - length < max_new_tokens:
        n = len(seq)
        q_rows, proposal = [], []
        unseen = torch.tensor([seq[draft_valid:]], device=device)
        row = probs(draft, unseen, draft_valid)[-1]
        for i in range(k):
            q_rows.append(row.tolist())
            proposal.append(sample(q_rows[-1], rng))
            if i < k - 1:
                last = torch.tensor([[proposal[-1]]], device=device)
                row = probs(draft, last, n + i)[-1]
        checked = torch.tensor([seq[-1:] + proposal], device=device)
        p_rows = probs(target, checked, n - 1).tolist()
        stats.target_calls += 1
        kept = accept_or_resample(p_rows, q_rows, proposal, rng)
        agree = len(kept) - 1
        stats.proposed += k
        stats.accepted += agree
        stats.pattern.append(agree)
        seq += kept
        draft_valid = n + min(agree, k - 1)
    out = torch.tensor([seq[: length + max_new_tokens]], device=device)
    return out, stats


def expected_tokens_per_pass(alpha: float, k: int) -> float:
    """Leviathan et al. 2023, eq. 1: tokens a target pass yields when each
    draft token is accepted with probability alpha."""
    if alpha >= 1:
        return float(k + 1)
    return (1 - alpha ** (k + 1)) / (1 - alpha)


def acceptance_from_tokens_per_pass(tokens: float, k: int) -> float:
    """The alpha whose expected tokens per pass (above) equals a measured
    mean, by bisection."""
    low, high = 0.0, 1.0
    for _ in range(60):
        mid = (low + high) / 2
        if expected_tokens_per_pass(mid, k) < tokens:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def expected_speedup(alpha: float, k: int, draft_cost: float,
                     verify_cost: float = 1.0) -> float:
    """Leviathan et al. 2023 (their c is draft_cost): tokens per pass over
    the pass's cost in target steps, k draft steps at `draft_cost` each and
    one verification of k + 1 tokens at `verify_cost` (1.0 in the
    paper)."""
    cost = k * draft_cost + verify_cost
    return expected_tokens_per_pass(alpha, k) / cost
