"""A page's Markdown as the site shows it: citations numbered per chapter with the chapter's reference list at its
end (the form reading/bibliography.py gives, which print uses too), the book's own measurements cited briefly with a
link to the notebook page, `../code/` links into the site, math as MathML, line breaks between Chinese characters
joined. What is prose, code, math, a link's target or a citation, the page's prose map says (reading.prose_map):
code, fences and HTML blocks are left as written."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from ..reading.bibliography import ChapterReferences, gbt7714, is_measurement, measurement_note
from ..reading import prose_map
from ..reading.citations import Citation, Citations
from ..reading.sources import Registry

# A line break inside a paragraph shows as a space; between two Chinese characters that space is a typo on the page.
CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
ENDS_CJK = re.compile(f"[{CJK}]$")
STARTS_CJK = re.compile(f"[ \t]*[{CJK}]")
# Full-width punctuation carries its own space: a break after or before it is joined whatever stands on the other side.
FULL_WIDTH_PUNCTUATION = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff1f"
ENDS_PUNCTUATION = re.compile(f"[{FULL_WIDTH_PUNCTUATION}]$")
STARTS_PUNCTUATION = re.compile(f"[ \t]*[{FULL_WIDTH_PUNCTUATION}]")
INLINE_MATH = re.compile(r"\\\((?P<tex>.+?)\\\)", re.S)
DISPLAY_MATH = re.compile(r"\s*\\\[(?P<tex>.+?)\\\]\s*", re.S)
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
        """The page; `chapter` is its number (a measurement of this chapter reads `见本章代码示例`). What is prose,
        code, math, a link's target or a citation, the page's prose map says (reading.prose_map); the page is
        rewritten at those spans only."""
        self.chapter, self.references, self.shown_measurements = chapter, ChapterReferences(), set()
        pm = prose_map.build(markdown, self.citations)
        text, doc = pm.text, pm.document
        block_of: dict[int, int] = {}
        for k, token in enumerate(doc.tokens):
            if token.type in BLOCKS and token.map:
                block_of.update({line: k for line in range(*token.map)})
        dropped = bytearray(len(text))  # whitespace that does not show: joined line breaks, space before a citation
        for k in joined_breaks(pm):
            newline = doc.line_starts[k + 1] - 1
            a, b = newline, newline + 1
            while a > 0 and text[a - 1] in " \t":
                a -= 1
            while b < len(text) and text[b] in " \t":
                b += 1
            dropped[a:b] = b"\x01" * (b - a)
        replaced: dict[int, tuple[int, str]] = {}
        for (start, end), group in groupby(pm.citations, key=lambda c: (c.start, c.end)):
            line = doc.position(start)[0] - 1
            written = text[start:end]
            shown = self.citation(written, list(group), block_of.get(line, -1 - line))
            if shown == written:
                continue
            replaced[start] = (end, shown)
            a = start
            while a > 0 and text[a - 1] in " \t":
                a -= 1
            if a > 0 and text[a - 1] == "\n" and block_of.get(line - 1) == block_of.get(line, -1) and line:
                a -= 1  # a citation wrapped onto its own line: no space before it either
                while a > 0 and text[a - 1] in " \t":
                    a -= 1
            dropped[a:start] = b"\x01" * (start - a)
        for span in pm.spans:
            piece = text[span.start:span.end]
            if span.kind == "math":
                display = DISPLAY_MATH.fullmatch(piece)
                inline = INLINE_MATH.fullmatch(piece)
                if display:
                    replaced[span.start] = (span.end, math_block(display["tex"]) + "\n")
                elif inline:
                    replaced[span.start] = (span.end, math_inline(inline["tex"]))
            elif span.kind == "link" and piece.startswith("](../code/"):
                replaced[span.start] = (span.end, "](" + piece[len("](../"):])  # the notebooks are pages at code/
        out, at = [], 0
        while at < len(text):
            if at in replaced:
                end, shown = replaced[at]
                out.append(shown)
                at = end
            elif dropped[at]:
                at += 1
            else:
                out.append(text[at])
                at += 1
        return "".join(out) + self.reference_list()

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


def joined_breaks(pm: prose_map.ProseMap) -> set[int]:
    """The 0-based lines k whose break to line k + 1 falls, inside one paragraph, between two Chinese characters or
    beside full-width punctuation (a comment at the end of line k shows nothing)."""
    doc, text = pm.document, pm.text
    comments = [s for s in pm.spans if s.kind == "comment"]
    joined = set()
    for token in doc.tokens:
        if token.type != "paragraph_open" or not token.map:
            continue
        start, end = token.map
        for k in range(start, end - 1):
            line_start, line_end = doc.line_starts[k], doc.line_starts[k + 1] - 1
            visible = line_end
            for c in reversed(comments):
                if line_start <= c.start < visible and text[c.end:visible].strip() == "":
                    visible = c.start
            ending, following = text[line_start:visible].rstrip(), doc.lines[k + 1]
            if (ENDS_CJK.search(ending) and STARTS_CJK.match(following)) or ENDS_PUNCTUATION.search(ending) \
                    or STARTS_PUNCTUATION.match(following):
                joined.add(k)
    return joined


def join_cjk_breaks(markdown: str) -> str:
    """The Markdown with its line breaks between two Chinese characters (inside a paragraph) joined."""
    pm = prose_map.build(markdown)
    lines = markdown.split("\n")
    joined = joined_breaks(pm)
    out: list[str] = []
    for k, line in enumerate(lines):
        if out and k - 1 in joined:
            out[-1] = out[-1].rstrip(" \t") + line.lstrip()
        else:
            out.append(line)
    return "\n".join(out)


def math_inline(tex: str) -> str:
    from latex2mathml.converter import convert
    return convert(tex.strip())


def math_block(tex: str) -> str:
    from latex2mathml.converter import convert
    return convert(tex.strip(), display="block")


def chapter_number(path: Path | str) -> int | None:
    """The chapter a manuscript page belongs to (`ch04-kv-cache.md` → 4); None for the home page and appendices."""
    m = re.match(r"ch(\d{2})", Path(path).name)
    return int(m[1]) if m else None
