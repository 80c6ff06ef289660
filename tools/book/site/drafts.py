"""What only the draft site shows: author notes in `!!! todo` admonitions (writing plans, sources still to read),
draft sections and chapters (see checks/drafts.py), and links to what the release leaves out. The release site
shows none of it: a link to a left-out page or section becomes its plain text."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from ..checks.drafts import ChapterDrafts
from ..checks.links import local_target, written_links
from ..reading import prose
from ..reading.markdown import parse as parse_markdown

DRAFT_MARKER = "!!! draft"
DRAFT_BOX = {"chapter": '!!! warning "草稿：发布版不包含这一章"', "section": '!!! warning "草稿：发布版不包含这一节"'}


def without_todo_admonitions(markdown: str) -> str:
    """The page without its `!!! todo` admonitions (author notes: writing plans, sources still to read), as the
    release site shows it; the draft site keeps them. The book's one Markdown reader finds them, so a `!!! todo`
    inside a code block stays."""
    boxes = prose.todo_boxes(parse_markdown(markdown))
    return blanked(markdown, {k for first, after in boxes for k in range(first, after)})


def blanked(markdown: str, drop: set[int]) -> str:
    """The text with the lines `drop` (0-based) left empty rather than removed: every line after them keeps its
    number, which the figure and table labels (read from the source file) are matched by."""
    if not drop:
        return markdown
    return "\n".join("" if k in drop else line for k, line in enumerate(markdown.split("\n")))


def without_draft_sections(markdown: str, chapter: ChapterDrafts) -> str:
    """The page without the sections its drafts model (read from this same text) leaves out."""
    return blanked(markdown, chapter.left_out_lines())


def marked_drafts(markdown: str) -> str:
    """The draft site: each `!!! draft` marker shown as a box that says the release leaves this part out."""
    lines = markdown.split("\n")
    first_section = next((k for k, line in enumerate(lines) if line.startswith("## ")), len(lines))
    for token in parse_markdown(markdown):
        if token.type == "admonition_open" and token.meta.get("tag") == "draft" and token.map and token.level == 0:
            k = token.map[0]
            indent = lines[k][:len(lines[k]) - len(lines[k].lstrip())]
            lines[k] = indent + DRAFT_BOX["chapter" if k < first_section else "section"]
    return "\n".join(lines)


def unlinked(markdown: str, page: Path, left_out: Callable[[Path, str], bool]) -> str:
    """Links to what the release leaves out (`left_out(path, anchor)`), turned into their text."""
    doc = prose.parse(markdown)
    spans = []
    for written, at in written_links(doc):
        target = local_target(written)
        anchor = written.split("#", 1)[1] if "#" in written else ""
        if not target and not anchor:
            continue
        path = Path(os.path.normpath(page.parent / target)) if target else page
        if not left_out(path, anchor):
            continue
        span = link_span(markdown, at)
        if span:
            spans.append(span)
    for start, text_end, end in sorted(spans, reverse=True):
        markdown = markdown[:start] + markdown[start + 1:text_end] + markdown[end:]
    return markdown


def link_span(text: str, target_at: int) -> tuple[int, int, int] | None:
    """(`[`, `]`, after `)`) of the inline link whose target starts at `target_at`; None for other forms."""
    close = target_at - 2
    if close < 0 or text[close:target_at] != "](":
        return None
    depth, k = 0, close - 1
    while k >= 0:
        if text[k] == "]" and (k == 0 or text[k - 1] != "\\"):
            depth += 1
        elif text[k] == "[" and (k == 0 or text[k - 1] != "\\"):
            if depth == 0:
                break
            depth -= 1
        k -= 1
    if k < 0 or (k > 0 and text[k - 1] == "!"):  # not found, or an image: left alone
        return None
    depth, end = 0, target_at
    while end < len(text):
        if text[end] == "(":
            depth += 1
        elif text[end] == ")":
            if depth == 0:
                break
            depth -= 1
        end += 1
    return (k, close, end + 1) if end < len(text) else None
