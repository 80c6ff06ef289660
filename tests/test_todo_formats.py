"""`book todo` for editors: a table whose locations are never broken, CSV, and one count of pending items everywhere."""
from __future__ import annotations

import csv
import io
import re

import pytest

from conftest import run_book


@pytest.mark.parametrize("columns", ["80", "120"])
def test_table_never_breaks_a_location(columns):
    run = run_book("todo", env={"COLUMNS": columns})
    items = run_book("todo", "--format", "json").json()["items"]
    shown = set(re.findall(r"(?:manuscript|toc|code)/[\w./-]+\.(?:md|ipynb):\d+:\d+", run.out))
    assert shown == {f"{i['path']}:{i['line']}:{i['col']}" for i in items}


KIND_NAMES = {"checklist": "待办清单", "pending-citation": "待补页码", "todo-note": "TODO(data)", "draft": "草稿"}


def test_csv_has_one_row_per_item_for_excel():
    """Chinese headers and kinds, and a UTF-8 byte order mark first: Excel on a Chinese Windows then reads UTF-8."""
    items = run_book("todo", "--format", "json").json()["items"]
    out = run_book("todo", "--format", "csv").out
    assert out.startswith("\ufeff章节,文件,行,列,类型,内容\n")  # \r\n on disk; text mode reads \n
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert [(r["文件"], int(r["行"]), int(r["列"]), r["类型"], r["内容"]) for r in rows] == \
        [(i["path"], i["line"], i["col"], KIND_NAMES[i["kind"]], i["text"]) for i in items]
    english = run_book("todo", "--format", "csv", env={"BOOK_LANG": "en"}).out
    assert english.startswith("\ufeffchapter,file,line,column,kind,item\n")


def test_one_count_of_pending_items_everywhere():
    """The claims summary, the warnings and the TODO list count the same pending citations (`p. ?`)."""
    todo = run_book("todo", "--format", "json").json()["summary"]["by_kind"]["pending-citation"]
    warnings = sum(f["code"] == "pending-citation" for f in run_book("claims", "--format", "json").json()["findings"])
    check = run_book("check", "--skip", "notebooks", "--skip", "site", "--skip", "lint").out
    tally = re.search(r"待补页码 (\d+) 处", check)
    listed = re.search(r"未完成的数据项 \d+ 个：.*待补页码 (\d+)", check)
    table = re.search(r"待补页码 (\d+)", run_book("todo").out.splitlines()[-1])
    assert todo == warnings == int(tally[1]) == int(listed[1]) == int(table[1]) > 0


def test_a_location_on_line_100_is_printed_as_written(capsys):
    """rich reads `:100:` as an emoji code (💯) unless told not to: every console the commands print through."""
    from book.commands.check import Text
    from book.commands.todo import table
    from book.checks.todo import Item
    from book.findings import ERROR, WARNING, Finding
    report = Text(verbose=False)
    report.finding(Finding("manuscript/ch06.md", 100, 22, ERROR, "uncited-claim", "“3 倍”没有出处"))
    report.finding(Finding("manuscript/ch06.md", 100, 1, WARNING, "pending-citation", "页码待补 :thumbs_up:"))
    table([Item("第6章", "manuscript/ch06.md", 100, 22, "pending-citation", "页码待核实")])
    out = capsys.readouterr().out
    assert out.count("manuscript/ch06.md:100:22") == 2 and "manuscript/ch06.md:100:1" in out
    assert "💯" not in out and ":thumbs_up:" in out
