"""Draft sections and chapters: what the release leaves out, and the references to them.

A section (`## N.M 标题` of a chapter file) is a **draft** when its author marks it, with a `!!! draft` admonition
among its blocks (its body, if any, is a note for the author), or when it holds only a promise: one paragraph of at
most 200 Chinese characters that says what the section will do (`本节讲…`, `本节比较…`) and nothing else a reader
could use (no list, table, figure, code, or citation of the book's own measurements); author notes (`!!! todo`
boxes, HTML comments) do not count. A short finished section (one paragraph that explains, with no promise) is not
a draft. A chapter is a draft when a
`!!! draft` stands before its first section, or when all of its sections are drafts.

The release site (and print) leaves drafts out; the draft builds show them, marked. A notebook goes where the
prose leads: the release shows it only when its prose links it (a published page, outside draft sections and `!!! todo`
boxes) and its own chapter is not a draft; a notebook that only drafts link, or nothing does, is a draft too (shown,
marked, in the draft builds). The site and print both ask `Drafts.notebook_left_out`. Findings:

- `draft-section` (warning; error under STRICT): a promise-only section that is not marked, and a draft section or
  chapter before a written one (the release would have a gap in its numbering);
- `ref-draft` (warning; error under STRICT): a link to a draft or to a page only the draft site has (the claims
  ledger, the TODO page), or prose naming a draft (`见 4.6 节`, `第9章`), in a written part of the book: the release
  reader would find nothing there.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..findings import ERROR, WARNING, Finding
from ..messages import finding
from ..reading.bibliography import is_measurement
from ..reading.book import Book, SourceFile
from ..reading.prose import HAN, Document, Unit, todo_boxes
from ..reading.prose_map import ProseMap
from ..reading.repo import notebook_chapter, resolved
from .links import local_target, written_links

PROMISE_LIMIT = 200  # Chinese characters
SECTION_HEADING = re.compile(r"^(?P<number>(?:\d+|[A-Z])\.\d+)\s+(?P<title>.+)$")
CHAPTER_HEADING = re.compile(r"^(?:第(?P<chapter>\d+)章|附录(?P<appendix>[A-Z]))")
PROMISE = re.compile(r"本(?:节|章)[^。！？!?\n]{0,30}?(?:讲|介绍|讨论|比较|给出|说明|分析|展示|演示|整理|回答|解释|收集)")
# Prose naming a chapter or a section: 第9章, 第9章到第10章, 4.6 节, 5.6 到 5.8 节 (each number is one reference).
CHAPTER_REF = re.compile(r"第\s*(?P<number>\d+)\s*章")
SECTION_REF = re.compile(r"(?<![\d.])(?P<first>(?:\d+|[A-Z])\.\d+)(?![\d.])"
                         r"(?:\s*(?:到|至|和|与|、|–|-|~|～)\s*(?P<last>(?:\d+|[A-Z])\.\d+)(?![\d.]))?\s*节")
# Each with the character every match of it holds: most units hold neither, and a search of the text tells so at C speed.
NAMES = ((CHAPTER_REF, "章"), (SECTION_REF, "节"))
AUTHOR_NOTES = ("todo", "draft")
DRAFT_ONLY_PAGES = ("claims.md", "todo.md")  # generated for the draft site only: the claims ledger, the TODO page
USEFUL_BLOCKS = ("bullet_list_open", "ordered_list_open", "table_open", "fence", "code_block", "math_block",
                 "math_block_eqno", "admonition_open")


@dataclass
class Section:
    number: str
    title: str
    line: int            # 1-based line of its heading
    start: int           # 0-based line of its heading
    end: int             # 0-based line after its last
    marked: bool = False
    promise_only: bool = False

    @property
    def draft(self) -> bool:
        return self.marked or self.promise_only

    @property
    def anchor_prefix(self) -> str:
        """How the site's anchor of its heading starts (`4.6 前缀缓存…` → `46`)."""
        return self.number.replace(".", "").lower()


@dataclass
class ChapterDrafts:
    path: Path
    shown: str
    number: str | None          # "4", or "C" for an appendix
    marked: bool = False
    marker_line: int = 0        # 1-based line of a chapter-wide `!!! draft`
    sections: list[Section] = field(default_factory=list)

    @property
    def draft(self) -> bool:
        return self.marked or (bool(self.sections) and all(s.draft for s in self.sections))

    def draft_sections(self) -> list[Section]:
        return [s for s in self.sections if s.draft]

    def left_out_lines(self) -> set[int]:
        """The 0-based lines the release leaves out of this file (all of them for a draft chapter)."""
        out: set[int] = set()
        for s in self.draft_sections():
            out.update(range(s.start, s.end))
        return out

    def section(self, number: str) -> Section | None:
        return next((s for s in self.sections if s.number == number), None)

    def section_at(self, line0: int) -> Section | None:
        return next((s for s in self.sections if s.start <= line0 < s.end), None)


def inline_text(tokens, i: int) -> str:
    return tokens[i + 1].content.strip() if i + 1 < len(tokens) and tokens[i + 1].type == "inline" else ""


def read_chapter(book: Book, source: SourceFile) -> ChapterDrafts | None:
    doc = book.document(source)
    return None if doc is None else read_document(book, doc, source.path, source.shown)


def read_document(book: Book, doc: Document, path: Path, shown: str) -> ChapterDrafts:
    """The sections and drafts of one parsed chapter (the site reads the page as MkDocs hands it over)."""
    tokens = doc.tokens
    chapter = ChapterDrafts(path, shown, None)
    headings = [(i, t) for i, t in enumerate(tokens) if t.type == "heading_open" and t.map and t.level == 0]
    for i, token in headings:
        title = inline_text(tokens, i)
        if token.tag == "h1":
            m = CHAPTER_HEADING.match(title)
            chapter.number = m and (m["chapter"] or m["appendix"])
        elif token.tag == "h2":
            m = SECTION_HEADING.match(title)
            if m:
                chapter.sections.append(Section(m["number"], m["title"], token.map[0] + 1, token.map[0], len(doc.lines)))
    starts = [t.map[0] for _, t in headings if t.tag in ("h1", "h2")]
    for s in chapter.sections:
        s.end = min((k for k in starts if k > s.start), default=len(doc.lines))
    first_section = chapter.sections[0].start if chapter.sections else len(doc.lines)
    for token in tokens:
        if token.type == "admonition_open" and token.meta.get("tag") == "draft" and token.map and token.level == 0:
            at = token.map[0]
            section = chapter.section_at(at)
            if section is not None:
                section.marked = True
            elif at < first_section:
                chapter.marked, chapter.marker_line = True, at + 1
    for s in chapter.sections:
        s.promise_only = promise_only(book, doc, s)
    return chapter


def promise_only(book: Book, doc: Document, section: Section) -> bool:
    """One paragraph of at most PROMISE_LIMIT Chinese characters, with nothing else a reader could use."""
    paragraphs, depth_skip = [], 0
    for token in doc.tokens:
        if token.map is None and token.type not in ("admonition_close",):
            continue
        if token.map is not None and not (section.start < token.map[0] < section.end):
            continue
        if token.type == "admonition_open" and token.meta.get("tag") in AUTHOR_NOTES:
            depth_skip += 1
            continue
        if token.type == "admonition_close" and depth_skip:
            depth_skip -= 1
            continue
        if depth_skip or token.level > 1:
            continue
        if token.type == "html_block" and token.content.lstrip().startswith("<!--"):
            continue
        if token.type in USEFUL_BLOCKS or token.type.startswith("heading") or token.type == "html_block":
            return False
        if token.type == "inline":
            if any(child.type in ("image", "code_inline") for child in token.children or []):
                return False
            paragraphs.append(token.content)
    if len(paragraphs) != 1:
        return False
    text = paragraphs[0]
    if len(HAN.findall(text)) > PROMISE_LIMIT or not PROMISE.search(" ".join(text.split())):
        return False
    citations = book.citations
    if citations is not None:
        for c in citations.find(text):
            source = book.registry.sources.get(c.key or "")
            if source is not None and is_measurement(source):
                return False
    return True


def chapters(book: Book) -> list[ChapterDrafts]:
    """The chapter files the TOC links, in book order, with their sections and drafts."""
    out = []
    for entry in book.toc.chapters:
        if entry.path is None or not entry.path.is_file():
            continue
        source = book.file(entry.path)
        if source.problem is not None:
            continue
        found = read_chapter(book, source)
        if found is not None:
            found.number = found.number or entry.number
            out.append(found)
    return out


class Drafts:
    """The book's drafts, by file, and the notebooks the release's prose links. The TOC's chapters are parsed on
    first use: `book claims` on files outside the book, or on prose that names and links no chapter, needs none of
    them."""

    def __init__(self, book: Book):
        self.book = book

    @cached_property
    def by_path(self) -> dict[Path, ChapterDrafts]:
        return {resolved(c.path): c for c in chapters(self.book)}

    @cached_property
    def chapter_paths(self) -> set[Path]:
        return {resolved(e.path) for e in self.book.toc.chapters if e.path is not None}

    @cached_property
    def released_notebooks(self) -> set[Path]:
        return released_notebooks(self.book, list(self.by_path.values()))

    def notebook_left_out(self, notebook: Path) -> bool:
        """Whether the release leaves out a notebook: one of a draft chapter, or one that no prose of the release
        links (only draft sections do, or nothing does). The draft builds show it, marked as a draft."""
        chapter = self.numbered(notebook_chapter(notebook) or "")
        return (chapter is not None and chapter.draft) or resolved(notebook) not in self.released_notebooks

    def chapter(self, path: Path) -> ChapterDrafts | None:
        key = resolved(path)
        return self.by_path.get(key) if key in self.chapter_paths else None

    def numbered(self, number: str) -> ChapterDrafts | None:
        return next((c for c in self.by_path.values() if c.number == number), None)

    def left_out(self, path: Path, anchor: str = "") -> bool:
        """Whether the release leaves out what a link to `path#anchor` reaches."""
        if Path(path).suffix == ".ipynb":
            return self.notebook_left_out(path)
        chapter = self.chapter(path)
        if chapter is None:
            return False
        if chapter.draft:
            return True
        anchor = anchor.lower()
        return bool(anchor) and any(anchor == s.anchor_prefix or anchor.startswith(s.anchor_prefix + "-")
                                    for s in chapter.draft_sections())

    def named_left_out(self, number: str) -> bool:
        """Whether what `number` names (`9` a chapter, `4.6` a section) is left out of the release."""
        if "." not in number:
            chapter = self.numbered(number)
            return chapter is not None and chapter.draft
        chapter = self.numbered(number.split(".")[0])
        if chapter is None:
            return False
        section = chapter.section(number)
        return chapter.draft or (section is not None and section.draft)


def read(book: Book) -> Drafts:
    return Drafts(book)


def released_notebooks(book: Book, found: list[ChapterDrafts]) -> set[Path]:
    """The notebooks the release's prose links: on its pages (the home page and the written chapters), outside draft
    sections and the `!!! todo` boxes it leaves out too."""
    home = book.repo.manuscript / "index.md"
    pages = [(home, set())] if home.is_file() else []
    pages += [(c.path, c.left_out_lines()) for c in found if not c.draft]
    linked = set()
    for path, hidden in pages:
        doc = book.document(book.file(path))
        if doc is None:
            continue
        hidden = hidden | {k for first, after in todo_boxes(doc.tokens) for k in range(first, after)}
        for written, at in written_links(doc):
            target = local_target(written)
            line, _ = doc.position(max(0, min(at, len(doc.source))))
            if target and target.endswith(".ipynb") and line - 1 not in hidden:
                linked.add(resolved(path.parent / target))
    return linked


def check(book: Book, strict: bool, drafts: Drafts | None = None) -> list[Finding]:
    drafts = drafts or read(book)
    return chapter_findings(book, strict, drafts) + [f for source in book.files
                                                     for f in check_file(book, source, strict, drafts)]


def chapter_findings(book: Book, strict: bool, drafts: Drafts) -> list[Finding]:
    """The draft sections and chapters of the book's chapters among its files: promises, gaps."""
    severity = ERROR if strict else WARNING
    wanted = {resolved(s.path) for s in book.files if s.problem is None}
    found: list[Finding] = []
    ordered = list(drafts.by_path.values()) if wanted & drafts.chapter_paths else []
    for k, chapter in enumerate(ordered):
        if resolved(chapter.path) not in wanted:
            continue
        for s in chapter.sections:
            if s.promise_only and not s.marked and not chapter.marked:
                found.append(finding(chapter.shown, s.line, 1, severity, "draft-section:promise", number=s.number,
                                     limit=PROMISE_LIMIT))
        if not chapter.draft:
            for s, after in zip(chapter.sections, chapter.sections[1:]):
                if s.draft and not after.draft:
                    found.append(finding(chapter.shown, s.line, 1, severity, "draft-section:gap", number=s.number,
                                         after=after.number))
        later = [c for c in ordered[k + 1:] if c.number and c.number.isdigit()]
        if chapter.draft and chapter.number and chapter.number.isdigit() and any(not c.draft for c in later):
            written = next(c for c in later if not c.draft)
            found.append(finding(chapter.shown, chapter.marker_line or 1, 1, severity, "draft-section:chapter-gap",
                                 number=chapter.number, after=written.number))
    return found


def check_file(book: Book, source: SourceFile, strict: bool, drafts: Drafts) -> list[Finding]:
    """One file's links to drafts and prose naming them (none for the TOC's files, nor an unreadable one)."""
    if source.problem is not None or source.shown.startswith("toc/"):
        return []
    return references(book, source, drafts, ERROR if strict else WARNING)


def named_in_units(prose: ProseMap) -> list[tuple[Unit, re.Match]]:
    """(unit, match in its text) of each chapter and section the prose names, unit by unit in NAMES' order. Only the
    units that hold a name's character are read: the file's units joined (the prose map's) tell which, at C speed."""
    joined, starts, units = prose.joined, prose.unit_starts, prose.units
    named = []
    for order, (rx, mark) in enumerate(NAMES):
        at = joined.find(mark)
        while at >= 0:
            k = bisect_right(starts, at) - 1
            named += [(k, order, m.start(), m) for m in rx.finditer(units[k].text)]
            at = joined.find(mark, starts[k + 1]) if k + 1 < len(starts) else -1
    named.sort(key=lambda found: found[:3])
    return [(units[k], m) for k, _, _, m in named]


def references(book: Book, source: SourceFile, drafts: Drafts, severity: str) -> list[Finding]:
    """Links to drafts and prose naming them, outside drafts."""
    doc = book.document(source)
    if doc is None:
        return []
    own = drafts.chapter(source.path)
    if own is not None and own.draft:
        return []
    hidden = own.left_out_lines() if own is not None else set()
    found = []
    for written, at in written_links(doc):
        line, col = doc.position(max(0, min(at, len(doc.source))))
        if line - 1 in hidden:
            continue
        target = local_target(written)
        anchor = written.split("#", 1)[1] if "#" in written else ""
        path = resolved(source.path.parent / target) if target else resolved(source.path)
        draft_only = path.parent == resolved(book.repo.manuscript) and path.name in DRAFT_ONLY_PAGES
        if (target or anchor) and (draft_only or drafts.left_out(path, anchor)):
            found.append(finding(source.shown, line, col, severity, "ref-draft:link", link=written))
    for unit, m in named_in_units(book.prose_map(source)):
        rx, at = m.re, m.start()
        if rx is CHAPTER_REF and at == 0 and unit.kind == "heading":
            continue  # a chapter's own title (`# 第9章 …`) names it, it does not send the reader there
        numbers = [m["number"]] if rx is CHAPTER_REF else [n for n in (m["first"], m["last"]) if n]
        for number in numbers:
            line, col = unit.where(at)
            if not drafts.named_left_out(number) or line - 1 in hidden:
                continue
            if own is not None and "." in number and own.number == number.split(".")[0] \
                    and own.section_at(line - 1) is not None and own.section_at(line - 1).number == number:
                continue
            kind = "ref-draft:section" if "." in number else "ref-draft:chapter"
            found.append(finding(source.shown, line, col, severity, kind, number=number))
    return found
