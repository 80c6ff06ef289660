"""The book's figures, drawn from the measured results in code/results/ and nothing else.

Each chapter module (`ch04.py`, …) declares its figures with `@figure("ch04-step", reads=["ch04-kv-cache"])`: the
name is the file `manuscript/figures/ch04-step.svg`, `reads` the results files (stems under code/results/) the
drawing may open. A drawing gets those results and a figure of the print width and returns nothing; every value it
plots comes from a results file (a spec-sheet value too: recorded in the results with its source).

`book figures` (`make figures`) redraws the figures whose inputs changed; `book check` reports them (stale-figure)
without drawing. A figure's inputs are its results files, its chapter module and this package's shared modules, the
font file and the matplotlib version; they are recorded inside the SVG (see draw.py).

Nothing here is imported by a notebook or by code/common, so a change to a figure never makes a result stale.
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

PACKAGE = Path(__file__).resolve().parent
CHAPTER_MODULE = re.compile(r"^ch\d{2}$")


@dataclass(frozen=True)
class Figure:
    name: str                 # the SVG's stem: manuscript/figures/<name>.svg
    reads: tuple[str, ...]    # results files it draws from (stems under code/results/)
    draw: Callable            # draw(fig, results) where results maps each stem to a Results
    module: Path              # the chapter module that defines it


FIGURES: dict[str, Figure] = {}


def figure(name: str, reads: list[str]):
    """Declares a figure drawn by the decorated function from the results files `reads`."""
    def register(draw: Callable) -> Callable:
        module = Path(importlib.import_module(draw.__module__).__file__).resolve()
        if name in FIGURES and FIGURES[name].module != module:
            raise ValueError(f"figure {name!r} is declared twice ({FIGURES[name].module.name}, {module.name})")
        FIGURES[name] = Figure(name, tuple(reads), draw, module)
        return draw
    return register


def load() -> dict[str, Figure]:
    """Every figure of every chapter module, by name, in name order."""
    for path in sorted(PACKAGE.glob("ch*.py")):
        if CHAPTER_MODULE.match(path.stem):
            importlib.import_module(f"{__name__}.{path.stem}")
    return dict(sorted(FIGURES.items()))


def shared_modules() -> list[Path]:
    """The package's modules that every figure's drawing goes through (all but the chapter modules)."""
    return sorted(p for p in PACKAGE.glob("*.py") if not CHAPTER_MODULE.match(p.stem))
