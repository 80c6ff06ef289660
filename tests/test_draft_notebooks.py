"""Notebooks as drafts (checks/drafts.py, `Drafts.notebook_left_out`): the release site and print leave out a notebook
that only draft sections link, and the draft builds show it, marked; one link from written prose publishes it. The
site is built in-process up to its files and navigation (MkDocs' own config loading and plugin events), print up to
its Typst source, each on a copy of the book."""
from __future__ import annotations

import json
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.structure.files import Files

from book.checks import drafts, todo
from book.print.content import Contents
from book.print.typeset import Typesetter
from book.reading.book import Book
from book.reading.print_config import load as load_print_config
from book.reading.repo import Repo
from book.site import notebooks as notebook_pages
from conftest import edit

CH05 = "manuscript/ch05-batching.md"
DEMO = "code/ch05-batching/continuous_batching.ipynb"
CHUNKED = "code/ch05-batching/chunked_prefill.ipynb"
LINK = "代码见 [chunked_prefill.ipynb](../code/ch05-batching/chunked_prefill.ipynb)。"


def section_57_as_draft(root: Path, body: str = "") -> None:
    """Section 5.7, the only prose that links the chunked-prefill notebook, turned back into a draft holding `body`."""
    text = (root / CH05).read_text(encoding="utf-8")
    start, end = text.index("## 5.7 分块预填充\n"), text.index("## 5.8 ")
    (root / CH05).write_text(f"{text[:start]}## 5.7 分块预填充\n\n!!! draft\n\n{body}{text[end:]}", encoding="utf-8")


def link_from_draft_section(root: Path) -> None:
    """Section 5.7 (a draft) links the chunked-prefill notebook, and nothing else does."""
    section_57_as_draft(root, f"{LINK}\n\n")


def link_from_written_section(root: Path) -> None:
    """Section 5.5 (written) links it too."""
    edit(root / CH05, "\n## 5.6 服务等级", f"\n{LINK}\n\n## 5.6 服务等级")


def configured(root: Path, monkeypatch, draft: bool):
    """The site's MkDocs config as the plugins leave it (`draft` as `DRAFT` sets it for mkdocs.yml)."""
    monkeypatch.setenv("DRAFT", "1" if draft else "0")
    config = load_config(str(root / "mkdocs.yml"))
    return config.plugins.on_config(config)


def site(root: Path, monkeypatch, draft: bool) -> tuple[dict[str, dict], list[str]]:
    """The notebook pages the site publishes (uri → the notebook its page is rendered from) and the notebooks its
    navigation lists, in order."""
    config = configured(root, monkeypatch, draft)
    files = config.plugins.on_files(Files([]), config=config)
    pages = {f.src_uri: json.loads(Path(f.abs_src_path).read_text(encoding="utf-8"))
             for f in files if f.src_uri.endswith(".ipynb")}
    return pages, [uri for uri in nav_targets(config.nav) if uri.endswith(".ipynb")]


def nav_targets(nav) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    items = nav.values() if isinstance(nav, dict) else nav
    return [uri for item in items for uri in nav_targets(item)]


def printed(root: Path, draft: bool) -> list[str]:
    """The notebooks print puts after chapter 5, in order."""
    chapter = (root / CH05).resolve()
    return [p.relative_to(root.resolve()).as_posix() for p in Contents(Book(Repo(root)), draft).notebooks(chapter)]


def marked_as_draft(page: dict) -> bool:
    return any(notebook_pages.DRAFT_BOX in str(cell.get("source", "")) for cell in page["cells"])


def test_a_notebook_only_a_draft_section_links_is_left_out_of_the_release_site_and_print(book_copy, monkeypatch):
    link_from_draft_section(book_copy)
    pages, nav = site(book_copy, monkeypatch, draft=False)
    assert DEMO in pages and DEMO in nav
    assert CHUNKED not in pages and CHUNKED not in nav
    assert printed(book_copy, draft=False) == [DEMO]
    book = Book(Repo(book_copy))
    assert drafts.read(book).notebook_left_out(book_copy / CHUNKED)  # one rule decides for both
    assert not drafts.read(book).notebook_left_out(book_copy / DEMO)
    assert not [f for f in drafts.check(book, strict=True) if f.code == "ref-draft"]  # a draft may link it

    pages, nav = site(book_copy, monkeypatch, draft=True)
    assert nav.index(DEMO) + 1 == nav.index(CHUNKED)  # under chapter 5, in the order the chapter links them
    assert marked_as_draft(pages[CHUNKED]) and not marked_as_draft(pages[DEMO])
    assert printed(book_copy, draft=True) == [DEMO, CHUNKED]
    typst = Typesetter(Book(Repo(book_copy)), load_print_config(book_copy), draft=True).document().source
    headings = {line.split('"')[1]: line for line in typst.split("\n") if line.startswith("#notebook-heading(")}
    assert headings["chunked_prefill.ipynb"].endswith("draft: true)")  # the PDF's 草稿：正式版不收 mark
    assert headings["continuous_batching.ipynb"].endswith("draft: false)")


def test_one_link_from_a_written_section_publishes_the_notebook(book_copy, monkeypatch):
    link_from_draft_section(book_copy)
    link_from_written_section(book_copy)
    assert not drafts.read(Book(Repo(book_copy))).notebook_left_out(book_copy / CHUNKED)
    for draft in (False, True):
        pages, nav = site(book_copy, monkeypatch, draft)
        assert nav.index(DEMO) + 1 == nav.index(CHUNKED) and CHUNKED in pages
        assert not marked_as_draft(pages[CHUNKED])
        assert printed(book_copy, draft) == [DEMO, CHUNKED]


def test_a_link_in_an_authors_note_publishes_nothing(book_copy):
    """The release leaves out `!!! todo` boxes, so a link there does not publish the notebook it names."""
    section_57_as_draft(book_copy)
    edit(book_copy / CH05, "\n## 5.6 服务等级", f"\n!!! todo \"写作计划\"\n    {LINK}\n\n## 5.6 服务等级")
    assert drafts.read(Book(Repo(book_copy))).notebook_left_out(book_copy / CHUNKED)
    assert printed(book_copy, draft=False) == [DEMO]


def test_written_prose_linking_a_draft_chapters_notebook_is_a_ref_draft(book_copy, monkeypatch):
    """Chapter 9 is a draft: its notebook goes with it, so a written link to it would lead the release reader
    nowhere. It is reported, and the release shows the link as its text."""
    edit(book_copy / "manuscript/ch08-production.md", "## 8.1 推理服务的架构\n",
         "## 8.1 推理服务的架构\n\n多卡见 [tensor_parallel.ipynb](../code/ch09-parallelism/tensor_parallel.ipynb)。\n")
    found = [f for f in drafts.check(Book(Repo(book_copy)), strict=True) if f.code == "ref-draft"]
    added = (book_copy / "manuscript/ch08-production.md").read_text(encoding="utf-8").split("\n").index(
        "## 8.1 推理服务的架构") + 3  # the line written under the heading (1-based)
    assert [(f.path, f.line, f.severity) for f in found] == [("manuscript/ch08-production.md", added, "error")]
    assert "tensor_parallel.ipynb" in found[0].message
    pages, nav = site(book_copy, monkeypatch, draft=False)
    assert not any("ch09-parallelism" in uri for uri in [*pages, *nav])
    plugin = configured(book_copy, monkeypatch, draft=False).plugins["book"]
    chapter = book_copy / "manuscript/ch08-production.md"
    shown = plugin.shown_markdown(chapter.read_text(encoding="utf-8"), chapter)
    assert "多卡见 tensor_parallel.ipynb。" in shown and "](../code/ch09" not in shown


def test_make_todo_lists_a_draft_notebook_until_written_prose_links_it(book_copy):
    link_from_draft_section(book_copy)
    listed = [(it.group, it.kind) for it in todo.collect(Book(Repo(book_copy)))[0] if it.path == CHUNKED]
    assert listed == [("第5章 批量调度", "draft")]
    link_from_written_section(book_copy)
    assert not [it for it in todo.collect(Book(Repo(book_copy)))[0] if it.path == CHUNKED]
