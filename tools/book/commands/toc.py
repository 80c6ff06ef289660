"""`book toc [FILE...]`: parse and check the table of contents; `--format json` adds the parsed model (`toc`)."""
from __future__ import annotations

from ..checks import toc
from ..reading.book import Book
from .report import report


def run(args, book: Book) -> int:
    findings, tocs = toc.check(book, args.paths)
    models = [t.to_dict() if t.parts or not t.findings else None for t in tocs]
    return report(findings, args.format, "book toc", {"toc": models[0] if len(models) == 1 else models})
