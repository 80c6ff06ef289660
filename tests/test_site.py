"""The published site: built strictly and atomically, navigation from the TOC, citations and boxes rendered."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from book.checks import drafts
from book.reading.book import Book
from book.site.notebooks import NO_RUN_LINE, prepared
from book.site.plugin import BookPlugin
from book.reading.repo import Repo
from conftest import ROOT, measured_paragraph, run_book


def append(path: Path, line: str) -> None:
    with open(path, "a", encoding="utf-8") as out:
        out.write(f"\n{line}\n")


def page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text(encoding="utf-8")


def test_chapter_one_shows_currency_numbered_citations_and_boxes(release_site):
    html = page(release_site, "ch01-cost-revolution")
    assert "$" in html and "<math" not in html  # currency is text, not math
    # 顺序编码制: a superscript number linking to the chapter's list, the page cited after it
    assert re.search(r'<sup class="citation"><a href="#ref-1" title="ARK Invest\. Big Ideas 2026\[R/OL\][^"]*">\[1\]</a>6</sup>',
                     html)
    assert re.search(r'<li id="ref-1" value="1">\[1\] ARK Invest\. Big Ideas 2026\[R/OL\]\. 2026: 6, 20', html)
    assert "[@" not in html and "（来源：" not in html  # every citation was rendered
    assert " <sup" not in html  # no space before a citation
    chapters = [page(release_site, p.stem) for p in (ROOT / "manuscript").glob("ch0[1-8]*.md")]
    assert any('class="admonition' in html for html in chapters)  # Material's boxes are rendered


def test_measurements_cite_briefly_once_per_paragraph(release_site):
    html = page(release_site, "ch04-kv-cache")
    figure, device = measured_paragraph("ch04-kv-cache", "results-ch04")
    paragraph = next(p for p in re.findall(r"<p>.*?</p>", html, re.S) if figure in p)
    assert paragraph.count("实测") == 1
    assert re.search(rf'（<a class="measurement" href="../code/ch04-kv-cache/kv_cache/">{device} 实测，见本章代码示例</a>）',
                     paragraph)
    assert f"kv_cache.ipynb，{device}" not in html  # the registry's title is not the citation
    ch01 = page(release_site, "ch01-cost-revolution")
    assert "实测，见第5章代码示例" in ch01 or "[@results" not in (ROOT / "manuscript/ch01-cost-revolution.md").read_text()


def test_navigation_follows_the_toc(release_site):
    book = Book(Repo(ROOT))
    left_out = {c.path.stem for c in drafts.read(book).by_path.values() if c.draft}
    expected = [c.path.stem for c in book.toc.chapters if c.path is not None and c.path.stem not in left_out]
    assert left_out == {"ch09-parallelism", "ch10-serving-engines"}
    html = page(release_site, "")
    linked = re.findall(r'<a href="([\w-]+)/" class="md-nav__link', html)
    in_order = [name for name in linked if name in expected]
    assert in_order == expected
    assert "附录A" in html and "附录B" not in html  # appendix A is generated; B, planned without a file, is left out


def test_notebook_pages_never_show_ci_outputs_in_the_release(release_site, draft_site, tmp_path):
    html = page(release_site, "code/ch04-kv-cache/kv_cache")
    device = json.loads((ROOT / "code/results/ch04-kv-cache.json").read_text(encoding="utf-8"))["provenance"]["device_name"]
    assert f"全尺寸（full）运行：{device}" in html and "device=cuda scale=full" in html  # the stored run
    assert "device=cpu" not in html and "scale=ci" not in html
    unrun_notebook = tmp_path / "code/ch04-kv-cache/prefix_caching.ipynb"  # in a repo that stores no run of it
    unrun_notebook.parent.mkdir(parents=True)
    shutil.copy(ROOT / "code/ch04-kv-cache/prefix_caching.ipynb", unrun_notebook)  # with its ci outputs
    unrun = prepared(tmp_path, unrun_notebook, draft=False)
    assert any(NO_RUN_LINE in "".join(cell["source"]) for cell in unrun["cells"][:2])  # under the title
    assert not any(cell.get("outputs") for cell in unrun["cells"])  # code and prose only, never the ci outputs
    assert "mathjax" not in html.lower()  # the CDN loader is removed: offline, and $ stays text
    assert (release_site / "code/ch04-kv-cache/kv_cache/kv_cache.ipynb").exists()
    assert 'href="../code/ch04-kv-cache/kv_cache/"' in page(release_site, "ch04-kv-cache")
    draft = page(draft_site, "code/ch04-kv-cache/kv_cache")
    assert "生成的 token 完全相同： True" in draft and "CPU 上的小规模运行" in draft  # ci outputs, labelled
    assert "nbval-ignore-output" not in html + draft  # the checker's tags are not shown


def test_each_notebook_sits_under_its_chapter_named_by_it(release_site, draft_site):
    plugin = BookPlugin()
    plugin.repo = Repo(ROOT)
    plugin.book = Book(plugin.repo)
    plugin.draft, plugin.drafts, toc = False, drafts.read(plugin.book), plugin.book.toc
    plugin.notebooks = plugin.repo.notebooks()
    nav = plugin.navigation(toc, ROOT / "manuscript")
    chapters = {title: entry for part in nav for entries in part.values() if isinstance(entries, list)
                for item in entries for title, entry in item.items()}
    title, ch05 = next((title, entry) for title, entry in chapters.items() if title.startswith("第5章"))
    assert ch05[0] == {title: "ch05-batching.md"}  # the chapter's page is named by the chapter, not "正文"
    # chapter 5's two notebooks, in the order its written prose links them (the intro, then 5.7)
    assert [uri for entry in ch05[1:] for uri in entry.values()] == ["code/ch05-batching/continuous_batching.ipynb",
                                                                     "code/ch05-batching/chunked_prefill.ipynb"]
    assert all(name.startswith("代码示例：") for entry in ch05[1:] for name in entry)
    assert not any("代码示例" in part for part in nav)  # every notebook found its chapter
    assert 'href="../code/ch05-batching/chunked_prefill/"' in page(release_site, "ch05-batching")
    assert "草稿：发布版不包含这个 notebook" not in page(release_site, "code/ch05-batching/chunked_prefill")
    assert not any(title.startswith("第9章") for title in chapters)  # a draft chapter is not published
    assert not (release_site / "code/ch09-parallelism").exists()  # nor its notebook
    draft = page(draft_site, "code/ch09-parallelism/tensor_parallel")  # the draft site shows it, boxed as a draft
    assert "草稿：发布版不包含这个 notebook" in draft
    html = page(release_site, "ch04-kv-cache")
    assert "<title>第4章 KV Cache 优化 - LLM推理优化实战</title>" in html


def test_references_count_every_citing_page_and_the_ledger_is_draft_only(release_site, draft_site):
    book = Book(Repo(ROOT))
    marked = drafts.read(book)
    cited = set()
    for chapter in marked.by_path.values():
        if chapter.draft:
            continue
        hidden = chapter.left_out_lines()
        for unit in book.units(book.file(chapter.path)):
            for c in book.citations.find(unit.text):
                if not c.problem and unit.where(c.start)[0] - 1 not in hidden:
                    cited.add(c.key)
    refs = page(release_site, "references")
    assert cited and all(f'id="{key}"' in refs for key in cited), cited
    assert "尚未引用" not in refs
    assert 'id="xiao-2024-streamingllm"' in page(draft_site, "references")  # cited only in 4.7, a draft
    assert 'id="xiao-2024-streamingllm"' not in refs  # which the release leaves out
    assert not (release_site / "claims").exists()
    home = page(release_site, "")
    assert 'href="claims/"' not in home  # the ledger is the draft site's alone (a link to it would become text)
    ledger = page(draft_site, "claims")
    assert "数据声明" in ledger and "ch01-cost-revolution" in ledger


def test_release_pages_hold_no_todo_state_and_say_their_edition(release_site):
    for html_file in release_site.rglob("index.html"):
        html = html_file.read_text(encoding="utf-8")
        shown = re.sub(r"<[^>]+>", "", html)
        for mark in ("来源待查", "页码待补", "TODO(data)", "写作计划", "toc/proposals"):
            assert mark not in shown, (html_file, mark)
        assert re.search(r"本版构建于 \d{4}-\d{2}-\d{2}", html), html_file
        assert re.search(r'<a href="(?:[./]*errata/|\./)">勘误</a>', html), html_file
        assert "Made with" not in html  # no generator footer
    assert "Copied!" not in (release_site / "search/search_index.json").read_text(encoding="utf-8")  # Chinese UI only


def test_drafts_are_left_out_of_the_release_and_boxed_in_the_draft(release_site, draft_site):
    assert not (release_site / "ch09-parallelism").exists() and not (release_site / "ch10-serving-engines").exists()
    ch04 = page(release_site, "ch04-kv-cache")
    assert "4.6 前缀缓存" in ch04 and "4.7 KV Cache 的卸载与淘汰" not in ch04 and "StreamingLLM" not in ch04
    draft = page(draft_site, "ch04-kv-cache")
    assert "4.7 KV Cache 的卸载与淘汰" in draft and "草稿：发布版不包含这一节" in draft
    assert "草稿：发布版不包含这一章" in page(draft_site, "ch09-parallelism")


def test_drafts_show_todo_items_releases_do_not(release_site, draft_site):
    assert not (release_site / "todo").exists()
    chapters = [p.stem for p in (ROOT / "manuscript").glob("ch0[1-8]*.md")]
    assert not any("页码待补" in page(release_site, name) for name in chapters)
    assert "待办数据项" in page(draft_site, "todo") and "- [ ]" not in page(draft_site, "todo")
    pending = [f for f in run_book("claims", "--format", "json").json()["findings"]
               if f["code"] == "pending-citation" and f["path"].startswith("manuscript/ch")]
    assert any("页码待补" in page(draft_site, name) for name in chapters) == bool(pending)


def test_todo_admonitions_only_in_the_draft(release_site, draft_site):
    assert "写作计划" not in page(release_site, "ch05-batching")
    assert "写作计划" in page(draft_site, "ch05-batching")
    assert "5.5 调度策略与服务等级" in page(release_site, "ch05-batching")


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
    append(book_copy / "manuscript/ch08-production.md", "调度器见[这里](ch04-kv-cache.md#no-such-anchor)。")
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
