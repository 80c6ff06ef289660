"""The prose map of one Markdown file: what of it is prose, what is not, and what the author wrote for the toolchain.

Computed once per file from the one Markdown reading (prose.parse, prose.units) and held by the Book
(`book.prose_map(source)`); every reader of prose takes it from here instead of matching the text itself:

- `units`: the prose units (sentences, list items, table rows, admonition lines, headings) with their source offsets;
- `spans`: the stretches that are not prose, in source order: "front_matter", "code_block" (fenced or indented),
  "math" (display or inline), "html" (a block or a tag), "comment" (`<!-- … -->`), "code" (a code span with its
  backticks), "link" (a link's target `](…)`, an autolink), "url" (a bare URL in the text), "attributes" (`{#id}`),
  "footnote" (`[^1]`);
- `citations`: every citation read in the prose (reading.citations), with its span in the source, whatever line
  breaks fall inside it (`[@key,⏎p. 20]`, as hard-wrapping editors write it); read once, over the units joined
  (`joined`), and kept per unit too (`unit_citations`, offsets into the unit's text: what the claims check reads);
- `directives`: the comments the author writes for the toolchain, outside code: `no-cite`, `lint-ignore`,
  `verified` and `TODO(data)`, each with its note;
- `mask()`: one byte per character of the text, 1 where it is prose (what the parser's inline step reads, less
  the spans and citations above): what the typography check may change.

Offsets are into the text as the Book reads it (prose.parse: line ends read as LF). `position(offset)` gives the
1-based line and column a finding shows. `raw_offset(raw, offset)` carries an offset back to the bytes on disk
whatever their line ends (LF, CRLF, a lone CR), for a command that edits the file in place (verify --fill).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

from . import prose
from .citations import Citation, Citations

# A directive is an HTML comment that starts with its name: `<!-- no-cite: 作者的估算 -->`,
# `<!-- lint-ignore: 引用原文 -->`, `<!-- verified: 第 12 页柱状图读数 -->`, `<!-- TODO(data): 来源待查 -->`.
DIRECTIVE = re.compile(r"<!--\s*(?P<kind>no-cite|lint-ignore|verified|TODO\(data\))(?!\w|-(?!->))\s*[:：]?(?P<note>.*?)-->", re.S)
DIRECTIVE_KINDS = {"no-cite": "no-cite", "lint-ignore": "lint-ignore", "verified": "verified", "TODO(data)": "todo"}
COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
# `TODO(data): 来源待查` written in the prose itself, not in a comment: the same item, its note to the line's end.
TODO_IN_TEXT = re.compile(r"TODO\(data\)\s*[:：](?P<note>[^\n]*)")
# Inline text that is not prose although the parser hands it over as text. The lookahead names the characters its
# matches start with: the regex engine then skips the rest of the text at one glance.
IN_TEXT = re.compile(r"(?=[hf{\[])(?:(?P<url>\b(?:https?|ftp)://[^\s<>()（）\]]+)|(?P<attributes>\{[#.:][^{}\n]*\})"
                     r"|(?P<footnote>\[\^[^\]\s]*\]))")
IN_TEXT_MARKS = ("://", "{", "[^")  # every match holds one: a text with none is not scanned
UNIT_SEPARATOR = "\x00"  # neither a citation nor a claim rule matches across it: a file's units are read in one pass


@dataclass(frozen=True)
class Span:
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Directive:
    kind: str   # "no-cite", "lint-ignore", "verified", "todo"
    start: int  # the comment's span in the text
    end: int
    line: int   # 1-based line of the comment's start
    note: str   # what follows the name (and its colon), stripped: the reason, the note, the TODO's text


@dataclass
class ProseMap:
    text: str
    document: prose.Document
    units: list[prose.Unit]
    spans: list[Span] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    inline_regions: list[tuple[int, int]] = field(default_factory=list)  # where the inline step read (whole lines)
    # Each unit's citations, with offsets into the unit's text; unit k's are those of `citations` from
    # sum(len(unit_citations[j]) for j < k) on, in the same order.
    unit_citations: list[list[Citation]] = field(default_factory=list)
    joined: str = ""  # the units' texts joined by UNIT_SEPARATOR (the claims rules read a file's prose in one pass)
    unit_starts: list[int] = field(default_factory=list)  # where each unit's text starts in `joined`
    _unit_first: list[int] | None = field(default=None, repr=False)
    _citations: list[Citation] | None = field(default=None, repr=False)
    _mask: bytearray | None = field(default=None, repr=False)

    @property
    def citations(self) -> list[Citation]:
        """Every citation, start and end offsets into the text (carried over from the units' on first use: the
        claims check reads the units' own and may never need these)."""
        if self._citations is None:
            self._citations = [in_text(unit, c) for unit, cites in zip(self.units, self.unit_citations) for c in cites]
        return self._citations

    @property
    def line_starts(self) -> list[int]:
        return self.document.line_starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, col) of an offset into the text."""
        return self.document.position(offset)

    def offset(self, line: int, col: int) -> int:
        """The offset of a 1-based (line, col)."""
        starts = self.document.line_starts
        return starts[min(max(line, 1), len(starts)) - 1] + col - 1

    def mask(self) -> bytearray:
        """1 for each character of the text that is prose, 0 elsewhere (computed once)."""
        if self._mask is None:
            mask = bytearray(len(self.text))
            for a, b in self.inline_regions:
                mask[a:b] = b"\x01" * (b - a)
            for span in self.spans:
                mask[span.start:span.end] = bytes(span.end - span.start)
            for c in self.citations:
                mask[c.start:c.end] = bytes(c.end - c.start)
            self._mask = mask
        return self._mask

    def is_prose(self, start: int, end: int) -> bool:
        """Whether text[start:end] lies wholly in prose."""
        return all(self.mask()[start:end]) if end > start else bool(self.mask()[start:start + 1])

    def covering(self, offset: int) -> Span | None:
        """The innermost non-prose span that holds the offset, if any."""
        holding = [s for s in self.spans[:bisect_right(self.span_starts, offset)] if s.start <= offset < s.end]
        return min(holding, key=lambda s: s.end - s.start) if holding else None

    @property
    def span_starts(self) -> list[int]:
        return [s.start for s in self.spans]

    def directives_of(self, kind: str) -> list[Directive]:
        return [d for d in self.directives if d.kind == kind]

    def directive_lines(self, kind: str) -> dict[int, Directive]:
        """1-based line -> the first directive of this kind on it."""
        out: dict[int, Directive] = {}
        for d in self.directives:
            if d.kind == kind:
                out.setdefault(d.line, d)
        return out

    def source_citations(self, k: int) -> list[Citation]:
        """Unit k's citations as `citations` holds them (offsets into the text), in the order of unit_citations[k]."""
        if self._unit_first is None:
            self._unit_first, at = [], 0
            for cites in self.unit_citations:
                self._unit_first.append(at)
                at += len(cites)
        first = self._unit_first[k]
        return self.citations[first:first + len(self.unit_citations[k])]

    def citations_between(self, start: int, end: int) -> list[Citation]:
        """The citations that start in text[start:end]."""
        starts = [c.start for c in self.citations]
        return self.citations[bisect_left(starts, start):bisect_left(starts, end)]


def raw_offset(raw: str, offset: int) -> int:
    """The offset in `raw` (the file as on disk, any line ends) of an offset into its text as read (LF line ends):
    each CRLF counts one character in the text read, two on disk."""
    if "\r" not in raw:
        return offset
    line_starts_raw = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", raw)]
    line_starts_read, at = [], 0
    for k, start in enumerate(line_starts_raw):
        line_starts_read.append(at)
        if k + 1 < len(line_starts_raw):
            ending = raw[line_starts_raw[k + 1] - 2:line_starts_raw[k + 1]]
            length = line_starts_raw[k + 1] - start - (2 if ending == "\r\n" else 1)
            at += length + 1
    k = bisect_right(line_starts_read, offset) - 1
    return line_starts_raw[k] + offset - line_starts_read[k]


def build(text: str, citations: Citations | None = None, document: prose.Document | None = None,
          units: list[prose.Unit] | None = None) -> ProseMap:
    """The prose map of a text (LF line ends, as the Book reads files); without `citations` (no usable registry)
    only the canonical form `[@…]` cannot be told from prose: citations stay empty."""
    doc = document or prose.parse(text)
    units = prose.units(doc) if units is None else units
    starts = doc.line_starts
    size = len(text)

    def line_offset(line: int) -> int:
        return starts[line] if line < len(starts) else size

    spans: list[Span] = []
    comments: list[tuple[int, int]] = []
    for kind, first, after in doc.block_lines:  # filled while the units were made, in the same walk
        a, b = line_offset(first), line_offset(after)
        spans.append(Span(kind, a, b))
        if kind == "html":
            inside = [m.span() for m in COMMENT.finditer(text, a, b)]
            comments += inside
            spans += [Span("comment", c, d) for c, d in inside]
    regions = [(line_offset(first), line_offset(after)) for first, after in doc.inline_lines]
    for kind, a, b in doc.inline_spans:
        spans.append(Span(kind, a, b))
        if kind == "comment":
            comments.append((a, b))
    regions = merged(regions)
    holds = holder(spans)
    region_starts = [a for a, _ in regions]
    in_text = IN_TEXT.finditer(text) if any(mark in text for mark in IN_TEXT_MARKS) else ()
    for m in in_text:  # one scan: no match runs past a line's end, and regions are whole lines
        k = bisect_right(region_starts, m.start()) - 1
        if k >= 0 and m.start() < regions[k][1] and not holds(m.start()):
            spans.append(Span(m.lastgroup, m.start(), m.end()))
    spans.sort(key=lambda s: (s.start, -s.end))
    of_unit: list[list[Citation]] = [[] for _ in units]
    joined, unit_starts = joined_units(units)
    if citations is not None:
        for k, c in unit_citations(joined, unit_starts, citations):
            of_unit[k].append(c)
    directives = []
    for a, b in sorted(set(comments)):
        m = DIRECTIVE.match(text, a, b)
        if m:
            directives.append(Directive(DIRECTIVE_KINDS[m["kind"]], a, b, doc.position(a)[0], m["note"].strip()))
    if "TODO(data)" in text:
        for a, b in regions:
            for m in TODO_IN_TEXT.finditer(text, a, b):
                if not holds(m.start()):
                    note = m["note"].strip()
                    directives.append(Directive("todo", m.start(), m.end(), doc.position(m.start())[0], note))
        directives.sort(key=lambda d: d.start)
    return ProseMap(text, doc, units, spans, directives, regions, of_unit, joined, unit_starts)


def lone_comment(html: str) -> tuple[str | None, str] | None:
    """An HTML block or tag that is one whole comment, as print and the e-book read it: (its directive's kind, "todo",
    "no-cite", …, or None for a plain comment; its note or body); None when the HTML is not a comment."""
    piece = html.strip()
    if not (piece.startswith("<!--") and piece.endswith("-->") and len(piece) >= 7):
        return None
    directive = DIRECTIVE.fullmatch(piece)
    if directive:
        return DIRECTIVE_KINDS[directive["kind"]], directive["note"].strip()
    return None, piece[4:-3].strip()


def merged(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in sorted(regions):
        if out and a < out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def holder(spans: list[Span]):
    """A test of whether an offset lies in a code, math, HTML, comment or link span: one bisect into their starts,
    with the furthest end reached by any span starting at or before each."""
    holding = sorted((s.start, s.end) for s in spans if s.kind in ("code", "math", "html", "comment", "link"))
    starts, reach, furthest = [], [], -1
    for a, b in holding:
        furthest = max(furthest, b)
        starts.append(a)
        reach.append(furthest)

    def holds(offset: int) -> bool:
        k = bisect_right(starts, offset)
        return k > 0 and reach[k - 1] > offset
    return holds


def joined_units(units: list[prose.Unit]) -> tuple[str, list[int]]:
    """The units' texts joined by UNIT_SEPARATOR, and where each starts in it: a file's prose read in one pass."""
    starts = list(accumulate((len(u.text) + 1 for u in units[:-1]), initial=0)) if units else []
    return UNIT_SEPARATOR.join(u.text for u in units), starts


def in_text(unit: prose.Unit, c: Citation) -> Citation:
    """A citation read in a unit's text, with its offsets (and its problem's) carried into the file's text."""
    a, b = unit.source_span(c.start, c.end)
    return Citation(a, b, c.text, c.key, c.page, c.problem and (c.problem[0], c.problem[1], unit.offset(c.problem[2])))


def unit_citations(joined: str, starts: list[int], citations: Citations) -> list[tuple[int, Citation]]:
    """(unit index, citation with offsets into that unit's text) of every citation of the joined units (joined_units),
    in order (no citation spans a unit's end: UNIT_SEPARATOR)."""
    out = []
    for c in citations.find(joined):
        k = bisect_right(starts, c.start) - 1
        base = starts[k]
        c.start, c.end = c.start - base, c.end - base
        if c.problem:
            c.problem = (c.problem[0], c.problem[1], c.problem[2] - base)
        out.append((k, c))
    return out
