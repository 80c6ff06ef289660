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
from ..checks import glossary_appendix, typography
from ..findings import Finding, ToolError
from ..messages import say
from ..reading.book import Book
from ..reading.repo import resolved
from .report import report


def glossary(book: Book) -> typography.Glossary:
    try:
        return typography.Glossary.load(book.root / typography.GLOSSARY_FILE, typography.GLOSSARY_FILE)
    except typography.GlossaryError as exc:
        raise ToolError(str(exc)) from None


def prose_paths(book: Book) -> list:
    """The files whose typography is checked: all but the generated appendix A (its English column would read as
    misspelt terms; it is checked against what it should be generated as instead)."""
    generated = resolved(book.root / glossary_appendix.APPENDIX_FILE)
    return [p for p in book.markdown_paths() if resolved(p) != generated]


def check(book: Book, remembered=None) -> list[Finding]:
    """The typography findings of the book (or of the files the Book was given). `remembered`: a file's findings
    kept from an earlier run by its text (`book check` passes its memo: a prose edit re-reads one file)."""
    terms = glossary(book)
    findings: list[Finding] = []
    for path in prose_paths(book):
        source = book.file(path, "typo-read")
        if source.text is None:
            findings.append(source.problem)
            continue
        kept = remembered.get(source) if remembered is not None else None
        if kept is None:
            prose = book.prose_map(source) if book.citations is not None else None
            kept = typography.findings(source.shown, typography.lint(source.text, terms, prose), terms)
            if remembered is not None:
                remembered.put(source, kept)
        findings += kept
    if not book.paths:  # the generated appendix A depends on the whole book
        findings += glossary_appendix.findings(book, terms)
    return findings


def fix(book: Book, write: bool) -> tuple[list[tuple[str, int]], list[str]]:
    """Correct each file: (file shown, issues settled) for each changed file, and the unified diff of each."""
    terms = glossary(book)
    changed, patches = [], []
    for path in prose_paths(book):
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
    if not book.paths:
        appendix = regenerate_appendix(Book(book.repo) if write else book, terms, write)
        if appendix:
            changed.append((glossary_appendix.APPENDIX_FILE, 1))
            patches.append(appendix)
    return changed, patches


def regenerate_appendix(book: Book, terms: typography.Glossary, write: bool) -> str:
    """Appendix A written again from the glossary and the manuscript (as fixed, when writing), if it is stale; the
    unified diff of the change ('' when it is current or the TOC does not link it)."""
    want = glossary_appendix.expected(book, terms)
    path = book.root / glossary_appendix.APPENDIX_FILE
    have = path.read_text(encoding="utf-8") if path.is_file() else ""
    if want is None or want == have:
        return ""
    if write:
        write_atomic(path, want.encode("utf-8"))
    shown = glossary_appendix.APPENDIX_FILE
    return "".join(difflib.unified_diff(have.splitlines(keepends=True), want.splitlines(keepends=True),
                                        f"a/{shown}", f"b/{shown}"))


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
