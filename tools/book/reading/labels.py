"""Figures, tables and section references: the labels of the book, read from the one Markdown parse, and their numbers.

The author's syntax (Markdown that any viewer shows sensibly, never a form starting with `[@`, which is a citation):

- a figure: an image alone in its paragraph with a label after it, the caption as the image's title:
  `![alt text for a reader who cannot see it](figures/ch04-step.svg "图题"){#fig:ch04-step}`;
- a table: a caption paragraph directly above (or below) the table, Pandoc's form: `: 表题 {#tbl:ch02-batch}`;
- a reference: an empty link to the label, `[](#fig:ch04-step)`, `[](#tbl:ch02-batch)`, or to a section, chapter or
  subsection by its number in the TOC, `[](#sec:4.3)`, `[](#sec:4)`, `[](#sec:8.4.1)`.

Figures and tables are numbered per chapter in the order the chapter file defines them (图 4-1, 图 4-2, 表 2-1), the
chapters taken in TOC order; a label outside the TOC's chapters is numbered in its file alone (图 1). The numbers
are the same in every output (draft and release site, print): `Labels.text(name)` gives "图 4-1", "4.3 节", "第4章".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token

from .prose import HAN, Document

LABEL_NAME = r"[A-Za-z0-9][\w.\-]*"
FIGURE_TAIL = re.compile(rf"^\s*\{{#(?P<name>fig:{LABEL_NAME})\}}\s*$")
TABLE_CAPTION = re.compile(rf"^:\s+(?P<caption>.*?)\s*\{{#(?P<name>tbl:{LABEL_NAME})\}}\s*$", re.S)
REFERENCE = re.compile(rf"^#(?P<name>(?:fig|tbl):{LABEL_NAME}|sec:[0-9A-Z]+(?:\.\d+)*)$")


def space_after(text: str, following: str) -> str:
    """The space Chinese typesetting wants between a reference whose text ends in a digit or a letter (`图 2-1`) and a
    Chinese character right after it (`图 2-1 画出了…`): the site and the EPUB write it; Typst spaces them itself."""
    return " " if text[-1:].isascii() and text[-1:].isalnum() and HAN.match(following[:1]) else ""
KIND_WORD = {"figure": "图", "table": "表"}


@dataclass
class Definition:
    """A figure or a table as its file defines it."""
    name: str            # fig:ch04-step
    kind: str            # figure, table
    line: int
    col: int
    caption: str
    alt: str = ""        # figures: the image's alt text
    src: str = ""        # figures: the image's path as written
    start: int = 0       # offsets of the whole definition (the figure's paragraph, the table's caption) in the text
    end: int = 0
    table: tuple[int, int] | None = None   # tables: the 0-based line range of the table the caption belongs to


@dataclass
class Reference:
    name: str            # fig:ch04-step, sec:4.3
    line: int
    col: int
    start: int           # offsets of `[](#…)` in the text
    end: int


@dataclass
class Image:
    alt: str
    src: str
    line: int
    col: int


@dataclass
class FileLabels:
    """What one Markdown file defines and refers to."""
    definitions: list[Definition] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)


def scan(doc: Document) -> FileLabels:
    """The labels of one parsed file: definitions, references and every image, each located in the source."""
    found = FileLabels()
    tokens = doc.tokens
    for i, token in enumerate(tokens):
        if token.type != "inline" or token.map is None or not token.children:
            continue
        cursor = doc.line_starts[token.map[0]]
        paragraph = i > 0 and tokens[i - 1].type == "paragraph_open"
        children = token.children
        for k, child in enumerate(children):
            if child.type == "image":
                src = child.attrGet("src") or ""
                at = source_find(doc, "![", cursor, token)
                cursor = at + 2 if at >= 0 else cursor
                alt = "".join(c.content for c in child.children or []).strip()
                line, col = doc.position(max(at, 0))
                found.images.append(Image(alt, src, line, col))
                tail = children[k + 1] if k + 1 < len(children) else None
                m = FIGURE_TAIL.match(tail.content) if tail is not None and tail.type == "text" else None
                if m and paragraph and k == 0 and k + 2 == len(children):
                    label_at = source_find(doc, "{#" + m["name"], cursor, token)
                    start, end = block_span(doc, token)
                    line, col = doc.position(label_at if label_at >= 0 else max(at, 0))
                    found.definitions.append(Definition(m["name"], "figure", line, col,
                                                        (child.attrGet("title") or "").strip(), alt, src, start, end))
            elif child.type == "link_open":
                m = REFERENCE.match(child.attrGet("href") or "")
                closes = k + 1 < len(children) and children[k + 1].type == "link_close"
                if m and closes:
                    written = f"[](#{m['name']})"
                    at = source_find(doc, written, cursor, token)
                    if at >= 0:
                        cursor = at + len(written)
                        line, col = doc.position(at)
                        found.references.append(Reference(m["name"], line, col, at, at + len(written)))
        if paragraph:
            m = TABLE_CAPTION.match(token.content)
            if m:
                table = adjacent_table(tokens, i)
                start, end = block_span(doc, token)
                label_at = source_find(doc, "{#" + m["name"], start, token)
                line, col = doc.position(label_at if label_at >= 0 else start)
                found.definitions.append(Definition(m["name"], "table", line, col, " ".join(m["caption"].split()),
                                                    start=start, end=end, table=table))
    return found


def source_find(doc: Document, needle: str, start: int, token: Token) -> int:
    """Where `needle` lies in the token's lines, at or after `start` (-1 when it does not: an escape)."""
    end = doc.line_starts[token.map[1]] if token.map[1] < len(doc.line_starts) else len(doc.source)
    return doc.source.find(needle, start, end)


def block_span(doc: Document, token: Token) -> tuple[int, int]:
    """Offsets of the lines of a block (its inline token's map), without the final newline."""
    first, last = token.map
    start = doc.line_starts[first]
    end = doc.line_starts[last] - 1 if last < len(doc.line_starts) else len(doc.source)
    return start, end


def adjacent_table(tokens: list[Token], inline: int) -> tuple[int, int] | None:
    """The table right after (or right before) the caption paragraph whose inline token is at `inline`."""
    after = inline + 2                  # paragraph_close, then the next block
    if after < len(tokens) and tokens[after].type == "table_open" and tokens[after].map:
        return tuple(tokens[after].map)
    before = inline - 2                 # paragraph_open, then the previous block's close
    if before >= 0 and tokens[before].type == "table_close":
        depth = 0
        for j in range(before, -1, -1):
            depth += {"table_close": 1, "table_open": -1}.get(tokens[j].type, 0)
            if depth == 0 and tokens[j].type == "table_open" and tokens[j].map:
                return tuple(tokens[j].map)
    return None


# ---------------------------------------------------------------------------------------------------- the book

@dataclass
class Label:
    """A numbered figure or table of the book."""
    definition: Definition
    path: Path
    shown: str           # the file as findings print it
    chapter: str         # "4", "C", or "" outside the TOC's chapters
    number: str          # "4-1", or "1" outside a chapter

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def kind(self) -> str:
        return self.definition.kind

    @property
    def text(self) -> str:
        """图 4-1, 表 2-1: how the book names it."""
        return f"{KIND_WORD[self.kind]} {self.number}"


@dataclass
class SectionTarget:
    """A chapter, section or subsection of the TOC that `[](#sec:N.M)` names."""
    number: str
    title: str
    text: str            # 第4章, 4.3 节
    heading: str         # the heading as the chapter file writes it: 第4章 KV Cache 优化, 4.3 KV Cache 的…
    path: Path | None    # the chapter file
    level: int           # 1 chapter, 2 section, 3 subsection


@dataclass
class Labels:
    labels: dict[str, Label]                          # the first definition of each name
    duplicates: list[tuple[Label, Label]]             # (a later definition, the first)
    references: dict[Path, list[Reference]]           # per file
    files: dict[Path, FileLabels]
    sections: dict[str, SectionTarget]                # "4.3" -> target

    def text(self, name: str) -> str | None:
        """How a reference to `name` reads: 图 4-1, 表 2-1, 4.3 节, 第4章; None when it names nothing."""
        if name.startswith("sec:"):
            target = self.sections.get(name[4:])
            return target.text if target else None
        label = self.labels.get(name)
        return label.text if label else None

    def numbering(self) -> dict[str, str]:
        """Every figure and table label to its number as the book prints it (图 4-1): for the site and print."""
        return {name: label.text for name, label in self.labels.items()}

    def referenced(self) -> set[str]:
        return {r.name for refs in self.references.values() for r in refs}


def read(book) -> Labels:
    """The labels of the whole book: every prose file scanned once, numbered by chapter in TOC order."""
    chapters = {c.path: c for c in book.toc.chapters if c.path is not None}
    order = {path: k for k, path in enumerate(chapters)}
    files: dict[Path, FileLabels] = {}
    shown: dict[Path, str] = {}
    for source in book.files:
        doc = book.document(source)
        if doc is None:
            continue
        files[source.path] = scan(doc)
        shown[source.path] = source.shown
    labels: dict[str, Label] = {}
    duplicates: list[tuple[Label, Label]] = []
    for path in sorted(files, key=lambda p: (order.get(p, len(order)), str(p))):
        chapter = chapters.get(path)
        counts = {"figure": 0, "table": 0}
        for definition in files[path].definitions:
            counts[definition.kind] += 1
            number = f"{chapter.number}-{counts[definition.kind]}" if chapter else str(counts[definition.kind])
            label = Label(definition, path, shown[path], chapter.number if chapter else "", number)
            if definition.name in labels:
                duplicates.append((label, labels[definition.name]))
            else:
                labels[definition.name] = label
    references = {path: f.references for path, f in files.items()}
    return Labels(labels, duplicates, references, files, section_targets(book.toc))


def section_targets(toc) -> dict[str, SectionTarget]:
    targets: dict[str, SectionTarget] = {}
    for chapter in toc.chapters:
        targets[chapter.number] = SectionTarget(chapter.number, chapter.title, chapter.label, chapter.heading,
                                                chapter.path, 1)
        for section in chapter.sections:
            targets[section.number] = SectionTarget(section.number, section.title, f"{section.number} 节",
                                                    f"{section.number} {section.title}", chapter.path, 2)
            for sub in section.subsections:
                targets[sub.number] = SectionTarget(sub.number, sub.title, f"{sub.number} 节",
                                                    f"{sub.number} {sub.title}", chapter.path, 3)
    return targets
