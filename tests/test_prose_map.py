"""The prose map (reading.prose_map): what of a file is prose, its citations with their spans, its directives; and
every consumer of it giving the same answers for one chapter saved with LF, CRLF or a lone CR."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from book.checks import claims, draft_notes, todo
from book.commands import lint
from book.reading import prose_map
from book.reading.book import Book
from book.reading.repo import Repo
from book.site.render import Renderer
from conftest import ROOT

TEXT = """---
title: x
---

# 标题 `code`

正文 `a  b` 和 \\(x^2\\) 以及 <b>粗</b> [链接](http://x.y "t") 见 https://e.com/a 和 {#id}。<!-- no-cite: 作者估算 -->

```python
x = 1  # <!-- lint-ignore: 代码里的不是指令 -->
```

<!-- verified: 第 12 页 -->
另一句 TODO(data): 来源待查
"""


def test_spans_are_what_is_not_prose():
    found = prose_map.build(TEXT)
    spans = [(s.kind, TEXT[s.start:s.end]) for s in found.spans]
    assert spans == [
        ("front_matter", "---\ntitle: x\n---\n"), ("code", "`code`"), ("code", "`a  b`"), ("math", "\\(x^2\\)"),
        ("html", "<b>"), ("html", "</b>"), ("link", '](http://x.y "t")'), ("url", "https://e.com/a"),
        ("attributes", "{#id}"), ("comment", "<!-- no-cite: 作者估算 -->"),
        ("code_block", "```python\nx = 1  # <!-- lint-ignore: 代码里的不是指令 -->\n```\n"),
        ("html", "<!-- verified: 第 12 页 -->\n"), ("comment", "<!-- verified: 第 12 页 -->")]
    mask = found.mask()
    shown = "".join(ch if mask[k] else "_" for k, ch in enumerate(TEXT))
    assert "正文 ______ 和 _______ 以及 ___粗____ [链接_________________ 见 _______________ 和 _____。" in shown
    assert "x = 1" not in shown and "title" not in shown


def test_directives_outside_code_with_their_notes_and_lines():
    found = prose_map.build(TEXT)
    assert [(d.kind, d.line, d.note) for d in found.directives] == [
        ("no-cite", 7, "作者估算"), ("verified", 13, "第 12 页"), ("todo", 14, "来源待查")]
    assert found.directive_lines("verified")[13].note == "第 12 页"


def test_a_lone_comment_is_read_as_its_directive():
    assert prose_map.lone_comment("<!-- TODO(data)：来源待查 -->\n") == ("todo", "来源待查")
    assert prose_map.lone_comment("<!--TODO(data)-->") == ("todo", "")
    assert prose_map.lone_comment("<!-- no-cite: 作者估算 -->") == ("no-cite", "作者估算")
    assert prose_map.lone_comment("<!-- 写给合作者的话 -->") == (None, "写给合作者的话")
    assert prose_map.lone_comment("<!-- TODO(database) -->") == (None, "TODO(database)")
    assert prose_map.lone_comment("<b>粗</b>") is None and prose_map.lone_comment("<!-- 未闭合") is None


def test_print_shows_a_todo_comment_in_the_draft_alone():
    """Typst markup of a comment: a TODO(data) item becomes the draft's mark (with its note), any other comment
    prints nothing; the same reading as every other consumer (prose_map.lone_comment)."""
    from book.print.markup import Hooks, Writer
    from book.reading.markdown import parse
    seen = []
    hooks = Hooks(comment=lambda directive, note: seen.append((directive, note)) or "")
    Writer("ch.md", hooks).blocks(parse("正文<!-- TODO(data): 待查 -->。\n\n<!-- 注释 -->\n"))
    assert seen == [("todo", "待查"), (None, "注释")]


def test_a_citation_wrapped_over_a_line_break_is_one_citation_with_its_span(book_copy):
    chapter = book_copy / "manuscript" / "ch01-cost-revolution.md"
    chapter.write_text("# 第1章 LLM推理优化：AI时代的成本革命\n\n推理成本两年下降了 99%[@ark-big-ideas-2026,\np. 20]。\n",
                       encoding="utf-8")
    book = Book(Repo(book_copy), [chapter])
    source = book.file(chapter)
    found = book.prose_map(source)
    [citation] = found.citations
    assert source.text[citation.start:citation.end] == "[@ark-big-ideas-2026,\np. 20]"
    assert (citation.key, citation.page) == ("ark-big-ideas-2026", "20")
    result = claims.check(book, strict=False)
    assert not [f for f in result.findings if f.code == "uncited-claim"]
    [claim] = result.claims
    assert claim.status == "cited" and [(c.key, c.page) for c in claim.citations] == [("ark-big-ideas-2026", "20")]
    assert source.text[claim.citations[0].start:claim.citations[0].end].startswith("[@ark-big-ideas-2026,\n")


def test_raw_offsets_carry_back_to_the_bytes_on_disk():
    read = "一\n二三\n\n四"
    for newline in ("\n", "\r\n", "\r"):
        raw = read.replace("\n", newline)
        for offset, ch in enumerate(read):
            if ch != "\n":
                assert raw[prose_map.raw_offset(raw, offset)] == ch


# One chapter, three line ends: every consumer gives the same answers.

CHAPTER = """# 第1章 LLM推理优化：AI时代的成本革命

推理成本两年下降了 99%[@ark-big-ideas-2026,
p. 20]。GPU 利用率提升到 75%[@ark-big-ideas-2026, p. ?]。

客服代理每次对话成本 $0.20。

代码里的 `成本下降 50% TODO(data): 不算` 不是数据，也不是待办。

全年服务 3,000 家企业 <!-- TODO(data): 来源待查 -->

本节规划稿，待核实。

使用GPU推理很贵,优化很重要。
"""


def consumers(root: Path) -> dict[str, list]:
    chapter = root / "manuscript" / "ch01-cost-revolution.md"
    book = Book(Repo(root), [chapter])
    items, _ = todo.collect(Book(Repo(root), [chapter]))
    result = claims.check(book, strict=False)
    return {
        "claims": [f.render() for f in result.findings],
        "ledger": [(c.line, c.col, c.figure, c.status, [(x.key, x.page) for x in c.citations]) for c in result.claims],
        "draft-notes": [f.render() for f in draft_notes.check(book, False)],
        "lint": [f.render() for f in lint.check(Book(Repo(root), [chapter]))],
        "todo": [(it.line, it.col, it.kind, it.text) for it in items if it.path == "manuscript/ch01-cost-revolution.md"],
        # The site plugin renders the page MkDocs read, in text mode as here (universal newlines).
        "site": Renderer(book.registry, book.citations, draft=False).page(chapter.read_text(encoding="utf-8")),
    }


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_every_consumer_reads_crlf_and_lone_cr_as_lf(book_copy, tmp_path, newline):
    chapter = book_copy / "manuscript" / "ch01-cost-revolution.md"
    chapter.write_bytes(CHAPTER.encode("utf-8"))
    expected = consumers(book_copy)
    assert expected["ledger"][:2] == [(3, 11, "99%", "cited", [("ark-big-ideas-2026", "20")]),
                                      (4, 19, "75%", "pending", [("ark-big-ideas-2026", "?")])]
    assert any("uncited-claim" in f and "$0.20" in f for f in expected["claims"])
    assert not any(":7:" in f for f in expected["claims"])              # nothing read inside the code span
    assert sorted(it[2] for it in expected["todo"]) == ["pending-citation", "todo-note"], expected["todo"]
    assert expected["draft-notes"] and expected["lint"]
    assert ">[1]</a>20</sup>" in expected["site"] and "[@" not in expected["site"].split("`")[0]  # wrapped citation
    assert "`成本下降 50% TODO(data): 不算`" in expected["site"]
    chapter.write_bytes(CHAPTER.replace("\n", newline).encode("utf-8"))
    assert consumers(book_copy) == expected
