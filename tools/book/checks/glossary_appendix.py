"""Appendix A, the glossary as the reader sees it, generated from manuscript/glossary.yaml and the manuscript.

Every term of the glossary that has an English name is listed with its abbreviation, its English name and the first
published chapter whose prose uses it (in any of its spellings; a draft chapter, which the release leaves out, is never
pointed to), in the alphabetical order of the English names (the order a
reader of both languages can look a term up in without a pinyin table). The file is generated,
never written by hand: where the TOC links it, `book lint` reports it when it no longer reads as generated
(glossary-stale, an error: a reader would be told a wrong chapter) and `book lint --fix` writes it again.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from ..findings import ERROR, Finding
from ..messages import finding
from ..reading.book import Book
from ..reading.repo import resolved
from ..reading.toc import Chapter
from . import drafts, typography

APPENDIX_FILE = "manuscript/appendix-a-glossary.md"
# The appendix is part of the book, so it is written in the book's language whatever BOOK_LANG says.
GENERATED = "本文件由 book lint --fix 从 {glossary} 和书稿生成，请不要手工编辑"
INTRO = "本书的术语按下表的写法统一，按英文的字母顺序排列。“首次出现”指正文第一次使用这个术语的章。"
HEADER = "| 术语 | 英文 | 首次出现 |"


@dataclass(frozen=True)
class Entry:
    term: typography.Term
    chapter: Chapter | None   # where the book first uses it; None if it never does


def prose_of(book: Book, source) -> str:
    """The file's text with everything that is not prose (code, comments, link targets, citations…) blanked out, as
    the reading layer's prose map says (the mask the typography check keeps its changes to)."""
    prose = book.prose_map(source) if book.citations is not None else typography.read(source.text)
    mask = prose.mask()
    return "".join(ch if keep else (ch if ch == "\n" else " ") for ch, keep in zip(source.text, mask))


def appendix_chapter(book: Book) -> Chapter | None:
    """The TOC's entry for the generated appendix, if the TOC links it."""
    target = resolved(book.root / APPENDIX_FILE)
    return next((c for c in book.toc.chapters if c.path is not None and resolved(c.path) == target), None)


def entries(book: Book, glossary: typography.Glossary) -> list[Entry]:
    """The listed terms, each with its first use (None where the book does not use it), by English name."""
    target = resolved(book.root / APPENDIX_FILE)
    pending = [t for t in glossary.terms if t.listed]
    found: list[Entry] = []
    left_out = drafts.read(book)
    for chapter in book.toc.chapters:
        if not pending:
            break
        if chapter.path is None or resolved(chapter.path) == target or not chapter.path.is_file():
            continue
        if (draft := left_out.chapter(chapter.path)) is not None and draft.draft:
            continue
        source = book.file(chapter.path, "typo-read")
        if source.text is None:
            continue
        prose = prose_of(book, source)
        used = [t for t in pending if t.used_in(prose)]
        found += [Entry(t, chapter) for t in used]
        pending = [t for t in pending if t not in used]
    return sorted(found + [Entry(t, None) for t in pending], key=lambda e: (e.term.en.casefold(), e.term.canonical))


def render(book: Book, glossary: typography.Glossary, title: str) -> str:
    folder = (book.root / APPENDIX_FILE).parent
    rows = []
    for entry in entries(book, glossary):
        term = entry.term.canonical + (f"（{entry.term.abbr}）" if entry.term.abbr else "")
        if entry.chapter is None:
            where = "—"
        else:
            link = os.path.relpath(resolved(entry.chapter.path), resolved(folder)).replace(os.sep, "/")
            where = f"[{entry.chapter.label}]({link})"
        rows.append(f"| {term} | {entry.term.en} | {where} |")
    return "\n".join([
        f"# {title}",
        "",
        f"<!-- {GENERATED.format(glossary=typography.GLOSSARY_FILE)} -->",
        "",
        INTRO,
        "",
        HEADER,
        "|---|---|---|",
        *rows,
        "",
    ])


def expected(book: Book, glossary: typography.Glossary) -> str | None:
    """The appendix as it should read, or None where the TOC does not link it."""
    chapter = appendix_chapter(book)
    return None if chapter is None else render(book, glossary, chapter.heading)


def findings(book: Book, glossary: typography.Glossary) -> list[Finding]:
    want = expected(book, glossary)
    if want is None:
        return []
    path = book.root / APPENDIX_FILE
    have = path.read_text(encoding="utf-8") if path.is_file() else ""
    if have == want:
        return []
    line = next((k for k, (a, b) in enumerate(zip(have.splitlines(), want.splitlines()), start=1) if a != b),
                min(len(have.splitlines()), len(want.splitlines())) + 1)
    return [finding(APPENDIX_FILE, line, 1, ERROR, "glossary-stale", glossary=typography.GLOSSARY_FILE)]
