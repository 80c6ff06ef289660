"""Timing that means something on a GPU: warm-up, synchronize, several
repeats, the median with every run kept; and where the time goes."""
from __future__ import annotations

import os
import statistics
import time
from contextlib import contextmanager

import torch

REPEAT = 5  # a timing the book prints: the median of at least 5 runs


def synchronize(device) -> None:
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)


def timed(fn, device: torch.device, warmup: int = 1,
          repeat: int = REPEAT) -> tuple[float, list[float]]:
    """(median, runs): wall-clock seconds of fn() after warm-up runs,
    the GPU's queue drained around each run."""
    for _ in range(warmup):
        fn()
    runs = []
    for _ in range(repeat):
        synchronize(device)
        started = time.perf_counter()
        fn()
        synchronize(device)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), runs


def profile(fn, device: torch.device) -> list[tuple[str, int, float]]:
    """(name, calls, microseconds) of what one call of fn() ran, longest
    first, from torch.profiler: on a GPU each kernel and its device time
    (kernels replayed from a CUDA graph included), on a CPU each
    operator and its own time (without the operators it called)."""
    from torch.autograd import DeviceType
    from torch.profiler import ProfilerActivity
    # Kineto logs each start and stop on stderr (its USDT level, 5) when
    # it first starts; nbval would see that as output.
    os.environ.setdefault("KINETO_LOG_LEVEL", "6")
    cuda = device.type == "cuda"
    activities = [ProfilerActivity.CPU]
    if cuda:
        activities.append(ProfilerActivity.CUDA)
    synchronize(device)
    with torch.profiler.profile(activities=activities) as prof:
        fn()
        synchronize(device)
    totals: dict[str, list] = {}
    if cuda:
        for event in prof.events():
            if event.device_type == DeviceType.CUDA:
                entry = totals.setdefault(event.name, [0, 0.0])
                entry[0] += 1
                entry[1] += event.device_time_total
    else:
        for average in prof.key_averages():
            if average.self_cpu_time_total > 0:
                totals[average.key] = [average.count,
                                       average.self_cpu_time_total]
    return sorted(((name, calls, us) for name, (calls, us)
                   in totals.items()), key=lambda row: -row[2])


@contextmanager
def peak_memory(device: torch.device):
    """Yields a dict whose 'bytes' holds the peak GPU memory allocated
    inside the block (None on a CPU)."""
    result = {"bytes": None}
    if device.type == "cuda":
        synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)
    yield result
    if device.type == "cuda":
        synchronize(device)
        result["bytes"] = torch.cuda.max_memory_allocated(device)


def allocated(device: torch.device) -> int | None:
    """Bytes of GPU memory held by tensors now (None on a CPU)."""
    if device.type != "cuda":
        return None
    synchronize(device)
    return torch.cuda.memory_allocated(device)


def memory_bandwidth(device: torch.device, megabytes: int = 256,
                     repeat: int = REPEAT) -> tuple[float, list[float]]:
    """(median, runs) of the bytes per second a large device-to-device
    copy moves, bytes read plus bytes written."""
    n = megabytes * 2**20 // 4
    src = torch.empty(n, dtype=torch.float32, device=device).fill_(1.0)
    dst = torch.empty_like(src)
    _, runs = timed(lambda: dst.copy_(src), device, warmup=2,
                    repeat=repeat)
    rates = [2 * src.numel() * src.element_size() / t for t in runs]
    return statistics.median(rates), rates


def matmul_flops(device: torch.device, n: int, dtype: torch.dtype,
                 repeat: int = REPEAT) -> tuple[float, list[float]]:
    """(median, runs) of the FLOP/s of an n×n×n matrix product on
    random data."""
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    _, runs = timed(lambda: a @ b, device, warmup=2, repeat=repeat)
    rates = [2 * n**3 / t for t in runs]
    return statistics.median(rates), rates


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    import platform
    return platform.processor() or platform.machine() or "cpu"
