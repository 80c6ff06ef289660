"""`book check`: everything a branch must pass before merging, step by step over one Book, one verdict at the end."""
from __future__ import annotations

import time

from rich.console import Console

from ..checks import claims, draft_notes, toc, todo
from ..findings import strict
from ..reading.book import Book
from . import notebooks as notebooks_command
from . import site as site_command
from .claims import tally
from .report import report
from .todo import KIND_LABEL, by_kind

console = Console(highlight=False)


def step_toc(book: Book, args) -> int:
    findings, _ = toc.check(book)
    return report(findings, "text", "book toc")


def step_claims(book: Book, args) -> int:
    result = claims.check(book, strict())
    status = report(result.findings + draft_notes.check(book, strict()), "text", "book claims")
    print(tally(result))
    return status


def step_todo(book: Book, args) -> int:
    items, _ = todo.collect(book)
    print(f"book todo: {len(items)} open data item(s) — " +
          ", ".join(f"{KIND_LABEL[k]} {n}" for k, n in by_kind(items).items()) + " (make todo lists them)")
    if strict() and items:
        print("book todo: STRICT=1 fails on open data items")
        return 1
    return 0


def step_notebooks(book: Book, args) -> int:
    args.paths, args.scale, args.update_outputs, args.passthrough = [], None, False, []
    return notebooks_command.run(args, book)


def step_site(book: Book, args) -> int:
    return site_command.build(book, draft=False, out=None, keep=False)  # the strict build is the check


STEPS = [("toc", step_toc), ("claims", step_claims), ("todo", step_todo),
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
