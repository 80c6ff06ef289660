"""第4章：每个新 token 的耗时随上下文长度的变化，带缓存与每步重算。"""
from __future__ import annotations

from . import figure
from .style import ROOF, SERIES, log_axes, new_figure, source_line

CONTEXTS = [256, 1024, 4096, 16384]


@figure("ch04-step", reads=["ch04-kv-cache"])
def step_time(results):
    r = results["ch04-kv-cache"]
    contexts = [n for n in CONTEXTS if r.has(f"cached_ms_ctx{n}")]
    recompute = [r.value(f"recompute_ms_ctx{n}") for n in contexts]
    cached = [r.value(f"cached_ms_ctx{n}") for n in contexts]
    bound = [r.value(f"cached_roofline_ms_ctx{n}") for n in contexts]

    fig, (ax,) = new_figure(75)
    ax.plot(contexts, recompute, **SERIES[1], label="每步重算整段序列")
    ax.plot(contexts, cached, **SERIES[0], label="带 KV Cache（编译后的一步）")
    ax.plot(contexts, bound, **ROOF, label="下限：（权重 + 已填充的 KV）÷ 实测带宽")
    for n, slow, fast in zip(contexts, recompute, cached):
        ax.annotate(f"{slow / fast:.1f} 倍", (n, (slow * fast) ** 0.5), ha="left", va="center", fontsize=7.5,
                    xytext=(4, 0), textcoords="offset points")
    log_axes(ax, contexts, [f"{n:,}" for n in contexts])
    ax.set_xlabel("上下文长度（token）")
    ax.set_ylabel("生成一个新 token 的耗时（ms）")
    ax.legend(loc="upper left")
    source_line(fig, r.chapter, r.device)
    return fig
