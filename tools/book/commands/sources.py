"""`book sources verify [PATH...] [--fill [--dry-run]]`: each cited figure checked against the source's local document.

`--format json` adds `claims` (file, line, col, figure, source, page, status, candidates) and, with --fill, `fill`.
`--fill` writes the page of each pending citation whose figures are together on exactly one page (atomically, only
those citations), then reports the book as it now is; `--dry-run` prints the diff instead and writes nothing.
"""
from __future__ import annotations

from ..checks import verify
from ..findings import ToolError
from ..messages import say
from ..reading.book import Book
from .report import report


def tally(outcome: verify.Outcome) -> str:
    c = outcome.counts()
    return say("sources-verify:summary", total=len(outcome.verdicts), verified=c[verify.VERIFIED],
               mismatch=c[verify.PAGE_MISMATCH], not_found=c[verify.NOT_FOUND], pending=c[verify.PENDING],
               no_text=c[verify.NO_TEXT], by_hand=c[verify.BY_HAND], bad_page=c[verify.BAD_PAGE],
               unreadable=c[verify.UNREADABLE], no_document=c[verify.NO_DOCUMENT])


def fill_report(plan: verify.FillPlan, dry_run: bool) -> list[str]:
    lines = []
    if plan.edits:
        lines.append(say("sources-verify:would-fill" if dry_run else "sources-verify:filled", count=len(plan.edits)))
        lines += [f"  {e.file}:{e.line}: {e.old} → {e.new}" for e in plan.edits]
    else:
        lines.append(say("sources-verify:nothing-to-fill"))
    if plan.skipped:
        lines.append(say("sources-verify:left-alone", count=len(plan.skipped)))
        lines += [f"  {r.file}:{r.line}:{r.col}: “{r.figure}” {why}" for r, why in plan.skipped]
    return lines


def run(args, book: Book) -> int:
    if args.action != "verify":  # argparse allows only verify; kept for a clear error if more are added
        raise ToolError(say("cli:unknown-action", action=args.action))
    if args.dry_run and not args.fill:
        raise ToolError(say("sources-verify:dry-run-alone"))
    book.markdown_paths()  # a PATH that does not exist is bad usage, documents or not
    if not book.registry.usable:  # nothing can be verified: say why
        return report(book.registry.findings, args.format, "book sources verify", {"claims": []})
    outcome = verify.check(book)
    extra: dict = {}
    if args.fill:
        plan = verify.plan_fill(book, outcome.verdicts)
        if args.dry_run:
            diff = verify.fill_diff(plan)
            if args.format == "text" and diff:
                print(diff, end="")
        else:
            verify.write_fill(book.root, plan)
            if plan.edits:  # report the book as it is now
                book = Book(book.repo, book.paths)
                outcome = verify.check(book)
        if args.format == "text":
            print("\n".join(fill_report(plan, args.dry_run)))
        extra["fill"] = {
            "written": bool(plan.edits) and not args.dry_run,
            "edits": [{"file": e.file, "line": e.line, "old": e.old, "new": e.new} for e in plan.edits],
            "skipped": [{"file": r.file, "line": r.line, "col": r.col, "figure": r.figure, "why": why}
                        for r, why in plan.skipped]}
        if args.dry_run:
            extra["fill"]["diff"] = verify.fill_diff(plan)
    extra["claims"] = [v.row() for v in outcome.verdicts]
    if not outcome.documents and args.format == "text":
        print(say("sources-verify:no-documents"))
    status = report(outcome.findings, args.format, "book sources verify", extra,
                    summary_extra={"statuses": outcome.counts(), "documents": len(outcome.documents)})
    if args.format == "text" and outcome.verdicts:
        print(tally(outcome))
    return status
