"""Markdown → the prose a reader reads, as units (sentences, list items, table rows, admonition lines).

Code, inline code, math, link targets, headings, front matter and HTML comments are not prose and never reach a
unit. Every character of a unit keeps its source line and column, so a finding can point at it.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from markdown_it.token import Token

from .markdown import parse as parse_markdown

# Full-width digits and symbols read as their ASCII twins; one character for one, so columns stay true.
HALF_WIDTH = str.maketrans("０１２３４５６７８９％＄．～－＋ｘＸ", "0123456789%$.~-+xX")
FULL_WIDTH = re.compile("[０１２３４５６７８９％＄．～－＋ｘＸ]")
# `<!-- no-cite: reason -->` opts a line's figures out of citation; `<!-- TODO(data): 来源待查 -->` marks them as a figure
# whose source is still to be found (listed by `book todo`, no citation of a source it does not come from).
NO_CITE = re.compile(r"<!--\s*(?:no-cite\s*:?|(?=TODO\(data\)))(?P<reason>.*?)-->", re.S)
TODO_MARK = "TODO(data)"
BOLD_NUMBERED_TITLE = re.compile(r"^(\*\*|__)(?:\d+|[A-Z])(?:\.\d+)+\s[^\n]*\1$")
DISPLAY_MATH = re.compile(r"^\s*\$\$.*\$\$\s*$", re.S)  # a paragraph that is one `$$ … $$` formula
LISTED_SECTION_TITLE = re.compile(r"^(?:\d+|[A-Z])\.\d+(?:\.\d+)*\s+(?![倍%xX×])[^\s\d]")
# A sentence ends at 。！？!? or at a full stop before a space; not at the `p.` of a page locator `[@key, p. 20]`.
# It opens with the set of end marks so that the regex engine skips ahead to the next candidate at C speed.
SENTENCE_END = re.compile(r"[。！!？?.](?:(?<=[。！!])|(?<=[？?])(?<!p\.[？?])(?<!p\. [？?])"
                          r"|(?<=\.)(?<!\bp\.)(?<!\bpp\.)(?=\s|$)(?P<stop>))(?(stop)|[。！!？?]*[”’」』）)]*)")
# Matched at a piece's own start (match(text, start, end)), hence no `^`.
CITATION_TAIL = re.compile(r"[\s。.,，;；]*(?:(?:\[@[^\]]*\]|[（(][^（）()]*第\s*\S+\s*页[）)]|<!--.*?-->)[\s。.,，;；]*)+$")


def half_width(text: str) -> str:
    """Full-width digits and symbols folded; most text has none, and the test is much cheaper than the translation."""
    return text.translate(HALF_WIDTH) if FULL_WIDTH.search(text) else text


@dataclass
class Document:
    """One Markdown file: its text, its lines and its tokens."""
    lines: list[str]
    source: str                 # the text the parser read
    tokens: list[Token]
    no_cite_lines: dict[int, str]  # 1-based line -> reason
    line_starts: list[int] = field(default_factory=list)  # offset of each line in the source

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, col) of an offset into the source."""
        line0 = bisect_right(self.line_starts, offset) - 1
        return line0 + 1, offset - self.line_starts[line0] + 1


@dataclass(slots=True)
class Unit:
    """A stretch of prose that one citation must cover: a sentence, a list item, a table row or an admonition line.

    The text is made of pieces; piece k starts at `starts[k]` in the text and at `sources[k]` in the
    source, and runs on there character for character. Plain prose is one piece per line, so a million characters
    of book need no per-character bookkeeping."""
    kind: str
    doc: Document
    text: str = ""
    starts: list[int] = field(default_factory=list)
    sources: list[int] = field(default_factory=list)
    no_cite: str | None = None

    def add(self, text: str, source: int) -> None:
        """Append text that lies contiguously in the source from `source` on."""
        if text:
            self.starts.append(len(self.text))
            self.sources.append(source)
            self.text += text

    def add_at(self, text: str, source: int) -> None:
        """Append text that stands in for the one source position `source` (a separator, a skipped code span)."""
        for ch in text:
            self.add(ch, source)

    def where(self, index: int) -> tuple[int, int]:
        """(line, col) of the unit's character at `index` (clamped to the unit)."""
        index = max(0, min(index, len(self.text) - 1))
        k = bisect_right(self.starts, index) - 1
        return self.doc.position(self.sources[k] + index - self.starts[k])

    def slice(self, start: int, end: int) -> "Unit":
        if len(self.starts) == 1:  # one line of plain prose
            return Unit(self.kind, self.doc, self.text[start:end], [0], [self.sources[0] + start], self.no_cite)
        first = bisect_right(self.starts, start) - 1
        after = bisect_left(self.starts, end, first + 1)
        starts = [0, *(s - start for s in self.starts[first + 1:after])]
        sources = [self.sources[first] + start - self.starts[first], *self.sources[first + 1:after]]
        return Unit(self.kind, self.doc, self.text[start:end], starts, sources, self.no_cite)


def parse(text: str) -> Document:
    lines = text.split("\n")
    tokens = parse_markdown(text)
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    doc = Document(lines, text, tokens, {}, starts)
    for token in tokens:
        if token.type == "html_block" and token.map:
            for m in NO_CITE.finditer(token.content):
                line = token.map[0] + token.content[:m.start()].count("\n") + 1
                doc.no_cite_lines[line] = m["reason"].strip()
    return doc


class Aligner:
    """Walks an inline token's children along its lines of the source, giving each prose character its position."""

    def __init__(self, doc: Document, first_line: int, last_line: int):
        self.source = doc.source
        self.cursor = doc.line_starts[first_line]
        self.start = self.cursor
        self.end = doc.line_starts[last_line] - 1 if last_line < len(doc.line_starts) else len(doc.source)

    def find(self, text: str, start: int, end: int | None = None) -> int:
        return self.source.find(text, start, self.end if end is None else min(end, self.end))

    def near_cursor(self) -> int:
        """Where something that cannot be found is placed: the cursor, kept inside the token's lines."""
        return max(self.start, min(self.cursor, self.end - 1))

    def take(self, unit: Unit, content: str) -> None:
        """Append a text child to the unit, each of its lines found at or after the cursor. A line the source does not
        hold verbatim (an escape) is placed character by character."""
        shown = half_width(content)
        at_char = 0
        for k, line in enumerate(content.split("\n") if "\n" in content else (content,)):
            if k:
                newline = self.find("\n", self.cursor)
                unit.add("\n", newline if newline >= 0 else self.near_cursor())
                self.cursor = newline + 1 if newline >= 0 else self.cursor
                at_char += 1
            at = self.find(line, self.cursor) if line else -1
            if at >= 0 and self.find("\n", self.cursor, at) < 0:
                unit.add(shown[at_char:at_char + len(line)], at)
                self.cursor = at + len(line)
            else:
                for i, ch in enumerate(line):
                    found = self.find(ch, self.cursor, self.cursor + 12)
                    if found >= 0:
                        self.cursor = found + 1
                    unit.add(shown[at_char + i], found if found >= 0 else self.near_cursor())
            at_char += len(line)

    def skip(self, content: str) -> int:
        at = self.find(content, self.cursor) if content else -1
        if at < 0:
            return self.near_cursor()
        self.cursor = at + len(content)
        return at

    def skip_link_target(self) -> None:
        """After a link's text: step over `](target "title")` or `][ref]`."""
        rest = self.source[self.cursor:self.end]
        if rest.startswith("]("):
            depth, k = 0, 1
            while k < len(rest):
                if rest[k] == "(":
                    depth += 1
                elif rest[k] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                k += 1
            self.cursor += k + 1
        elif rest.startswith("]["):
            self.cursor += rest.find("]", 2) + 1
        elif rest.startswith("]"):
            self.cursor += 1


def inline_unit(doc: Document, token: Token, kind: str) -> Unit:
    """The prose of one inline token as a unit (not yet split into sentences)."""
    first, last = token.map
    children = token.children or []
    if len(children) == 1 and children[0].type == "text" and "\n" not in children[0].content:
        # One line of plain prose (most of a book): it lies verbatim on its line.
        content = children[0].content
        at = doc.source.find(content, doc.line_starts[first], doc.line_starts[first] + len(doc.lines[first]))
        if at >= 0:
            return Unit(kind, doc, half_width(content), [0], [at])
    aligner = Aligner(doc, first, last)
    unit = Unit(kind, doc)
    skipping_autolink = False
    for child in children:
        if skipping_autolink:
            if child.type == "link_close":
                skipping_autolink = False
            continue
        if child.type == "text":
            aligner.take(unit, child.content)
        elif child.type in ("softbreak", "hardbreak"):
            unit.add_at("\n", aligner.skip("\n"))
        elif child.type in ("code_inline", "math_inline", "math_inline_double"):
            unit.add_at(" ", aligner.skip(child.content))
        elif child.type == "html_inline":
            m = NO_CITE.search(child.content)
            start = aligner.skip(child.content)
            if m:
                doc.no_cite_lines[doc.position(start)[0]] = m["reason"].strip()
            unit.add_at(" ", start)
        elif child.type == "link_open" and child.markup == "autolink":
            unit.add_at(" ", aligner.skip(child.attrGet("href") or ""))
            skipping_autolink = True
        elif child.type == "link_close":
            aligner.skip_link_target()
        elif child.type == "image":  # its alt text is shown where the image cannot be: prose
            aligner.take(unit, child.content)
            aligner.skip_link_target()
    return unit


def split_sentences(unit: Unit) -> list[Unit]:
    """Sentences of a paragraph. A piece that holds nothing but a citation (`…下降了 90%。[@a, p. 3]`) joins the one before."""
    text = unit.text
    spans: list[list[int]] = []
    start = 0
    for end in [*(m.end() for m in SENTENCE_END.finditer(text)), len(text)]:
        if end == start:
            continue
        if spans and (text[start:end].isspace() or CITATION_TAIL.match(text, start, end)):
            spans[-1][1] = end
        else:
            spans.append([start, end])
        start = end
    if len(spans) == 1 and spans[0] == [0, len(text)]:
        return [unit]
    return [unit.slice(a, b) for a, b in spans if not text[a:b].isspace()]


CONTAINER_OPEN = {"list_item_open", "blockquote_open", "admonition_open"}
CONTAINER_CLOSE = {"list_item_close", "blockquote_close", "admonition_close"}


def units(doc: Document) -> list[Unit]:
    """All prose units of a document, in order."""
    out: list[Unit] = []
    containers: list[str] = []
    row: Unit | None = None
    tokens = doc.tokens
    for i, token in enumerate(tokens):
        kind = token.type
        if kind != "inline":
            if kind in CONTAINER_OPEN:
                containers.append(kind)
            elif kind in CONTAINER_CLOSE:
                containers.pop()
            elif kind == "tr_open":
                row = Unit("row", doc)
            elif kind == "tr_close" and row is not None:
                if row.text.strip():
                    out.append(row)
                row = None
            continue
        if token.map is None:
            continue
        opener = tokens[i - 1].type if i else ""
        if opener in ("heading_open", "admonition_title_open"):
            continue  # headings, and an admonition's title, are furniture, not prose
        if row is not None:
            cell = inline_unit(doc, token, "row")
            if row.text and cell.text:
                row.add_at(" | ", cell.sources[0])
            row.starts += [len(row.text) + s for s in cell.starts]
            row.sources += cell.sources
            row.text += cell.text
            continue
        if heading_like(token, "list_item_open" in containers[-1:]) or DISPLAY_MATH.match(token.content):
            continue
        unit = inline_unit(doc, token, "item" if "list_item_open" in containers[-1:] else "paragraph")
        if not unit.text.strip():
            continue
        if "admonition_open" in containers:
            out += split_lines(unit, "admonition")
        elif unit.kind == "item":
            out.append(unit)
        else:
            out += split_sentences(unit)
    if doc.no_cite_lines:
        starts, marked = doc.line_starts, sorted(doc.no_cite_lines)
        for unit in out:  # the first no-cite line from the unit's first line (1-based) to its last
            k = bisect_left(marked, bisect_right(starts, unit.sources[0]))
            if k < len(marked):
                last_line = bisect_right(starts, unit.sources[-1] + len(unit.text) - 1 - unit.starts[-1])
                if marked[k] <= last_line:
                    unit.no_cite = doc.no_cite_lines[marked[k]]
    return out


def split_lines(unit: Unit, kind: str) -> list[Unit]:
    pieces, start = [], 0
    for line in unit.text.split("\n"):
        if line.strip():
            piece = unit.slice(start, start + len(line))
            piece.kind = kind
            pieces.append(piece)
        start += len(line) + 1
    return pieces


def heading_like(token: Token, in_list: bool) -> bool:
    """A bold numbered title (`**1.1.1 标题**`, the TOC's subsections), or a list item that is a numbered section
    title (`1.1 开篇案例：…`, a structure quoted in a proposal), reads as a heading: its figures are not claims."""
    text = token.content.strip()
    opening = text[:1]
    if opening in ("*", "_"):
        return bool(BOLD_NUMBERED_TITLE.match(text))
    return in_list and (opening.isdigit() or "A" <= opening <= "Z") and bool(LISTED_SECTION_TITLE.match(text))
