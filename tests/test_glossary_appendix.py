"""Appendix A, generated from the glossary: its rows, its staleness check (book lint) and its regeneration (--fix)."""
from __future__ import annotations

from pathlib import Path

import pytest

from book.checks import glossary_appendix, typography
from book.reading.book import Book
from book.reading.repo import Repo

from conftest import ROOT, edit, run_book

APPENDIX = glossary_appendix.APPENDIX_FILE


def test_the_books_appendix_is_as_generated_and_the_toc_links_it():
    book = Book(Repo(ROOT))
    glossary = typography.Glossary.load(ROOT / typography.GLOSSARY_FILE)
    assert glossary_appendix.appendix_chapter(book) is not None, "the TOC links appendix A"
    assert glossary_appendix.findings(book, glossary) == []


def test_a_row_names_the_first_chapter_whose_prose_uses_the_term(book_copy: Path):
    glossary = book_copy / typography.GLOSSARY_FILE
    edit(glossary, "terms:\n", "terms:\n  蓝鲸调度:\n    en: blue-whale scheduling\n    abbr: BWS\n"
                                "    aliases: [蓝鲸算法]\n")
    # A comment and code in an earlier chapter do not count; an alias in chapter 5's prose does.
    edit(book_copy / "manuscript/ch02-gpu-hardware.md", "## 2.1 ", "<!-- 蓝鲸调度 -->\n\n`蓝鲸调度`\n\n## 2.1 ")
    edit(book_copy / "manuscript/ch05-batching.md", "## 5.1 为什么要批处理\n", "## 5.1 为什么要批处理\n\n蓝鲸算法。\n")
    book = Book(Repo(book_copy))
    terms = typography.Glossary.load(glossary)
    rows = glossary_appendix.render(book, terms, "附录A 术语表").splitlines()
    assert "| 蓝鲸调度（BWS） | blue-whale scheduling | [第5章](ch05-batching.md) |" in rows
    assert rows[0] == "# 附录A 术语表"
    stale = glossary_appendix.findings(book, terms)
    assert [(f.path, f.severity, f.code) for f in stale] == [(APPENDIX, "error", "glossary-stale")]


def test_lint_reports_a_stale_appendix_and_fix_writes_it_again(book_copy: Path):
    edit(book_copy / typography.GLOSSARY_FILE, "terms:\n", "terms:\n  缓存槽位:\n    en: cache slot\n")
    run = run_book("lint", cwd=book_copy)
    assert run.code == 1
    stale = run.lines("glossary-stale")
    assert len(stale) == 1 and stale[0].startswith(f"{APPENDIX}:") and " error glossary-stale " in stale[0], run.out
    before = (book_copy / APPENDIX).read_text(encoding="utf-8")
    fixed = run_book("lint", "--fix", cwd=book_copy)
    assert fixed.code == 0, fixed.out
    after = (book_copy / APPENDIX).read_text(encoding="utf-8")
    assert after != before and "| 缓存槽位 | cache slot | [第1章](ch01-cost-revolution.md) |" in after.splitlines()
    assert run_book("lint", cwd=book_copy).lines("glossary-stale") == []


def test_an_unlinked_appendix_is_not_checked_and_a_linted_chapter_alone_skips_it(book_copy: Path):
    edit(book_copy / typography.GLOSSARY_FILE, "terms:\n", "terms:\n  缓存槽位:\n    en: cache slot\n")
    assert run_book("lint", "manuscript/ch05-batching.md", cwd=book_copy).lines("glossary-stale") == []
    edit(book_copy / "toc/table-of-contents.md", "### [附录A 术语表](../manuscript/appendix-a-glossary.md)",
         "### 附录A 术语表")
    assert glossary_appendix.appendix_chapter(Book(Repo(book_copy))) is None


def test_a_bad_field_of_a_term_is_named_with_its_line():
    with pytest.raises(typography.GlossaryError, match=r"^manuscript/glossary.yaml:3:1: 术语“投机采样”的 en 应是"):
        typography.Glossary.parse("terms:\n  投机采样:\n    en: [speculative]\n")
    with pytest.raises(typography.GlossaryError, match=r"^manuscript/glossary.yaml:3:1: 术语“投机采样”应写成"):
        typography.Glossary.parse("terms:\n  投机采样:\n    aliases: {投机解码: [x]}\n")
    with pytest.raises(typography.GlossaryError, match=r"^manuscript/glossary.yaml:2:1: 术语“投机采样”应写成"):
        typography.Glossary.parse("terms:\n  投机采样:\n    english: speculative\n")
