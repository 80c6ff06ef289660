"""`book check`: everything a branch must pass before merging, step by step over one Book, one verdict at the end.

Every step skips its work when its inputs did not change since it last ran here: a step is keyed on the SHA-256 of
each file it reads, the toolchain's own files, requirements.lock, the Python version and the settings that change
its verdict (STRICT, BOOK_LANG); a step whose key is stored replays what it printed then, with its status. The
notebooks step has its own store (a notebook runs only when its inputs changed) and re-checks the results every
time against the current code. So a check after no change only re-reads and re-hashes the files.
Stored under <cache root>/check/; `--no-cache`, or `make clean-cache`, runs every step again.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from ..cache import cache_dir, read_json, write_json
from ..checks import claims, draft_notes, figures, print_layout, toc, todo, verify
from ..execution.keys import file_sha256
from ..findings import strict
from ..messages import say
from ..reading.book import Book
from . import notebooks as notebooks_command
from . import site as site_command
from .claims import tally
from .sources import tally as sources_tally
from .report import report
from .todo import counts

console = Console(highlight=False, soft_wrap=True)  # a verdict line is never broken, at any width
CACHE_VERSION = "1"
SKIPPED_PARTS = {"__pycache__", ".ipynb_checkpoints", ".cache"}


def step_toc(book: Book, args) -> int:
    findings, _ = toc.check(book)
    return report(findings, "text", "book toc")


def step_claims(book: Book, args) -> int:
    result = claims.check(book, strict())
    args.claims_result = result  # the verification step reuses the claims found here
    return report(result.findings + draft_notes.check(book, strict()), "text", "book claims", notes=[tally(result)])


def step_verify(book: Book, args) -> int:
    """Figures against the source documents kept here; where there are none (CI), an info line and no failure (a
    registry `file:` that is not on this machine counts as none; `book sources verify` reports it). Pending
    citations are the claims step's findings already: here they are only counted."""
    if not (book.registry.usable and verify.documents_here(book.root, book.registry.sources, existing=True)):
        print(f"book sources verify：{say('sources-verify:no-documents')}")
        return 0
    outcome = verify.check(book, getattr(args, "claims_result", None), missing_is_error=False)
    return report([f for f in outcome.findings if f.code != "pending-citation"], "text", "book sources verify",
                  notes=[f"  {sources_tally(outcome)}"])


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


def step_figures(book: Book, args) -> int:
    return report(figures.check(book), "text", "book figures")


def step_print(book: Book, args) -> int:
    """What would not fit the printed page (code lines wider than the text block); no typesetting."""
    return report(print_layout.check(book, strict()), "text", "book print")


def step_notebooks(book: Book, args) -> int:
    args.paths, args.scale, args.update_outputs, args.passthrough = [], None, False, []
    args.jobs, args.force, args.format = getattr(args, "jobs", None), False, "text"
    memo = StepCache(book.root)
    validated = memo.load("notebook-validity") or {}
    args.validated = validated if isinstance(validated, dict) else {}
    status = notebooks_command.run(args, book)
    memo.save("notebook-validity", args.validated)
    return status


def step_site(book: Book, args) -> int:
    return site_command.build(book, draft=False, out=None, keep=False)  # the strict build is the check


# ---------------------------------------------------------------------------------------------------- inputs

def files_under(root: Path, folder: str, suffixes: tuple[str, ...] | None = None) -> list[Path]:
    base = root / folder
    if base.is_file():
        return [base]
    if not base.is_dir():
        return []
    out = []
    for dirpath, dirs, names in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_PARTS and not d.startswith("."))
        for name in sorted(names):
            if name.endswith((".pyc", ".tmp")) or (suffixes and not name.endswith(suffixes)):
                continue
            out.append(Path(dirpath) / name)
    return out


def toolchain(root: Path) -> list[Path]:
    """The toolchain's own files (code, configuration, templates) and the pinned packages."""
    return files_under(root, "tools/book") + files_under(root, "requirements.lock") + files_under(root, "pyproject.toml")


def prose_inputs(root: Path) -> list[Path]:
    """What the TOC, claims and TODO steps read: the manuscript (sources.yaml included), the TOC, the schemas."""
    return files_under(root, "manuscript") + files_under(root, "toc") + files_under(root, "schemas")


def print_inputs(root: Path) -> list[Path]:
    """What the print step reads: the prose, the notebooks, and print.yaml's code_columns."""
    return prose_inputs(root) + files_under(root, "code", (".ipynb",)) + files_under(root, "print.yaml")


def site_inputs(root: Path) -> list[Path]:
    """What the strict site build reads: the prose, the notebooks and the rest of code/ it may show or link to,
    mkdocs.yml (the theme and its plugins are pinned in requirements.lock)."""
    return prose_inputs(root) + files_under(root, "code") + files_under(root, "mkdocs.yml")


def figure_inputs(root: Path) -> list[Path]:
    """What the figures step reads: the prose (the figures under manuscript/figures/ included), the results they are
    drawn from and the plotting code (with its font)."""
    return prose_inputs(root) + files_under(root, "code/results") + files_under(root, "code/plots")


# The verify step is not here: the source documents it reads lie outside the repository.
STEP_INPUTS = {"toc": prose_inputs, "claims": prose_inputs, "lint": prose_inputs, "todo": prose_inputs,
               "figures": figure_inputs, "print": print_inputs, "site": site_inputs}
STEP_SETTINGS = {"toc": ("BOOK_LANG",), "claims": ("STRICT", "BOOK_LANG"), "lint": ("STRICT", "BOOK_LANG"),
                 "todo": ("STRICT", "BOOK_LANG"), "figures": ("BOOK_LANG",), "print": ("STRICT", "BOOK_LANG"),
                 "site": ("BOOK_LANG",)}
CACHE_FAILURES = {"toc", "claims", "lint", "todo", "figures", "print"}   # deterministic verdicts; a failed site build runs again


def step_key(root: Path, name: str) -> str:
    files = STEP_INPUTS[name](root) + toolchain(root)
    digest = {p.relative_to(root).as_posix(): file_sha256(p) for p in files}
    settings = {k: os.environ.get(k, "") for k in STEP_SETTINGS[name]}
    if "STRICT" in settings:
        settings["STRICT"] = str(strict())
    doc = {"step": name, "version": CACHE_VERSION, "python": sys.version_info[:2], "files": digest,
           "settings": settings}
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


class StepCache:
    """One JSON entry per step: {key, status, output}; written atomically, a damaged one is ignored."""

    def __init__(self, root: Path):
        self.folder = cache_dir(root, "check", CACHE_VERSION)

    def load(self, name: str):
        return read_json(self.folder / f"{name}.json")

    def save(self, name: str, value) -> None:
        write_json(self.folder / f"{name}.json", value)

    def get(self, name: str, key: str) -> dict | None:
        entry = self.load(name)
        if (isinstance(entry, dict) and entry.get("key") == key and isinstance(entry.get("status"), int)
                and isinstance(entry.get("output"), str)):
            return entry
        return None


class Tee(io.TextIOBase):
    """Writes through to the real stdout and keeps a copy (what the step printed, to replay next time)."""

    def __init__(self, out):
        self.out, self.copy = out, io.StringIO()

    def write(self, text):
        self.copy.write(text)
        return self.out.write(text)

    def flush(self):
        self.out.flush()

    def isatty(self):
        return False                       # the replayed text stays plain

    @property
    def encoding(self):
        return getattr(self.out, "encoding", "utf-8")


def run_step(name: str, step, book: Book, args, cache: StepCache | None) -> tuple[int, bool]:
    """(status, whether it was answered from the cache)."""
    if cache is None or name not in STEP_INPUTS:
        return step(book, args), False
    key = step_key(book.root, name)
    hit = cache.get(name, key)
    if hit is not None:
        sys.stdout.write(hit["output"])
        sys.stdout.flush()
        return hit["status"], True
    tee = Tee(sys.stdout)
    saved = sys.stdout
    sys.stdout = tee
    try:
        status = step(book, args)
    finally:
        sys.stdout = saved
    if status == 0 or name in CACHE_FAILURES:
        cache.save(name, {"key": key, "status": status, "output": tee.copy.getvalue()})
    return status, False


STEPS = [("toc", step_toc), ("claims", step_claims), ("verify", step_verify), ("lint", step_lint), ("todo", step_todo),
         ("figures", step_figures), ("notebooks", step_notebooks), ("print", step_print), ("site", step_site)]


def run(args, book: Book) -> int:
    skip = set(args.skip or [])
    args.format = "text"
    cache = None if getattr(args, "no_cache", False) else StepCache(book.root)
    failed = []
    for name, step in STEPS:
        if name in skip:
            console.print(f"[dim]{escape(say('check:skipped', step=title(name)))}[/dim]")
            continue
        console.rule(f"[bold]{escape(title(name))}")
        started = time.monotonic()
        status, cached = run_step(name, step, book, args, cache)
        verdict = "[green]{}[/green]".format(say("report:ok")) if status == 0 else "[red]{}[/red]".format(say("report:failed"))
        note = f"[dim]{escape(say('check:replayed'))}[/dim]" if cached else ""
        console.print(say("check:verdict", step=escape(title(name)), verdict=verdict,
                          seconds=f"{time.monotonic() - started:.1f}", note=note))
        if status:
            failed.append(name)
    console.rule()
    if failed:
        steps = say("check:list-separator").join(title(name) for name in failed)
        console.print(f"[red bold]{escape(say('check:failed', steps=steps))}[/red bold]")
        return 1
    console.print(f"[green bold]{escape(say('check:passed'))}[/green bold]")
    return 0


def title(name: str) -> str:
    """A step as the author reads it: what it checks, and its name for --skip."""
    return say(f"check:step-{name}")
