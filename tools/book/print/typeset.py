"""The whole book as one Typst document, from the TOC and the files it links, read through reading/.

Front matter (half-title, title page, copyright page, TOC, the home page as 前言), then each part and its chapters;
each chapter ends with its notebooks (代码示例) and its reference list. Release leaves out what only authors see
(`!!! todo` boxes, TODO data marks, pending-page marks); the draft keeps them, marked."""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..reading.book import Book
from ..reading.markdown import parse
from ..reading.print_config import PrintConfig
from . import content, notebooks
from .citing import PLACE, ChapterCitations
from .markup import Hooks, Writer, escape, raw_expr, string
from .math import MathConverter



@dataclass
class Typeset:
    """The document's text, the media it needs (name → bytes), and the files it was made from."""
    source: str
    media: dict[str, bytes] = field(default_factory=dict)
    inputs: list[Path] = field(default_factory=list)


class Typesetter:
    def __init__(self, book: Book, config: PrintConfig, draft: bool):
        self.book, self.config, self.draft = book, config, draft
        self.contents = content.Contents(book, draft)
        self.math = MathConverter(book.repo)
        self.media: dict[str, bytes] = {}
        self.inputs: list[Path] = []

    def document(self) -> Typeset:
        title = str(self.book.toc.front_matter.get("title") or self.config.title or "")
        c = self.config
        out = [
            '#import "template.typ": *',
            f"#show: book.with(title: {string(title)}, paper: ({c.paper[0]}, {c.paper[1]}), "
            f"draft: {'true' if self.draft else 'false'})",
            "#[",
            "#set page(numbering: \"i\")",
            f"#front-matter(title: {string(title)}, subtitle: {opt(c.subtitle)}, author: {opt(c.author)}, "
            f"publisher: {opt(c.publisher)}, edition: {opt(c.edition)}, cip: {string(c.cip)}, isbn: {string(c.isbn)})",
        ]
        home = self.book.repo.manuscript / "index.md"
        if home.is_file():
            cites = ChapterCitations(self.book.registry, self.book.root)
            out += ["#chapter-start()", "#heading(level: 1)[前言]", self.file(home, skip_title=True, cites=cites),
                    self.references(cites), "#end-chapter()"]
        out += ["#pagebreak(to: \"odd\")", "]", "#main-matter()"]
        for part in self.contents.parts():
            out.append(f"#part({string(part.label)})")
            out += [self.chapter(chapter) for chapter in part.chapters]
        return Typeset("\n".join(out) + "\n", self.media, self.inputs)

    def chapter(self, path: Path) -> str:
        cites = ChapterCitations(self.book.registry, self.book.root, self.contents.chapter_number(path))
        pieces = ["#chapter-start()", self.file(path, cites=cites)]
        for notebook in self.contents.notebooks(path):
            pieces.append(self.notebook(notebook))
        pieces += [self.references(cites), "#end-chapter()"]
        return "\n".join(pieces)

    def references(self, cites: ChapterCitations) -> str:
        entries = ", ".join(f"[{escape(e)}]" for e in cites.reference_list())
        return f"#references({entries})" if entries else ""

    def file(self, path: Path, skip_title: bool = False, cites: ChapterCitations | None = None) -> str:
        self.inputs.append(path)
        text, places = content.with_citation_places(self.book, path)
        tokens = [t for t in parse(text) if t.type != "front_matter"]
        if skip_title and tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
            tokens = tokens[3:]
        shown = self.book.shown(path)
        drafts = self.contents.draft_headings(path)
        hooks = Hooks(text=lambda t, block: self.text(t, block, places, cites), comment=self.comment,
                      image=lambda src, alt: self.image(path, src, alt), link=link, label=self.book.labels.text,
                      heading_note=lambda line: "#draft-mark()" if line in drafts else "")
        return Writer(shown, hooks, skip=self.contents.skip(path), math=self.math.convert).blocks(tokens)

    def text(self, text: str, block: int, places: list[list], cites: ChapterCitations | None) -> str:
        """Prose, each citation's place replaced by its mark (numbered in reading order)."""
        if "\ue000" not in text:
            return escape(text)
        out, at = [], 0
        for m in PLACE.finditer(text):
            out += [escape(text[at:m.start()]), self.mark(places[int(m[1])], block, cites)]
            at = m.end()
        out.append(escape(text[at:]))
        return "".join(out)

    def mark(self, group: list, block: int, cites: ChapterCitations | None) -> str:
        if cites is None:
            return ""
        mark = cites.mark(group, block)
        pieces = [f"#cite-mark({string(mark.superscript)})"] if mark.numbered else []
        pieces += [f"#own-measurement({string(note)})" for note in mark.measurements]
        if mark.pending and self.draft:
            pieces.append("#pending-page()")
        return "".join(pieces)

    def comment(self, directive: str | None, note: str) -> str:
        """A comment prints nothing, except a TODO(data) item in the draft edition."""
        if directive == "todo" and self.draft:
            return f"#todo-mark({string(note or '来源待查')})"
        return ""

    def image(self, page: Path, src: str, alt: str) -> str | None:
        target = (page.parent / src).resolve()
        if not target.is_file():
            return None
        self.inputs.append(target)
        name = hashlib.sha256(target.read_bytes()).hexdigest()[:16] + target.suffix
        self.media[name] = target.read_bytes()
        return f'image("/build/print/media/{name}", alt: {string(alt)}, width: 100%)'

    def notebook(self, path: Path) -> str:
        self.inputs.append(path)
        shown = self.book.shown(path)
        cells = notebooks.read(path)
        shown_outputs = content.shown_outputs(self.book, path, cells, self.draft)
        if shown_outputs.stored is not None:
            self.inputs.append(shown_outputs.stored)
        title = notebooks.title_of(cells, path.stem)
        out = [f'#metadata("{shown}:1")<src>',
               f"#notebook-heading({string(path.name)}, [{escape(title)}], "
               f"draft: {'true' if self.contents.draft_notebook(path) else 'false'})"]
        out += [f"#notebook-note({string(line)})" for line in shown_outputs.lines]
        writer = Writer(shown, Hooks(comment=self.comment), heading_shift=2, math=self.math.convert)
        code_index = -1
        seen_title = False
        for cell in cells:
            if cell.kind == "markdown":
                tokens = parse(cell.source)
                if not seen_title and tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
                    tokens, seen_title = tokens[3:], True
                for token in tokens:
                    if token.map:
                        token.map = [token.map[0] + cell.line - 1, token.map[1] + cell.line - 1]
                out.append(writer.blocks(tokens))
                continue
            if cell.kind != "code":
                continue
            code_index += 1
            if "hide-input" not in cell.tags and cell.source.strip():
                out.append(f'#metadata("{shown}:{cell.line}")<src>')
                out.append(f"#notebook-code({raw_expr(cell.source, 'python')})")
            if shown_outputs.cells is not None and code_index < len(shown_outputs.cells):
                out += [self.output(o) for o in shown_outputs.cells[code_index]]
        return "\n".join(piece for piece in out if piece)

    def output(self, output: dict) -> str:
        text = notebooks.output_text(output)
        if text is not None:
            return f"#notebook-output({string(text.rstrip())})" if text.strip() else ""
        data = output.get("data", {})
        for mime, suffix in (("image/svg+xml", ".svg"), ("image/png", ".png")):
            if mime in data:
                payload = data[mime]
                payload = "".join(payload) if isinstance(payload, list) else payload
                raw = payload.encode() if suffix == ".svg" else base64.b64decode(payload)
                name = hashlib.sha256(raw).hexdigest()[:16] + suffix
                self.media[name] = raw
                return f'#image("/build/print/media/{name}", width: 100%)'
        return ""


def link(href: str, inner: str) -> str:
    """External links keep their target; links between the book's pages print as their text."""
    if href.startswith(("http://", "https://")):
        return f"#link({string(href)})[{inner}]"
    return inner


def opt(value: str | None) -> str:
    return string(value) if value else "none"
