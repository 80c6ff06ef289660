"""`book claims [PATH...]`: every data claim needs a citation with a page; `--format json` adds the ledger (`claims`)."""
from __future__ import annotations

from ..checks import claims, draft_notes, drafts
from ..findings import strict
from ..messages import say
from ..reading.book import Book
from .report import report


def run(args, book: Book) -> int:
    wants_ledger = args.format == "json"
    result = claims.check(book, strict(), ledger=wants_ledger)
    findings = result.findings + draft_notes.check(book, strict()) + drafts.check(book, strict())
    return report(findings, args.format, "book claims", {"claims": ledger(book, result)} if wants_ledger else None)


def ledger(book: Book, result: claims.ClaimsResult) -> list[dict]:
    """The claims ledger; a claim whose source has a document here also carries its verification (`verification`:
    source, page, status, candidates per cited source), found through the claim each verdict was made from. The
    verifier's own findings belong to `book sources verify`. Each claim has its page in the last draft PDF
    (`pdf_page`, the PDF's own page index from 1), or null and `pdf_page_reason`."""
    from ..checks import print_layout, verify  # only the JSON ledger needs them
    outcome = verify.check(book, result, all_documents=False, missing_is_error=False)
    checked: dict[int, list[dict]] = {}
    for verdict in outcome.verdicts:
        if verdict.status == verify.NO_DOCUMENT:
            continue  # nothing was computed
        row = verdict.row()
        checked.setdefault(id(verdict.claim.claim), []).append(
            {k: row[k] for k in ("source", "page", "status", "candidates")})
    page_of = print_layout.page_lookup(book)
    rows = []
    for claim in result.claims:
        row = claim.row()
        if id(claim) in checked:
            row["verification"] = checked[id(claim)]
        row["pdf_page"], reason = page_of(row["path"], row["line"])
        if reason:
            row["pdf_page_reason"] = reason
        rows.append(row)
    return rows


def tally(result: claims.ClaimsResult, book: Book) -> str:
    """The claims in numbers. The open items are counted as `book todo` counts them: one per pending citation
    (`p. ?`, as the warnings count them) and one per TODO(data) note, each of which may cover several figures."""
    from ..checks import todo
    count = {s: sum(c.status == s for c in result.claims) for s in ("cited", "pending", "todo", "no-cite")}
    pending = sum(f.code == "pending-citation" for f in result.findings)
    notes = sum(len(todo.todo_notes(book, source)) for source in book.files if source.problem is None)
    return say("claims:tally", total=len(result.claims), cited=count["cited"], no_cite=count["no-cite"],
               pending=pending, waiting=count["pending"], notes=notes, todo=count["todo"])
