"""Shared fixtures: the repository, a disposable copy of it, and a runner for the `book` CLI."""
from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

try:  # hypothesis keeps its caches (examples, constants, Unicode tables) in ./.hypothesis: not in the checkout
    from hypothesis import configuration as _hypothesis

    _hypothesis.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / f"book-hypothesis-{os.getuid()}")
except ImportError:
    pass
COPIED = ["manuscript", "toc", "schemas", "tools", "mkdocs.yml", "code/results", "code/plots"]


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)

    def lines(self, code: str | None = None) -> list[str]:
        return [l for l in self.out.splitlines() if code is None or f" {code} " in l]


def run_book(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: int = 600,
             shows_cell_tracebacks: bool = False) -> Run:
    """Run `book`. A Python traceback in its output is a crash of the tool, except in nbval's report of a notebook
    cell that raised (`shows_cell_tracebacks`), where showing the cell's traceback is the point."""
    proc = subprocess.run([sys.executable, "-m", "book", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "tools"), **(env or {})}, timeout=timeout)
    if not shows_cell_tracebacks:
        assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr + proc.stdout
    assert "most recent call last" not in proc.stderr, proc.stderr
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """Every test, and every `book` it runs, keeps its caches in a temporary folder, never in the checkout (session
    scope: it is in place before the session's site builds)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BOOK_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
        yield


def copy_book(target: Path, names=COPIED) -> Path:
    """The named files and folders of the book (those a test needs) and every chapter's notebook, copied to `target`."""
    for name in names:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        elif source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for notebook in ROOT.glob("code/ch*/*.ipynb"):
        dest = target / notebook.relative_to(ROOT)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(notebook, dest)
    return target


@pytest.fixture
def book_copy(tmp_path: Path) -> Path:
    """A copy of the book (prose, TOC, schemas, tools) that a test may break at will."""
    return copy_book(tmp_path / "book")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def measured_paragraph(chapter: str, key: str) -> tuple[str, str]:
    """For tests of how the book's own measurements are cited, whatever the latest GPU run measured: a figure found
    once in the chapter, from its paragraph that cites `key` most often (three times at least), and the device the
    results file names (`H200`)."""
    from book.reading.bibliography import measurement_device
    from book.reading.book import Book
    from book.reading.repo import Repo
    text = (ROOT / "manuscript" / f"{chapter}.md").read_text(encoding="utf-8")
    paragraph = max(text.split("\n\n"), key=lambda p: p.count(f"[@{key}]"))
    assert paragraph.count(f"[@{key}]") >= 3, f"no paragraph of {chapter} cites {key} three times"
    figure = next(f for f in re.findall(r"\d+\.\d+ ms", paragraph) if text.count(f) == 1)
    return figure, measurement_device(ROOT, Book(Repo(ROOT)).registry.sources[key])


@pytest.fixture(scope="session")
def release_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "site"
    run = run_book("site", "--out", str(out), env={"DRAFT": "0"})
    assert run.code == 0, run.out
    return out


@pytest.fixture(scope="session")
def draft_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("draft") / "site"
    run = run_book("site", "--draft", "--out", str(out))
    assert run.code == 0, run.out
    return out


def checkout_state() -> set[str] | None:
    """The checkout's untracked, changed and ignored top-level entries (None outside a git checkout)."""
    try:
        proc = subprocess.run(["git", "status", "--porcelain", "--ignored", "--untracked-files=normal"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return set(proc.stdout.splitlines()) if proc.returncode == 0 else None


def pytest_sessionstart(session):
    session.config._checkout_before = checkout_state()


def pytest_sessionfinish(session, exitstatus):
    """The tests write nothing into the checkout: no cache, no site, no staging folder, no changed file."""
    before, after = getattr(session.config, "_checkout_before", None), checkout_state()
    if before is None or after is None:
        return
    new = sorted(after - before)
    if new:
        print("\nthe tests wrote into the checkout:\n  " + "\n  ".join(new), file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def first_characters(items) -> tuple[set[str] | None, bool]:
    """The characters a match of a parsed pattern (re's own parser) can start with, None where any could, and whether
    it can match the empty string."""
    from re import _constants as c
    found: set[str] = set()
    for op, av in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero width: the next item starts the match
        if op is c.LITERAL:
            return found | {chr(av)}, False
        if op is c.IN and all(o in (c.LITERAL, c.RANGE) or a is c.CATEGORY_DIGIT for o, a in av):
            for o, a in av:  # `\d`: the book's digits are ASCII once full-width ones are folded (reading.prose)
                found |= set("0123456789") if o is c.CATEGORY else {chr(a)} if o is c.LITERAL else \
                    {chr(x) for x in range(a[0], a[1] + 1)}
            return found, False
        if op is c.SUBPATTERN:
            first, empty = first_characters(av[3])
        elif op is c.ATOMIC_GROUP:
            first, empty = first_characters(av)
        elif op is c.BRANCH:
            parts = [first_characters(alt) for alt in av[1]]
            first = None if any(f is None for f, _ in parts) else set().union(*(f for f, _ in parts))
            empty = any(e for _, e in parts)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            first, empty = first_characters(av[2])
            empty = empty or av[0] == 0
        else:
            return None, False  # any character, a category, a negated class…
        if first is None:
            return None, False
        found |= first
        if not empty:
            return found, False
    return found, True


def spelled(items, limit: int = 10_000) -> set[str] | None:
    """Every text a parsed pattern (re's own parser) matches, for a pattern of literals, classes, alternatives and
    bounded repeats (`tokens?/s`, `[KMGT]B/s`); None for one that matches more (`\\d+`) or more than `limit`."""
    from re import _constants as c
    texts = {""}
    for op, av in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero width
        if op is c.LITERAL:
            options = {chr(av)}
        elif op is c.IN and all(o in (c.LITERAL, c.RANGE) for o, _ in av):
            options = {chr(a) for o, a in av if o is c.LITERAL} | {
                chr(x) for o, a in av if o is c.RANGE for x in range(a[0], a[1] + 1)}
        elif op is c.SUBPATTERN:
            options = spelled(av[3], limit)
        elif op is c.BRANCH:
            parts = [spelled(alt, limit) for alt in av[1]]
            options = None if any(p is None for p in parts) else set().union(*parts)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[1] <= 4:
            once = spelled(av[2], limit)
            options = None if once is None else {"".join(r) for n in range(av[0], av[1] + 1)
                                                 for r in itertools.product(sorted(once), repeat=n)}
        else:
            return None
        if options is None:
            return None
        texts = {t + o for t in texts for o in options}
        if len(texts) > limit:
            return None
    return texts


def holds_a_mark(items, marks: tuple[str, ...]) -> bool:
    """Whether every match of a parsed pattern (re's own parser) holds one of `marks`: a run of its plain characters
    does, or a part every match has (a group, each alternative of a choice, a repeat at least once) does. False where
    it cannot tell."""
    from re import _constants as c
    run = ""
    for op, av in items:
        if op is c.LITERAL:
            run += chr(av)
            if any(mark in run for mark in marks):
                return True
            continue
        run = ""
        if (op is c.SUBPATTERN and holds_a_mark(av[3], marks) or op is c.ATOMIC_GROUP and holds_a_mark(av, marks)
                or op is c.BRANCH and all(holds_a_mark(alt, marks) for alt in av[1])
                or op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1 and holds_a_mark(av[2], marks)):
            return True
    return False


def starts_within(pattern: str, first_class: str) -> bool:
    """Whether every match of the pattern starts with a character of `[…]` (a first class that a scan tests before
    it tries the pattern, as the claims and draft-note tables do), and none is empty."""
    from re import _parser
    first, empty = first_characters(_parser.parse(pattern))
    allowed = first_characters(_parser.parse(first_class))[0]
    return first is not None and allowed is not None and not empty and first <= allowed
