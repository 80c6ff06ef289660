"""A page's Markdown as the site shows it: citations as links to the references page (read by the same grammar as
the claims check), `../code/` links into the site, math as MathML. Code, fences and HTML blocks are left as written;
which lines those are, the book's one Markdown reader says."""
from __future__ import annotations

import re
from itertools import groupby

from ..reading.citations import Citation, Citations
from ..reading.markdown import parse
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


class Renderer:
    def __init__(self, registry: Registry, citations: Citations, draft: bool):
        self.registry, self.citations, self.draft = registry, citations, draft

    def page(self, markdown: str) -> str:
        tokens = parse(markdown)
        verbatim: set[int] = set()
        for token in tokens:
            if token.type in VERBATIM and token.map:
                verbatim.update(range(*token.map))
        lines = markdown.split("\n")
        joined = soft_breaks_between_cjk(tokens, lines)
        out: list[str] = []
        for is_verbatim, run in groupby(range(len(lines)), key=verbatim.__contains__):
            numbers = list(run)
            if is_verbatim:
                out += [lines[k] for k in numbers]
                continue
            logical: list[str] = []
            for k in numbers:
                if logical and k - 1 in joined:
                    logical[-1] += lines[k].lstrip()
                else:
                    logical.append(lines[k])
            text = "\n".join(self.line(line) for line in logical)
            out.append(DISPLAY_MATH.sub(lambda m: math_block(m[1]), text))
        return "\n".join(out)

    def line(self, line: str) -> str:
        """One line of prose; inline code is left exactly as written."""
        pieces, at = [], 0
        for m in INLINE_CODE.finditer(line):
            pieces += [self.prose(line[at:m.start()]), m[0]]
            at = m.end()
        pieces.append(self.prose(line[at:]))
        return "".join(pieces)

    def prose(self, text: str) -> str:
        text = CODE_LINK.sub("](code/", text)
        out, at = [], 0
        for (start, end), group in groupby(self.citations.find(text), key=lambda c: (c.start, c.end)):
            if start < at:
                continue
            out += [text[at:start], self.citation(text[start:end], list(group))]
            at = end
        out.append(text[at:])
        return INLINE_MATH.sub(lambda m: math_inline(m[1]), "".join(out))

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


def math_inline(tex: str) -> str:
    from latex2mathml.converter import convert
    return convert(tex.strip())


def math_block(tex: str) -> str:
    from latex2mathml.converter import convert
    return "\n" + convert(tex.strip(), display="block") + "\n"
