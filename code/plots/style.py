"""How every figure of the book looks: the print width, the pinned font, type sizes, greyscale-safe series styles and
the source line. Sizes are in points at the print width (140 mm, the text width of a 16 开 page), so a label set at
7 pt here prints at 7 pt."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display; the SVG backend writes the files

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, NullFormatter  # noqa: E402
from matplotlib.transforms import blended_transform_factory  # noqa: E402

FONT = Path(__file__).resolve().parent / "fonts" / "NotoSansSC-figures.otf"
WIDTH_MM = 140
MM = 1 / 25.4
SMALLEST_PT = 7.0     # nothing prints smaller than this (the source line is exactly this)

# Series tell apart by line style and marker as well as shade: the figures read in greyscale.
SERIES = [
    {"color": "#1a1a1a", "linestyle": "-", "marker": "o"},
    {"color": "#5a5a5a", "linestyle": "--", "marker": "s"},
    {"color": "#8c8c8c", "linestyle": "-.", "marker": "^"},
    {"color": "#3d3d3d", "linestyle": ":", "marker": "D"},
]
ROOF = {"color": "#7a7a7a", "linestyle": (0, (6, 3)), "linewidth": 1.0}   # a bound, not a measurement
HATCHES = ["", "///", "...", "xx"]
BAR_SHADES = ["#3a3a3a", "#bdbdbd", "#ffffff", "#7f7f7f"]

RC = {
    "font.family": "sans-serif",
    "font.size": 8.0,
    "axes.titlesize": 8.0,
    "axes.labelsize": 8.0,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7.5,
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.minor.width": 0.4,
    "ytick.minor.width": 0.4,
    "lines.linewidth": 1.2,
    "lines.markersize": 4.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.linewidth": 0.3,
    "grid.color": "#d0d0d0",
    "legend.frameon": False,
    "axes.unicode_minus": True,
    "svg.fonttype": "path",         # glyphs as outlines: the figure looks the same without the font installed
    "svg.hashsalt": "llm-inference-book",  # clip-path and glyph ids stay the same from one drawing to the next
    "svg.id": None,
    "figure.dpi": 72,
}


def font_name() -> str:
    """Registers the repository's font with matplotlib (once) and returns its family name."""
    if not FONT.is_file():
        raise FileNotFoundError(f"the figures' font is missing: {FONT}")
    if not any(Path(f.fname).resolve() == FONT for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(FONT))
    return font_manager.FontProperties(fname=str(FONT)).get_name()


def rc() -> dict:
    return {**RC, "font.sans-serif": [font_name()]}


def new_figure(height_mm: float, ncols: int = 1) -> tuple[Figure, list]:
    """A figure of the print width and the given height, with `ncols` axes side by side."""
    fig = Figure(figsize=(WIDTH_MM * MM, height_mm * MM), layout="constrained")
    fig.get_layout_engine().set(h_pad=2 * MM, w_pad=2 * MM)
    axes = fig.subplots(1, ncols, squeeze=False)[0].tolist()
    return fig, axes


def source_line(fig: Figure, chapter: int, device: str) -> None:
    """数据来源：第N章代码示例，<device>: under the plot, at the smallest size the book prints."""
    fig.supxlabel(f"数据来源：第{chapter}章代码示例，{device}", x=0.0, ha="left", fontsize=SMALLEST_PT,
                  color="#4d4d4d")


def plain_log_ticks(axis) -> None:
    """Tick labels of a log axis as plain numbers (1,000 rather than 10³): no mathtext, whose fonts are not ours."""
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.{decimals(value)}f}"))
    axis.set_minor_formatter(NullFormatter())


def log_axes(ax, ticks: list, labels: list[str]) -> None:
    """Both axes logarithmic, x in powers of two (batch sizes, contexts and slots double) ticked at the values
    measured, y in plain numbers."""
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(ticks, labels)
    plain_log_ticks(ax.yaxis)


def decimals(value: float) -> int:
    return 0 if value >= 1 else len(f"{value:.10f}".rstrip("0").split(".")[1])


def mark_x(ax, x: float, text: str) -> None:
    """A vertical rule at x with its label near the bottom of the axes (a knee, a chosen setting)."""
    ax.axvline(x, color="#4d4d4d", linewidth=0.8, linestyle=":")
    ax.text(x, 0.04, text + " ", transform=blended_transform_factory(ax.transData, ax.transAxes), ha="right",
            va="bottom", fontsize=7.5)


def label_bars(ax, bars, texts: list[str]) -> None:
    for bar, text in zip(bars, texts):
        ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()), xytext=(0, 2),
                    textcoords="offset points", ha="center", va="bottom", fontsize=SMALLEST_PT)
