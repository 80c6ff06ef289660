"""`book lint [PATH...] [--fix [--diff]]`: the typography of the book's Chinese prose.

Without options it reports (warnings; errors under STRICT=1). `--fix` writes the corrections into the files, each
through a temporary file in the same folder renamed over the original, so an interrupted run leaves every file
whole; line ends and a byte-order mark are kept. `--fix --diff` (or `--diff`) prints the corrections as a unified
diff and writes nothing.
"""
from __future__ import annotations

import difflib
import sys

from ..cache import write_atomic
from ..checks import typography
from ..findings import Finding, ToolError
from ..messages import say
from ..reading.book import Book
from .report import report


def glossary(book: Book) -> typography.Glossary:
    try:
        return typography.Glossary.load(book.root / typography.GLOSSARY_FILE, typography.GLOSSARY_FILE)
    except typography.GlossaryError as exc:
        raise ToolError(str(exc)) from None


def check(book: Book) -> list[Finding]:
    """The typography findings of the book (or of the files the Book was given)."""
    terms = glossary(book)
    findings: list[Finding] = []
    for path in book.markdown_paths():
        source = book.file(path, "typo-read")
        if source.text is None:
            findings.append(source.problem)
            continue
        prose = book.prose_map(source) if book.citations is not None else None
        findings += typography.findings(source.shown, typography.lint(source.text, terms, prose), terms)
    return findings


def fix(book: Book, write: bool) -> tuple[list[tuple[str, int]], list[str]]:
    """Correct each file: (file shown, issues settled) for each changed file, and the unified diff of each."""
    terms = glossary(book)
    changed, patches = [], []
    for path in book.markdown_paths():
        source = book.file(path, "typo-read")
        if source.text is None:
            continue  # reported by the lint that follows
        fixed, count = typography.fix(source.text, terms, citations=book.citations)
        if not count:
            continue
        changed.append((source.shown, count))
        if write:
            raw = source.path.read_bytes()
            crlf, bom = b"\r\n" in raw, raw.startswith(b"\xef\xbb\xbf")
            data = fixed.replace("\n", "\r\n") if crlf else fixed
            write_atomic(source.path, ("\ufeff" if bom else "").encode("utf-8") + data.encode("utf-8"))
        else:
            patches.append("".join(difflib.unified_diff(source.text.splitlines(keepends=True),
                                                        fixed.splitlines(keepends=True),
                                                        f"a/{source.shown}", f"b/{source.shown}")))
    return changed, patches


def run(args, book: Book) -> int:
    if args.diff:
        changed, patches = fix(book, write=False)
        if patches:
            print("".join(patches), end="")
        print(say("lint:preview", files=len(changed), count=sum(n for _, n in changed)))
        return 0
    if args.fix:
        changed, _ = fix(book, write=True)
        for shown, count in changed:  # beside a JSON report they go to stderr, so that stdout stays one JSON object
            print(say("lint:fixed", path=shown, count=count), file=sys.stderr if args.format == "json" else sys.stdout)
        book = Book(book.repo, book.paths)  # the files as they now read
    return report(check(book), args.format, "book lint")
