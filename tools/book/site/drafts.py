"""What only the draft site shows: author notes in `!!! todo` admonitions (writing plans, sources still to read)."""
from __future__ import annotations

from ..reading.markdown import parse as parse_markdown


def without_todo_admonitions(markdown: str) -> str:
    """The page without its `!!! todo` admonitions (author notes: writing plans, sources still to read), as the
    release site shows it; the draft site keeps them. The book's one Markdown reader finds them, so a `!!! todo`
    inside a code block stays."""
    lines = markdown.split("\n")
    drop: set[int] = set()
    for token in parse_markdown(markdown):
        if token.type == "admonition_open" and token.meta.get("tag") == "todo" and token.map:
            drop.update(range(*token.map))
    if not drop:
        return markdown
    return "\n".join(line for k, line in enumerate(lines) if k not in drop)
