"""A page's Markdown as the site shows it: citations numbered per chapter with the chapter's reference list at its
end (the form reading/bibliography.py gives, which print uses too), the book's own measurements cited briefly with a
link to the notebook page, `../code/` links into the site, math as MathML, line breaks between Chinese characters
joined. Code, fences and HTML blocks are left as written; which lines those are, the book's one Markdown reader
says; the citations are the reading layer's."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from ..reading.bibliography import ChapterReferences, gbt7714, is_measurement, measurement_note
from ..reading.citations import Citation, Citations
from ..reading.markdown import HTML_COMMENT, parse
from ..reading.sources import Registry

CODE_LINK = re.compile(r"\]\(\.\./code/")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
INLINE_MATH = re.compile(r"\\\((.+?)\\\)")
DISPLAY_MATH = re.compile(r"\\\[(.+?)\\\]", re.S)
VERBATIM = ("fence", "code_block", "html_block", "front_matter")
# A line break inside a paragraph shows as a space; between two Chinese characters that space is a typo on the page.
CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
ENDS_CJK = re.compile(f"[{CJK}]$")
STARTS_CJK = re.compile(f"[ \t]*[{CJK}]")
# Full-width punctuation carries its own space: a break after or before it is joined whatever stands on the other side.
FULL_WIDTH_PUNCTUATION = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff1f"
ENDS_PUNCTUATION = re.compile(f"[{FULL_WIDTH_PUNCTUATION}]$")
STARTS_PUNCTUATION = re.compile(f"[ \t]*[{FULL_WIDTH_PUNCTUATION}]")
BLOCKS = ("paragraph_open", "tr_open", "heading_open")  # a citation repeated inside one of these is the same passage
REFERENCES_HEADING = "参考文献"


@dataclass
class Measurement:
    """What a citation of the book's own results shows: the device it ran on, its chapter, its notebook page."""
    device: str | None
    chapter: int | None
    page: str | None  # the notebook's page, as a link from a chapter page (`code/ch04-kv-cache/kv_cache.ipynb`)


class Renderer:
    def __init__(self, registry: Registry, citations: Citations, draft: bool,
                 measurements: dict[str, Measurement] | None = None):
        self.registry, self.citations, self.draft = registry, citations, draft
        self.measurements = measurements or {}

    def page(self, markdown: str, chapter: int | None = None) -> str:
        """The page; `chapter` is its number (a measurement of this chapter reads `见本章代码示例`)."""
        self.chapter, self.references, self.shown_measurements = chapter, ChapterReferences(), set()
        tokens = parse(markdown)
        verbatim: set[int] = set()
        block_of: dict[int, int] = {}
        for k, token in enumerate(tokens):
            if token.type in VERBATIM and token.map:
                verbatim.update(range(*token.map))
            if token.type in BLOCKS and token.map:
                block_of.update({line: k for line in range(*token.map)})
        lines = markdown.split("\n")
        joined = soft_breaks_between_cjk(tokens, lines) | self.breaks_before_citations(tokens, lines)
        out: list[str] = []
        for is_verbatim, run in groupby(range(len(lines)), key=verbatim.__contains__):
            numbers = list(run)
            if is_verbatim:
                out += [lines[k] for k in numbers]
                continue
            logical: list[tuple[int, str]] = []
            for k in numbers:
                if logical and k - 1 in joined:
                    logical[-1] = (logical[-1][0], logical[-1][1].rstrip(" \t") + lines[k].lstrip())
                else:
                    logical.append((k, lines[k]))
            text = "\n".join(self.line(line, block_of.get(k, -1 - k)) for k, line in logical)
            out.append(DISPLAY_MATH.sub(lambda m: math_block(m[1]), text))
        return "\n".join(out) + self.reference_list()

    def breaks_before_citations(self, tokens, lines: list[str]) -> set[int]:
        """Line k whose next line (same paragraph) opens with a citation: joined, so that no space shows before it."""
        joined = set()
        for token in tokens:
            if token.type == "paragraph_open" and token.map:
                start, end = token.map
                for k in range(start, end - 1):
                    found = self.citations.find(lines[k + 1].lstrip())
                    if found and found[0].start == 0:
                        joined.add(k)
        return joined

    def line(self, line: str, block: int) -> str:
        """One line of prose; inline code is left exactly as written."""
        pieces, at = [], 0
        for m in INLINE_CODE.finditer(line):
            pieces += [self.prose(line[at:m.start()], block), m[0]]
            at = m.end()
        pieces.append(self.prose(line[at:], block))
        return "".join(pieces)

    def prose(self, text: str, block: int) -> str:
        text = CODE_LINK.sub("](code/", text)
        out, at = [], 0
        for (start, end), group in groupby(self.citations.find(text), key=lambda c: (c.start, c.end)):
            if start < at:
                continue
            shown = self.citation(text[start:end], list(group), block)
            before = text[at:start]
            out += [before.rstrip(" \t") if shown != text[start:end] else before, shown]
            at = end
        out.append(text[at:])
        return INLINE_MATH.sub(lambda m: math_inline(m[1]), "".join(out))

    def citation(self, written: str, cites: list[Citation], block: int) -> str:
        """A citation as the reader sees it: `[3]20` (superscript, to the chapter's list), or for the book's own
        measurements `（H100 实测，见本章代码示例）`, once per paragraph. A citation the checks reject stays as written."""
        usable = [c for c in cites if not c.problem and c.key in self.registry.sources]
        if not usable:
            return written
        shown, numbered = [], []
        for c in usable:
            source = self.registry.sources[c.key]
            if is_measurement(source):
                if (c.key, block) not in self.shown_measurements:
                    self.shown_measurements.add((c.key, block))
                    shown.append(self.measurement(c.key))
            else:
                numbered.append(self.numbered(c))
        sup = f'<sup class="citation">{",".join(numbered)}</sup>' if numbered else ""
        return "".join(shown) + sup

    def numbered(self, c: Citation) -> str:
        entry = self.references.cite(c.key, c.page)
        tip = html.escape(gbt7714(self.registry.sources[c.key]), quote=True)
        link = f'<a href="#ref-{entry.number}" title="{tip}">[{entry.number}]</a>'
        if c.pending:
            return link + ('<span class="pending-citation" title="页码待核实">页码待补</span>' if self.draft else "")
        return link + (html.escape(c.page) if c.page else "")

    def measurement(self, key: str) -> str:
        m = self.measurements.get(key, Measurement(None, None, None))
        note = measurement_note(m.device, m.chapter, self.chapter)
        return f"（[{note}]({m.page}){{.measurement}}）" if m.page else f"（{note}）"

    def reference_list(self) -> str:
        """The chapter's numbered references, GB/T 7714-2015, with the pages the chapter cites."""
        if not len(self.references):
            return ""
        out = ["", "", f"## {REFERENCES_HEADING} {{#references}}", "", '<ol class="references">']
        for entry in self.references:
            text = html.escape(gbt7714(self.registry.sources[entry.key], entry.pages))
            url = self.registry.sources[entry.key].get("url")
            if url:
                shown = html.escape(url)
                text = text.replace(shown, f'<a href="{shown}">{shown}</a>')
            out.append(f'<li id="ref-{entry.number}" value="{entry.number}">[{entry.number}] {text}</li>')
        out.append("</ol>")
        return "\n".join(out) + "\n"


def soft_breaks_between_cjk(tokens, lines: list[str]) -> set[int]:
    """The line numbers k whose break to line k + 1 falls between two Chinese characters, or beside full-width
    punctuation, inside one paragraph (an HTML comment at the end of line k, `<!-- no-cite: … -->`, shows nothing)."""
    joined = set()
    for token in tokens:
        if token.type == "paragraph_open" and token.map:
            start, end = token.map
            for k in range(start, end - 1):
                ending = HTML_COMMENT.sub("", lines[k]).rstrip()
                if (ENDS_CJK.search(ending) and STARTS_CJK.match(lines[k + 1])) or ENDS_PUNCTUATION.search(ending) \
                        or STARTS_PUNCTUATION.match(lines[k + 1]):
                    joined.add(k)
    return joined


def join_cjk_breaks(markdown: str) -> str:
    """The Markdown with its line breaks between two Chinese characters (inside a paragraph) joined."""
    lines = markdown.split("\n")
    joined = soft_breaks_between_cjk(parse(markdown), lines)
    out: list[str] = []
    for k, line in enumerate(lines):
        if out and k - 1 in joined:
            out[-1] += line.lstrip()
        else:
            out.append(line)
    return "\n".join(out)


def math_inline(tex: str) -> str:
    from latex2mathml.converter import convert
    return convert(tex.strip())


def math_block(tex: str) -> str:
    from latex2mathml.converter import convert
    return "\n" + convert(tex.strip(), display="block") + "\n"


def chapter_number(path: Path | str) -> int | None:
    """The chapter a manuscript page belongs to (`ch04-kv-cache.md` → 4); None for the home page and appendices."""
    m = re.match(r"ch(\d{2})", Path(path).name)
    return int(m[1]) if m else None
