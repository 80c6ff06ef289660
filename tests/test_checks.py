"""The checks in process, on the fixture book: the exact (path, line, col, code, severity) of every finding."""
from __future__ import annotations

import pytest

from book.checks import claims, drafts, todo, toc
from book.reading.book import Book
from book.site.plugin import BookPlugin
from conftest import edit
from test_reading import mini  # noqa: F401  (the fixture)

CH1 = "manuscript/ch01-a.md"
TOC = "toc/table-of-contents.md"


def rows(findings):
    return sorted((f.path, f.line, f.col, f.code, f.severity) for f in findings)


def test_claims_findings(mini):  # noqa: F811
    result = claims.check(Book(mini), strict=False)
    assert rows(result.findings) == [
        (CH1, 7, 7, "uncited-claim", "error"),        # 3 倍, no citation in its sentence
        (CH1, 10, 8, "uncited-claim", "error"),       # an admonition line is a unit of its own; col in the file
        (CH1, 13, 14, "pending-citation", "warning"),
        (CH1, 15, 20, "bad-page", "error"),           # p. 151 of a 150-page source
        (CH1, 17, 9, "unknown-source", "error"),
        (CH1, 17, 29, "missing-page", "error"),
        (CH1, 27, 8, "uncited-claim", "error"),       # a table row
    ]
    assert [(c.line, c.figure, c.status) for c in result.claims][:2] == [(5, "99%", "cited"), (6, "$0.20", "cited")]


def test_strict_makes_pending_citations_errors(mini):  # noqa: F811
    result = claims.check(Book(mini), strict=True)
    assert (CH1, 13, 14, "pending-citation", "error") in rows(result.findings)


def test_a_broken_registry_is_the_only_finding(mini):  # noqa: F811
    mini.sources.write_text("ark: [unclosed\n", encoding="utf-8")
    assert rows(claims.check(Book(mini), strict=False).findings) == [
        ("manuscript/sources.yaml", 1, 6, "source-registry", "error")]  # at the bracket left open


def test_todo_items(mini):  # noqa: F811
    items, problems = todo.collect(Book(mini))
    assert problems == []
    assert [(i.group, i.path, i.line, i.col, i.kind) for i in items] == [
        ("首页", "manuscript/index.md", 3, 3, "checklist"),
        ("第1章 成本", CH1, 13, 14, "pending-citation"),
        ("第1章 成本", CH1, 14, 3, "checklist"),
        ("第1章 成本", CH1, 23, 1, "todo-note"),
        ("目录与提案", TOC, 18, 3, "checklist"),
    ]


def test_toc_passes_then_each_defect_is_located(mini):  # noqa: F811
    assert toc.check(Book(mini))[0] == []
    edit(mini.manuscript / "ch01-a.md", "## 1.1 价格", "## 1.1 价钱")
    assert rows(toc.check(Book(mini))[0]) == [(CH1, 3, 4, "toc-drift", "error")]
    edit(mini.toc, "#### 2.1 一节", "#### 2.2 一节")
    # the misnumbered section is the cause; the drift it would cause in the chapter file is not reported again
    assert rows(toc.check(Book(mini))[0]) == [(TOC, 16, 1, "toc-numbering", "error")]


def test_missing_file_and_unlisted_chapter(mini):  # noqa: F811
    (mini.manuscript / "part" / "ch02-b.md").rename(mini.manuscript / "ch02-b.md")
    assert rows(toc.check(Book(mini))[0]) == [
        ("manuscript/ch02-b.md", 1, 1, "toc-unlisted", "warning"),
        (TOC, 14, 5, "toc-missing-file", "error")]


def test_navigation_keeps_subfolders(mini):  # noqa: F811
    plugin = BookPlugin()
    plugin.repo, plugin.draft, plugin.notebooks, plugin.book = mini, False, [], Book(mini)
    plugin.drafts = drafts.read(plugin.book)
    nav = plugin.navigation(plugin.book.toc, mini.manuscript)
    assert nav[1] == {"第一部分 基础篇": [{"第1章 成本": "ch01-a.md"}, {"第2章 子目录中的章": "part/ch02-b.md"}]}


@pytest.mark.parametrize("lang,start", [("zh", "数据“3 倍”"), ("en", "'3 倍' needs a source")])
def test_messages_follow_book_lang(mini, monkeypatch, lang, start):  # noqa: F811
    monkeypatch.setenv("BOOK_LANG", lang)
    finding = next(f for f in claims.check(Book(mini), strict=False).findings if f.line == 7)
    assert finding.message.startswith(start)


@pytest.mark.parametrize("value,draft", [(None, False), (False, False), (True, True), (0, False), (1, True),
                                         ("1", True), ("false", False)])
def test_the_draft_option_reads_what_env_gives_it(value, draft):
    from book.site.plugin import Flag
    assert Flag(default=False).validate(value) is draft
