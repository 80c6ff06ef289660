"""The MkDocs plugin `book` (`plugins: - book` in mkdocs.yml): the site's navigation from the TOC, notebook pages
from code/, citations numbered per chapter, and the generated pages (references, errata, and in drafts the claims
ledger and the TODO page).

Two kinds of site, chosen by the option `draft` (`draft: !ENV [DRAFT, false]` in mkdocs.yml):
- release: finished, sourced matter only. No draft chapter, section or notebook (checks/drafts.py), no `!!! todo`
  box, no claims ledger or TODO page, no pending-page mark; a link to what it leaves out shows as its text. Notebook
  pages show the stored full-size run (site/notebooks.py). Every page ends with its edition (build date, commit) and
  a link to the errata page.
- draft: everything an author needs, marked: drafts boxed, TODO state, the ledger, the ci outputs labelled.

A TOC with errors or an unreadable source registry stops the build with their findings, the cause first.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from markdown.extensions.toc import slugify as toc_slugify
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from ..cache import cache_root, write_atomic
from ..checks import claims as claims_check
from ..checks import drafts as drafts_check
from ..checks.drafts import DRAFT_ONLY_PAGES
from ..checks.links import GENERATED_PAGES, outside_symlinks
from ..checks import todo as todo_check
from ..checks.toc import check as check_toc
from ..findings import ERROR
from ..messages import say
from ..reading import prose
from ..reading.bibliography import is_measurement, measurement_chapter, measurement_device
from ..reading.book import Book
from ..reading.repo import find_repo, notebook_chapter
from ..reading.toc import Toc
from . import notebooks as notebook_pages
from . import pages
from .drafts import marked_drafts, unlinked, without_draft_sections, without_todo_admonitions
from .labels import numbered
from .render import Measurement, Renderer, chapter_number

GENERATED = GENERATED_PAGES
MATHJAX_SCRIPT = re.compile(r"<!-- Load mathjax -->.*?</script>\s*<!-- End of mathjax configuration -->", re.S)
STYLESHEET = "assets/book.css"  # mkdocs.yml's extra_css
ERRATA_HREF = "book-errata-page"
COPIED_NOTICE = re.compile(r'<span class="notice" hidden(?:="")?>Copied!</span>')  # mkdocs-jupyter's copy button  # stands in the footer for the errata page's address relative to each page


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
    errata_url = c.Type(str, default="")  # where readers report errors; in GitHub Actions, the repository's issues


class BookPlugin(BasePlugin[BookConfig]):
    def on_config(self, config):
        self.repo = find_repo(Path(config.config_file_path).resolve().parent)
        book = Book(self.repo)
        toc_findings, _ = check_toc(book)
        problems = [f for f in [*toc_findings, *book.registry.findings] if f.severity == ERROR]
        problems += outside_symlinks(self.repo)  # nothing outside the repository is read or copied
        if problems:
            raise PluginError("the site cannot be built:\n" + "\n".join(f.render() for f in sorted(problems)))
        self.book = book
        self.draft = self.config.draft
        self.claims = claims_check.check(book, strict=False).claims if self.draft else []
        self.registry = book.registry
        self.drafts = drafts_check.read(book)
        self.notebooks = self.repo.notebooks()
        self.docs = Path(config.docs_dir).resolve()
        self.renderer = Renderer(book.registry, book.citations, self.draft, self.measurements())
        self.labels = book.labels  # figures and tables numbered from the whole book: the same in draft and release
        self.todo = todo_check.collect(book)[0] if self.draft else []
        config.nav = self.navigation(book.toc, self.docs)
        # The pages the site publishes: the home page and the chapters the TOC links (in the release, not the draft
        # chapters); a file the TOC does not list stays unpublished, as `book toc`'s toc-unlisted warning says.
        self.listed = {self.docs / "index.md"} | {ch.path.resolve() for ch in book.toc.chapters
                                                  if ch.path is not None and self.published(ch.path)}
        jupyter = config.plugins.get("mkdocs-jupyter")
        if jupyter is not None:  # its rendered notebooks are kept with the toolchain's other caches
            jupyter.config["cache_dir"] = str(cache_root(self.repo.root) / "mkdocs-jupyter")
        config.copyright = self.edition()
        return config

    # ------------------------------------------------------------------------------------------ what is published

    def published(self, path: Path) -> bool:
        chapter = self.drafts.chapter(path)
        return self.draft or chapter is None or not chapter.draft

    def notebook_published(self, path: Path) -> bool:
        """The release leaves out the notebooks that are drafts (checks/drafts.py decides, for print too): those of a
        draft chapter, and those its prose does not link."""
        return self.draft or not self.drafts.notebook_left_out(path)

    def left_out(self, path: Path, anchor: str) -> bool:
        """What the release does not publish: draft chapters, sections and notebooks, the draft site's own pages."""
        path = path.resolve()
        if path.parent == self.docs and path.name in DRAFT_ONLY_PAGES:
            return True
        return self.drafts.left_out(path, anchor)

    def measurements(self) -> dict[str, Measurement]:
        """Each results source of the registry: the device it ran on, its chapter, and its notebook's page."""
        found = {}
        for key, source in self.registry.sources.items():
            if not is_measurement(source):
                continue
            page = None
            try:
                data = json.loads((self.repo.root / source["path"]).read_text(encoding="utf-8"))
                notebook = self.repo.code / str(data.get("chapter")) / str(data.get("notebook"))
                if notebook in self.notebooks and self.notebook_published(notebook):
                    page = self.notebook_uri(notebook)
            except (OSError, ValueError, AttributeError):
                pass
            found[key] = Measurement(measurement_device(self.repo.root, source), measurement_chapter(source), page)
        return found

    def edition(self) -> str:
        """The footer line of every page: which edition this is (build date, commit), and where to report errors."""
        stamp = os.environ.get("SOURCE_DATE_EPOCH")
        built = datetime.fromtimestamp(int(stamp), timezone.utc) if stamp and stamp.isdigit() else datetime.now(timezone.utc)
        commit = (os.environ.get("BOOK_COMMIT") or os.environ.get("GITHUB_SHA") or git_commit(self.repo.root) or "")[:7]
        kind = "草稿版" if self.draft else "本版"
        made = f"{kind}构建于 {built:%Y-%m-%d}" + (f"，提交 {commit}" if commit else "")
        return f'{made} · <a href="{ERRATA_HREF}">勘误</a>'

    def errata_url(self) -> str:
        if self.config.errata_url:
            return self.config.errata_url
        server, repository = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
        return f"{server}/{repository}/issues" if server and repository else ""

    # ------------------------------------------------------------------------------------------ navigation

    def navigation(self, toc: Toc, docs: Path) -> list:
        """Parts as sections, chapters in TOC order (a chapter in a subfolder keeps its folder), each chapter's
        notebooks under it, named by the chapter and by their own title; planned chapters without a file (and in the
        release, draft chapters and notebooks) are left out, and notebooks of no published chapter are listed on their
        own."""
        placed: set[Path] = set()
        nav: list = [{"首页": "index.md"}]
        for part in toc.parts:
            entries = []
            for chapter in part.chapters:
                if chapter.path is None or not chapter.path.is_relative_to(docs) or not self.published(chapter.path):
                    continue
                page = chapter.path.relative_to(docs).as_posix()
                notebooks = self.book.in_link_order(
                    chapter.path, [p for p in self.notebooks
                                   if notebook_chapter(p) == chapter.number and self.notebook_published(p)])
                placed.update(notebooks)
                entries.append({chapter.heading: [{chapter.heading: page}]
                                + [{f"代码示例：{self.notebook_name(p)}": self.notebook_uri(p)} for p in notebooks]}
                               if notebooks else {chapter.heading: page})
            if entries:
                nav.append({part.label: entries})
        unplaced = [p for p in self.notebooks if p not in placed and self.notebook_published(p)]
        if unplaced:
            nav.append({"代码示例": [{f"第{notebook_chapter(p)}章 代码示例：{self.notebook_name(p)}": self.notebook_uri(p)}
                                     for p in unplaced]})
        nav.append({"参考来源": "references.md"})
        if self.draft:
            nav.append({"数据声明": "claims.md"})
            nav.append({"待办数据项": "todo.md"})
        nav.append({"勘误": "errata.md"})
        return nav

    def notebook_name(self, path: Path) -> str:
        return notebook_pages.notebook_title(path) or path.stem.replace("_", " ")

    def notebook_uri(self, path: Path) -> str:
        return path.relative_to(self.repo.root).as_posix()  # code/chNN-slug/name.ipynb

    # ------------------------------------------------------------------------------------------ files and pages

    @event_priority(100)  # before mkdocs-jupyter turns .ipynb files into notebook pages
    def on_files(self, files, config):
        for unlisted in [f for f in files if f.src_uri.endswith(".md") and f.abs_src_path
                         and Path(f.abs_src_path).resolve() not in self.listed]:
            files.remove(unlisted)
        prepared = cache_root(self.repo.root) / "site-notebooks" / ("draft" if self.draft else "release")
        for path in self.notebooks:
            if not self.notebook_published(path):
                continue
            uri = self.notebook_uri(path)
            shown = notebook_pages.prepared(self.repo.root, path, self.draft,
                                            left_out=self.drafts.notebook_left_out(path))
            target = prepared / uri
            data = json.dumps(shown, ensure_ascii=False, indent=1).encode("utf-8")
            if not target.is_file() or target.read_bytes() != data:
                write_atomic(target, data)
            files.append(File(uri, str(prepared), config["site_dir"], config["use_directory_urls"]))
        generated = {"references.md": pages.references(self.registry, self.cited(), self.draft, self.book.toc,
                                                       self.renderer.measurements),
                     "errata.md": pages.errata(self.errata_url())}
        if self.draft:
            generated["claims.md"] = pages.claims_ledger(self.claims, self.registry)
            generated["todo.md"] = pages.todo_page(self.todo)
        generated[STYLESHEET] = (Path(__file__).parent / "book.css").read_text(encoding="utf-8")
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

    def shown_markdown(self, markdown: str, path: Path) -> str:
        """A page's Markdown before its citations are rendered: the release without drafts, author notes and links to
        what it leaves out; the draft with its drafts marked."""
        if self.draft:
            return marked_drafts(markdown)
        chapter = drafts_check.read_document(self.book, prose.parse(markdown), path, path.name)
        text = without_todo_admonitions(without_draft_sections(markdown, chapter))
        return unlinked(text, path, self.left_out)

    def cited(self) -> dict[str, dict[str, list[str]]]:
        """Source key → page file (as published) → the pages it cites there, over every published page."""
        found: dict[str, dict[str, list[str]]] = {}
        citations = self.book.citations
        if citations is None:
            return found
        for path in sorted(self.listed):
            source = self.book.file(path)
            if source.text is None:
                continue
            doc = prose.parse(self.shown_markdown(source.text, path))
            for unit in prose.units(doc):
                for cite in citations.find(unit.text):
                    if cite.problem or cite.key not in self.registry.sources:
                        continue
                    pages_cited = found.setdefault(cite.key, {}).setdefault(path.relative_to(self.docs).as_posix(), [])
                    if cite.page and cite.page not in pages_cited:
                        pages_cited.append(cite.page)
        return found

    def on_page_markdown(self, markdown: str, page, config, files):
        if page.file.src_uri in GENERATED or page.file.src_uri.endswith(".ipynb"):
            return markdown
        path = Path(page.file.abs_src_path)
        if page.file.src_uri == "index.md" and self.downloads:
            links = "、".join(f"[{label} 版](downloads/{path.name})" for label, path in self.downloads.items())
            markdown = markdown.rstrip("\n") + f"\n\n## 下载\n\n本书的 {links}。\n"
        slugify = (config["mdx_configs"].get("toc") or {}).get("slugify", toc_slugify)
        shown = numbered(self.shown_markdown(markdown, path), page.file.src_uri, self.labels, self.docs, slugify)
        return self.renderer.page(shown, chapter_number(path))

    def on_page_content(self, html: str, page, config, files):
        """Notebook pages: the copy button's texts in Chinese, its `Copied!` notice dropped (hidden on the page, it
        would read in search excerpts)."""
        if page.file.src_uri.endswith(".ipynb"):
            html = COPIED_NOTICE.sub("", html)
            html = html.replace('aria-label="Copy to Clipboard"', 'aria-label="复制代码"')
        return html

    def on_post_page(self, output: str, page, config):
        """Every page: the footer's errata link, relative to the page. Notebook pages: drop the MathJax loader
        mkdocs-jupyter adds from a CDN (the notebooks hold no math, the site must work offline, and MathJax would read
        `$0.25 … $0.01` in an output as a formula)."""
        errata = get_relative_url("errata/" if config["use_directory_urls"] else "errata.html", page.url)
        output = output.replace(f'href="{ERRATA_HREF}"', f'href="{errata}"')
        if page.file.src_uri.endswith(".ipynb"):
            return MATHJAX_SCRIPT.sub("", output)
        return output


def git_commit(root: Path) -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short=7", "HEAD"], cwd=root, capture_output=True, text=True,
                             timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None
