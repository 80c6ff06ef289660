"""What the printed book and the e-book hold, decided once for both: the parts and chapters the TOC links, each
chapter's notebooks and which of their outputs are shown, and what the release leaves out."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markdown_it.token import Token

from ..reading.book import Book
from . import notebooks


@dataclass
class Part:
    label: str
    chapters: list[Path]


def parts(book: Book) -> list[Part]:
    """The TOC's parts with their written chapters (a chapter the TOC does not link is planned, not printed)."""
    found = []
    for part in book.toc.parts:
        chapters = [ch.path for ch in part.chapters if ch.path is not None and ch.path.is_file()]
        if chapters:
            found.append(Part(part.label, chapters))
    return found


def chapter_notebooks(book: Book, chapter: Path) -> list[Path]:
    return sorted((book.repo.code / chapter.stem).glob("*.ipynb"))


def left_out(token: Token, draft: bool) -> bool:
    """What the release leaves out: the authors' `!!! todo` boxes (draft sections join here once the site marks them)."""
    return not draft and token.type == "admonition_open" and token.meta.get("tag") == "todo"


def shown_outputs(book: Book, notebook: Path, cells: list[notebooks.Cell], draft: bool
                  ) -> tuple[list[list[dict]] | None, Path | None]:
    """The outputs printed under each code cell, and the stored run they come from: the full-size run when there is
    one; otherwise the ci-scale outputs in the draft, and none in the release."""
    stored = notebooks.stored_run(book.root, notebook)
    if stored is not None:
        return [c.outputs for c in notebooks.read(stored) if c.kind == "code"], stored
    if draft:
        return [c.outputs for c in cells if c.kind == "code"], None
    return None, None


def with_citation_places(book: Book, path: Path) -> tuple[str, list[list]]:
    """The file's text with each citation (as the prose map reads it, across line breaks) replaced by its place,
    `\\ue000k\\ue001`, and the citations of each place; the line breaks a citation held follow its place, so every
    line keeps its number."""
    source = book.file(path)
    if source.text is None:
        return "", []
    text = source.text
    prose = book.prose_map(source)
    if prose is None or not prose.citations:
        return text, []
    groups: dict[tuple[int, int], list] = {}
    for citation in prose.citations:
        groups.setdefault((citation.start, citation.end), []).append(citation)
    out, at, places = [], 0, []
    for (start, end), group in sorted(groups.items()):
        if start < at:
            continue
        out += [text[at:start], f"\ue000{len(places)}\ue001", "\n" * text.count("\n", start, end)]
        places.append(group)
        at = end
    out.append(text[at:])
    return "".join(out), places
