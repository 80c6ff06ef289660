"""Markdown, as the book's one reader parses it, written as Typst markup.

Every block, every further source line of a paragraph and every table row carries a marker
`#metadata("path:line")<src>` so that the compiled document can say on which page each manuscript line landed (the
page map that `book claims` reads): a paragraph or a table that runs onto the next page has its rest there. Text is
escaped character by character, so nothing an author writes is read as Typst markup; a line break between two
Chinese characters is dropped (it is no space).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from markdown_it.token import Token

from ..reading.labels import FIGURE_TAIL, REFERENCE, TABLE_CAPTION
from ..reading.prose_map import lone_comment

# Characters Typst markup would read as syntax; a backslash makes each literal.
SPECIAL = re.compile(r"([\\#*_`$<>@=\-+/\[\]~'\".:])")
CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
CJK_END = re.compile(f"[{CJK}\ue001]$")  # \ue001 closes a citation's place (see citing.py)
CJK_START = re.compile(f"^[{CJK}]")
SECTION_NUMBER = re.compile(r"^(?:第(?P<chapter>\d+)章|附录(?P<appendix>[A-Z])|(?P<section>(?:\d+|[A-Z])(?:\.\d+)+))\s")


def escape(text: str) -> str:
    return SPECIAL.sub(r"\\\1", text)


def string(text: str) -> str:
    """A Typst string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@dataclass
class Hooks:
    """What the caller decides: how a text run is written (citations), what a comment shows (draft marks), where a
    link goes, how an image is placed."""
    text: Callable[[str, int], str] = lambda text, block: escape(text)  # a text run, and its block's first line
    comment: Callable[[str | None, str], str] = lambda directive, note: ""  # (directive kind or None, note)
    image: Callable[[str, str], str | None] = lambda src, alt: None  # a Typst expression, None: no such file
    link: Callable[[str, str], str] = lambda href, inner: inner
    label: Callable[[str], str | None] = lambda name: None   # 图 4-1, 表 2-1, 4.3 节 for a label; None: unknown
    heading_note: Callable[[int], str] = lambda line: ""      # what follows a heading (the draft's marks)


@dataclass
class Writer:
    path: str                           # the file as findings show it, for the page-map markers
    hooks: Hooks = field(default_factory=Hooks)
    heading_shift: int = 0              # notebook headings sit below the chapter's
    skip: Callable[[Token], bool] = lambda token: False   # a block left out (draft sections, todo boxes)
    math: Callable[[str, bool], str] = lambda tex, display: escape(tex)

    block_line: int = 0                 # the 0-based first line of the block being written

    def marker(self, line0: int) -> str:
        return f'#metadata("{self.path}:{line0 + 1}")<src>'

    def blocks(self, tokens: list[Token]) -> str:
        out: list[str] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            end = closing(tokens, i)
            if self.skip(token):
                i = end + 1
                continue
            if token.map:
                self.block_line = token.map[0]
            out.append(self.block(tokens, i, end))
            i = end + 1
        return "\n".join(piece for piece in out if piece)

    def block(self, tokens: list[Token], i: int, end: int) -> str:
        token = tokens[i]
        kind = token.type
        mark = self.marker(token.map[0]) + "\n" if token.map else ""
        if kind == "heading_open":
            level = int(token.tag[1]) + self.heading_shift
            number = SECTION_NUMBER.match(tokens[i + 1].content) if not self.heading_shift else None
            target = f" <sec:{number['chapter'] or number['appendix'] or number['section']}>" if number else ""
            note = self.hooks.heading_note(token.map[0]) if token.map else ""
            return f"{mark}#heading(level: {min(level, 6)})[{self.inline(tokens[i + 1])}{note}]{target}"
        if kind == "paragraph_open":
            return mark + (self.figure(tokens[i + 1]) or self.table_caption(tokens[i + 1])
                           or self.inline(tokens[i + 1])) + "\n"
        if kind in ("bullet_list_open", "ordered_list_open"):
            items, k = [], i + 1
            while k < end:
                item_end = closing(tokens, k)
                items.append("[" + self.blocks(tokens[k + 1:item_end]).strip() + "]")
                k = item_end + 1
            if kind == "ordered_list_open":
                start = int(token.attrGet("start") or 1)
                return f"{mark}#enum(start: {start}, tight: true, {', '.join(items)})\n"
            return f"{mark}#list(tight: true, {', '.join(items)})\n"
        if kind in ("fence", "code_block"):
            lang = (token.info or "").split()[0] if token.info else ""
            return f"{mark}{raw_block(token.content, lang)}\n"
        if kind == "admonition_open":
            tag = token.meta.get("tag", "note")
            k, title = i + 1, None
            if tokens[k].type == "admonition_title_open":
                title = self.inline(tokens[k + 1])
                k = closing(tokens, k) + 1
            body = self.blocks(tokens[k:end])
            title_arg = f"[{title}]" if title else "none"
            return f'{mark}#box-note(kind: {string(tag)}, title: {title_arg})[\n{body}\n]\n'
        if kind == "table_open":
            return mark + self.table(tokens[i:end + 1]) + "\n"
        if kind in ("math_block", "math_block_eqno"):
            return f"{mark}{self.math(token.content, True)}\n"
        if kind == "blockquote_open":
            return f"{mark}#quote(block: true)[{self.blocks(tokens[i + 1:end])}]\n"
        if kind == "html_block":
            comment = lone_comment(token.content)
            return self.hooks.comment(*comment) if comment else f"{mark}{raw_block(token.content, 'html')}\n"
        if kind == "hr":
            return "#line(length: 100%, stroke: 0.4pt)\n"
        return ""

    def figure(self, inline: Token) -> str | None:
        """An image alone in its paragraph with a figure label: numbered, captioned (the image's title), linkable."""
        children = inline.children or []
        if len(children) != 2 or children[0].type != "image" or children[1].type != "text":
            return None
        m = FIGURE_TAIL.match(children[1].content)
        if not m:
            return None
        image = children[0]
        alt = "".join(c.content for c in image.children or []).strip()
        number = self.hooks.label(m["name"]) or ""
        caption = image.attrGet("title") or ""
        drawn = self.hooks.image(image.attrGet("src") or "", alt) or f"[{escape(alt)}]"
        return f"#book-figure({drawn}, {string(number)}, [{self.hooks.text(caption, self.block_line)}]) <{m['name']}>"

    def table_caption(self, inline: Token) -> str | None:
        m = TABLE_CAPTION.match(inline.content)
        if not m:
            return None
        number = self.hooks.label(m["name"]) or ""
        caption = self.hooks.text(" ".join(m["caption"].split()), self.block_line)
        return f"#table-caption({string(number)}, [{caption}]) <{m['name']}>"

    def table(self, tokens: list[Token]) -> str:
        header: list[str] = []
        rows: list[list[str]] = []
        aligns: list[str] = []
        row_mark = ""
        in_head = False
        for k, token in enumerate(tokens):
            if token.type == "thead_open":
                in_head = True
            elif token.type == "thead_close":
                in_head = False
            elif token.type == "tr_open" and not in_head:
                rows.append([])
                row_mark = self.marker(token.map[0]) if token.map else ""  # a table may run onto the next page
            elif token.type in ("th_open", "td_open"):
                cell = "[" + self.inline(tokens[k + 1]) + "]"
                if in_head:
                    header.append(cell)
                    style = token.attrGet("style") or ""
                    aligns.append("right" if "right" in style else "center" if "center" in style else "left")
                else:
                    if not rows[-1] and row_mark:
                        cell = "[" + row_mark + cell[1:]
                    rows[-1].append(cell)
        columns = max([len(header)] + [len(r) for r in rows])
        cells = [c for row in rows for c in row + ["[]"] * (columns - len(row))]
        align = "(" + ", ".join(aligns) + ",)" if aligns else "left"
        return (f"#table(columns: {columns}, align: {align},\n  table.header({', '.join(header)}),\n  "
                + ", ".join(cells) + ")")

    def inline(self, token: Token) -> str:
        out: list[str] = []
        stack: list[str] = []
        children = token.children or []
        written: set[int] = set()  # the link_close of a reference, written with its link_open
        line0 = token.map[0] if token.map else None
        for k, child in enumerate(children):
            kind = child.type
            if k in written:
                continue
            if kind == "text":
                out.append(self.hooks.text(child.content, self.block_line))
            elif kind in ("softbreak", "hardbreak"):
                if kind == "hardbreak":
                    out.append(" \\\n")
                else:
                    before = children[k - 1].content if k else ""
                    after = children[k + 1].content if k + 1 < len(children) else ""
                    out.append("" if CJK_END.search(before) and CJK_START.search(after) else " ")
                if line0 is not None:  # each source line of a paragraph is found on its own page
                    line0 += 1
                    out.append(self.marker(line0))
            elif kind == "code_inline":
                out.append(raw_inline(child.content))
            elif kind in ("strong_open", "em_open"):
                stack.append("".join(out))
                out = []
            elif kind in ("strong_close", "em_close"):
                inner = "".join(out)
                out = [stack.pop(), f"#{'strong' if kind == 'strong_close' else 'emph'}[{inner}]"]
            elif kind == "link_open" and k + 1 < len(children) and children[k + 1].type == "link_close" \
                    and REFERENCE.match(child.attrGet("href") or ""):
                name = REFERENCE.match(child.attrGet("href") or "")["name"]
                text = self.hooks.label(name)
                out.append(f"#book-ref({string(name)}, {string(text)})" if text else escape(f"[](#{name})"))
                written.add(k + 1)
            elif kind == "link_open":
                stack.append("".join(out))
                out = [child.attrGet("href") or ""]
            elif kind == "link_close":
                href, inner = out[0], "".join(out[1:])
                out = [stack.pop(), self.hooks.link(href, inner)]
            elif kind == "image":
                drawn = self.hooks.image(child.attrGet("src") or "", child.content)
                out.append(f"#{drawn}" if drawn else escape(child.content))
            elif kind == "math_inline":
                out.append(self.math(child.content, False))
            elif kind == "html_inline":
                comment = lone_comment(child.content)
                if comment:
                    out.append(self.hooks.comment(*comment))
                elif 'type="checkbox"' in child.content:
                    out.append("☑ " if "checked" in child.content else "☐ ")
        return "".join(out).strip()


def closing(tokens: list[Token], i: int) -> int:
    """The index of the token that closes the block opened at i (i itself for a block without children)."""
    if tokens[i].nesting != 1:
        return i
    depth = 0
    for k in range(i, len(tokens)):
        depth += tokens[k].nesting
        if depth == 0:
            return k
    return len(tokens) - 1


def raw_block(code: str, lang: str = "") -> str:
    return "#" + raw_expr(code, lang)


def raw_expr(code: str, lang: str = "") -> str:
    """A code block as a Typst expression (for a function's argument)."""
    return f"raw(block: true, lang: {string(lang) if lang else 'none'}, {string(code.rstrip(chr(10)))})"


def raw_inline(code: str) -> str:
    return f"#raw({string(code)})"
