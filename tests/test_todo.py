"""`book todo`: the plan's open data items and every pending citation, grouped per chapter."""
from __future__ import annotations

from conftest import run_book


def test_open_items_per_chapter():
    run = run_book("todo", "--format", "json")
    assert run.code == 0
    items = run.json()["items"]
    assert items and all(i["text"] and i["line"] >= 1 and i["kind"] in ("checklist", "pending-citation", "todo-note")
                         for i in items)
    groups = [i["group"] for i in items]
    assert groups == sorted(groups, key=groups.index)  # grouped: each chapter's items together, in book order
    findings = run_book("claims", "--format", "json").json()["findings"]
    pending = {(f["path"], f["line"], f["col"]) for f in findings if f["code"] == "pending-citation"}
    assert pending and pending == {(i["path"], i["line"], i["col"]) for i in items if i["kind"] == "pending-citation"}


def test_markdown_and_table_formats():
    markdown = run_book("todo", "--format", "markdown").out
    assert markdown.startswith("共 ") and "\n## 第" in markdown
    table = run_book("todo").out
    assert "未完成的数据项" in table and "待补页码" in table


def test_strict_fails_on_open_items():
    assert run_book("todo", env={"STRICT": "1"}).code == 1
