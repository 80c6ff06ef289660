"""Draft sections and chapters (checks/drafts.py): marked with `!!! draft` or detected as promise-only; what the release
leaves out, `draft-section` and `ref-draft`, and `book todo`'s list of drafts."""
from __future__ import annotations

from book.checks import drafts
from book.reading.book import Book
from book.reading.repo import Repo
from conftest import ROOT, edit, run_book


def codes(findings, code):
    return sorted((f.path, f.line, f.severity, f.message) for f in findings if f.code == code)


def test_the_books_drafts_are_the_marked_promise_only_sections_and_chapters():
    model = drafts.read(Book(Repo(ROOT)))
    chapters = {c.path.stem: c for c in model.by_path.values()}
    assert {name for name, c in chapters.items() if c.draft} == {"ch09-parallelism", "ch10-serving-engines"}
    sections = {s.number for c in chapters.values() if not c.draft for s in c.draft_sections()}
    assert sections == {"4.7", "5.8", "7.6", "7.7", "C.3"}
    assert not chapters["appendix-c-case-studies"].section("C.2").draft  # a short case, written: not a promise
    assert not chapters["ch02-gpu-hardware"].section("2.1").draft  # one short paragraph that explains: written
    findings = drafts.check(Book(Repo(ROOT)), strict=True)
    assert codes(findings, "draft-section") == []  # every draft is marked and comes after the written sections


def test_an_unmarked_promise_is_detected_and_still_left_out(book_copy):
    edit(book_copy / "manuscript/ch07-speculative-decoding.md", "## 7.7 批处理下的投机采样\n\n!!! draft\n",
         "## 7.7 批处理下的投机采样\n")
    book = Book(Repo(book_copy))
    found = codes(drafts.check(book, strict=False), "draft-section")
    assert len(found) == 1 and found[0][:3] == ("manuscript/ch07-speculative-decoding.md", found[0][1], "warning")
    assert "7.7 节只有一段不超过 200 字的预告" in found[0][3]
    chapter = drafts.read(book).chapter(book_copy / "manuscript/ch07-speculative-decoding.md")
    assert chapter.section("7.7").promise_only and chapter.section("7.7").draft
    assert codes(drafts.check(book, strict=True), "draft-section")[0][2] == "error"  # STRICT


def test_a_draft_before_a_written_section_is_a_gap(book_copy):
    edit(book_copy / "manuscript/ch06-quantization.md", "## 6.4 实验：显存、速度与精度\n",
         "## 6.4 实验：显存、速度与精度\n\n!!! draft\n")
    found = codes(drafts.check(Book(Repo(book_copy)), strict=True), "draft-section")
    assert [(path, severity) for path, _, severity, _ in found] == [("manuscript/ch06-quantization.md", "error")]
    assert "草稿 6.4 节排在已写完的 6.5 节之前" in found[0][3]


def test_the_book_points_at_no_draft():
    """The release leaves drafts out, so no published page may send a reader to one."""
    assert codes(drafts.check(Book(Repo(ROOT)), strict=True), "ref-draft") == []


def test_references_to_drafts_by_link_and_by_name(book_copy):
    edit(book_copy / "manuscript/ch08-production.md", "## 8.1 推理服务的架构\n",
         "## 8.1 推理服务的架构\n\n卸载与淘汰见[第4章](ch04-kv-cache.md#47-kv-cache-的卸载与淘汰)，分离见 5.8 节。\n")
    edit(book_copy / "manuscript/index.md", "## 怎么读\n",
         "## 怎么读\n\n多卡推理见第9章，全部数据声明列在[数据声明](claims.md)页。\n")
    found = codes(drafts.check(Book(Repo(book_copy)), strict=False), "ref-draft")
    added = (book_copy / "manuscript/ch08-production.md").read_text(encoding="utf-8").split("\n").index(
        "## 8.1 推理服务的架构") + 3  # the line written under the heading (1-based)
    ch08 = [f for f in found if f[0] == "manuscript/ch08-production.md" and f[1] == added]
    assert len(ch08) == 2 and all(f[2] == "warning" for f in ch08)
    assert any("ch04-kv-cache.md#47-" in f[3] for f in ch08) and any("5.8 节" in f[3] for f in ch08)
    assert any(f[0] == "manuscript/index.md" and "第9章" in f[3] for f in found)  # a chapter left out, by name
    assert any(f[0] == "manuscript/index.md" and "'claims.md'" in f[3] for f in found)  # the ledger: draft site only


def test_make_todo_lists_the_drafts(book_copy):
    items = run_book("todo", "--format", "json", cwd=book_copy).json()["items"]
    listed = {(it["path"], it["text"]) for it in items if it["kind"] == "draft"}
    assert ("manuscript/ch09-parallelism.md", "第9章是草稿，发布版不显示") in listed
    assert ("manuscript/ch04-kv-cache.md", "4.7 节是草稿，发布版不显示") in listed
    assert not any(path == "manuscript/ch09-parallelism.md" and "9.1" in text for path, text in listed)


def test_a_chapter_title_names_itself_not_a_draft_and_files_outside_the_book_need_no_chapter(tmp_path):
    """`book claims notes/` on a file outside the TOC: its own `# 第9章 …` title is no reference to the book's draft
    chapter 9, while prose naming 第9章 still is; and a file that names and links no chapter parses none of the
    TOC's chapters."""
    titled = tmp_path / "outline.md"
    titled.write_text("# 第9章 多卡推理的笔记\n\n这里只有笔记。\n", encoding="utf-8")
    book = Book(Repo(ROOT), [titled])
    assert codes(drafts.check(book, strict=False), "ref-draft") == []
    assert not any(source.document for source in book._texts.values() if source.path != titled)
    titled.write_text("# 第9章 多卡推理的笔记\n\n细节见第9章。\n", encoding="utf-8")
    found = codes(drafts.check(Book(Repo(ROOT), [titled]), strict=False), "ref-draft")
    assert [(line, severity) for _, line, severity, _ in found] == [(3, "warning")]
