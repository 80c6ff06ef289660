"""`book check`: everything a branch must pass before merging, step by step over one Book, one verdict at the end.

Each step is a check (Book in, findings out) with a few notes (the claims tally, the TODO counts); this module
runs them and presents them once: as text, or with `--format json` as one object (`findings`, `summary`, and
`steps`: [{name, status, cached, seconds}]).

Every step skips its work when its inputs did not change since it last ran here: a step is keyed on the SHA-256 of
each file it reads, the toolchain's own files, requirements.lock, the Python version and STRICT; a stored step
gives back its findings and notes, which remember their message ids, so they are shown in the language of the run
that replays them (BOOK_LANG is not part of the key) and in either format. The notebooks step has its own store (a
notebook runs only when its inputs changed); the results step checks the recorded results whenever they exist,
whether or not notebooks run. Stored under <cache root>/check/; `--no-cache`, or `make clean-cache`, runs every step.

Text output shows what matters: errors one a line (in colour on a terminal), expected warnings summed up per code
(`-v` lists each), and the errors once more just before the verdict, so that the last lines show them.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import cache_dir, read_json, write_json
from ..checks import claims, draft_notes, drafts, figures, print_layout, results, toc, todo, verify
from ..checks.typography import GLOSSARY_FILE
from ..execution.keys import file_sha256
from ..findings import ERROR, Finding, exit_status, strict
from ..messages import MESSAGES, data, finding_data, finding_from, from_data, say
from ..reading.book import Book
from . import notebooks as notebooks_command
from . import site as site_command
from .claims import tally
from .lint import check as lint_check
from .report import ORDER, summary, summary_line
from .sources import tally as sources_tally
from .todo import counts

CACHE_VERSION = "2"
SKIPPED_PARTS = {"__pycache__", ".ipynb_checkpoints", ".cache"}
REPEATED_ERRORS = 10  # at most this many errors are shown again before the verdict


@dataclass
class Step:
    """What one step found: its status (0 passed), its findings and its notes (lines shown before its summary)."""
    status: int
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def found(findings: list[Finding], notes: list[str] | None = None) -> Step:
    return Step(exit_status(findings), findings, notes or [])


# ---------------------------------------------------------------------------------------------------- the steps

def step_toc(book: Book, args) -> Step:
    return found(toc.check(book)[0])


def step_claims(book: Book, args) -> Step:
    result = claims.check(book, strict())
    args.claims_result = result  # the verification step reuses the claims found here
    return found(result.findings + draft_notes.check(book, strict()) + drafts.check(book, strict()), [tally(result, book)])


def step_verify(book: Book, args) -> Step:
    """Figures against the source documents kept here; where there are none (CI), a note and no failure (a
    registry `file:` that is not on this machine counts as none; `book sources verify` reports it). Pending
    citations are the claims step's findings already: here they are only counted."""
    if not (book.registry.usable and verify.documents_here(book.root, book.registry.sources, existing=True)):
        return Step(0, [], [say("sources-verify:no-documents-line", reason=say("sources-verify:no-documents"))])
    outcome = verify.check(book, getattr(args, "claims_result", None), missing_is_error=False)
    return found([f for f in outcome.findings if f.code != "pending-citation"], [f"  {sources_tally(outcome)}"])


def step_lint(book: Book, args) -> Step:
    if getattr(args, "no_cache", False):
        return found(lint_check(book))  # warnings; errors under STRICT=1
    memo = FileFindings(book, StepCache(book.root), "lint-files", [book.root / GLOSSARY_FILE, book.repo.sources])
    findings = lint_check(book, memo)
    memo.save()
    return found(findings)


class FileFindings:
    """One check's findings per file, kept by the file's text and everything else the check reads (`context`: the
    glossary, the registry; the toolchain, the Python version and STRICT always): after a prose edit only the edited
    file is checked again. Entries of files no longer there are dropped; a damaged memo is ignored."""

    def __init__(self, book: Book, cache: "StepCache", name: str, context: list[Path]):
        root = book.root
        files = toolchain(root) + [p for p in context if p.exists()]
        doc = {"check": name, "version": CACHE_VERSION, "python": sys.version_info[:2], "strict": strict(),
               "files": {p.relative_to(root).as_posix(): content_key(p) for p in files}}
        self.context = hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()
        self.cache, self.name = cache, name
        stored = cache.load(name)
        self.stored = stored if isinstance(stored, dict) and stored.get("context") == self.context else {}
        self.kept: dict[str, list] = {}

    def key(self, source) -> str:
        return f"{source.shown}:{hashlib.sha256(source.text.encode()).hexdigest()}"

    def get(self, source) -> list[Finding] | None:
        key = self.key(source)
        entry = (self.stored.get("files") or {}).get(key)
        try:
            found = [finding_from(f) for f in entry] if isinstance(entry, list) else None
        except (KeyError, TypeError):
            found = None
        if found is not None:
            self.kept[key] = entry
        return found

    def put(self, source, findings: list[Finding]) -> None:
        self.kept[self.key(source)] = [finding_data(f) for f in findings]

    def save(self) -> None:
        if self.kept != self.stored.get("files"):
            self.cache.save(self.name, {"context": self.context, "files": self.kept})


def step_todo(book: Book, args) -> Step:
    items, _ = todo.collect(book)
    notes = [say("todo:check-line", counts=counts(items))]
    open_data = [it for it in items if it.kind != "draft"]  # a draft at a chapter's end may stay in a release
    if strict() and open_data:
        return Step(1, [], notes + [say("todo:strict", count=len(open_data))])
    return Step(0, [], notes)


def step_notebooks(book: Book, args) -> Step:
    """Every notebook valid and run under nbval where its inputs changed (progress on the terminal as they run)."""
    args.paths, args.scale, args.passthrough, args.force = [], None, [], False
    args.jobs = getattr(args, "jobs", None)
    memo = StepCache(book.root)
    validated = memo.load("notebook-validity") or {}
    args.validated = validated if isinstance(validated, dict) else {}
    findings, _, _ = notebooks_command.execute(args, book, results_too=False)
    memo.save("notebook-validity", args.validated)
    return found(findings)


def step_results(book: Book, args) -> Step:
    """The recorded results against their schema, the code that measured them and the prose that prints them:
    no notebook needs to run for that."""
    return found(results.check(book, strict()))


def step_figures(book: Book, args) -> Step:
    """Labels and references, alt text and captions, tables against their results, figures against their inputs;
    it never draws (`make figures` does)."""
    return found(figures.check(book))


def step_print(book: Book, args) -> Step:
    """What would not fit the printed page (code lines wider than the text block); no typesetting."""
    return found(print_layout.check(book, strict()))


def step_site(book: Book, args) -> Step:
    findings, notes = site_command.strict_check(book)
    return found(findings, notes)


STEPS = [("toc", step_toc), ("claims", step_claims), ("verify", step_verify), ("lint", step_lint), ("todo", step_todo),
         ("notebooks", step_notebooks), ("results", step_results), ("figures", step_figures), ("print", step_print),
         ("site", step_site)]
NAMES = [name for name, _ in STEPS]


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


def code_inputs(root: Path) -> list[Path]:
    """What the results step reads besides the prose: the results, and the code and corpus their keys hash."""
    return prose_inputs(root) + files_under(root, "code")


def figure_inputs(root: Path) -> list[Path]:
    """What the figures step reads: the prose (the figures under manuscript/figures/ included), the results they are
    drawn from and the plotting code (with its font)."""
    return prose_inputs(root) + files_under(root, "code/results") + files_under(root, "code/plots")


def print_inputs(root: Path) -> list[Path]:
    """What the print step reads: the prose, the notebooks, and print.yaml's code_columns."""
    return prose_inputs(root) + files_under(root, "code", (".ipynb",)) + files_under(root, "print.yaml")


def site_inputs(root: Path) -> list[Path]:
    """What the strict site build reads: the prose, the notebooks and the rest of code/ it may show or link to,
    mkdocs.yml (the theme and its plugins are pinned in requirements.lock)."""
    return code_inputs(root) + files_under(root, "mkdocs.yml")


# The verify step is not here: the source documents it reads lie outside the repository. Nor are the notebooks:
# they have their own store.
STEP_INPUTS = {"toc": prose_inputs, "claims": prose_inputs, "lint": prose_inputs, "todo": prose_inputs,
               "results": code_inputs, "figures": figure_inputs, "print": print_inputs, "site": site_inputs}
STRICT_STEPS = {"claims", "lint", "todo", "results", "print"}
CACHE_FAILURES = {"toc", "claims", "lint", "todo", "results", "figures", "print"}  # deterministic; a failed site build runs again


def content_key(path: Path) -> str:
    """A file's hash; for one that cannot be read (a symbolic link loop), why: the step reports it, then runs again."""
    try:
        return file_sha256(path)
    except OSError as exc:
        return f"unreadable:{exc.errno}"


def step_key(book: Book, name: str, cache: "StepCache") -> str:
    root = book.root
    files = STEP_INPUTS[name](root) + toolchain(root)
    digest = {p.relative_to(root).as_posix(): content_key(p) for p in files}
    if name == "site":
        manuscript = book.repo.manuscript
        digest.update(page_shapes(book, [p for p in files if p.suffix == ".md" and p.is_relative_to(manuscript)], cache))
        digest.update(code_shapes(root, [p for p in files if p.is_relative_to(root / "code")]))
    doc = {"step": name, "version": CACHE_VERSION, "python": sys.version_info[:2], "files": digest,
           "strict": strict() if name in STRICT_STEPS else None}
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def page_shapes(book: Book, pages: list[Path], cache: "StepCache") -> dict[str, str]:
    """For the site step, each Markdown page by its shape rather than its bytes: what of it can change the strict
    build's verdict. That is everything that is not running prose (code, math, HTML, comments, link and image
    targets, front matter: the prose map's spans), its headings (the anchors links point at) and its citations;
    the words of a paragraph are not, so a prose edit is answered from the cache, while an edited link, anchor,
    formula or HTML block builds again; so does a page whose sections turn draft or written (the release leaves
    drafts out, and a link to one would break). Shapes are remembered by the page's SHA-256."""
    root = book.root
    memo = cache.load("site-shapes")
    memo = memo if isinstance(memo, dict) else {}
    shapes, fresh = {}, {}
    for path in pages:
        digest = content_key(path)
        shape = memo.get(digest)
        if not isinstance(shape, str):
            source = book.file(path)
            prose = book.prose_map(source)
            if prose is None:
                shape = digest  # unreadable: its bytes are its shape
            else:
                chapter = drafts.read_chapter(book, source)
                pieces = [prose.text[s.start:s.end] for s in prose.spans]
                pieces += [c.text for c in prose.citations]
                pieces += [u.text for u in prose.units if u.kind == "heading"]
                pieces += [chapter.draft, *(f"{s.number} {s.draft}" for s in chapter.sections)] if chapter else []
                shape = hashlib.sha256(json.dumps(pieces, ensure_ascii=False).encode()).hexdigest()
        fresh[digest] = shape
        shapes[path.relative_to(root).as_posix()] = f"shape:{shape}"
    if fresh.keys() != memo.keys():
        cache.save("site-shapes", fresh)
    return shapes


def code_shapes(root: Path, files: list[Path]) -> dict[str, str]:
    """For the site step, code/ by what can change the strict build's verdict: a notebook by its shape (its Markdown
    cells, which hold the links and headings of its page, and the kinds and tags of its cells), not by its code,
    whose edits change only the code the page shows; the demos' other files (code/common, the corpus) by being
    there, as targets of links. The stored runs and results in code/results keep their bytes as their key: the
    notebook pages are built from them."""
    results = root / "code" / "results"
    shapes = {}
    for path in files:
        if path.is_relative_to(results):
            continue
        shown = path.relative_to(root).as_posix()
        shapes[shown] = f"shape:{notebook_shape(path)}" if path.suffix == ".ipynb" else "present"
    return shapes


def notebook_shape(path: Path) -> str:
    """A notebook's Markdown cells and its cells' kinds and tags, hashed; a file that is not a notebook, its bytes."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        pieces = [[c["cell_type"], c.get("metadata", {}).get("tags", []),
                   c["source"] if c["cell_type"] != "code" else ""] for c in cells]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        return content_key(path)
    return hashlib.sha256(json.dumps(pieces, ensure_ascii=False).encode()).hexdigest()


class StepCache:
    """One JSON entry per step: {key, status, findings, notes}; written atomically, a damaged one is ignored."""

    def __init__(self, root: Path):
        self.folder = cache_dir(root, "check", CACHE_VERSION)

    def load(self, name: str):
        return read_json(self.folder / f"{name}.json")

    def save(self, name: str, value) -> None:
        write_json(self.folder / f"{name}.json", value)

    def get(self, name: str, key: str) -> Step | None:
        entry = self.load(name)
        if not (isinstance(entry, dict) and entry.get("key") == key and isinstance(entry.get("status"), int)
                and isinstance(entry.get("findings"), list) and isinstance(entry.get("notes"), list)):
            return None
        try:
            findings = [finding_from(f) for f in entry["findings"]]
        except (KeyError, TypeError):
            return None
        notes = [from_data(n) for n in entry["notes"]]
        if any(not isinstance(n, str) for n in notes):
            return None
        return Step(entry["status"], findings, notes)

    def put(self, name: str, key: str, step: Step) -> None:
        self.save(name, {"key": key, "status": step.status, "findings": [finding_data(f) for f in step.findings],
                         "notes": [data(n) for n in step.notes]})


@dataclass
class Ran:
    name: str
    step: Step | None           # None: skipped
    cached: bool = False
    seconds: float = 0.0

    def row(self) -> dict:
        status = "skipped" if self.step is None else "passed" if self.step.status == 0 else "failed"
        return {"name": self.name, "status": status, "cached": self.cached, "seconds": round(self.seconds, 2)}


def run_step(name: str, step, book: Book, args, cache: StepCache | None) -> Ran:
    started = time.monotonic()
    if cache is None or name not in STEP_INPUTS:
        return Ran(name, step(book, args), False, time.monotonic() - started)
    key = step_key(book, name, cache)
    hit = cache.get(name, key)
    if hit is not None:
        return Ran(name, hit, True, time.monotonic() - started)
    result = step(book, args)
    if result.status == 0 or name in CACHE_FAILURES:
        cache.put(name, key, result)
    return Ran(name, result, False, time.monotonic() - started)


# ---------------------------------------------------------------------------------------------------- presenting

def title(name: str) -> str:
    """A step as the author reads it: what it checks, and its name for --skip."""
    return say(f"check:step-{name}")


COMMAND = {"toc": "book toc", "claims": "book claims", "verify": "book sources verify", "lint": "book lint",
           "notebooks": "book notebooks", "print": "book print", "site": "book site"}


class Text:
    """The text report: rich where the output is a terminal (colour), plain in pipes and CI."""

    def __init__(self, verbose: bool):
        from rich.console import Console
        self.console = Console(highlight=False, soft_wrap=True, emoji=False)
        self.verbose = verbose

    def line(self, text: str, style: str | None = None) -> None:
        from rich.markup import escape
        self.console.print(f"[{style}]{escape(text)}[/{style}]" if style else escape(text))

    def finding(self, f: Finding) -> None:
        from rich.markup import escape
        if f.severity == ERROR:
            self.console.print(f"{escape(f'{f.path}:{f.line}:{f.col}:')} [bold red]{f.severity}[/bold red] "
                               f"[red]{escape(f.code)}[/red] {escape(f.message)}")
        else:
            self.line(f.render())

    def warnings_by_code(self, findings: list[Finding]) -> None:
        """Expected warnings, one line per code: `pending-citation：48 处待补页码`."""
        for code, count in sorted(Counter(f.code for f in findings).items()):
            message_id = f"check:warnings:{code}" if f"check:warnings:{code}" in MESSAGES else "check:warnings"
            self.line(say(message_id, code=code, count=count), "yellow")

    def step(self, ran: Ran) -> None:
        from rich.markup import escape
        if ran.step is None:
            self.line(say("check:skipped", step=title(ran.name)), "dim")
            return
        self.console.rule(f"[bold]{escape(title(ran.name))}")
        findings = sorted(set(ran.step.findings), key=ORDER)
        warnings = [f for f in findings if f.severity != ERROR]
        for f in findings:
            if f.severity == ERROR or self.verbose:
                self.finding(f)
        if warnings and not self.verbose:
            self.warnings_by_code(warnings)
        for note in ran.step.notes:
            self.line(note)
        if ran.name in COMMAND and (findings or ran.name not in ("verify", "site")):
            self.line(summary_line(COMMAND[ran.name], findings))
        verdict = "[green]{}[/green]".format(say("report:ok")) if ran.step.status == 0 else \
            "[red]{}[/red]".format(say("report:failed"))
        note = f"[dim]{escape(say('check:replayed'))}[/dim]" if ran.cached else ""
        self.console.print(say("check:verdict", step=escape(title(ran.name)), verdict=verdict,
                               seconds=f"{ran.seconds:.1f}", note=note))

    def verdict(self, runs: list[Ran]) -> None:
        """The errors once more (the last lines a terminal shows), then the verdict."""
        from rich.markup import escape
        self.console.rule()
        failed = [r for r in runs if r.step is not None and r.step.status]
        errors = sorted({f for r in runs if r.step is not None for f in r.step.findings if f.severity == ERROR},
                        key=ORDER)
        if errors:
            self.line(say("check:errors-again", count=len(errors)), "bold")
            for f in errors[:REPEATED_ERRORS]:
                self.finding(f)
            if len(errors) > REPEATED_ERRORS:
                self.line(say("check:errors-more", count=len(errors) - REPEATED_ERRORS))
        if failed:
            steps = say("check:list-separator").join(title(r.name) for r in failed)
            self.console.print(f"[red bold]{escape(say('check:failed', steps=steps))}[/red bold]")
        else:
            self.console.print(f"[green bold]{escape(say('check:passed'))}[/green bold]")


def run(args, book: Book) -> int:
    skip = set(args.skip or [])
    fmt = getattr(args, "format", "text") or "text"
    cache = None if getattr(args, "no_cache", False) else StepCache(book.root)
    text = Text(getattr(args, "verbose", False)) if fmt == "text" else None
    runs: list[Ran] = []
    for name, step in STEPS:
        ran = Ran(name, None) if name in skip else run_step(name, step, book, args, cache)
        runs.append(ran)
        if text is not None:
            text.step(ran)
    status = 1 if any(r.step is not None and r.step.status for r in runs) else 0
    if text is not None:
        text.verdict(runs)
        return status
    findings = sorted({f for r in runs if r.step is not None for f in r.step.findings}, key=ORDER)
    print(json.dumps({"findings": [f.shown() for f in findings], "summary": summary(findings),
                      "steps": [r.row() for r in runs]}, ensure_ascii=False, indent=2))
    return status
