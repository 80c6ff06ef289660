"""`book claims [PATH...]`: every data claim needs a citation with a page; `--format json` adds the ledger (`claims`)."""
from __future__ import annotations

from ..checks import claims, draft_notes
from ..findings import strict
from ..reading.book import Book
from .report import report


def run(args, book: Book) -> int:
    wants_ledger = args.format == "json"
    result = claims.check(book, strict(), ledger=wants_ledger)
    findings = result.findings + draft_notes.check(book, strict())
    return report(findings, args.format, "book claims", {"claims": result.ledger()} if wants_ledger else None)


def tally(result: claims.ClaimsResult) -> str:
    count = {s: sum(c.status == s for c in result.claims) for s in ("cited", "pending", "todo", "no-cite")}
    return (f"  {len(result.claims)} data claim(s): {count['cited']} cited, {count['pending']} pending, "
            f"{count['todo']} source to be found (TODO(data)), {count['no-cite']} opted out (no-cite)")
