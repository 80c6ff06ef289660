"""`book check`: everything a branch must pass before merging, step by step over one Book, one verdict at the end."""
from __future__ import annotations

import time

from rich.console import Console

from ..checks import claims, draft_notes, toc, todo, verify
from ..findings import strict
from ..messages import say
from ..reading.book import Book
from . import notebooks as notebooks_command
from . import site as site_command
from .claims import tally
from .sources import tally as sources_tally
from .report import report
from .todo import counts
from ..messages import say

console = Console(highlight=False)


def step_toc(book: Book, args) -> int:
    findings, _ = toc.check(book)
    return report(findings, "text", "book toc")


def step_claims(book: Book, args) -> int:
    result = claims.check(book, strict())
    args.claims_result = result  # the verification step reuses the claims found here
    status = report(result.findings + draft_notes.check(book, strict()), "text", "book claims")
    print(tally(result))
    return status


def step_verify(book: Book, args) -> int:
    """Figures against the source documents kept here; where there are none (CI), an info line and no failure (a
    registry `file:` that is not on this machine counts as none; `book sources verify` reports it). Pending
    citations are the claims step's findings already: here they are only counted."""
    if not (book.registry.usable and verify.documents_here(book.root, book.registry.sources, existing=True)):
        print(f"book sources verify: {say('sources-verify:no-documents')}")
        return 0
    outcome = verify.check(book, getattr(args, "claims_result", None), missing_is_error=False)
    status = report([f for f in outcome.findings if f.code != "pending-citation"], "text", "book sources verify")
    print(f"  {sources_tally(outcome)}")
    return status
def step_lint(book: Book, args) -> int:
    from .lint import check as lint_check  # warnings; errors under STRICT=1
    return report(lint_check(book), "text", "book lint")


def step_todo(book: Book, args) -> int:
    items, _ = todo.collect(book)
    print(say("todo:check-line", counts=counts(items)))
    if strict() and items:
        print(say("todo:strict", count=len(items)))
        return 1
    return 0


def step_notebooks(book: Book, args) -> int:
    args.paths, args.scale, args.update_outputs, args.passthrough = [], None, False, []
    return notebooks_command.run(args, book)


def step_site(book: Book, args) -> int:
    return site_command.build(book, draft=False, out=None, keep=False)  # the strict build is the check


STEPS = [("toc", step_toc), ("claims", step_claims), ("verify", step_verify), ("lint", step_lint), ("todo", step_todo),
         ("notebooks", step_notebooks), ("site", step_site)]


def run(args, book: Book) -> int:
    skip = set(args.skip or [])
    args.format = "text"
    failed = []
    for name, step in STEPS:
        if name in skip:
            console.print(f"[dim]── {name}: skipped (--skip)[/dim]")
            continue
        console.rule(f"[bold]{name}")
        started = time.monotonic()
        status = step(book, args)
        verdict = "[green]ok[/green]" if status == 0 else "[red]failed[/red]"
        console.print(f"{name}: {verdict} ({time.monotonic() - started:.1f} s)")
        if status:
            failed.append(name)
    console.rule()
    if failed:
        console.print(f"[red bold]book check: failed[/red bold] — {', '.join(failed)}")
        return 1
    console.print("[green bold]book check: all checks passed[/green bold]")
    return 0
