"""`book check`: everything a branch must pass before merging, step by step, with one verdict at the end."""
from __future__ import annotations

import time

from rich.console import Console

from . import claims_run, todo, toc_run
from .diagnostics import emit, exit_status, strict
from .repo import Repo

console = Console(highlight=False)


def step_toc(repo: Repo, state: dict) -> int:
    findings, _ = toc_run.run(repo, [])
    emit(findings, "text", "book toc")
    return exit_status(findings)


def step_claims(repo: Repo, state: dict) -> int:
    # The documents are kept for the TODO step, which then needs no second pass over the book.
    result = state["claims"] = claims_run.run(repo, [], strict=strict(), keep_documents=True)
    emit(result.findings, "text", "book claims")
    cited = sum(c.status == "cited" for c in result.claims)
    print(f"  {len(result.claims)} data claim(s): {cited} cited, "
          f"{sum(c.status == 'pending' for c in result.claims)} pending, "
          f"{sum(c.status == 'no-cite' for c in result.claims)} opted out (no-cite)")
    return exit_status(result.findings)


def step_todo(repo: Repo, state: dict) -> int:
    items, _ = todo.collect(repo, strict(), state.get("claims"))
    kinds = {k: sum(it.kind == k for it in items) for k in todo.KIND_LABEL}
    print(f"book todo: {len(items)} open data item(s) — " +
          ", ".join(f"{todo.KIND_LABEL[k]} {n}" for k, n in kinds.items()) + " (make todo lists them)")
    if strict() and items:
        print("book todo: STRICT=1 fails on open data items")
        return 1
    return 0


def step_notebooks(repo: Repo, state: dict) -> int:
    from . import notebooks
    return notebooks.main(repo, [], scale=None, extra=[])


def step_site(repo: Repo, state: dict) -> int:
    from . import site
    return site.main(repo, keep=False)  # the strict build is the check; site/ stays as is


STEPS = [("toc", step_toc), ("claims", step_claims), ("todo", step_todo),
         ("notebooks", step_notebooks), ("site", step_site)]


def main(repo: Repo, skip: set[str]) -> int:
    failed, state = [], {}
    for name, step in STEPS:
        if name in skip:
            console.print(f"[dim]── {name}: skipped (--skip)[/dim]")
            continue
        console.rule(f"[bold]{name}")
        started = time.monotonic()
        status = step(repo, state)
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
