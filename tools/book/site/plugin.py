"""The MkDocs plugin `book` (`plugins: - book` in mkdocs.yml): the site's navigation from the TOC, notebooks from
code/, citations as links, and the generated pages (references, claims ledger, and in drafts the TODO page).

Its one option, `draft`, lives in mkdocs.yml (`draft: !ENV [DRAFT, false]`). A TOC with errors or an unreadable
source registry stops the build with their findings, the cause first.
"""
from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File

from ..cache import cache_root
from ..checks import claims as claims_check
from ..checks.links import GENERATED_PAGES, outside_symlinks
from ..checks import todo as todo_check
from ..checks.toc import check as check_toc
from ..findings import ERROR
from ..messages import say
from ..reading.book import Book
from ..reading.repo import find_repo
from ..reading.toc import Toc
from . import pages
from .drafts import without_todo_admonitions
from .render import Renderer

GENERATED = GENERATED_PAGES
MATHJAX_SCRIPT = re.compile(r"<!-- Load mathjax -->.*?</script>\s*<!-- End of mathjax configuration -->", re.S)


class Flag(c.BaseConfigOption[bool]):
    """A yes/no option that also reads what `!ENV` gives it from the environment (`1`, `0`, `true`, `false`)."""

    def __init__(self, default: bool = False):
        super().__init__()
        self.default = default

    def run_validation(self, value) -> bool:
        if value is None:
            return self.default
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0
        if isinstance(value, str) and value.strip().lower() in ("", "0", "false", "no", "off"):
            return False
        if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on"):
            return True
        raise c.ValidationError(say("site:bool-option", value=repr(value)))


class BookConfig(base.Config):
    draft = Flag(default=False)


class BookPlugin(BasePlugin[BookConfig]):
    def on_config(self, config):
        self.repo = find_repo(Path(config.config_file_path).resolve().parent)
        book = Book(self.repo)
        toc_findings, _ = check_toc(book)
        problems = [f for f in [*toc_findings, *book.registry.findings] if f.severity == ERROR]
        problems += outside_symlinks(self.repo)  # nothing outside the repository is read or copied
        if problems:
            raise PluginError("the site cannot be built:\n" + "\n".join(f.render() for f in sorted(problems)))
        self.draft = self.config.draft
        self.claims = claims_check.check(book, strict=False).claims
        self.registry = book.registry
        self.renderer = Renderer(book.registry, book.citations, self.draft)
        self.todo = todo_check.collect(book)[0] if self.draft else []
        self.notebooks = self.repo.notebooks()
        docs = Path(config.docs_dir).resolve()
        config.nav = self.navigation(book.toc, docs)
        # The pages the site publishes: the home page and the chapters the TOC links; a draft the TOC does not list
        # stays unpublished, as `book toc`'s toc-unlisted warning says.
        self.listed = {docs / "index.md"} | {c.path for c in book.toc.chapters if c.path is not None}
        jupyter = config.plugins.get("mkdocs-jupyter")
        if jupyter is not None:  # its rendered notebooks are kept with the toolchain's other caches
            jupyter.config["cache_dir"] = str(cache_root(self.repo.root) / "mkdocs-jupyter")
        return config

    def navigation(self, toc: Toc, docs: Path) -> list:
        """Parts as sections, chapters in TOC order (a chapter in a subfolder keeps its folder), each chapter's
        notebooks under it; planned chapters without a file are left out, and notebooks of no written chapter are
        listed on their own."""
        placed: set[Path] = set()
        nav: list = [{"首页": "index.md"}]
        for part in toc.parts:
            entries = []
            for chapter in part.chapters:
                if chapter.path is None or not chapter.path.is_relative_to(docs):
                    continue
                page = chapter.path.relative_to(docs).as_posix()
                notebooks = [p for p in self.notebooks if notebook_chapter(p) == chapter.number]
                placed.update(notebooks)
                entries.append({chapter.heading: [{"正文": page}]
                                + [{f"代码示例：{notebook_name(p)}": self.notebook_uri(p)} for p in notebooks]}
                               if notebooks else {chapter.heading: page})
            if entries:
                nav.append({part.label: entries})
        unplaced = [p for p in self.notebooks if p not in placed]
        if unplaced:
            nav.append({"代码示例": [{notebook_title(p): self.notebook_uri(p)} for p in unplaced]})
        nav.append({"参考来源": "references.md"})
        nav.append({"数据声明": "claims.md"})
        if self.draft:
            nav.append({"待办数据项": "todo.md"})
        return nav

    def notebook_uri(self, path: Path) -> str:
        return path.relative_to(self.repo.root).as_posix()  # code/chNN-slug/name.ipynb

    @event_priority(100)  # before mkdocs-jupyter turns .ipynb files into notebook pages
    def on_files(self, files, config):
        for unlisted in [f for f in files if f.src_uri.endswith(".md") and f.abs_src_path
                         and Path(f.abs_src_path).resolve() not in self.listed]:
            files.remove(unlisted)
        for path in self.notebooks:
            files.append(File(self.notebook_uri(path), str(self.repo.root), config["site_dir"],
                              config["use_directory_urls"]))
        generated = {"references.md": pages.references(self.registry, self.claims),
                     "claims.md": pages.claims_ledger(self.claims, self.registry)}
        if self.draft:
            generated["todo.md"] = pages.todo_page(self.todo)
        for name, content in generated.items():
            files.append(File.generated(config, name, content=content))
        self.downloads = self.print_outputs()
        for name, path in self.downloads.items():
            files.append(File.generated(config, f"downloads/{path.name}", abs_src_path=str(path)))
        return files

    def print_outputs(self) -> dict[str, Path]:
        """The PDF and EPUB that `make pdf` and `make epub` left in build/ (the draft site offers the draft PDF)."""
        build = self.repo.root / "build"
        found = {"PDF": build / ("book-draft.pdf" if self.draft else "book.pdf"), "EPUB": build / "book.epub"}
        return {label: path for label, path in found.items() if path.is_file()}

    def on_page_markdown(self, markdown: str, page, config, files):
        if page.file.src_uri in GENERATED or page.file.src_uri.endswith(".ipynb"):
            return markdown
        if page.file.src_uri == "index.md" and self.downloads:
            links = "、".join(f"[{label} 版](downloads/{path.name})" for label, path in self.downloads.items())
            markdown = markdown.rstrip("\n") + f"\n\n## 下载\n\n本书的 {links}。\n"
        return self.renderer.page(markdown if self.draft else without_todo_admonitions(markdown))

    def on_post_page(self, output: str, page, config):
        """Notebook pages: drop the MathJax loader mkdocs-jupyter adds from a CDN. The notebooks hold no math, the
        site must work offline, and MathJax would read `$0.25 … $0.01` in an output as a formula."""
        if page.file.src_uri.endswith(".ipynb"):
            return MATHJAX_SCRIPT.sub("", output)
        return output


def notebook_chapter(path: Path) -> str:
    """The chapter number a notebook belongs to, from its folder (code/ch05-batching/… → "5")."""
    return str(int(path.parent.name[2:4]))


def notebook_name(path: Path) -> str:
    return path.stem.replace("_", " ")


def notebook_title(path: Path) -> str:
    return f"第{notebook_chapter(path)}章 {notebook_name(path)}"
