"""`book figures [NAME...]` (`make figures`): redraws the figures whose inputs changed since they were drawn, and
those not drawn yet; `--force` redraws them all. CPU only, seconds. The drawing code is the repository's own
code/plots (loaded from this repository, not from wherever Python would find a `plots`); `book check` reports the
same staleness (stale-figure) without drawing."""
from __future__ import annotations

import importlib
import importlib.util
import sys
import time
from pathlib import Path

from ..cache import write_atomic
from ..checks.figures import FIGURES_DIR, PLOTS_DIR, changed_inputs, recorded_key
from ..findings import ERROR, ToolError
from ..messages import finding, say
from ..reading.book import Book
from .report import report


def load_plots(root: Path):
    """The package code/plots of this repository, imported as `plots` (replacing one from another checkout)."""
    package = root / PLOTS_DIR
    init = package / "__init__.py"
    if not init.is_file():
        raise ToolError(say("cli:no-such-path", path=package))
    loaded = sys.modules.get("plots")
    if loaded is not None and Path(loaded.__file__).resolve() == init.resolve():
        return loaded
    for name in [m for m in sys.modules if m == "plots" or m.startswith("plots.")]:
        del sys.modules[name]
    spec = importlib.util.spec_from_file_location("plots", init, submodule_search_locations=[str(package)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["plots"] = module
    spec.loader.exec_module(module)
    return module


def run(args, book: Book) -> int:
    started = time.monotonic()
    root = book.root
    plots = load_plots(root)
    draw = importlib.import_module("plots.draw")
    figures = plots.load()
    names = args.names or list(figures)
    unknown = [n for n in names if n not in figures]
    if unknown:
        raise ToolError(say("figures:unknown", name=", ".join(unknown), known=", ".join(figures)))
    findings, drawn, fresh = [], 0, 0
    for name in names:
        svg = root / FIGURES_DIR / f"{name}.svg"
        changes = changed_inputs(root, recorded_key(svg)) if svg.is_file() else None
        if changes == [] and not args.force:
            fresh += 1
            continue
        try:
            data = draw.render(figures[name], root)
        except draw.FigureProblem as problem:
            module = figures[name].module
            findings.append(finding(book.shown(module), 1, 1, ERROR, "figures:failed", "stale-figure", figure=name,
                                    problem=str(problem)))
            continue
        write_atomic(svg, data)
        drawn += 1
        why = (say("figures:why-forced") if args.force and changes == [] else ", ".join(changes) if changes
               else say("figures:why-missing"))
        print(say("figures:drawn", path=book.shown(svg), why=why), flush=True)
    notes = [say("figures:summary", drawn=drawn, fresh=fresh, seconds=f"{time.monotonic() - started:.1f}")]
    return report(findings, args.format, "book figures", notes=notes if args.format == "text" else None,
                  extra={"drawn": drawn, "fresh": fresh})
