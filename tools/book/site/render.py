"""A page's Markdown as the site shows it: citations as links to the references page (read by the same grammar as
the claims check), `../code/` links into the site, math as MathML. Code, fences and HTML blocks are left as written;
which lines those are, the book's one Markdown reader says."""
from __future__ import annotations

import re
from itertools import groupby

from ..reading.citations import Citation, Citations
from ..reading import prose_map
from ..reading.sources import Registry

CODE_LINK = "](../code/"
# A line break inside a paragraph shows as a space; between two Chinese characters that space is a typo on the page.
CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
ENDS_CJK = re.compile(f"[{CJK}]$")
STARTS_CJK = re.compile(f"[ \t]*[{CJK}]")


class Renderer:
    def __init__(self, registry: Registry, citations: Citations, draft: bool):
        self.registry, self.citations, self.draft = registry, citations, draft

    def page(self, markdown: str) -> str:
        """The page's Markdown with its prose rendered: each change is made at a span the prose map gives (a
        citation, wrapped over lines or not; a link's target; math), so code, HTML and front matter stay as written."""
        prose = prose_map.build(markdown, self.citations)
        edits: list[tuple[int, int, str]] = []
        for (start, end), group in groupby(prose.citations, key=lambda c: (c.start, c.end)):
            edits.append((start, end, self.citation(markdown[start:end], list(group))))
        for span in prose.spans:
            written = markdown[span.start:span.end]
            if span.kind == "link" and written.startswith(CODE_LINK):
                edits.append((span.start, span.start + len(CODE_LINK), "](code/"))
            elif span.kind == "math":
                edits.append((span.start, span.end, math(written)))
        taken = sorted(edits)
        for k in soft_breaks_between_cjk(prose.document.tokens, prose.document.lines):
            newline = prose.line_starts[k + 1] - 1
            after = prose.line_starts[k + 1] + len(prose.document.lines[k + 1]) - len(prose.document.lines[k + 1].lstrip(" \t"))
            if not any(a < after and newline < b for a, b, _ in taken):
                edits.append((newline, after, ""))
        out, at = [], 0
        for start, end, new in sorted(edits):
            if start < at:
                continue  # inside a change already made
            out += [markdown[at:start], new]
            at = end
        out.append(markdown[at:])
        return "".join(out)

    def citation(self, written: str, cites: list[Citation]) -> str:
        links = [self.link(c.key, c.page) for c in cites if not c.problem]
        links = [link for link in links if link]
        return "（" + "；".join(links) + "）" if links else written

    def link(self, key: str | None, page: str | None) -> str:
        source = self.registry.sources.get(key or "")
        if source is None:
            return ""
        name = source.get("short", source["title"])
        if page == "?":
            marker = '<span class="pending-citation" title="页码待核实">页码待补</span>' if self.draft else ""
            where = f"，{marker}" if marker else ""
        elif page:
            where = f"，第 {page} 页"
        else:
            where = ""
        return f'[{name}{where}](references.md#{key}){{.citation}}'


def soft_breaks_between_cjk(tokens, lines: list[str]) -> set[int]:
    """The line numbers k whose break to line k + 1 falls between two Chinese characters inside one paragraph."""
    joined = set()
    for token in tokens:
        if token.type == "paragraph_open" and token.map:
            start, end = token.map
            joined.update(k for k in range(start, end - 1)
                          if ENDS_CJK.search(lines[k]) and STARTS_CJK.match(lines[k + 1]))
    return joined


def math(written: str) -> str:
    """MathML for `\\( … \\)` inline, or a display block `\\[ … \\]` (its lines around it kept)."""
    from latex2mathml.converter import convert
    body = written.strip()
    if body.startswith("\\(") and body.endswith("\\)"):
        return convert(body[2:-2].strip())
    if body.startswith("\\[") and body.endswith("\\]"):
        lead = written[:len(written) - len(written.lstrip())]
        trail = written[len(written.rstrip()):]
        return lead + "\n" + convert(body[2:-2].strip(), display="block") + "\n" + trail
    return written
