"""Two schedulers for a queue of requests on one model: static batching and continuous (iteration-level) batching.

Both run the same model with a static KV cache whose rows are slots. Static batching fills the slots, runs until the
longest request of the batch is done, then takes the next batch; continuous batching refills a slot as soon as its
request finishes, every iteration. Greedy decoding: both return the same tokens for every request.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import torch

from .measure import synchronize
from .model import Transformer


@dataclass
class Request:
    rid: int
    prompt: torch.Tensor        # (T,) token ids
    max_new_tokens: int
    arrival: float = 0.0        # seconds after the start of the run at which the request can be served
    output: list[int] = field(default_factory=list)
    first_token_at: float | None = None
    finished_at: float | None = None

    @property
    def done(self) -> bool:
        return len(self.output) >= self.max_new_tokens


@dataclass
class RunStats:
    iterations: int = 0          # decode iterations (one model call each, over all occupied slots)
    prefills: int = 0
    slot_steps: int = 0          # slot × iteration pairs, busy or idle
    busy_slot_steps: int = 0     # of those, the ones that produced a token
    seconds: float = 0.0

    @property
    def utilization(self) -> float:
        return self.busy_slot_steps / self.slot_steps if self.slot_steps else 0.0


def _prefill(model: Transformer, request: Request, slot: int, device) -> int:
    prompt = request.prompt.to(device)[None]
    positions = torch.arange(prompt.shape[1], device=device)[None]
    return int(model(prompt, positions, slots=torch.tensor([slot], device=device))[0, -1].argmax())


def _decode_step(model: Transformer, live: list[tuple[int, Request]], slots: int, stats: RunStats, clock,
                 device) -> None:
    """One iteration: the next token of every live (slot, request), in one model call over their cache rows."""
    tokens = torch.tensor([r.output[-1] for _, r in live], device=device)[:, None]
    positions = torch.tensor([len(r.prompt) + len(r.output) - 1 for _, r in live], device=device)[:, None]
    logits = model(tokens, positions, slots=torch.tensor([s for s, _ in live], device=device))
    for (_, request), token in zip(live, logits[:, -1].argmax(-1).tolist()):
        request.output.append(token)
        if request.done:
            request.finished_at = clock()
    stats.iterations += 1
    stats.slot_steps += slots
    stats.busy_slot_steps += len(live)


@torch.no_grad()
def run_static(model: Transformer, requests: list[Request], slots: int, device) -> RunStats:
    """Batches of `slots` requests in arrival order; a batch holds its slots until its longest request is done."""
    model.setup_cache(slots)
    stats, started = RunStats(), time.perf_counter()
    clock = lambda: time.perf_counter() - started  # noqa: E731
    queue = sorted(requests, key=lambda r: r.arrival)
    for first in range(0, len(queue), slots):
        batch = queue[first: first + slots]
        while clock() < max(r.arrival for r in batch):  # a static batch waits until it is full
            time.sleep(0.0005)
        for slot, request in enumerate(batch):
            request.output = [_prefill(model, request, slot, device)]
            stats.prefills += 1
        synchronize(device)
        for request in batch:
            request.first_token_at = clock()
        while not all(r.done for r in batch):
            _decode_step(model, [(s, r) for s, r in enumerate(batch) if not r.done], slots, stats, clock, device)
        for request in batch:
            request.finished_at = request.finished_at or clock()
    stats.seconds = clock()
    return stats


@torch.no_grad()
def run_continuous(model: Transformer, requests: list[Request], slots: int, device) -> RunStats:
    """Every iteration: admit waiting requests into free slots (prefill), then one decode step for all busy slots."""
    model.setup_cache(slots)
    stats, started = RunStats(), time.perf_counter()
    clock = lambda: time.perf_counter() - started  # noqa: E731
    waiting = sorted(requests, key=lambda r: r.arrival)
    busy: dict[int, Request] = {}
    while waiting or busy:
        for slot in range(slots):
            if slot not in busy and waiting and waiting[0].arrival <= clock():
                request = waiting.pop(0)
                request.output = [_prefill(model, request, slot, device)]
                synchronize(device)
                request.first_token_at = clock()
                stats.prefills += 1
                if request.done:
                    request.finished_at = clock()
                else:
                    busy[slot] = request
        if not busy:
            time.sleep(0.0005)  # nothing to run until the next arrival
            continue
        _decode_step(model, sorted(busy.items()), slots, stats, clock, device)
        busy = {slot: request for slot, request in busy.items() if not request.done}
    stats.seconds = clock()
    return stats
