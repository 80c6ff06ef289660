"""Markdown → the prose a reader reads, as units (sentences, list items, table rows, admonition lines).

Code, inline code, math, link targets, headings, front matter and HTML comments are not prose and never reach a
unit. Every character of a unit keeps its source line and column, so a finding can point at it.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.texmath import texmath_plugin

# Full-width digits and symbols read as their ASCII twins; one character for one, so columns stay true.
HALF_WIDTH = str.maketrans("０１２３４５６７８９％＄．～－＋ｘＸ", "0123456789%$.~-+xX")
NO_CITE = re.compile(r"<!--\s*no-cite\s*:?(?P<reason>.*?)-->", re.S)
ADMONITION = re.compile(r"^(?P<indent>[ \t]*)(?:!!!|\?\?\?\+?)[ \t]+[\w-]+(?:[ \t]+\"[^\"]*\")?[ \t]*$")
BOLD_NUMBERED_TITLE = re.compile(r"^(\*\*|__)(?:\d+|[A-Z])(?:\.\d+)+\s[^\n]*\1$")
DISPLAY_MATH = re.compile(r"^\s*\$\$.*\$\$\s*$", re.S)  # a paragraph that is one `$$ … $$` formula
LISTED_SECTION_TITLE = re.compile(r"^(?:\d+|[A-Z])\.\d+(?:\.\d+)*\s+(?![倍%xX×])[^\s\d]")
# A sentence ends at 。！？!? or at a full stop before a space; not at the `p.` of a page locator `[@key, p. 20]`.
SENTENCE_END = re.compile(r"(?:[。！!]|(?<!p\. )(?<!p\.)[？?])+[”’」』）)]*|(?<!\bp)(?<!\bpp)\.(?=\s|$)")
CITATION_TAIL = re.compile(r"^[\s。.,，;；]*(?:(?:\[@[^\]]*\]|[（(][^（）()]*第\s*\S+\s*页[）)]|<!--.*?-->)[\s。.,，;；]*)+$")


# Inline rules that only style prose (emphasis, entities, line breaks, images) change no claim and no citation;
# the checker turns them off, which makes the parse of a long book markedly faster.
STYLE_ONLY_RULES = ["emphasis", "strikethrough", "entity", "newline", "image", "linkify", "text_join",
                    "balance_pairs", "fragments_join"]


# Without one of these, and with no reference definitions, the inline parser would return the text unchanged.
INLINE_MARKUP = re.compile(r"[`<\\]|\]\(|\]\[")


@cache
def markdown() -> MarkdownIt:
    """Block structure only; inline content is parsed by `parse_inline`, where there is markup to parse."""
    md = (MarkdownIt("commonmark").enable("table")
          .use(front_matter_plugin).use(texmath_plugin, delimiters="brackets"))
    md.disable([*STYLE_ONLY_RULES, "inline"], ignoreInvalid=True)
    return md


def parse_inline(md: MarkdownIt, tokens: list[Token], env: dict) -> None:
    """Fill each inline token's children. Plain prose (most of a book) skips the inline parser: same result, faster."""
    for token in tokens:
        if token.type != "inline":
            continue
        if env.get("references") or INLINE_MARKUP.search(token.content):
            token.children = []
            md.inline.parse(token.content, md, env, token.children)
        else:
            token.children = [Token("text", "", 0, content=token.content)]


@dataclass
class Document:
    """One Markdown file: its source lines (admonition bodies dedented) and its tokens."""
    lines: list[str]
    col_shift: list[int]      # columns removed from each line when dedenting admonition bodies
    admonition_lines: set[int]  # 0-based lines inside an admonition body
    tokens: list[Token]
    no_cite_lines: dict[int, str]  # 1-based line -> reason
    line_starts: list[int] = field(default_factory=list)  # offset of each line in the (dedented) source

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, col) in the author's file of an offset into the dedented source."""
        line0 = bisect_right(self.line_starts, offset) - 1
        return line0 + 1, offset - self.line_starts[line0] + 1 + self.col_shift[line0]


@dataclass
class Unit:
    """A stretch of prose that one citation must cover: a sentence, a list item, a table row or an admonition line."""
    kind: str
    doc: Document
    text: str = ""
    offsets: list[int] = field(default_factory=list)  # source offset of each character
    no_cite: str | None = None

    def add(self, text: str, offsets: list[int]) -> None:
        self.text += text
        self.offsets += offsets

    def where(self, index: int) -> tuple[int, int]:
        """(line, col) of the unit's character at `index` (clamped to the unit)."""
        return self.doc.position(self.offsets[max(0, min(index, len(self.offsets) - 1))])

    def slice(self, start: int, end: int) -> "Unit":
        return Unit(self.kind, self.doc, self.text[start:end], self.offsets[start:end], self.no_cite)


def dedent_admonitions(lines: list[str]) -> tuple[list[str], list[int], set[int]]:
    """Material's `!!! note "标题"` boxes indent their body by four spaces, which CommonMark would read as code."""
    out, shift, inside = list(lines), [0] * len(lines), set()
    i = 0
    while i < len(lines):
        m = ADMONITION.match(lines[i])
        if not m:
            i += 1
            continue
        out[i] = ""  # the marker and its title are furniture, not prose
        body_indent = len(m["indent"].expandtabs(4)) + 4
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip(" ")) >= body_indent):
            if lines[j].strip():
                out[j] = lines[j][body_indent:]
                shift[j] = body_indent
                inside.add(j)
            j += 1
        i = i + 1
    return out, shift, inside


def parse(text: str) -> Document:
    raw = text.split("\n")
    lines, shift, inside = dedent_admonitions(raw)
    env: dict = {}
    tokens = markdown().parse("\n".join(lines), env)
    parse_inline(markdown(), tokens, env)
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    doc = Document(lines, shift, inside, tokens, {}, starts)
    for token in tokens:
        if token.type == "html_block" and token.map:
            for m in NO_CITE.finditer(token.content):
                line = token.map[0] + token.content[:m.start()].count("\n") + 1
                doc.no_cite_lines[line] = m["reason"].strip()
    return doc


class Aligner:
    """Walks an inline token's children along its source text, giving each prose character its position."""

    def __init__(self, doc: Document, first_line: int, last_line: int):
        self.base = doc.line_starts[first_line]
        self.source = "\n".join(doc.lines[first_line:last_line])
        self.cursor = 0

    def take(self, content: str) -> list[int]:
        """Offsets of `content`, found at or after the cursor; escapes and entities are matched char by char."""
        at = self.source.find(content, self.cursor)
        if at >= 0 and "\n" not in self.source[self.cursor:at]:
            self.cursor = at + len(content)
            return list(range(self.base + at, self.base + at + len(content)))
        offsets = []
        for ch in content:
            found = self.source.find(ch, self.cursor, self.cursor + 12)
            if found >= 0:
                self.cursor = found + 1
            offsets.append(self.base + (found if found >= 0 else max(0, min(self.cursor, len(self.source) - 1))))
        return offsets

    def skip(self, content: str) -> int:
        at = self.source.find(content, self.cursor) if content else -1
        start = self.base + (at if at >= 0 else min(self.cursor, max(0, len(self.source) - 1)))
        if at >= 0:
            self.cursor = at + len(content)
        return start

    def skip_link_target(self) -> None:
        """After a link's text: step over `](target "title")` or `][ref]`."""
        rest = self.source[self.cursor:]
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
    aligner = Aligner(doc, first, last)
    unit = Unit(kind, doc)
    children = token.children or []
    skipping_autolink = False
    for child in children:
        if skipping_autolink:
            if child.type == "link_close":
                skipping_autolink = False
            continue
        if child.type == "text":
            unit.add(child.content.translate(HALF_WIDTH), aligner.take(child.content))
        elif child.type in ("softbreak", "hardbreak"):
            unit.add("\n", [aligner.skip("\n")])
        elif child.type in ("code_inline", "math_inline", "math_inline_double"):
            unit.add(" ", [aligner.skip(child.content)])
        elif child.type == "html_inline":
            m = NO_CITE.search(child.content)
            start = aligner.skip(child.content)
            if m:
                doc.no_cite_lines[doc.position(start)[0]] = m["reason"].strip()
            unit.add(" ", [start])
        elif child.type == "link_open" and child.markup == "autolink":
            unit.add(" ", [aligner.skip(child.attrGet("href") or "")])
            skipping_autolink = True
        elif child.type == "link_close":
            aligner.skip_link_target()
        elif child.type == "image":
            aligner.skip(child.attrGet("src") or "")
    return unit


def split_sentences(unit: Unit) -> list[Unit]:
    """Sentences of a paragraph. A piece that holds nothing but a citation (`…下降了 90%。[@a, p. 3]`) joins the one before."""
    cuts = [0, *(m.end() for m in SENTENCE_END.finditer(unit.text)), len(unit.text)]
    merged: list[list[int]] = []
    for a, b in zip(cuts, cuts[1:]):
        piece = unit.text[a:b]
        if merged and (not piece.strip() or CITATION_TAIL.match(piece)):
            merged[-1][1] = b
        elif a < b:
            merged.append([a, b])
    return [unit.slice(a, b) for a, b in merged if unit.text[a:b].strip()]


def units(doc: Document) -> list[Unit]:
    """All prose units of a document, in order."""
    out: list[Unit] = []
    containers: list[str] = []
    row: Unit | None = None
    tokens = doc.tokens
    for i, token in enumerate(tokens):
        kind = token.type
        if kind.endswith("_open") and kind in ("list_item_open", "blockquote_open"):
            containers.append(kind)
        elif kind in ("list_item_close", "blockquote_close"):
            containers.pop()
        elif kind == "tr_open":
            row = Unit("row", doc)
        elif kind == "tr_close" and row is not None:
            if row.text.strip():
                out.append(row)
            row = None
        if kind != "inline" or token.map is None:
            continue
        opener = tokens[i - 1].type if i else ""
        if opener == "heading_open":
            continue
        if row is not None:
            cell = inline_unit(doc, token, "row")
            if row.text and cell.offsets:
                row.add(" | ", cell.offsets[:1] * 3)
            row.add(cell.text, cell.offsets)
            continue
        if heading_like(token, "list_item_open" in containers[-1:]) or DISPLAY_MATH.match(token.content):
            continue
        unit = inline_unit(doc, token, "item" if "list_item_open" in containers[-1:] else "paragraph")
        if not unit.text.strip():
            continue
        if token.map[0] in doc.admonition_lines:
            out += split_lines(unit, "admonition")
        elif unit.kind == "item":
            out.append(unit)
        else:
            out += split_sentences(unit)
    if doc.no_cite_lines:
        for unit in out:
            first, last = unit.where(0)[0], unit.where(len(unit.text) - 1)[0]
            reasons = [doc.no_cite_lines[n] for n in range(first, last + 1) if n in doc.no_cite_lines]
            if reasons:
                unit.no_cite = reasons[0]
    return out


def split_lines(unit: Unit, kind: str) -> list[Unit]:
    pieces, start = [], 0
    for k, ch in enumerate(unit.text + "\n"):
        if ch == "\n":
            if unit.text[start:k].strip():
                piece = unit.slice(start, k)
                piece.kind = kind
                pieces.append(piece)
            start = k + 1
    return pieces


def heading_like(token: Token, in_list: bool) -> bool:
    """A bold numbered title (`**1.1.1 标题**`, the TOC's subsections), or a list item that is a numbered section
    title (`1.1 开篇案例：…`, a structure quoted in a proposal), reads as a heading: its figures are not claims."""
    text = token.content.strip()
    return bool(BOLD_NUMBERED_TITLE.match(text) or (in_list and LISTED_SECTION_TITLE.match(text)))
