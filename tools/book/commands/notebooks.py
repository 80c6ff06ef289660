"""`book notebooks [NOTEBOOK...]`: each notebook valid and run under nbval, then the recorded results validated."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from ..checks import notebooks, results
from ..findings import ToolError, rel
from ..reading.book import Book
from .report import report


def run(args, book: Book) -> int:
    repo = book.repo
    scale = args.scale or os.environ.get("BOOK_SCALE", "ci")
    if scale not in notebooks.DEFAULT_CELL_TIMEOUT:
        raise ToolError(f"BOOK_SCALE must be one of {', '.join(notebooks.DEFAULT_CELL_TIMEOUT)}, not {scale!r}")
    paths = [Path(p).resolve() for p in args.paths] or repo.notebooks()
    if not paths:
        raise ToolError(f"no notebooks under {rel(repo.code, repo.root)}/ch*/")
    invalid = [f for nb in paths for f in notebooks.load_findings(nb, rel(nb, repo.root))]
    if invalid:
        return report(invalid, args.format, "book notebooks")
    if args.update_outputs:
        return notebooks.update_outputs(paths, repo, scale)
    log = sys.stderr if args.format == "json" else sys.stdout  # the JSON document alone goes to stdout
    found = notebooks.run(repo, paths, scale, args.passthrough, log=log)
    found += results.results_findings(repo)
    return report(found, args.format, "book notebooks")
