"""`book todo`: the plan's open data items and every pending citation, grouped per chapter."""
from __future__ import annotations

from conftest import edit, run_book


def test_open_items_per_chapter():
    run = run_book("todo", "--format", "json")
    assert run.code == 0
    items = run.json()["items"]
    assert items and all(i["text"] and i["line"] >= 1 and i["kind"] in ("checklist", "pending-citation", "todo-note", "draft")
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


def test_toc_errors_come_first(book_copy):
    """The items are grouped by the TOC: a TOC with errors is said first (the cause), and the command fails."""
    edit(book_copy / "toc/table-of-contents.md", "### [第2章", "### [第3章")
    run = run_book("todo", cwd=book_copy)
    assert run.code == 1, run.out
    lines = run.out.splitlines()
    assert lines[0].startswith("目录有错误")
    assert lines[1].startswith("toc/table-of-contents.md:") and " error toc-numbering " in lines[1]
    assert lines[-1].startswith("book todo：未通过 — 2 个错误")
    doc = run_book("todo", "--format", "json", cwd=book_copy)
    assert doc.code == 1 and {"toc-numbering", "toc-duplicate"} <= {f["code"] for f in doc.json()["findings"]}
    csv = run_book("todo", "--format", "csv", cwd=book_copy)
    assert csv.code == 1 and csv.out.startswith("\ufeff章节,") and " error toc-numbering " in csv.err
