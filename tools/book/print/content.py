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
