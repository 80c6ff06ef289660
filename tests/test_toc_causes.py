"""TOC problems cause first: a heading the parser cannot read is one finding, its consequences folded into it."""
from __future__ import annotations

from book.checks import toc
from book.reading.book import Book
from conftest import edit
from test_reading import mini  # noqa: F401  (the fixture)

TOC = "toc/table-of-contents.md"


def rows(findings):
    return [(f.path, f.line, f.col, f.code, f.severity) for f in sorted(findings)]


def test_a_chapter_heading_without_its_number_is_one_finding(mini):  # noqa: F811
    (mini.manuscript / "part" / "ch02-b.md").rename(mini.manuscript / "ch02-b.md")
    edit(mini.toc, "../manuscript/part/ch02-b.md", "../manuscript/ch02-b.md")
    edit(mini.toc, "### [第1章 成本]", "### [成本]")
    [cause] = toc.check(Book(mini))[0]
    assert (cause.path, cause.line, cause.col, cause.code, cause.severity) == (TOC, 10, 5, "toc-parse", "error")
    # the consequences are named in it: chapter 2 now seems misnumbered, and ch01-a.md unlisted
    assert f"{TOC}:14:1 toc-numbering" in cause.message and "manuscript/ch01-a.md:1:1 toc-unlisted" in cause.message


def test_a_section_heading_without_its_number_is_one_finding(mini):  # noqa: F811
    edit(mini.toc, "#### 1.1 价格", "#### 价格")
    edit(mini.toc, "### [第2章 子目录中的章](../manuscript/part/ch02-b.md)\n",
         "#### 1.2 又一节\n\n### [第2章 子目录中的章](../manuscript/part/ch02-b.md)\n")
    [cause] = toc.check(Book(mini))[0]
    assert (cause.line, cause.code) == (12, "toc-parse")
    assert f"{TOC}:14:1 toc-numbering" in cause.message


def test_other_problems_are_not_folded(mini):  # noqa: F811
    edit(mini.toc, "### [第1章 成本]", "### [成本]")
    edit(mini.toc, "../manuscript/part/ch02-b.md", "../manuscript/part/gone.md")
    found = rows(toc.check(Book(mini))[0])
    # the file the TOC no longer links (in a subfolder) is a page the site will not publish: said, not folded
    assert found == [("manuscript/part/ch02-b.md", 1, 1, "toc-unlisted", "warning"),
                     (TOC, 10, 5, "toc-parse", "error"), (TOC, 14, 5, "toc-missing-file", "error")], found
