"""第6章：批大小为 1 的解码速度与每个权重的字节数，画在带宽屋顶线旁。"""
from __future__ import annotations

from . import figure
from .style import ROOF, new_figure, plain_log_ticks, source_line

VERSIONS = [("bf16", "bf16", "o"), ("int8_naive", "int8 朴素写法", "X"), ("int8", "int8 融合反量化", "s"),
            ("int4", "int4（tinygemm）", "^")]


@figure("ch06-speed", reads=["ch06-quantization"])
def speed(results):
    r = results["ch06-quantization"]
    bandwidth = r.value("memory_bandwidth") * 1e9          # bytes/s, measured copy
    parameters = r.value("weight_bytes_bf16") / 2           # bf16: two bytes a weight
    fig, (ax,) = new_figure(75)
    per_weight = [r.value(f"weight_bytes_{version}") / parameters for version, _, _ in VERSIONS]
    low, high = min(per_weight) * 0.85, max(per_weight) * 1.15
    xs = [low + (high - low) * i / 100 for i in range(101)]
    ax.plot(xs, [bandwidth / (x * parameters) for x in xs], **ROOF, label="带宽上限：实测带宽 ÷ 每步读的权重字节数")
    for (version, name, marker), x in zip(VERSIONS, per_weight):
        y = r.value(f"decode_tokens_per_s_{version}")
        ax.plot([x], [y], linestyle="none", marker=marker, markersize=6, color="#1a1a1a",
                markerfacecolor="white" if version == "int8_naive" else "#1a1a1a", label=f"{name}：{y:,.1f} token/s")
    ax.set_yscale("log")
    plain_log_ticks(ax.yaxis)
    ax.set_xlim(high, low)  # fewer bytes to the right: faster
    ax.set_xlabel("每个权重的字节数（含缩放系数；越往右越少）")
    ax.set_ylabel("批大小为 1 的解码速度（token/s）")
    ax.legend(loc="lower left")
    source_line(fig, r.chapter, f"{r.device}，{r.value('weight_gb_bf16'):.2f} GB bf16 权重的模型")
    return fig
