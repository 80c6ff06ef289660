"""Two schedulers for a stream of requests on one model: static batching and continuous (iteration-level) batching.

Both run the same engine: a static KV cache whose rows are slots, and one decode step over all slots per iteration
(idle slots compute a token nobody reads, as a fixed-shape batch on a GPU does), compiled with CUDA graphs on a GPU.
Static batching takes the requests waiting when its slots are all free and runs them until the longest is done;
continuous batching refills a slot as soon as its request finishes, every iteration. Greedy decoding: both give every
request the same tokens. Requests arrive on a clock (a Poisson trace); each records when its first token and its
last token were ready, which gives time to first token (TTFT) and time per output token (TPOT).
"""
from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field

import torch

from .decode import Decoder
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

    @property
    def ttft(self) -> float:
        return self.first_token_at - self.arrival

    @property
    def tpot(self) -> float | None:
        """Mean seconds per output token after the first (None for a one-token answer)."""
        n = len(self.output)
        return (self.finished_at - self.first_token_at) / (n - 1) if n > 1 else None

    def fresh(self) -> "Request":
        return Request(self.rid, self.prompt, self.max_new_tokens, self.arrival)


@dataclass
class RunStats:
    iterations: int = 0          # decode iterations (one model call each, over all slots)
    prefills: int = 0
    slot_steps: int = 0          # slot × iteration pairs, busy or idle
    busy_slot_steps: int = 0     # of those, the ones that produced a token somebody asked for
    seconds: float = 0.0         # from the start of the run to the last request's last token

    @property
    def utilization(self) -> float:
        return self.busy_slot_steps / self.slot_steps if self.slot_steps else 0.0


def poisson_trace(n: int, rate: float, data: torch.Tensor, seed: int, prompt_lengths=(16, 64),
                  output_lengths=(16, 32, 64, 128, 256)) -> list[Request]:
    """`n` requests whose arrivals form a Poisson process of `rate` requests per second (exponential gaps), with
    prompts cut from `data` and output lengths drawn from `output_lengths`; the same for the same seed everywhere."""
    rng = random.Random(seed)
    requests, t = [], 0.0
    for rid in range(n):
        t += rng.expovariate(rate)
        length = rng.randint(*prompt_lengths)
        start = rng.randrange(0, len(data) - length)
        requests.append(Request(rid, data[start:start + length], rng.choice(output_lengths), arrival=t))
    return requests


def percentile(values, q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


class Engine:
    """A model with `slots` cache rows of `max_len` positions and one decode step over all rows.

    With `prefill_len`, every prompt is padded on the right to that length, so that the prefill too has one shape
    and runs compiled (`compiled=True`); the padding writes cache positions that decoding overwrites before any
    query can see them. Without it, each prompt is prefilled eagerly at its own length."""

    def __init__(self, model: Transformer, slots: int, max_len: int, compiled: bool = False,
                 prefill_len: int | None = None):
        self.model, self.slots, self.max_len, self.prefill_len = model, slots, max_len, prefill_len
        self.device = model.tok_embeddings.weight.device
        model.setup_cache(slots, max_len)
        self.decoder = Decoder(model, compiled)
        self.prefiller = Decoder(model, compiled and prefill_len is not None)

    @torch.no_grad()
    def prefill(self, request: Request, slot: int) -> int:
        prompt = request.prompt.to(self.device)
        length = len(prompt)
        if length + request.max_new_tokens > self.max_len or (self.prefill_len and length > self.prefill_len):
            raise ValueError(f"request {request.rid} does not fit the engine's lengths")
        if self.prefill_len:
            prompt = torch.cat([prompt, prompt.new_zeros(self.prefill_len - length)])
        positions = torch.arange(len(prompt), device=self.device)[None]
        slot_ids = torch.tensor([slot], device=self.device)
        return int(self.prefiller(prompt[None], positions, len(prompt), slot_ids)[0, length - 1])

    def step(self, live: dict[int, Request], stats: RunStats, clock) -> None:
        """One iteration: the next token of every live request (slot -> request), all slots in one call."""
        tokens, positions = [0] * self.slots, [0] * self.slots
        for slot, r in live.items():
            tokens[slot], positions[slot] = r.output[-1], len(r.prompt) + len(r.output) - 1
        out = self.decoder(torch.tensor(tokens, device=self.device)[:, None],
                           torch.tensor(positions, device=self.device)[:, None], self.max_len)[:, -1].tolist()
        now = clock()
        for slot, r in live.items():
            r.output.append(out[slot])
            if r.done:
                r.finished_at = now
        stats.iterations += 1
        stats.slot_steps += self.slots
        stats.busy_slot_steps += len(live)

    def warm_up(self) -> None:
        """Compile and capture the decode step (and a prefill) before anything is timed."""
        dummy = Request(-1, torch.zeros(4, dtype=torch.long), 2)
        for _ in range(3):
            dummy.output = [self.prefill(dummy, 0)]
            self.step({0: dummy}, RunStats(), lambda: 0.0)
        synchronize(self.device)

    def _admit(self, request: Request, slot: int, stats: RunStats, clock) -> None:
        request.output = [self.prefill(request, slot)]
        synchronize(self.device)
        request.first_token_at = clock()
        stats.prefills += 1
        if request.done:
            request.finished_at = request.first_token_at


def _clock():
    started = time.perf_counter()
    return lambda: time.perf_counter() - started


def _wait_until(clock, t: float) -> None:
    while clock() < t:
        time.sleep(min(0.0005, max(0.0, t - clock())))


def run_static(engine: Engine, requests: list[Request]) -> RunStats:
    """Whenever all slots are free: take the requests that have arrived (up to one per slot), or wait for the next
    one, and run that batch until its longest request is done."""
    stats, clock = RunStats(), _clock()
    queue = sorted(requests, key=lambda r: r.arrival)
    first = 0
    while first < len(queue):
        _wait_until(clock, queue[first].arrival)
        now = clock()
        batch = [r for r in queue[first:first + engine.slots] if r.arrival <= now]
        first += len(batch)
        for slot, request in enumerate(batch):
            engine._admit(request, slot, stats, clock)
        live = {slot: r for slot, r in enumerate(batch) if not r.done}
        while live:
            engine.step(live, stats, clock)
            live = {slot: r for slot, r in live.items() if not r.done}
    stats.seconds = max(r.finished_at for r in queue)
    return stats


def run_continuous(engine: Engine, requests: list[Request]) -> RunStats:
    """Every iteration: admit the requests that have arrived into free slots (prefill), then one decode step for
    all slots."""
    stats, clock = RunStats(), _clock()
    waiting = sorted(requests, key=lambda r: r.arrival)
    live: dict[int, Request] = {}
    while waiting or live:
        for slot in range(engine.slots):
            if slot not in live and waiting and waiting[0].arrival <= clock():
                request = waiting.pop(0)
                engine._admit(request, slot, stats, clock)
                if not request.done:
                    live[slot] = request
        if not live:
            _wait_until(clock, waiting[0].arrival)  # nothing to run until the next arrival
            continue
        engine.step(live, stats, clock)
        live = {slot: r for slot, r in live.items() if not r.done}
    stats.seconds = max(r.finished_at for r in requests)
    return stats


def summary(requests: list[Request], stats: RunStats) -> dict[str, float]:
    """Throughput and latency figures of one run."""
    tokens = sum(len(r.output) for r in requests)
    ttft = [r.ttft for r in requests]
    tpot = [r.tpot for r in requests if r.tpot is not None]
    return {"tokens_per_s": tokens / stats.seconds, "requests_per_s": len(requests) / stats.seconds,
            "ttft_p50": percentile(ttft, 0.50), "ttft_p99": percentile(ttft, 0.99),
            "tpot_p50": percentile(tpot, 0.50), "tpot_p99": percentile(tpot, 0.99),
            "utilization": stats.utilization, "iterations": stats.iterations, "seconds": stats.seconds}
