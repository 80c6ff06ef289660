"""第5章：静态批处理与连续批处理：一条泊松请求流上的延迟分位数；结果里有到达率扫描时，吞吐量与首 token 延迟随负载的
变化，标出 goodput。"""
from __future__ import annotations

from . import figure
from .style import BAR_SHADES, HATCHES, ROOF, SERIES, label_bars, new_figure, plain_log_ticks, source_line

SCHEDULERS = [("static", "静态批处理"), ("continuous", "连续批处理")]


@figure("ch05-latency", reads=["ch05-batching"])
def latency(results):
    r = results["ch05-batching"]
    if r.has("static_rate0_tokens_per_s"):
        return sweep(r)
    fig, axes = new_figure(72, ncols=2)
    panels = [("ttft", "首 token 延迟 TTFT（ms，对数坐标）", True), ("tpot", "每个输出 token 的时间 TPOT（ms）", False)]
    for ax, (metric, title, log) in zip(axes, panels):
        width = 0.38
        for k, (scheduler, name) in enumerate(SCHEDULERS):
            values = [r.value(f"{scheduler}_{metric}_{q}") for q in ("p50", "p99")]
            bars = ax.bar([i + (k - 0.5) * width for i in range(2)], values, width, label=name,
                          color=BAR_SHADES[k], edgecolor="#1a1a1a", linewidth=0.6, hatch=HATCHES[k])
            label_bars(ax, bars, [f"{v:,}" for v in values])  # as recorded, as the chapter prints them
        ax.set_xticks([0, 1], ["中位数（p50）", "p99"])
        ax.set_title(title, loc="left")
        ax.grid(axis="x", visible=False)
        if log:
            ax.set_yscale("log")
            plain_log_ticks(ax.yaxis)
        ax.margins(y=0.15)
    axes[1].legend(loc="upper left")
    source_line(fig, r.chapter, f"{r.device}；请求按每秒 {r.value('arrival_rate'):.1f} 个的泊松过程到达，"
                                f"{r.value('capacity_requests_per_s'):.1f} 个/秒容量的六成")
    return fig


def sweep(r):
    """Per arrival rate (config arrival_rates; metrics <scheduler>_rate<i>_<key>): tokens/s and p99 TTFT, each
    scheduler's goodput (the highest rate meeting both targets) marked, the TTFT target drawn."""
    rates = r.config("arrival_rates")
    fig, axes = new_figure(72, ncols=2)
    panels = [("tokens_per_s", "吞吐量（token/s）", False), ("ttft_p99", "p99 首 token 延迟（ms，对数坐标）", True)]
    for ax, (key, title, log) in zip(axes, panels):
        for k, (scheduler, name) in enumerate(SCHEDULERS):
            shown = [(rate, r.value(f"{scheduler}_rate{i}_{key}")) for i, rate in enumerate(rates)
                     if r.has(f"{scheduler}_rate{i}_{key}")]
            ax.plot([x for x, _ in shown], [y for _, y in shown], **SERIES[k], label=name)
            if r.has(f"goodput_{scheduler}") and r.value(f"goodput_{scheduler}"):
                ax.axvline(r.value(f"goodput_{scheduler}"), color=SERIES[k]["color"], linestyle=":", linewidth=0.8)
        if key == "ttft_p99" and r.has("ttft_target_ms"):
            ax.axhline(r.value("ttft_target_ms"), **ROOF, label="TTFT 目标")
        ax.set_title(title, loc="left")
        ax.set_xlabel("到达率（请求/秒；虚线为各自的 goodput）")
        if log:
            ax.set_yscale("log")
        plain_log_ticks(ax.yaxis)
    axes[0].legend(loc="upper left")
    axes[1].legend(loc="upper left")
    source_line(fig, r.chapter, r.device)
    return fig
