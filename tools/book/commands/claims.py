"""`book claims [PATH...]`: every data claim needs a citation with a page; `--format json` adds the ledger (`claims`)."""
from __future__ import annotations

from ..checks import claims
from ..findings import strict
from ..messages import say
from ..reading.book import Book
from .report import report


def run(args, book: Book) -> int:
    wants_ledger = args.format == "json"
    result = claims.check(book, strict(), ledger=wants_ledger)
    return report(result.findings, args.format, "book claims", {"claims": result.ledger()} if wants_ledger else None)


def tally(result: claims.ClaimsResult) -> str:
    """The claims in numbers. The pending items are counted as `book todo` and the warnings count them: one per
    pending citation (`p. ?`), which may cover several figures of its sentence."""
    count = {s: sum(c.status == s for c in result.claims) for s in ("cited", "pending", "no-cite")}
    pending = sum(f.code == "pending-citation" for f in result.findings)
    return say("claims:tally", total=len(result.claims), cited=count["cited"], no_cite=count["no-cite"],
               pending=pending, waiting=count["pending"])
