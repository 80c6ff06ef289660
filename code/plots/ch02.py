"""第2章：批大小与解码吞吐量，画在屋顶线上（实测的拷贝带宽与矩阵乘法；结果里有数据手册的数值时也画出）。"""
from __future__ import annotations

import re

from . import figure
from .style import ROOF, SERIES, log_axes, mark_x, new_figure, source_line

# tokens_per_s_batch64 (one context), or tokens_per_s_batch64_ctx4096 (a sweep per context length)
THROUGHPUT = re.compile(r"^tokens_per_s_batch(?P<batch>\d+)(?:_ctx(?P<context>\d+))?$")
SPEC_ROOF = {**ROOF, "linestyle": ":", "color": "#9a9a9a"}


def sweeps(r) -> dict[int | None, dict[int, float]]:
    """Context length (None when the results record one) -> batch size -> measured tokens/s."""
    found: dict[int | None, dict[int, float]] = {}
    for name in r.metric_names():
        m = THROUGHPUT.match(name)
        if m:
            context = int(m["context"]) if m["context"] else None
            found.setdefault(context, {})[int(m["batch"])] = r.value(name)
    return dict(sorted(found.items(), key=lambda item: item[0] or 0))


def roof(batches, context, weight_bytes, kv_bytes, bandwidth_gb, tflops):
    """Tokens/s a step can reach: each step reads the weights and every sequence's KV cache once (bandwidth), and
    spends about one FLOP per weight byte per sequence (bf16: two FLOPs per two-byte weight)."""
    out = []
    for b in batches:
        step_bytes = weight_bytes + b * (context or 0) * kv_bytes
        out.append(min(b * bandwidth_gb * 1e9 / step_bytes, tflops * 1e12 / weight_bytes))
    return out


@figure("ch02-roofline", reads=["ch02-gpu-hardware"])
def roofline(results):
    r = results["ch02-gpu-hardware"]
    measured = sweeps(r)
    weight_bytes = r.value("weight_bytes")
    kv_bytes = r.value("kv_bytes_per_token") if r.has("kv_bytes_per_token") else 0
    bandwidth, tflops = r.value("memory_bandwidth"), r.value("matmul_tflops")
    fig, (ax,) = new_figure(80)
    for k, (context, rates) in enumerate(measured.items()):
        batches = sorted(rates)
        where = f"，上下文 {context:,} token" if context else ""
        ax.plot(batches, roof(batches, context, weight_bytes, kv_bytes, bandwidth, tflops),
                **(ROOF if k == 0 else {**ROOF, "linestyle": (0, (2, 2))}),
                label=f"屋顶线（实测值{where}）")
        if k == 0 and r.has("spec_bandwidth") and r.has("spec_bf16_tflops"):
            spec_bw, spec_tf = r.value("spec_bandwidth"), r.value("spec_bf16_tflops")
            ax.plot(batches, roof(batches, context, weight_bytes, kv_bytes, spec_bw, spec_tf), **SPEC_ROOF,
                    label=f"屋顶线（数据手册{where}）")
        ax.plot(batches, [rates[b] for b in batches], **SERIES[k % len(SERIES)],
                label=f"实测（编译后解码{where}）")
        knee = f"knee_batch_ctx{context}" if context else "knee_batch_measured"
        if r.has(knee) and k == 0:
            mark_x(ax, r.value(knee), f"拐点：批大小 {r.value(knee):.0f}")
    ticks = sorted({b for rates in measured.values() for b in rates})
    log_axes(ax, ticks, [str(b) for b in ticks])
    ax.set_xlabel("批大小（同时解码的序列数）")
    ax.set_ylabel("吞吐量（token/s）")
    ax.legend(loc="upper left")  # above the curves, which climb from lower left to upper right
    source_line(fig, r.chapter, r.device)
    return fig
