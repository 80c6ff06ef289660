"""What the printed book and the e-book hold, decided once for both: the parts and chapters the TOC links, each
chapter's notebooks and which of their outputs are shown, and what the release leaves out (checks/drafts.py)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markdown_it.token import Token

from ..checks import drafts as drafts_check
from ..execution.stored_runs import stored_run
from ..reading.book import Book
from . import notebooks


@dataclass
class Part:
    label: str
    chapters: list[Path]


class Contents:
    """What one build (draft or release) holds."""

    def __init__(self, book: Book, draft: bool):
        self.book, self.draft = book, draft
        self.drafts = drafts_check.read(book)

    def parts(self) -> list[Part]:
        """The TOC's parts with their written chapters (a chapter the TOC does not link is planned, not printed; the
        release leaves out draft chapters, and a part left with none)."""
        found = []
        for part in self.book.toc.parts:
            chapters = [ch.path for ch in part.chapters if ch.path is not None and ch.path.is_file()
                        and (self.draft or not self.draft_chapter(ch.path))]
            if chapters:
                found.append(Part(part.label, chapters))
        return found

    def chapter_number(self, path: Path) -> int | None:
        """The number of the chapter in `path` (None for an appendix or a file outside the TOC)."""
        for chapter in self.book.toc.chapters:
            if chapter.path is not None and chapter.path == path.resolve() and chapter.kind == "chapter":
                return int(chapter.number)
        return None

    def draft_chapter(self, path: Path) -> bool:
        chapter = self.drafts.chapter(path)
        return chapter is not None and chapter.draft

    def skip(self, path: Path):
        """Which blocks of the file the build leaves out: in the release, the authors' `!!! todo` boxes, the
        `!!! draft` marks and the draft sections (checks/drafts.py decides which, for the site too)."""
        chapter = self.drafts.chapter(path)
        lines = chapter.left_out_lines() if chapter is not None and not self.draft else set()

        def left_out(token: Token) -> bool:
            if self.draft:
                return False
            if token.type == "admonition_open" and token.meta.get("tag") in ("todo", "draft"):
                return True
            return bool(token.map) and token.map[0] in lines
        return left_out

    def notebooks(self, chapter: Path) -> list[Path]:
        """The chapter's notebooks in the order its prose links them; the release leaves out the draft ones
        (checks/drafts.py decides which, for the site too)."""
        found = self.book.in_link_order(chapter, list((self.book.repo.code / chapter.stem).glob("*.ipynb")))
        return [p for p in found if self.draft or not self.drafts.notebook_left_out(p)]

    def draft_notebook(self, path: Path) -> bool:
        """A notebook the draft build marks as a draft (the release leaves it out)."""
        return self.draft and self.drafts.notebook_left_out(path)

    def draft_headings(self, path: Path) -> set[int]:
        """0-based lines of the headings the draft build marks as drafts (the release leaves them out)."""
        chapter = self.drafts.chapter(path)
        if chapter is None or not self.draft:
            return set()
        return {s.start for s in chapter.draft_sections()}


@dataclass
class Outputs:
    """What a notebook prints under its code cells: each cell's outputs (None: code only), the lines that say where
    they come from, and the stored run's file (None: none is printed)."""
    cells: list[list[dict]] | None
    lines: list[str]
    stored: Path | None = None


def shown_outputs(book: Book, notebook: Path, cells: list[notebooks.Cell], draft: bool) -> Outputs:
    if draft:
        return Outputs([c.outputs for c in cells if c.kind == "code"], [notebooks.CI_LINE])
    run = stored_run(book.root, notebook)
    if run is None:
        return Outputs(None, [notebooks.NO_RUN_LINE])
    stale = run.stale_line("输出中")
    cells = notebooks.read(run.path)
    return Outputs([c.outputs for c in cells if c.kind == "code"], [run.run_line()] + ([stale] if stale else []), run.path)


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
