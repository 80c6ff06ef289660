"""Serving a stream of requests on one model: static and continuous
(iteration-level) batching, chunked prefill and a prefix cache.

Both schedulers run the same engine: a static KV cache whose rows are
slots, and one decode step over all slots per iteration (idle slots compute
a token nobody reads, as a fixed-shape batch on a GPU does), compiled with
CUDA graphs on a GPU. Static batching takes the requests waiting when its
slots are all free and runs them until the longest is done; continuous
batching refills a slot as soon as its request finishes, every iteration.
Greedy decoding: every schedule gives a request the same tokens.

Requests arrive on a clock (a Poisson trace). Each records when each of its
tokens was ready: time to first token (TTFT), time per output token (TPOT)
and the gaps between tokens follow.
"""
from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field

import torch

from .decode import Decoder
from .measure import synchronize, timed
from .model import Transformer


@dataclass
class Request:
    rid: int
    prompt: torch.Tensor      # (T,) token ids
    max_new_tokens: int
    arrival: float = 0.0      # seconds after the run's start
    prefix_len: int = 0       # leading prompt tokens shared with others
    output: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)  # each token's

    @property
    def done(self) -> bool:
        return len(self.output) >= self.max_new_tokens

    @property
    def ttft(self) -> float:
        return self.times[0] - self.arrival

    @property
    def tpot(self) -> float | None:
        """Mean seconds per output token after the first (None for a
        one-token answer)."""
        n = len(self.times)
        if n < 2:
            return None
        return (self.times[-1] - self.times[0]) / (n - 1)

    @property
    def gaps(self) -> list[float]:
        """Seconds between consecutive output tokens."""
        return [b - a for a, b in zip(self.times, self.times[1:])]

    def fresh(self) -> "Request":
        return Request(self.rid, self.prompt, self.max_new_tokens,
                       self.arrival, self.prefix_len)


@dataclass
class RunStats:
    iterations: int = 0       # decode steps (one call over all slots)
    prefills: int = 0         # prefill calls (a chunk is one)
    slot_steps: int = 0       # slot × iteration pairs, busy or idle
    busy_slot_steps: int = 0  # of those, the ones that made a token
    largest_prefill: int = 0  # most prompt tokens one prefill call ran
    prefix_hits: int = 0      # requests whose shared prefix was cached
    reused_tokens: int = 0    # prompt tokens read from the prefix cache
    prompt_tokens: int = 0
    seconds: float = 0.0      # start of the run to its last token

    @property
    def utilization(self) -> float:
        if not self.slot_steps:
            return 0.0
        return self.busy_slot_steps / self.slot_steps


class Clock:
    """Seconds since the run began. Waiting for the next arrival jumps the
    clock ahead instead of sleeping: nothing runs meanwhile, so the result
    is the same, and a run at a low arrival rate costs only its compute."""

    def __init__(self):
        self.started = time.perf_counter()
        self.skipped = 0.0

    def __call__(self) -> float:
        return time.perf_counter() - self.started + self.skipped

    def wait_until(self, t: float) -> None:
        self.skipped += max(0.0, t - self())

    def account(self, steps: int = 0, prefill_tokens: int = 0) -> None:
        """Work just done: the wall clock has counted it already."""


class CostClock(Clock):
    """A clock that charges each decode step and each prefill call a
    fixed cost (measured once) instead of reading the wall clock: on a
    CPU shared with other work, a run gives the same times every time."""

    def __init__(self, step_s: float, prefill_s: float,
                 prefill_token_s: float = 0.0):
        self.step_s, self.prefill_s = step_s, prefill_s
        self.prefill_token_s = prefill_token_s
        self.t = 0.0

    def __call__(self) -> float:
        return self.t

    def wait_until(self, t: float) -> None:
        self.t = max(self.t, t)

    def account(self, steps: int = 0, prefill_tokens: int = 0) -> None:
        self.t += steps * self.step_s
        if prefill_tokens:
            per_token = self.prefill_token_s
            self.t += self.prefill_s + prefill_tokens * per_token


def poisson_trace(n: int, rate: float, data: torch.Tensor, seed: int,
                  prompt_lengths=(16, 64),
                  output_lengths=(16, 32, 64, 128, 256)) -> list[Request]:
    """`n` requests whose arrivals form a Poisson process of `rate`
    requests per second (exponential gaps), with prompts cut from `data`
    and output lengths drawn from `output_lengths`; the same for the same
    seed everywhere."""
    rng = random.Random(seed)
    requests, t = [], 0.0
    for rid in range(n):
        t += rng.expovariate(rate)
        length = rng.randint(*prompt_lengths)
        start = rng.randrange(0, len(data) - length)
        requests.append(Request(rid, data[start:start + length],
                                rng.choice(output_lengths), arrival=t))
    return requests


def percentile(values, q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


class Engine:
    """A model with `slots` cache rows of `max_len` positions and one
    decode step over all rows.

    `prefill_len`: every prompt is padded on the right to that length, so
    that the prefill too has one shape and runs compiled; the padding
    writes cache positions that decoding overwrites before any query sees
    them. Without it, prompts are prefilled eagerly at their own length.
    `prefix_cache`: the keys and values of a request's shared prefix
    (`Request.prefix_len`, a system prompt) are kept after its first
    prefill; a later request starting with the same tokens copies them
    into its slot and prefills only the rest of its prompt."""

    def __init__(self, model: Transformer, slots: int, max_len: int,
                 compiled: bool = False, prefill_len: int | None = None,
                 prefix_cache: bool = False):
        self.model, self.slots, self.max_len = model, slots, max_len
        self.prefill_len = prefill_len
        self.device = model.tok_embeddings.weight.device
        model.setup_cache(slots, max_len)
        self.decoder = Decoder(model, compiled)
        self.prefiller = Decoder(model,
                                 compiled and prefill_len is not None)
        # shared prefix tokens -> [(keys, values) of each layer]
        self.prefixes: dict | None = {} if prefix_cache else None

    def caches(self):
        return [layer.attention.cache for layer in self.model.layers]

    def check_fits(self, request: Request) -> None:
        length = len(request.prompt)
        too_long = self.prefill_len and length > self.prefill_len
        if length + request.max_new_tokens > self.max_len or too_long:
            raise ValueError(
                f"request {request.rid} does not fit the engine's lengths")

    def reuse_prefix(self, request: Request, slot: int,
                     stats: RunStats) -> int:
        """Copy a cached shared prefix into the slot: positions done."""
        n = request.prefix_len
        if self.prefixes is None or not n:
            return 0
        saved = self.prefixes.get(tuple(request.prompt[:n].tolist()))
        if saved is None or n >= len(request.prompt):
            return 0
        for cache, (k, v) in zip(self.caches(), saved):
            cache.k[slot, :, :n] = k
            cache.v[slot, :, :n] = v
        stats.prefix_hits += 1
        stats.reused_tokens += n
        return n

    def keep_prefix(self, request: Request, slot: int) -> None:
        n = request.prefix_len
        key = tuple(request.prompt[:n].tolist())
        if self.prefixes is None or not n or key in self.prefixes:
            return
        self.prefixes[key] = [(c.k[slot, :, :n].clone(),
                               c.v[slot, :, :n].clone())
                              for c in self.caches()]

    @torch.no_grad()
    def prefill(self, request: Request, slot: int, start: int = 0,
                end: int | None = None) -> int:
        """Run prompt positions [start, end) into the slot's cache; the
        greedy token after position end - 1."""
        prompt = request.prompt.to(self.device)
        end = len(prompt) if end is None else end
        piece = prompt[start:end]
        if self.prefill_len and start == 0 and end == len(prompt):
            pad = piece.new_zeros(self.prefill_len - len(piece))
            piece = torch.cat([piece, pad])
        positions = torch.arange(start, start + len(piece),
                                 device=self.device)[None]
        slot_ids = torch.tensor([slot], device=self.device)
        out = self.prefiller(piece[None], positions, start + len(piece),
                             slot_ids)
        return int(out[0, end - start - 1])

    def step(self, live: dict[int, Request], stats: RunStats,
             clock) -> None:
        """One iteration: the next token of every live request (slot ->
        request), all slots in one call."""
        # An idle slot writes its dummy token's keys at the last position,
        # which no request uses (check_fits): a slot still being
        # prefilled in chunks keeps its prompt.
        tokens = [0] * self.slots
        positions = [self.max_len - 1] * self.slots
        for slot, r in live.items():
            tokens[slot] = r.output[-1]
            positions[slot] = len(r.prompt) + len(r.output) - 1
        out = self.decoder(
            torch.tensor(tokens, device=self.device)[:, None],
            torch.tensor(positions, device=self.device)[:, None],
            self.max_len)[:, -1].tolist()
        clock.account(steps=1)
        now = clock()
        for slot, r in live.items():
            r.output.append(out[slot])
            r.times.append(now)
        stats.iterations += 1
        stats.slot_steps += self.slots
        stats.busy_slot_steps += len(live)

    def warm_up(self) -> None:
        """Compile and capture the decode step (and a prefill) before
        anything is timed."""
        dummy = Request(-1, torch.zeros(4, dtype=torch.long), 2)
        for _ in range(3):
            dummy.output = [self.prefill(dummy, 0)]
            self.step({0: dummy}, RunStats(), Clock())
        synchronize(self.device)

    def admit(self, request: Request, slot: int, stats: RunStats) -> int:
        """Give a request a slot and copy its cached prefix there, if any:
        returns the prompt positions already done."""
        self.check_fits(request)
        stats.prompt_tokens += len(request.prompt)
        return self.reuse_prefix(request, slot, stats)

    def prefill_more(self, request: Request, slot: int, done: int,
                     stats: RunStats, clock, chunk: int | None) -> int:
        """Prefill the rest of the prompt (chunk None) or its next `chunk`
        tokens; the first token is out once the prompt is done. Returns
        the prompt positions done."""
        end = len(request.prompt) if chunk is None else min(
            len(request.prompt), done + chunk)
        token = self.prefill(request, slot, done, end)
        clock.account(prefill_tokens=end - done)
        stats.prefills += 1
        stats.largest_prefill = max(stats.largest_prefill, end - done)
        if done < request.prefix_len <= end:
            self.keep_prefix(request, slot)
        if end == len(request.prompt):
            synchronize(self.device)
            request.output = [token]
            request.times = [clock()]
        return end


def unit_costs(engine: Engine, data: torch.Tensor,
               lengths=(16, 128)) -> tuple[float, float, float]:
    """Measured seconds of one decode step over all slots, and of one
    prefill as a fixed part plus a part per prompt token (the line through
    two prompt lengths): the charges of a CostClock."""
    device = engine.device
    tokens = torch.zeros(engine.slots, 1, dtype=torch.long, device=device)
    positions = torch.full((engine.slots, 1), engine.max_len // 2,
                           device=device)
    step_s = timed(lambda: engine.decoder(tokens, positions,
                                          engine.max_len), device,
                   warmup=3)[0]
    short, long = (timed(lambda: engine.prefill(
        Request(-1, data[:n], 1), 0), device, warmup=2)[0]
        for n in lengths)
    per_token = max(0.0, (long - short) / (lengths[1] - lengths[0]))
    return step_s, max(0.0, short - per_token * lengths[0]), per_token


def run_static(engine: Engine, requests: list[Request],
               clock: Clock | None = None) -> RunStats:
    """Whenever all slots are free: take the requests that have arrived
    (up to one per slot), or wait for the next one, and run that batch
    until its longest request is done. `clock`: a fresh one per run
    (default: the wall clock)."""
    stats, clock = RunStats(), clock or Clock()
    queue = sorted(requests, key=lambda r: r.arrival)
    first = 0
    while first < len(queue):
        clock.wait_until(queue[first].arrival)
        now = clock()
        batch = [r for r in queue[first:first + engine.slots]
                 if r.arrival <= now]
        first += len(batch)
        for slot, request in enumerate(batch):
            done = engine.admit(request, slot, stats)
            engine.prefill_more(request, slot, done, stats, clock, None)
        live = {slot: r for slot, r in enumerate(batch) if not r.done}
        while live:
            engine.step(live, stats, clock)
            live = {slot: r for slot, r in live.items() if not r.done}
    stats.seconds = max(r.times[-1] for r in queue)
    return stats


def run_continuous(engine: Engine, requests: list[Request],
                   chunk: int | None = None,
                   clock: Clock | None = None) -> RunStats:
    """Every iteration: admit the requests that have arrived into free
    slots, then one decode step for all live slots. Without `chunk` a new
    request's whole prompt is prefilled when it is admitted, and everyone
    decoding waits for it; with `chunk`, each iteration prefills at most
    `chunk` prompt tokens (chunked prefill) before its decode step."""
    stats, clock = RunStats(), clock or Clock()
    waiting = sorted(requests, key=lambda r: r.arrival)
    live: dict[int, Request] = {}
    filling: dict[int, tuple[Request, int]] = {}  # slot -> (request, done)
    while waiting or live or filling:
        for slot in range(engine.slots):
            busy = slot in live or slot in filling
            if busy or not waiting or waiting[0].arrival > clock():
                continue
            request = waiting.pop(0)
            filling[slot] = (request, engine.admit(request, slot, stats))
            if chunk is None:  # the whole prompt now: decoding waits
                request, done = filling.pop(slot)
                engine.prefill_more(request, slot, done, stats, clock,
                                    None)
                if not request.done:
                    live[slot] = request
        if filling:  # one chunk of the request admitted first
            slot = next(iter(filling))
            request, done = filling.pop(slot)
            done = engine.prefill_more(request, slot, done, stats, clock,
                                       chunk)
            if done < len(request.prompt):
                filling = {slot: (request, done), **filling}
            elif not request.done:
                live[slot] = request
        if live:
            engine.step(live, stats, clock)
            live = {slot: r for slot, r in live.items() if not r.done}
        elif not filling and waiting:
            clock.wait_until(waiting[0].arrival)  # idle until an arrival
    stats.seconds = max(r.times[-1] for r in requests)
    return stats


def summary(requests: list[Request], stats: RunStats) -> dict[str, float]:
    """Throughput and latency figures of one run."""
    tokens = sum(len(r.output) for r in requests)
    ttft = [r.ttft for r in requests]
    tpot = [r.tpot for r in requests if r.tpot is not None]
    return {"tokens_per_s": tokens / stats.seconds,
            "requests_per_s": len(requests) / stats.seconds,
            "ttft_p50": percentile(ttft, 0.50),
            "ttft_p99": percentile(ttft, 0.99),
            "tpot_p50": percentile(tpot, 0.50),
            "tpot_p99": percentile(tpot, 0.99),
            "utilization": stats.utilization,
            "iterations": stats.iterations, "seconds": stats.seconds}


def meets_slo(requests: list[Request], ttft: float, tpot: float) -> float:
    """The share of requests whose TTFT and TPOT are both within target."""
    ok = [r.ttft <= ttft and (r.tpot or 0.0) <= tpot for r in requests]
    return sum(ok) / len(ok)
