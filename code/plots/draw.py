"""Drawing one figure into SVG bytes that carry their own inputs, deterministically.

The SVG records, in its Dublin Core description, the figure's name, the matplotlib version and the SHA-256 of each
input file (its results files, its chapter module, this package's shared modules, the font). `book check` compares
them with the files as they are now (stale-figure); the same inputs always give the same bytes: text is drawn as
outlines of the pinned font, ids come from a fixed salt, and no date is written.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import matplotlib

from . import Figure, shared_modules
from .style import FONT, SMALLEST_PT, rc

KEY_FORMAT = "book-figure/1"
CHAPTER = re.compile(r"^ch(?P<number>\d{2})")


class FigureProblem(Exception):
    """A figure cannot be drawn from what the repository holds (a results file or metric missing, a glyph the font
    lacks); the message says which."""


@dataclass
class Results:
    """One results file as the drawings read it."""
    stem: str
    data: dict

    @property
    def chapter(self) -> int:
        m = CHAPTER.match(self.stem)
        return int(m["number"]) if m else 0

    @property
    def device(self) -> str:
        provenance = self.data.get("provenance") or {}
        return str(provenance.get("device_name") or provenance.get("device") or "")

    def value(self, metric: str) -> float:
        try:
            return self.data["metrics"][metric]["value"]
        except (KeyError, TypeError):
            raise FigureProblem(f"code/results/{self.stem}.json has no metric {metric!r}") from None

    def config(self, name: str):
        try:
            return self.data["config"][name]
        except (KeyError, TypeError):
            raise FigureProblem(f"code/results/{self.stem}.json has no config {name!r}") from None

    def metric_names(self) -> list[str]:
        return list(self.data.get("metrics") or {})

    def has(self, metric: str) -> bool:
        return metric in (self.data.get("metrics") or {})


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def results_path(root: Path, stem: str) -> Path:
    return root / "code" / "results" / f"{stem}.json"


def inputs(figure: Figure, root: Path) -> dict[str, str]:
    """Path (relative to the repository) -> SHA-256 of every file the figure's drawing depends on."""
    files = [results_path(root, stem) for stem in figure.reads]
    files += [figure.module, *shared_modules(), FONT]
    found = {}
    for path in files:
        if not path.is_file():
            raise FigureProblem(f"{figure.name}: {rel(path, root)} does not exist")
        found[rel(path, root)] = sha256(path)
    return dict(sorted(found.items()))


def rel(path: Path, root: Path) -> str:
    path = Path(path).resolve()
    try:
        return path.relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def key_of(figure: Figure, root: Path) -> dict:
    return {"format": KEY_FORMAT, "figure": figure.name, "matplotlib": matplotlib.__version__,
            "inputs": inputs(figure, root)}


def render(figure: Figure, root: Path) -> bytes:
    """The figure as SVG bytes with its key recorded."""
    key = key_of(figure, root)
    results = {}
    for stem in figure.reads:
        try:
            results[stem] = Results(stem, json.loads(results_path(root, stem).read_text(encoding="utf-8")))
        except ValueError as exc:
            raise FigureProblem(f"code/results/{stem}.json is not valid JSON: {exc}") from None
    with matplotlib.rc_context(rc()):
        fig = figure.draw(results)
        out = io.BytesIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Description": json.dumps(key, sort_keys=True)})
        missing_glyphs(fig)  # after drawing: tick labels get their text then
        too_small(fig)
    return out.getvalue()


def too_small(fig) -> None:
    """No text prints below 7 pt at the print width (the figure is drawn at that width)."""
    small = sorted({(t.get_fontsize(), t.get_text()) for t in fig.findobj(matplotlib.text.Text)
                    if t.get_text().strip() and t.get_visible() and t.get_fontsize() < SMALLEST_PT})
    if small:
        raise FigureProblem(f"text below {SMALLEST_PT} pt: {small[:3]}")


def missing_glyphs(fig) -> None:
    """Every character of every text must be in the pinned font (matplotlib would draw a box and only warn)."""
    from fontTools.ttLib import TTFont
    cmap = TTFont(FONT, lazy=True).getBestCmap()
    text = "".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))
    lacking = sorted({ch for ch in text if not ch.isspace() and ord(ch) not in cmap})
    if lacking:
        raise FigureProblem(f"the font {FONT.name} lacks {''.join(lacking)!r}: run `python code/plots/fonts/subset.py` "
                            "(needs Debian's fonts-noto-cjk) and commit the new font")
