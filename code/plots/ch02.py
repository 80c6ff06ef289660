"""第2章：批大小与解码吞吐量，画在屋顶线上。"""
from __future__ import annotations

from . import figure
from .style import ROOF, SERIES, mark_x, new_figure, plain_log_ticks, source_line

BATCHES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]


@figure("ch02-roofline", reads=["ch02-gpu-hardware"])
def roofline(results):
    r = results["ch02-gpu-hardware"]
    batches = [b for b in BATCHES if r.has(f"tokens_per_s_batch{b}")]
    measured = [r.value(f"tokens_per_s_batch{b}") for b in batches]
    bandwidth = r.value("memory_bandwidth")           # GB/s, measured device-to-device copy
    tflops = r.value("matmul_tflops")                 # TFLOP/s, measured bf16 matmul
    weight_bytes = r.value("weight_bytes")
    # Each token of a batch costs ~2 FLOPs per weight (weight_bytes FLOPs for bf16); each step reads the weights once.
    bandwidth_roof = [b * bandwidth * 1e9 / weight_bytes for b in batches]
    compute_roof = tflops * 1e12 / weight_bytes
    knee = r.value("knee_batch_measured")

    fig, (ax,) = new_figure(80)
    ax.plot(batches, [min(roof, compute_roof) for roof in bandwidth_roof], **ROOF,
            label=f"屋顶线（实测拷贝带宽 {bandwidth:,.0f} GB/s，实测矩阵乘 {tflops:,.0f} TFLOP/s）")
    ax.plot(batches, measured, **SERIES[0], label="实测：编译后解码（CUDA graph）")
    mark_x(ax, knee, f"拐点：批大小 {knee:.0f}")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(batches, [str(b) for b in batches])
    plain_log_ticks(ax.yaxis)
    ax.set_xlabel("批大小（同时解码的序列数）")
    ax.set_ylabel("吞吐量（token/s）")
    ax.legend(loc="upper left")
    source_line(fig, r.chapter, r.device)
    return fig
