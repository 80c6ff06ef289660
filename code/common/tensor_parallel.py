"""Megatron-style tensor parallelism of the demo transformer, in worker
processes started with spawn (CUDA cannot be forked).

Each of W ranks keeps 1/W of every block's matrices (Shoeybi et al.
2019, Megatron-LM):

- attention: wq, wk, wv split by output features, that is by heads
  (column-parallel), so each rank attends over its own heads; wo split
  by input features (row-parallel), so each rank's product is a partial
  sum of the block's output, and one all-reduce adds the partial sums;
- feed-forward: w1 and w3 column-parallel, w2 row-parallel, one
  all-reduce;
- the embedding, the norms and the output head are replicated.

So a block costs two all-reduces of batch x tokens x dim values. When W
exceeds the KV-head count, each rank keeps the one KV head its query
heads share: KV heads are replicated, not split, and a rank's KV cache
stops shrinking as W grows.

`launch(worker, world, device_type, ...)` starts the ranks: gloo on CPUs,
NCCL on GPUs (one GPU each). Every worker's environment turns NVLink
multicast off (NCCL_NVLS_ENABLE=0, TORCH_SYMM_MEM_DISABLE_MULTICAST=1,
NVSHMEM_DISABLE_NVLS=1) before anything distributed starts: on shared
GPU hosts a program that uses it can take every GPU out of service.
"""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import tempfile
from pathlib import Path

import torch
import torch.distributed as dist
import torch.distributed._functional_collectives as funcol
import torch.nn as nn

from .model import KVCache, ModelConfig, Transformer

NO_MULTICAST = {"NCCL_NVLS_ENABLE": "0",
                "TORCH_SYMM_MEM_DISABLE_MULTICAST": "1",
                "NVSHMEM_DISABLE_NVLS": "1"}


# ------------------------------------------------------------- sharding

def local_heads(config: ModelConfig, rank: int,
                world: int) -> tuple[int, int, int, int]:
    """(first query head, query heads, first KV head, KV heads) that
    `rank` of `world` keeps."""
    if config.n_head % world:
        raise ValueError(f"{config.n_head} heads do not split over "
                         f"{world} ranks")
    q = config.n_head // world
    kv_heads = config.n_kv_head
    if kv_heads >= world:
        if kv_heads % world:
            raise ValueError(f"{kv_heads} KV heads do not split over "
                             f"{world} ranks")
        kv = kv_heads // world
        return rank * q, q, rank * kv, kv
    if world % kv_heads:
        raise ValueError(f"{world} ranks do not share {kv_heads} KV "
                         f"heads evenly")
    group = config.n_head // kv_heads   # query heads per KV head
    return rank * q, q, rank * q // group, 1


def _keep_rows(linear: nn.Linear, start: int, count: int) -> None:
    """Column-parallel: keep output features [start, start + count)."""
    part = linear.weight.detach()[start:start + count].clone()
    linear.weight = nn.Parameter(part, requires_grad=False)
    linear.out_features = count


def _keep_columns(linear: nn.Linear, start: int, count: int) -> None:
    """Row-parallel: keep input features [start, start + count)."""
    part = linear.weight.detach()[:, start:start + count].clone()
    linear.weight = nn.Parameter(part, requires_grad=False)
    linear.in_features = count


def _sum_over_ranks(module, inputs, output):
    if torch.compiler.is_compiling():
        # A functional collective: traced into the graph (and replayed
        # by the CUDA graph), as gpt-fast's tp.py does.
        return funcol.all_reduce(output, "sum", dist.group.WORLD)
    dist.all_reduce(output)      # eagerly: no compiler to import
    return output


def shard(model: Transformer, rank: int, world: int) -> Transformer:
    """Keep `rank`'s part of every block, in place, with an all-reduce
    after attention and one after the feed-forward; returns the model.
    Its KV caches are set up by `setup_cache` below."""
    if world == 1:
        return model
    c = model.config
    if c.ffn_dim % world:
        raise ValueError(f"feed-forward width {c.ffn_dim} does not "
                         f"split over {world} ranks")
    q0, q, kv0, kv = local_heads(c, rank, world)
    d = c.head_dim
    local = dataclasses.replace(c, dim=q * d, n_head=q, n_kv_head=kv)
    f = c.ffn_dim // world
    for layer in model.layers:
        attention = layer.attention
        _keep_rows(attention.wq, q0 * d, q * d)
        _keep_rows(attention.wk, kv0 * d, kv * d)
        _keep_rows(attention.wv, kv0 * d, kv * d)
        _keep_columns(attention.wo, q0 * d, q * d)
        attention.config = local    # heads and width this rank computes
        attention.register_forward_hook(_sum_over_ranks)
        ffn = layer.feed_forward
        _keep_rows(ffn.w1, rank * f, f)
        _keep_rows(ffn.w3, rank * f, f)
        _keep_columns(ffn.w2, rank * f, f)
        ffn.register_forward_hook(_sum_over_ranks)
    return model


def setup_cache(model: Transformer, max_batch: int,
                max_len: int | None = None) -> None:
    """A static KV cache per layer for the heads that layer keeps (all
    of them when the model is not sharded)."""
    weight = model.tok_embeddings.weight
    for layer in model.layers:
        layer.attention.cache = KVCache(
            max_batch, layer.attention.config, weight.dtype,
            weight.device, max_len)


def random_weights(config: ModelConfig, device: torch.device,
                   dtype: torch.dtype, seed: int = 0) -> Transformer:
    """A model with random weights drawn on `device`, the same on every
    rank (one seed, one kind of device). Built there directly: the meta
    device would first cost seconds of imports in each fresh worker."""
    torch.manual_seed(seed)
    with torch.device(device):
        model = Transformer(config)
    return model.to(dtype).eval()


def weight_bytes(model: nn.Module) -> int:
    return sum(p.numel() * p.element_size() for p in model.parameters())


@torch.no_grad()
def greedy(model: Transformer, prompt: torch.Tensor,
           steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(prefill logits of the last prompt position, `steps` greedy
    tokens) of a batch of prompts, decoding with the KV cache."""
    batch, length = prompt.shape
    setup_cache(model, batch, length + steps)
    positions = torch.arange(length, device=prompt.device)
    logits = model(prompt, positions.expand(batch, length))[:, -1]
    token, out = logits.argmax(-1), []
    for i in range(steps):
        out.append(token)
        position = torch.full((batch, 1), length + i,
                              device=prompt.device)
        token = model(token[:, None], position)[:, -1].argmax(-1)
    return logits, torch.stack(out, dim=1)


# ------------------------------------------------------------- workers

def _entry(rank: int, world: int, device_type: str, threads: int,
           folder: str, worker, args: tuple) -> None:
    os.environ.update(NO_MULTICAST)   # before any communicator exists
    torch.set_num_threads(threads)
    if device_type == "cuda":
        torch.cuda.set_device(rank)
        device = torch.device("cuda", rank)
        backend, bound = "nccl", device
    else:
        device, backend, bound = torch.device("cpu"), "gloo", None
    dist.init_process_group(
        backend, init_method=f"file://{folder}/rendezvous",
        rank=rank, world_size=world, device_id=bound)
    try:
        result = worker(rank, world, device, *args)
        if rank == 0:
            Path(folder, "result.json").write_text(json.dumps(result))
    finally:
        dist.destroy_process_group()


def launch(worker, world: int, device_type: str, *args):
    """Run worker(rank, world, device, *args) on `world` ranks started
    with spawn and return what rank 0's worker returned (JSON-able).
    The worker must be a module's function, importable by name."""
    import torch.multiprocessing as mp
    threads = max(1, torch.get_num_threads() // world)
    with tempfile.TemporaryDirectory(prefix="book-tp-") as folder:
        mp.start_processes(
            _entry, args=(world, device_type, threads, folder, worker,
                          args),
            nprocs=world, join=True, start_method="spawn")
        return json.loads(Path(folder, "result.json").read_text())


def gpus_for(device_type: str, wanted: int) -> int:
    """How many ranks a run gets: `wanted` CPU processes, or as many of
    `wanted` GPUs as this machine has."""
    if device_type != "cuda":
        return wanted
    return max(1, min(wanted, torch.cuda.device_count()))


def link_type(device: torch.device, world: int) -> str:
    """How GPU 0 reaches GPU 1 as `nvidia-smi topo -m` names it (NV18:
    18 NVLinks; PIX, PHB, SYS: PCIe paths); 'none' for one device."""
    if device.type != "cuda" or world < 2:
        return "none"
    try:
        table = subprocess.run(["nvidia-smi", "topo", "-m"],
                               capture_output=True, text=True,
                               timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    for line in table.splitlines():
        cells = line.split()
        if len(cells) > 2 and cells[0] == "GPU0":
            return cells[2]            # the GPU1 column of GPU0's row
    return "unknown"


# ---------------------------------------------------------- measurement

def model_config(full: bool) -> ModelConfig:
    """The timed model. Full size: dim 8192, 8 layers, GQA 64/8, 11.1 GB
    of bf16 weights, so that a decode step is bound by memory bandwidth
    on one GPU and TP=2 halves what each GPU reads. CI: a small one."""
    if full:
        return ModelConfig(dim=8192, n_layer=8, n_head=64, n_kv_head=8,
                           max_seq_len=2048)
    return ModelConfig(dim=128, n_layer=2, n_head=4, n_kv_head=2,
                       max_seq_len=256)


def plan(full: bool, device_type: str, timings: bool = True) -> dict:
    """What `decode_worker` checks and times, at the book's size or the
    CI size. timings=False: the equality check alone."""
    cuda = device_type == "cuda"
    return {
        "config": dataclasses.asdict(model_config(full)),
        "dtype": "bfloat16" if cuda else "float32",
        # prompts, prompt length, greedy steps of the equality check
        "check": (4, 32, 32) if full else (2, 8, 8),
        "timings": timings,
        "compiled": cuda and os.environ.get("BOOK_COMPILE", "1") != "0",
        "start": 64 if full else 8,      # cached positions before timing
        "steps": 32 if full else 4,      # decode steps per timed run
        "repeat": 5 if full else 3,
        # TP=1 batches: 1 and 64, and 32 for two replicas sharing 64
        "tp1_batches": [1, 32, 64] if full else [1, 2, 4],
        "tp_batches": [1, 64] if full else [1, 4],
        # all-reduce message sizes, bytes: 4 KiB to 256 MiB (CI: 1-64 KiB)
        "allreduce_bytes": ([2 ** k for k in range(12, 29, 2)] if full
                            else [2 ** k for k in range(10, 17, 3)]),
    }


def _release(device: torch.device, compiled: bool) -> None:
    """Drop compiled steps (and their CUDA graphs' memory) of a model
    that is no longer used."""
    import gc
    if compiled:     # importing the compiler costs seconds: only if used
        torch._dynamo.reset()
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()


def step_runs(model: Transformer, batch: int, plan: dict,
              device: torch.device) -> list[float]:
    """Seconds per decode step of `batch` sequences, every timed run."""
    from .decode import Decoder, decode_loop
    from .measure import timed
    start, steps = plan["start"], plan["steps"]
    setup_cache(model, batch, start + steps)
    decoder = Decoder(model, plan["compiled"])
    run = decode_loop(decoder, batch, start, steps, start + steps)
    dist.barrier()
    _, runs = timed(run, device, warmup=3, repeat=plan["repeat"])
    return [t / steps for t in runs]


def allreduce_runs(nbytes: int, dtype: torch.dtype, plan: dict,
                   device: torch.device, count: int) -> list[float]:
    """Seconds per all-reduce of `nbytes`, `count` of them back to back
    (captured in a CUDA graph on a GPU, so that launching from Python
    is not what is timed), every timed run."""
    from .measure import timed
    buffer = torch.zeros(nbytes // dtype.itemsize, dtype=dtype,
                         device=device)
    dist.all_reduce(buffer)     # the communicator starts outside capture

    def issue():
        for _ in range(count):
            dist.all_reduce(buffer)
    run = issue
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            issue()
        run = graph.replay
    dist.barrier()
    _, runs = timed(run, device, warmup=2, repeat=plan["repeat"])
    return [t / count for t in runs]


def decode_worker(rank: int, world: int, device: torch.device,
                  plan: dict) -> dict:
    """One rank's part of chapter 9's measurement: the single-device
    reference and TP=1 step times on the full model (every rank at once:
    that is `world` replicas), then the sharded model's equality with the
    reference, its step times, and all-reduce times."""
    config = ModelConfig(**plan["config"])
    dtype = getattr(torch, plan["dtype"])
    n, length, steps = plan["check"]
    prompt = torch.randint(0, config.vocab_size, (n, length),
                           generator=torch.Generator().manual_seed(0))
    prompt = prompt.to(device)
    found = {"world": world, "link": link_type(device, world),
             "device_name": (torch.cuda.get_device_name(device)
                             if device.type == "cuda" else "cpu"),
             "tp1": {}, "tp": {}, "step_allreduce": {}, "allreduce": [],
             "environment": {k: os.environ.get(k) for k in NO_MULTICAST}}

    model = random_weights(config, device, dtype)
    found["weight_bytes"] = weight_bytes(model)
    reference, reference_tokens = greedy(model, prompt, steps)
    for batch in plan["tp1_batches"] if plan["timings"] else []:
        found["tp1"][str(batch)] = step_runs(model, batch, plan, device)
    del model
    _release(device, plan["compiled"])
    if world == 1:
        return found

    model = shard(random_weights(config, device, dtype), rank, world)
    found["weight_bytes_per_rank"] = weight_bytes(model)
    logits, tokens = greedy(model, prompt, steps)
    error = (logits.float() - reference.float()).abs().max()
    found["max_logit_error"] = (error / reference.float().abs().max()
                                ).item()
    found["token_agreement"] = (tokens == reference_tokens
                                ).float().mean().item()
    if not plan["timings"]:
        return found
    for batch in plan["tp_batches"]:
        found["tp"][str(batch)] = step_runs(model, batch, plan, device)
        # The step's own all-reduces: two a layer, batch x dim values.
        found["step_allreduce"][str(batch)] = allreduce_runs(
            batch * config.dim * dtype.itemsize, dtype, plan, device,
            count=2 * config.n_layer)
    del model
    _release(device, plan["compiled"])
    for nbytes in plan["allreduce_bytes"]:
        count = max(1, min(50, 2 ** 28 // nbytes))
        found["allreduce"].append({"bytes": nbytes, "runs": allreduce_runs(
            nbytes, dtype, plan, device, count)})
    return found
