"""`book todo`: the plan's open data items and every pending citation, grouped per chapter."""
from __future__ import annotations

from conftest import run_book


def test_open_items_per_chapter():
    run = run_book("todo", "--format", "json")
    assert run.code == 0
    items = run.json()["items"]
    texts = " ".join(i["text"] for i in items)
    for wanted in ("更多行业的成本对比案例", "不同优化技术的 ROI 数据", "推理成本与采用率的关系曲线", "确认 Toast 案例细节"):
        assert wanted in texts
    groups = [i["group"] for i in items]
    assert "第1章 LLM推理优化：AI时代的成本革命" in groups
    assert any(i["kind"] == "todo-note" for i in items)
    findings = run_book("claims", "--format", "json").json()["findings"]
    pending = {(f["path"], f["line"], f["col"]) for f in findings if f["code"] == "pending-citation"}
    assert pending and pending == {(i["path"], i["line"], i["col"]) for i in items if i["kind"] == "pending-citation"}
    assert not [i for i in items if "更新目录中的第1章" in i["text"]]  # done items are not open


def test_markdown_and_table_formats():
    markdown = run_book("todo", "--format", "markdown").out
    assert markdown.startswith("共 ") and "## 第1章 LLM推理优化：AI时代的成本革命" in markdown
    table = run_book("todo").out
    assert "未完成的数据项" in table and "待补页码" in table


def test_strict_fails_on_open_items():
    assert run_book("todo", env={"STRICT": "1"}).code == 1
