"""`draft-note`: reader prose that narrates the manuscript's own TODO state. In process, exact (line, col, code, severity)."""
from __future__ import annotations

import sys

import pytest
import yaml

from conftest import ROOT, holds_a_mark, run_book, starts_within

sys.path.insert(0, str(ROOT / "tools"))
from book.checks import draft_notes  # noqa: E402
from book.reading.book import Book  # noqa: E402
from book.reading.repo import Repo  # noqa: E402

CASES = yaml.safe_load((ROOT / "tests/data/draft-notes.yaml").read_text(encoding="utf-8"))


def notes(tmp_path, text: str, strict: bool = False, name: str = "snippet.md") -> list[tuple[int, int, str, str]]:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return [(f.line, f.col, f.code, f.severity) for f in draft_notes.check(Book(Repo(ROOT), [path]), strict)]


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:24] for c in CASES])
def test_labelled_example(tmp_path, case):
    assert notes(tmp_path, case["text"]) == [(line, col, "draft-note", "warning") for line, col in case["notes"]]


def test_an_error_under_strict(tmp_path):
    assert notes(tmp_path, "这个数字待核实。\n", strict=True) == [(1, 5, "draft-note", "error")]


def test_messages_in_chinese_and_english(tmp_path, monkeypatch):
    path = tmp_path / "x.md"
    path.write_text("这个数字待核实。\n", encoding="utf-8")
    [zh] = draft_notes.check(Book(Repo(ROOT), [path]), False)
    assert "待办状态" in zh.message and "“待核实”" in zh.message
    monkeypatch.setenv("BOOK_LANG", "en")
    [en] = draft_notes.check(Book(Repo(ROOT), [path]), False)
    assert "narrates the manuscript's own TODO state" in en.message and "“待核实”" in en.message


def test_the_book_has_no_draft_notes_and_the_toc_is_not_read():
    book = Book(Repo(ROOT))
    assert draft_notes.check(book, True) == []
    assert any(s.shown.startswith("toc/") for s in book.files)  # read by the book, skipped by this check


def test_book_claims_reports_draft_notes(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("第一句。\n\n这三档数字来自本书的规划稿。\n", encoding="utf-8")
    run = run_book("claims", str(path))
    assert run.code == 0
    [line] = run.lines("draft-note")
    assert line.startswith(f"{path.as_posix()}:3:8: warning draft-note ")
    assert run_book("claims", str(path), env={"STRICT": "1"}).code == 1


def test_release_pages_drop_todo_admonitions_and_keep_the_rest():
    from book.site.drafts import without_todo_admonitions
    page = ("段落一。\n\n!!! todo \"写作计划\"\n    - [ ] 实验待写\n\n    来源待读。\n\n段落二。\n\n"
            "!!! tip \"成本影响\"\n    - 保留\n\n```markdown\n!!! todo \"代码里的示例\"\n    保留\n```\n")
    # The box's lines are left empty, not removed: the lines after it keep their numbers (labels match by line).
    assert without_todo_admonitions(page) == ("段落一。\n\n\n\n\n\n\n段落二。\n\n!!! tip \"成本影响\"\n    - 保留\n\n"
                                              "```markdown\n!!! todo \"代码里的示例\"\n    保留\n```\n")
    assert without_todo_admonitions("没有作者注。\n") == "没有作者注。\n"


def test_a_table_after_a_todo_box_keeps_its_number_on_the_release_page(tmp_path):
    from book.reading import labels as labels_reading, prose
    from book.site.drafts import without_todo_admonitions
    from book.site.labels import numbered
    page = ("# 第6章 量化\n\n段落。\n\n!!! todo \"写作计划\"\n    - 实验待写\n\n"
            ": 表题 {#tbl:ch06-x}\n\n| a |\n|---|\n| 1 |\n\n见[](#tbl:ch06-x)。\n")
    [definition] = labels_reading.scan(prose.parse(page)).definitions
    label = labels_reading.Label(definition, tmp_path / "ch06.md", "ch06.md", "6", "6-1")
    labels = labels_reading.Labels({definition.name: label}, [], {}, {}, {})
    shown = numbered(without_todo_admonitions(page), "ch06.md", labels, tmp_path, None)
    assert "**表 6-1**　表题\n{: #tbl:ch06-x .table-caption }" in shown and "(#tbl:ch06-x)" in shown
    assert "写作计划" not in shown


@pytest.mark.parametrize("pattern", draft_notes.NOTE_PATTERNS)
def test_each_note_pattern_starts_with_a_character_of_the_first_class(pattern):
    """The scan tries the patterns only where the first class fits (NOTE_FIRST): a pattern that could start with
    another character would be silently skipped there."""
    assert starts_within(pattern, draft_notes.NOTE_FIRST)


@pytest.mark.parametrize("pattern", draft_notes.NOTE_PATTERNS)
def test_each_note_pattern_holds_a_mark_of_the_quick_test(pattern):
    """A file whose prose holds none of NOTE_MARK's marks is not scanned: every pattern must hold one."""
    from re import _parser
    marks = tuple(draft_notes.NOTE_MARK.pattern.split("|"))
    assert holds_a_mark(_parser.parse(pattern), marks)
    assert not holds_a_mark(_parser.parse(pattern), ("不在其中",))
