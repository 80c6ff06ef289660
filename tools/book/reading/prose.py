"""Markdown → the prose a reader reads, as units (sentences, list items, table rows, admonition lines).

Code, inline code, math, link targets, front matter and HTML comments are not prose and never reach a unit.
Headings (and the bold numbered titles that stand for them) are units of their own kind, "heading": the claims
check looks for their citation in the first sentence under them. Raw HTML is prose too: the text of an HTML block
and the attributes a reader is shown (alt, title…), in blocks and inline. Every character of a unit keeps its
source line and column, so a finding can point at it.
"""
from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from markdown_it.token import Token

from .citations import PENDING_PAGE_MARK
from .markdown import parse as parse_markdown

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")  # a Chinese character
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
# A sentence ends at 。！？!? or at a full stop before a space; not at the `p.` of a page locator `[@key, p. 20]`,
# nor at the question mark of a pending page, `p. ?` or the free form's `第?页` / `第 ？ 页` (the citation grammar's
# PENDING_PAGE_MARK: a `?` followed by 页 is a page still to be found, not the end of a question).
# It opens with the set of end marks so that the regex engine skips ahead to the next candidate at C speed.
SENTENCE_END = re.compile(r"[。！!？?.](?:(?<=[。！!])|(?<=[？?])(?<!p\.[？?])(?<!p\. [？?])(?!" + PENDING_PAGE_MARK + ")"
                          r"|(?<=\.)(?<!\bp\.)(?<!\bpp\.)(?=\s|$)(?P<stop>))(?(stop)|[。！!？?]*[”’」』）)]*)")
# Raw HTML: what a reader sees of it. Attributes shown as text (a tooltip, the text of a missing image); elements
# whose content is code, not prose; elements that end a block of text (the text on either side is a unit of its own).
SHOWN_ATTRIBUTES = frozenset({"alt", "title", "aria-label", "placeholder", "label", "summary"})
HIDDEN_ELEMENTS = frozenset({"script", "style", "pre", "code", "kbd", "samp", "math", "svg", "template", "textarea"})
BLOCK_ELEMENTS = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"})
HTML_PIECE = re.compile(r"<!--.*?(?:-->|\Z)|<![^>]*>?|<\?.*?(?:\?>|\Z)"
                        r"|<(?P<close>/)?(?P<tag>[A-Za-z][A-Za-z0-9-]*)"
                        r"(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>?", re.S)
HTML_ATTRIBUTE = re.compile(r"(?P<name>[^\s\"'>/=]+)"
                            r"(?:\s*=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s\"'=<>`]+)))?")
ENTITY = re.compile(r"&(?:#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
# Matched at a piece's own start (match(text, start, end)), hence no `^`.
CITATION_TAIL = re.compile(r"[\s。.,，;；]*(?:(?:\[@[^\]]*\]|[（(][^（）()]*第\s*\S+\s*页[）)]|<!--.*?-->)[\s。.,，;；]*)+$")


def written(text: str) -> bool:
    """Whether the text holds anything but white space (as `text.strip()` would say, without making a copy)."""
    return bool(text) and not text.isspace()


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
    # Filled while the units are made (units()), in the same walk over the tokens, for the prose map (prose_map.py):
    # what the inline step found that is not prose, as (kind, start, end) offsets into the source: "code" (a code
    # span with its backticks), "math", "html" (a tag), "comment", "link" (an autolink or a link's target); the
    # blocks that are not prose, as (kind of BLOCK_SPANS, first line, line after), 0-based; and the lines (first,
    # after) of each inline token but an admonition's title.
    inline_spans: list[tuple[str, int, int]] = field(default_factory=list)
    block_lines: list[tuple[str, int, int]] = field(default_factory=list)
    inline_lines: list[tuple[int, int]] = field(default_factory=list)
    # Whether any text of it may hold a full-width digit or sign to fold: one in the source, or an entity (`&#65296;`).
    wide: bool = True

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
    cells: list[tuple[int, int]] | None = None  # a table row: (start, end) in the text of each cell, empty ones too

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
        return self.doc.position(self.offset(index))

    def offset(self, index: int) -> int:
        """Offset in the source of the unit's character at `index` (clamped to the unit)."""
        index = max(0, min(index, len(self.text) - 1))
        k = bisect_right(self.starts, index) - 1
        return self.sources[k] + index - self.starts[k]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source offsets that the unit's text[start:end] covers (whatever line breaks fall inside it)."""
        return self.offset(start), self.offset(max(start, end - 1)) + 1

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
    doc = Document(lines, text, tokens, {}, starts, wide="&" in text or FULL_WIDTH.search(text) is not None)
    for token in tokens:
        if token.type == "html_block" and token.map:
            for m in NO_CITE.finditer(token.content):
                line = token.map[0] + token.content[:m.start()].count("\n") + 1
                doc.no_cite_lines[line] = m["reason"].strip()
    return doc


class Aligner:
    """Walks an inline token's children along its lines of the source, giving each prose character its position."""

    def __init__(self, doc: Document, first_line: int, last_line: int):
        self.source, self.wide = doc.source, doc.wide
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
        shown = half_width(content) if self.wide else content
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

    def around(self, opening: str, content: str, closing: str) -> tuple[int, int]:
        """Step over a delimited construct (a code span with its backticks, `\\( … \\)`): its source span."""
        start = self.find(opening, self.cursor)
        if start < 0:
            at = self.skip(content)
            return at, max(at, self.cursor)
        self.cursor = start + len(opening)
        self.skip(content)
        end = self.find(closing, self.cursor)
        self.cursor = end + len(closing) if end >= 0 else self.cursor
        return start, self.cursor

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
            return Unit(kind, doc, half_width(content) if doc.wide else content, [0], [at])
    aligner = Aligner(doc, first, last)
    unit = Unit(kind, doc)
    skipping_autolink = False
    hidden: str | None = None  # an inline HTML element whose content is code (`<code>`, `<kbd>`…)
    for child in children:
        if skipping_autolink:
            if child.type == "link_close":
                skipping_autolink = False
            continue
        if hidden is not None and child.type != "html_inline":
            continue
        if child.type == "text":
            aligner.take(unit, child.content)
        elif child.type in ("softbreak", "hardbreak"):
            unit.add_at("\n", aligner.skip("\n"))
        elif child.type == "code_inline":
            start, end = aligner.around(child.markup, child.content, child.markup)
            doc.inline_spans.append(("code", start, end))
            unit.add_at(" ", start)
        elif child.type in ("math_inline", "math_inline_double"):
            closing = child.markup.replace("(", ")").replace("[", "]")
            start, end = aligner.around(child.markup, child.content, closing)
            doc.inline_spans.append(("math", start, end))
            unit.add_at(" ", start)
        elif child.type == "html_inline":
            m = NO_CITE.search(child.content)
            start = aligner.skip(child.content)
            if doc.source.startswith(child.content, start):  # not the checkbox a task list item is given
                doc.inline_spans.append(("comment" if child.content.startswith("<!--") else "html", start,
                                         start + len(child.content)))
            if m:
                doc.no_cite_lines[doc.position(start)[0]] = m["reason"].strip()
            unit.add_at(" ", start)
            tag = HTML_PIECE.match(child.content)
            if tag and tag["tag"]:
                name = tag["tag"].lower()
                if tag["close"]:
                    hidden = None if name == hidden else hidden
                else:
                    for value, at in shown_attributes(tag):  # alt and title are read as the sentence's words
                        add_html_text(unit, child.content, at, at + len(value), lambda off: start + off)
                        unit.add_at(" ", start + at + len(value))
                    if name in HIDDEN_ELEMENTS and not child.content.endswith("/>"):
                        hidden = name
        elif child.type == "link_open" and child.markup == "autolink":
            start, end = aligner.around("<", "", ">")
            doc.inline_spans.append(("link", start, end))
            unit.add_at(" ", start)
            skipping_autolink = True
        elif child.type == "link_close":
            start = aligner.cursor
            aligner.skip_link_target()
            doc.inline_spans.append(("link", start, aligner.cursor))
        elif child.type == "image":  # its alt text is shown where the image cannot be: prose
            aligner.take(unit, child.content)
            start = aligner.cursor
            aligner.skip_link_target()
            doc.inline_spans.append(("link", start, aligner.cursor))
    return unit


def shown_attributes(tag: re.Match) -> list[tuple[str, int]]:
    """(raw value, offset in the tag's text) of each attribute of an HTML start tag that a reader is shown."""
    out = []
    for m in HTML_ATTRIBUTE.finditer(tag["attrs"] or ""):
        if m["name"].lower() in SHOWN_ATTRIBUTES:
            group = next((g for g in ("dq", "sq", "bare") if m[g] is not None), None)
            if group and m[group].strip():
                out.append((m[group], tag.start("attrs") + m.start(group)))
    return out


def add_html_text(unit: Unit, content: str, start: int, end: int, to_source) -> None:
    """Append content[start:end], raw HTML text, to the unit: entities decoded (placed at their `&`), each line at its
    own place in the source (`to_source` maps an offset into `content` to one into the source)."""
    at = start
    while at < end:
        newline = content.find("\n", at, end)
        stop = end if newline < 0 else newline
        piece_at = at
        for m in ENTITY.finditer(content, at, stop):
            unit.add(half_width(content[piece_at:m.start()]), to_source(piece_at))
            unit.add_at(half_width(html.unescape(m[0])), to_source(m.start()))
            piece_at = m.end()
        unit.add(half_width(content[piece_at:stop]), to_source(piece_at))
        if newline < 0:
            break
        unit.add_at("\n", to_source(newline))
        at = newline + 1


def block_source(doc: Document, token: Token):
    """A function from an offset into a block token's content to one into the source. A container's prefix (`> `,
    a list item's indentation) is not part of the content; each content line is found at the end of its source line."""
    content = token.content
    first = token.map[0]
    line_starts, offsets, at = [], [], 0
    for k, line in enumerate(content.split("\n")):
        line_starts.append(at)
        at += len(line) + 1
        n = min(first + k, len(doc.lines) - 1)
        source = doc.lines[n]
        shift = len(source) - len(line) if source.endswith(line) else max(source.find(line), 0) if line else 0
        offsets.append(doc.line_starts[n] + max(shift, 0))
    limit = len(doc.source)

    def to_source(offset: int) -> int:
        k = bisect_right(line_starts, offset) - 1
        return min(offsets[k] + offset - line_starts[k], limit)
    return to_source


def html_units(doc: Document, token: Token, kind: str) -> list[Unit]:
    """The prose of a raw HTML block: the text of its elements (a block element such as `<div>` or `<p>` ends a
    paragraph), and each shown attribute as a unit of its own. Comments and code elements are not prose."""
    content = token.content
    to_source = block_source(doc, token)
    out: list[Unit] = []
    current = [Unit(kind, doc)]

    def flush() -> None:
        if current[0].text.strip():
            out.extend(split_sentences(current[0]))
        current[0] = Unit(kind, doc)

    hidden: str | None = None
    at = 0
    for m in HTML_PIECE.finditer(content):
        if hidden is None and m.start() > at:
            add_html_text(current[0], content, at, m.start(), to_source)
        at = m.end()
        if not m["tag"]:
            continue  # a comment, a doctype, a processing instruction
        name = m["tag"].lower()
        if hidden is not None:
            if m["close"] and name == hidden:
                hidden = None
            continue
        if name in BLOCK_ELEMENTS:
            flush()
        if m["close"]:
            continue
        for value, offset in shown_attributes(m):
            attribute = Unit(kind, doc)
            add_html_text(attribute, content, offset, offset + len(value), to_source)
            out.extend(split_sentences(attribute))
        if name in HIDDEN_ELEMENTS and not m[0].endswith("/>"):
            hidden = name
    if hidden is None and at < len(content):
        add_html_text(current[0], content, at, len(content), to_source)
    flush()
    return out


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
# Blocks that are not prose, by the kind the prose map gives their span.
BLOCK_SPANS = {"front_matter": "front_matter", "fence": "code_block", "code_block": "code_block",
               "math_block": "math", "math_block_eqno": "math", "html_block": "html"}
STRUCTURE = {"thead_open", "thead_close", "tr_open", "tr_close", *CONTAINER_OPEN, *CONTAINER_CLOSE, *BLOCK_SPANS}


def units(doc: Document) -> list[Unit]:
    """All prose units of a document, in order (and, in the same walk, what the prose map reads of its blocks)."""
    doc.inline_spans, doc.block_lines, doc.inline_lines = [], [], []
    out: list[Unit] = []
    containers: list[str] = []
    row: Unit | None = None
    head = False  # in a table's header rows (units of kind "header", whose cells may name their column's unit)
    tokens = doc.tokens
    for i, token in enumerate(tokens):
        kind = token.type
        if kind != "inline":
            if kind not in STRUCTURE:
                continue  # most tokens: a paragraph's or a cell's opening and closing
            if kind in BLOCK_SPANS:
                if token.map is not None:
                    doc.block_lines.append((BLOCK_SPANS[kind], token.map[0], token.map[1]))
                if kind != "html_block":
                    continue
            if kind == "html_block" and token.map and row is None:
                out += html_units(doc, token, "admonition" if "admonition_open" in containers else "paragraph")
            elif kind in CONTAINER_OPEN:
                containers.append(kind)
            elif kind in CONTAINER_CLOSE:
                containers.pop()
            elif kind == "thead_open":
                head = True
            elif kind == "thead_close":
                head = False
            elif kind == "tr_open":
                row = Unit("header" if head else "row", doc, cells=[])
            elif kind == "tr_close" and row is not None:
                if written(row.text):
                    out.append(row)
                row = None
            continue
        if token.map is None:
            continue
        opener = tokens[i - 1].type if i else ""
        if opener == "admonition_title_open":
            continue  # an admonition's title is furniture, not prose
        doc.inline_lines.append((token.map[0], token.map[1]))
        if opener == "heading_open":
            unit = inline_unit(doc, token, "heading")
            if written(unit.text):
                out.append(unit)
            continue
        if row is not None:
            cell = inline_unit(doc, token, "row")
            if row.text and cell.text:
                row.add_at(" | ", cell.sources[0])
            row.cells.append((len(row.text), len(row.text) + len(cell.text)))
            row.starts += [len(row.text) + s for s in cell.starts]
            row.sources += cell.sources
            row.text += cell.text
            continue
        if DISPLAY_MATH.match(token.content):
            continue
        in_item = bool(containers) and containers[-1] == "list_item_open"
        title = heading_like(token, in_item)
        if title == "quoted":
            continue
        if title == "heading":
            unit = inline_unit(doc, token, "heading")
            if written(unit.text):
                out.append(unit)
            continue
        unit = inline_unit(doc, token, "item" if in_item else "paragraph")
        if not written(unit.text):
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
            first = bisect_right(starts, unit.sources[0])
            k = bisect_left(marked, first)
            if k == len(marked):
                continue
            line = marked[k]
            if line != first and (len(unit.starts) == 1 and "\n" not in unit.text  # one piece, one line
                                  or line > bisect_right(starts, unit.sources[-1] + len(unit.text) - 1 - unit.starts[-1])):
                continue
            unit.no_cite = doc.no_cite_lines[line]
    return out


def todo_boxes(tokens: list[Token]) -> list[tuple[int, int]]:
    """The lines (first, after; 0-based) of each `!!! todo` admonition: the author's notes, which the release shows
    nowhere and a reader never reads."""
    return [(t.map[0], t.map[1]) for t in tokens
            if t.type == "admonition_open" and t.meta.get("tag") == "todo" and t.map]


def split_lines(unit: Unit, kind: str) -> list[Unit]:
    pieces, start = [], 0
    for line in unit.text.split("\n"):
        if line.strip():
            piece = unit.slice(start, start + len(line))
            piece.kind = kind
            pieces.append(piece)
        start += len(line) + 1
    return pieces


def heading_like(token: Token, in_list: bool) -> str | None:
    """"heading" for a bold numbered title (`**1.1.1 标题**`, the TOC's subsections), which stands for a heading (a
    unit of kind "heading"); "quoted" for a list item that is a numbered section title (`1.1 开篇案例：…`, a structure
    quoted in a proposal), which names a heading checked where it stands: not prose. None for anything else."""
    text = token.content.strip()
    opening = text[:1]
    if opening in ("*", "_"):
        return "heading" if BOLD_NUMBERED_TITLE.match(text) else None
    if in_list and (opening.isdigit() or "A" <= opening <= "Z") and LISTED_SECTION_TITLE.match(text):
        return "quoted"
    return None
