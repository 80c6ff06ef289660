"""第8章：每千次查询的成本，逐个服务与连续批处理。"""
from __future__ import annotations

from . import figure
from .style import BAR_SHADES, HATCHES, label_bars, new_figure, source_line


@figure("ch08-cost", reads=["ch08-production"])
def cost(results):
    r = results["ch08-production"]
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
