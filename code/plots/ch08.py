"""第8章：每千次查询的成本：逐个服务与连续批处理；结果里有槽位数扫描时，成本随槽位数的变化（满负载与服务等级内）。"""
from __future__ import annotations

from . import figure
from .style import BAR_SHADES, HATCHES, SERIES, label_bars, log_axes, new_figure, source_line


@figure("ch08-cost", reads=["ch08-production"])
def cost(results):
    r = results["ch08-production"]
    if (r.data.get("config") or {}).get("slot_counts"):
        return per_slot_count(r)
    ways = [("baseline", "逐个服务"), ("batched", f"连续批处理（{r.config('slots')} 个槽位）")]
    fig, axes = new_figure(68, ncols=2)
    panels = [("cost_per_1000", "每千次查询的成本（美元）", lambda v: f"${v:.4f}"),
              ("queries_per_s", "每秒完成的查询数", lambda v: f"{v:,.2f}")]
    for ax, (metric, title, shown) in zip(axes, panels):
        values = [r.value(f"{way}_{metric}") for way, _ in ways]
        bars = ax.bar(range(len(ways)), values, 0.55, color=BAR_SHADES[:2], edgecolor="#1a1a1a", linewidth=0.6)
        for bar, hatch in zip(bars, HATCHES):
            bar.set_hatch(hatch)
        label_bars(ax, bars, [shown(v) for v in values])
        ax.set_xticks(range(len(ways)), [name for _, name in ways])
        ax.set_title(title, loc="left")
        ax.grid(axis="x", visible=False)
        ax.margins(y=0.18)
    source_line(fig, r.chapter, f"{r.device}，按本书假设的 GPU 单价每小时 {r.value('gpu_price_per_hour'):.2f} 美元换算")
    return fig


def per_slot_count(r):
    """Cost per 1,000 queries against the number of slots (config slot_counts): at full load, and at the Poisson load
    the notebook serves within its p99 targets (a hollow marker where a slot count misses them)."""
    slots = r.config("slot_counts")
    fig, (ax,) = new_figure(72)
    ax.plot(slots, [r.value(f"cost_per_1000_slots{n}") for n in slots], **SERIES[0], label="满负载（所有查询一开始就在队列里）")
    at_slo = [n for n in slots if r.has(f"cost_per_1000_at_slo_slots{n}")]
    ax.plot(at_slo, [r.value(f"cost_per_1000_at_slo_slots{n}") for n in at_slo], **SERIES[1], label="泊松到达，服务等级之内")
    missed = [n for n in at_slo if r.has(f"meets_slo_slots{n}") and not r.value(f"meets_slo_slots{n}")]
    if missed:
        ax.plot(missed, [r.value(f"cost_per_1000_at_slo_slots{n}") for n in missed], linestyle="none", marker="o",
                markersize=8, markerfacecolor="white", color="#1a1a1a", label="未达到 p99 服务等级")
    log_axes(ax, slots, [str(n) for n in slots])
    ax.set_xlabel("缓存槽位数（同时服务的请求数）")
    ax.set_ylabel("每千次查询的成本（美元）")
    ax.legend(loc="upper right")
    source_line(fig, r.chapter, f"{r.device}，按本书假设的 GPU 单价每小时 {r.value('gpu_price_per_hour'):.2f} 美元换算")
    return fig
