"""What would not fit the printed page, found in the source without typesetting (cheap enough for `book check`):
`print-overflow`, a code line wider than the text block, at the manuscript or notebook line that holds it.

Width is counted as the code font sets it: a Chinese (East Asian wide or full-width) character takes two columns,
a tab four; the limit is print.yaml's `code_columns` (89 at 9 pt on 16 开 by default)."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from ..findings import ERROR, WARNING, Finding
from ..messages import finding
from ..reading.book import Book
from ..reading.print_config import load

SOURCE_KEY = re.compile(r'^\s*"source":')


def width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 4 if ch == "\t" else 1 for ch in line)


def manuscript_code(book: Book) -> list[tuple[str, int, str]]:
    """(path, line, text) of each line of the manuscript's code blocks."""
    found = []
    for source in book.files:
        if source.text is None or not source.shown.startswith("manuscript/"):
            continue
        for token in book.document(source).tokens:
            if token.type in ("fence", "code_block") and token.map:
                first = token.map[0] + (2 if token.type == "fence" else 1)
                for k, line in enumerate(token.content.rstrip("\n").split("\n")):
                    found.append((source.shown, first + k, line))
    return found


def notebook_code(book: Book) -> list[tuple[str, int, str]]:
    """(path, line, text) of each line of the notebooks' printed code cells (not the hidden set-up cells), located
    at the .ipynb line that holds it (nbformat writes one source line per JSON line)."""
    found = []
    for path in book.repo.notebooks():
        try:
            text = path.read_text(encoding="utf-8")
            cells = json.loads(text).get("cells", [])
        except (OSError, UnicodeDecodeError, ValueError):
            continue  # the notebooks step reports a notebook it cannot read
        keys = [k + 1 for k, line in enumerate(text.split("\n")) if SOURCE_KEY.match(line)]
        shown = book.shown(path)
        for cell, at in zip(cells, keys):
            source = cell.get("source", "")
            if cell.get("cell_type") != "code" or "hide-input" in cell.get("metadata", {}).get("tags", []):
                continue
            lines = "".join(source).split("\n") if isinstance(source, list) else source.split("\n")
            for k, line in enumerate(lines):
                found.append((shown, at + 1 + k if isinstance(source, list) else at, line))
    return found


def check(book: Book, strict: bool) -> list[Finding]:
    limit = load(book.root).code_columns
    severity = ERROR if strict else WARNING
    findings = []
    for path, line, text in manuscript_code(book) + notebook_code(book):
        wide = width(text)
        if wide > limit:
            findings.append(finding(path, line, 1, severity, "print-overflow", width=wide, limit=limit))
    return findings


# ------------------------------------------------------------------------------------------ the draft PDF's pages

DRAFT_PDF = "build/book-draft.pdf"
DRAFT_PAGE_MAP = "build/book-draft.pages.json"


def page_lookup(book: Book):
    """A function (path, line) → (pdf_page, reason): the page of the last draft PDF that holds the line, read from the
    page map `make pdf` wrote beside it; None with the reason when the PDF is missing, or older than a file it was
    made from (every page after a change may have moved), or the line is not printed. Nothing is compiled here."""
    from bisect import bisect_right
    from hashlib import sha256
    from ..messages import say

    root = book.root
    try:
        data = json.loads((root / DRAFT_PAGE_MAP).read_text(encoding="utf-8"))
        pdf = (root / DRAFT_PDF).read_bytes()
        fresh = data["pdf_sha256"] == sha256(pdf).hexdigest()
        sources, lines = data["sources"], data["lines"]
    except (OSError, ValueError, KeyError, TypeError):
        fresh, sources, lines = False, {}, {}
    if not fresh:
        reason = say("print:page-missing", pdf=DRAFT_PDF)
        return lambda path, line: (None, reason)
    for path, digest in sources.items():
        try:
            current = sha256((root / path).read_bytes()).hexdigest()
        except OSError:
            current = None
        if current != digest:
            reason = say("print:page-stale", pdf=DRAFT_PDF, path=path)
            return lambda path, line: (None, reason)
    starts = {path: [entry[0] for entry in entries] for path, entries in lines.items()}
    not_printed = say("print:page-not-printed", pdf=DRAFT_PDF)

    def lookup(path: str, line: int):
        k = bisect_right(starts.get(path, []), line) - 1
        if k < 0:
            return None, not_printed
        return lines[path][k][1], None
    return lookup
