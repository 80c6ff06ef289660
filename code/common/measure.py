"""Timing that means something on a GPU: warm-up, synchronize, several repeats, the median; and peak memory."""
from __future__ import annotations

import statistics
import time
from contextlib import contextmanager

import torch


def synchronize(device) -> None:
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)


def timeit(fn, device: torch.device, warmup: int = 1, repeat: int = 3) -> float:
    """Median wall-clock seconds of fn() after warm-up runs, with the GPU's queue drained around each run."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        synchronize(device)
        started = time.perf_counter()
        fn()
        synchronize(device)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@contextmanager
def peak_memory(device: torch.device):
    """Yields a dict whose 'bytes' holds the peak GPU memory allocated inside the block (None on a CPU)."""
    result = {"bytes": None}
    if device.type == "cuda":
        synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)
    yield result
    if device.type == "cuda":
        synchronize(device)
        result["bytes"] = torch.cuda.max_memory_allocated(device)


def memory_bandwidth(device: torch.device, megabytes: int = 256, repeat: int = 5) -> float:
    """Bytes per second a large device-to-device copy moves, counting the bytes read and the bytes written."""
    n = megabytes * 2**20 // 4
    src = torch.empty(n, dtype=torch.float32, device=device).fill_(1.0)
    dst = torch.empty_like(src)
    seconds = timeit(lambda: dst.copy_(src), device, warmup=2, repeat=repeat)
    return 2 * src.numel() * src.element_size() / seconds


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    import platform
    return platform.processor() or platform.machine() or "cpu"
