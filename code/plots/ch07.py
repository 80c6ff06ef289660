"""第7章：投机采样的加速比与草稿长度：由实测接受率和实测耗时比算出的预期，以及实测的一点。"""
from __future__ import annotations

from . import figure
from .style import SERIES, mark_x, new_figure, source_line

DRAFT_LENGTHS = range(1, 9)


def expected(alpha: float, draft_cost: float, k: int) -> float:
    """Leviathan et al.: tokens per target pass (1 − α^(k+1)) / (1 − α) over the cost of a pass, k c + 1."""
    return (1 - alpha ** (k + 1)) / (1 - alpha) / (k * draft_cost + 1)


@figure("ch07-speedup", reads=["ch07-speculative-decoding"])
def speedup(results):
    r = results["ch07-speculative-decoding"]
    alpha, c = r.value("alpha"), r.value("draft_cost_ratio")
    measured_k = r.config("k")
    ks = list(DRAFT_LENGTHS)
    fig, (ax,) = new_figure(72)
    ax.plot(ks, [expected(alpha, c, k) for k in ks], **SERIES[1],
            label=f"预期（α = {alpha:.3f}，c = {c:.2f}，按原文检查与一步等价）")
    ax.plot([measured_k], [r.value("expected_speedup")], linestyle="none", marker="s", markersize=6,
            color="#5a5a5a", markerfacecolor="white", label="预期（检查的实测耗时）")
    ax.plot([measured_k], [r.value("measured_speedup")], linestyle="none", marker="o", markersize=6,
            color="#1a1a1a", label="实测：按实测接受模式重放 256 个 token")
    ax.axhline(1, color="#7a7a7a", linewidth=0.8)
    mark_x(ax, measured_k, f"实验所用的 k = {measured_k}")
    ax.set_xticks(ks)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("草稿长度 k（每轮猜测的 token 数）")
    ax.set_ylabel("相对目标模型单独解码的加速比（倍）")
    ax.legend(loc="center right")
    source_line(fig, r.chapter, r.device)
    return fig
