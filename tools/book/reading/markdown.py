"""The one Markdown reader of the toolchain: markdown-it-py as the site renders the book.

CommonMark with tables, YAML front matter, Material's admonitions (`!!! note "标题"`), task lists (`- [ ] …`) and
math in brackets (`\\( … \\)`, `\\[ … \\]`; a `$` is a currency sign in this book, never math). Every reader (the
TOC, the prose units, the TODO items, the site) parses with `markdown()`.

Its inline step is markdown-it's own, with one shortcut: text that holds no character any inline rule reacts to
(most of a book) becomes one text child without running the rules. The core rules that would find nothing to do in
a text are not run on it: line ends to normalise (no CR, no NUL), task list items (no `[ ]`, `[x]`), display math
to place (no `\\[`). The result is the same token for token (tests/test_markdown.py compares the two on the book and on
edge cases).
"""
from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.common import html_re
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin
from mdit_py_plugins.texmath import texmath_plugin

# Without one of these, and with no reference definitions, the inline rules would return the text unchanged:
# code spans, HTML and autolinks, escapes and math, emphasis, entities, line breaks, links and images.
INLINE_MARKUP = re.compile(r"[`<\\*_&\n]|\]\(|\]\[")
# An HTML comment, as markdown-it's own html_inline rule matches it (`<!-- no-cite: … -->` is common in the book).
HTML_COMMENT = re.compile(html_re.comment)


@cache
def markdown(shortcut: bool = True) -> MarkdownIt:
    """The configuration; `shortcut=False` runs the inline rules on every text (the tests compare the two)."""
    md = (MarkdownIt("commonmark").enable("table")
          .use(front_matter_plugin).use(admon_plugin).use(tasklists_plugin)
          .use(texmath_plugin, delimiters="brackets"))
    md.core.ruler.after("block", "math_block_map", math_block_map)
    if shortcut:
        md.core.ruler.at("inline", inline)
        rules = dict(zip(md.core.ruler.get_active_rules(), md.core.ruler.getRules("")))
        for name, needs in RULE_NEEDS.items():
            md.core.ruler.at(name, only_where(rules[name], needs))
    return md


# A core rule that changes nothing in a text without one of these strings: normalize (CR line ends and NUL
# characters), the task lists' items (`- [ ] …`, `- [x] …`, `- [X] …`), display math's source lines (`\[`).
RULE_NEEDS = {"normalize": ("\r", "\0"), "github-tasklists": ("[ ]", "[x]", "[X]"), "math_block_map": ("\\[",)}


def only_where(rule, needs: tuple[str, ...]):
    """The core rule, run only on a text that holds one of `needs` (a substring search is a C loop)."""
    def gated(state: StateCore) -> None:
        if any(mark in state.src for mark in needs):
            rule(state)
    return gated


def math_block_map(state: StateCore) -> None:
    """The math plugin leaves its display blocks (`\\[ … \\]`) without source lines; give them theirs."""
    lines, last_end = None, 0
    for token in state.tokens:
        if token.map is not None:
            last_end = max(last_end, token.map[1])
        elif token.type in ("math_block", "math_block_eqno"):
            lines = state.src.split("\n") if lines is None else lines
            start = last_end
            while start < len(lines) and not lines[start].strip():
                start += 1
            end = start
            while end < len(lines) and "\\]" not in lines[end]:
                end += 1
            token.map = [start, min(end + 1, len(lines))]
            last_end = token.map[1]


def parse(text: str, env: dict | None = None) -> list[Token]:
    return markdown().parse(text, {} if env is None else env)


def inline(state: StateCore) -> None:
    """The core inline step: each inline token's children, by the inline rules where there is markup to read."""
    md, env = state.md, state.env
    plain = not env.get("references")
    for token in state.tokens:
        if token.type != "inline":
            continue
        content = token.content
        if plain and not INLINE_MARKUP.search(content):
            token.children = [Token("text", "", 0, content=content)] if content else []
        elif plain and "<!--" in content and not INLINE_MARKUP.search(HTML_COMMENT.sub("", content)):
            token.children = comments_and_text(content)
        else:
            token.children = []
            md.inline.parse(content, md, env, token.children)


def comments_and_text(content: str) -> list[Token]:
    """Prose whose only markup is HTML comments: text and html_inline children, as the inline rules make them."""
    children, at = [], 0
    for m in HTML_COMMENT.finditer(content):
        if m.start() > at:
            children.append(Token("text", "", 0, content=content[at:m.start()]))
        children.append(Token("html_inline", "", 0, content=m[0]))
        at = m.end()
    if at < len(content):
        children.append(Token("text", "", 0, content=content[at:]))
    return children


def inline_text(token: Token) -> str:
    """Plain text of an inline token: text and code, without markup or link targets."""
    return "".join(c.content for c in token.children or [] if c.type in ("text", "code_inline")).strip()


def first_link(token: Token) -> str | None:
    for child in token.children or []:
        if child.type == "link_open":
            return child.attrGet("href")
    return None


def headings(tokens: list[Token]) -> list[tuple[int, int, Token]]:
    """(level, 1-based line, inline token) of each heading."""
    return [(int(t.tag[1]), t.map[0] + 1, tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open"]


def code_lines(tokens: list[Token]) -> set[int]:
    """1-based lines of code blocks, fences and display math: no prose there."""
    lines: set[int] = set()
    for token in tokens:
        if token.type in ("fence", "code_block", "math_block", "math_block_eqno") and token.map:
            lines.update(range(token.map[0] + 1, token.map[1] + 1))
    return lines
