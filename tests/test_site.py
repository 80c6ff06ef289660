"""The published site: built strictly and atomically, navigation from the TOC, citations and boxes rendered."""
from __future__ import annotations

import re
from pathlib import Path

from book.reading.book import Book
from book.site.plugin import BookPlugin
from book.reading.repo import Repo
from conftest import ROOT, run_book


def append(path: Path, line: str) -> None:
    with open(path, "a", encoding="utf-8") as out:
        out.write(f"\n{line}\n")


def page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text(encoding="utf-8")


def test_chapter_one_shows_currency_citations_and_boxes(release_site):
    html = page(release_site, "ch01-cost-revolution")
    assert "$" in html and "<math" not in html  # currency is text, not math
    assert re.search(r'<a class="citation" href="../references/#[\w-]+">[^<]*第 \d+ 页</a>', html)
    assert "[@" not in html  # every citation became a link
    chapters = [page(release_site, p.stem) for p in (ROOT / "manuscript").glob("ch*.md")]
    assert any('class="admonition' in html for html in chapters)  # Material's boxes are rendered


def test_navigation_follows_the_toc(release_site):
    toc = Book(Repo(ROOT)).toc
    expected = [c.path.stem for c in toc.chapters if c.path is not None]
    html = page(release_site, "")
    linked = re.findall(r'<a href="([\w-]+)/" class="md-nav__link', html)
    in_order = [name for name in linked if name in expected]
    assert in_order == expected
    assert "附录A" in html and "附录B" not in html  # appendix A is generated; B, planned without a file, is left out


def test_notebooks_are_pages_with_their_outputs(release_site):
    html = page(release_site, "code/ch04-kv-cache/kv_cache")
    assert "tokens identical: True" in html and "device=" in html  # the stored outputs (a CI-scale run)
    assert "mathjax" not in html.lower()  # the CDN loader is removed: offline, and $ stays text
    assert (release_site / "code/ch04-kv-cache/kv_cache/kv_cache.ipynb").exists()
    assert 'href="../code/ch04-kv-cache/kv_cache/"' in page(release_site, "ch04-kv-cache")


def test_each_notebook_sits_under_its_chapter_and_hides_its_set_up_code(release_site):
    plugin = BookPlugin()
    plugin.repo = Repo(ROOT)
    plugin.notebooks, plugin.draft = plugin.repo.notebooks(), False
    nav = plugin.navigation(Book(plugin.repo).toc, ROOT / "manuscript")
    chapters = {title: entry for part in nav for entries in part.values() if isinstance(entries, list)
                for item in entries for title, entry in item.items()}
    ch05 = next(entry for title, entry in chapters.items() if title.startswith("第5章"))
    assert ch05 == [{"正文": "ch05-batching.md"},
                    {"代码示例：continuous batching": "code/ch05-batching/continuous_batching.ipynb"}]
    assert not any("代码示例" in part for part in nav)  # every notebook found its chapter
    notebook = page(release_site, "code/ch05-batching/continuous_batching")
    assert "scale=ci" in notebook                     # the set-up cell's output is shown
    assert "from common import runtime" not in notebook  # its code (tagged hide-input) is not


def test_references_and_claims_pages(release_site):
    refs = page(release_site, "references")
    assert 'id="ark-big-ideas-2026"' in refs and 'id="results-ch05"' in refs
    ledger = page(release_site, "claims")
    assert "数据声明" in ledger and "ch01-cost-revolution" in ledger


def test_drafts_show_todo_items_releases_do_not(release_site, draft_site):
    assert not (release_site / "todo").exists()
    chapters = [p.stem for p in (ROOT / "manuscript").glob("ch*.md")]
    assert not any("页码待补" in page(release_site, name) for name in chapters)
    assert "待办数据项" in page(draft_site, "todo") and "- [ ]" not in page(draft_site, "todo")
    pending = [f for f in run_book("claims", "--format", "json").json()["findings"]
               if f["code"] == "pending-citation" and f["path"].startswith("manuscript/ch")]
    assert any("页码待补" in page(draft_site, name) for name in chapters) == bool(pending)


def test_todo_admonitions_only_in_the_draft(release_site, draft_site):
    assert "写作计划" not in page(release_site, "ch02-gpu-hardware")
    assert "写作计划" in page(draft_site, "ch02-gpu-hardware")
    assert "2.6 内核与启动开销" in page(release_site, "ch02-gpu-hardware")


def test_broken_link_fails_and_leaves_the_previous_site(book_copy):
    out = book_copy / "site"
    assert run_book("site", "--out", str(out), cwd=book_copy).code == 0
    before = (out / "ch05-batching" / "index.html").read_bytes()
    append(book_copy / "manuscript/ch05-batching.md", "调度器见[第9章](ch09-missing.md)。")
    run = run_book("site", "--out", str(out), cwd=book_copy)
    assert run.code == 1
    assert "ch09-missing.md" in run.out and "保持原样" in run.out
    assert run.out.splitlines()[-1].startswith("book site：未通过 — 1 个错误")  # the summary line last
    assert (out / "ch05-batching" / "index.html").read_bytes() == before
    check = run_book("check", "--skip", "notebooks", cwd=book_copy)
    assert check.code == 1 and "book check：未通过" in check.out


def test_broken_anchor_fails_the_strict_build(book_copy):
    append(book_copy / "manuscript/ch05-batching.md", "调度器见[这里](ch04-kv-cache.md#no-such-anchor)。")
    run = run_book("site", "--out", str(book_copy / "site"), cwd=book_copy)
    assert run.code == 1 and "no-such-anchor" in run.out


def test_a_page_the_toc_does_not_list_is_not_published(book_copy, tmp_path):
    (book_copy / "manuscript/ch11-draft.md").write_text("# 第11章 草稿\n\n还没写完。\n", encoding="utf-8")
    (book_copy / "manuscript/notes.md").write_text("# 笔记\n\n作者自己的笔记。\n", encoding="utf-8")
    toc = run_book("toc", cwd=book_copy)
    assert {l.split(":")[0] for l in toc.lines("toc-unlisted")} == {"manuscript/ch11-draft.md", "manuscript/notes.md"}
    out = tmp_path / "site"
    assert run_book("site", "--out", str(out), cwd=book_copy).code == 0
    assert (out / "ch01-cost-revolution/index.html").exists()
    assert not (out / "ch11-draft").exists() and not (out / "notes").exists()


def test_a_broken_notebook_stops_the_site_at_its_own_line(book_copy, tmp_path):
    notebook = book_copy / "code/ch03-environment/environment_check.ipynb"
    notebook.write_text(notebook.read_text(encoding="utf-8").replace('"cells"', '"cells" oops', 1), encoding="utf-8")
    run = run_book("site", "--out", str(tmp_path / "site"), cwd=book_copy)
    assert run.code == 1 and run.lines("notebook-invalid")[0].startswith(
        "code/ch03-environment/environment_check.ipynb:2:10: error notebook-invalid")
    assert not (tmp_path / "site").exists()
