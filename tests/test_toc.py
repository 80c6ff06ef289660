"""`book toc`: the book's TOC passes; each planted defect is an error at the line that caused it."""
from __future__ import annotations

import json
import shutil

import pytest
from jsonschema import Draft202012Validator

from conftest import ROOT, edit, run_book

TOC = "toc/table-of-contents.md"


def line_of(path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not found")


def test_the_books_toc_passes():
    run = run_book("toc")
    assert run.code == 0, run.out
    assert run.out.strip().endswith("book toc: ok — 0 error(s), 0 warning(s)")


def test_json_model_validates_against_the_schema():
    run = run_book("toc", "--format", "json")
    doc = run.json()
    schema = json.loads((ROOT / "schemas/toc.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(doc["toc"])
    chapters = [c for part in doc["toc"]["parts"] for c in part["chapters"]]
    assert [c["number"] for c in chapters if c["kind"] == "chapter"] == [str(n) for n in range(1, 9)]
    ch1 = chapters[0]
    assert [s["number"] for s in ch1["sections"]] == [f"1.{n}" for n in range(1, 8)]
    assert ch1["sections"][0]["subsections"][0]["title"] == "一个真实的故事：AI客服代理"
    assert doc["summary"] == {"errors": 0, "warnings": 0}


# (what to change, the text whose line must carry the error, the expected code)
DEFECTS = {
    "section number skipped": ("#### 1.3 技术可行", "#### 1.4 技术可行", "#### 1.4 技术可行", "toc-numbering"),
    "section under the wrong chapter": ("#### 2.2 GPU速览", "#### 3.2 GPU速览", "#### 3.2 GPU速览", "toc-numbering"),
    "duplicate chapter number": ("第3章 推理环境搭建", "第2章 推理环境搭建", "第2章 推理环境搭建", "toc-duplicate"),
    "chapter skipped across a part boundary": ("第4章 KV Cache优化", "第5章 KV Cache优化", "第5章 KV Cache优化",
                                                "toc-numbering"),
    "sections out of order": ("#### 5.1 为什么要批处理\n\n#### 5.2 静态批处理及其浪费",
                              "#### 5.2 静态批处理及其浪费\n\n#### 5.1 为什么要批处理", "#### 5.2 静态批处理", "toc-numbering"),
    "subsection under the wrong section": ("**1.2.2 推理成本的3个障碍**", "**1.3.2 推理成本的3个障碍**",
                                           "**1.3.2 推理成本", "toc-numbering"),
    "empty title": ("#### 6.5 何时不该量化", "#### 6.5", "#### 6.5", "toc-schema"),
    "status outside the allowed values": ("status: 待审核", "status: 已发布", "status: 已发布", "toc-schema"),
    "broken front-matter YAML": ("title: LLM推理优化实战", "title: [LLM推理优化实战", "status:", "toc-parse"),
    "link to a missing chapter file": ("ch07-speculative-decoding.md)", "ch07-missing.md)", "ch07-missing.md",
                                       "toc-missing-file"),
}


@pytest.mark.parametrize("name", DEFECTS)
def test_planted_defect_is_located(book_copy, name):
    old, new, marker, code = DEFECTS[name]
    toc = book_copy / TOC
    edit(toc, old, new)
    run = run_book("toc", cwd=book_copy)
    assert run.code == 1, run.out
    found = run.lines(code)
    assert found, run.out
    lines = {int(l.split(":")[1]) for l in found}
    assert line_of(toc, marker) in lines or (code == "toc-parse" and lines), run.out


def test_unknown_front_matter_key_is_rejected(book_copy):
    edit(book_copy / TOC, "status: 待审核", "status: 待审核\nreviewer: 张三")
    run = run_book("toc", cwd=book_copy)
    assert run.code == 1
    assert any(l.startswith(f"{TOC}:4:") and "reviewer" in l for l in run.lines("toc-schema")), run.out


def test_empty_file(book_copy):
    (book_copy / TOC).write_text("", encoding="utf-8")
    run = run_book("toc", cwd=book_copy)
    assert run.code == 1
    assert run.lines("toc-parse") == [f"{TOC}:1:1: error toc-parse 空文件：没有目录"]


def test_non_utf8_file_is_located(book_copy):
    toc = book_copy / TOC
    data = toc.read_bytes().replace("第3章 推理环境搭建".encode(), "第3章 推理".encode() + b"\xff\xfe")
    toc.write_bytes(data)
    run = run_book("toc", cwd=book_copy)
    assert run.code == 1
    [finding] = run.lines("toc-parse")
    bad_line = line_of_bytes(data, b"\xff")
    assert finding.startswith(f"{TOC}:{bad_line}:") and "UTF-8" in finding


def line_of_bytes(data: bytes, needle: bytes) -> int:
    return data[: data.index(needle)].count(b"\n") + 1


def test_chapter_file_heading_drift(book_copy):
    chapter = book_copy / "manuscript/ch05-batching.md"
    edit(chapter, "## 5.3 连续批处理：迭代级调度", "## 5.3 连续批处理")
    run = run_book("toc", cwd=book_copy)
    assert run.code == 1
    [finding] = run.lines("toc-drift")
    assert finding.startswith(f"manuscript/ch05-batching.md:{line_of(chapter, '## 5.3 连续批处理')}:")
    assert "连续批处理：迭代级调度" in finding


def test_chapter_file_missing_a_section(book_copy):
    chapter = book_copy / "manuscript/ch06-quantization.md"
    edit(chapter, "## 6.5 何时不该量化", "## 小结")
    run = run_book("toc", cwd=book_copy)
    assert run.code == 1
    [finding] = run.lines("toc-drift")
    assert finding.startswith(f"{TOC}:{line_of(book_copy / TOC, '#### 6.5 何时不该量化')}:")


def test_explicit_paths_resolve_links_relative_to_each_file(book_copy, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(book_copy / TOC, elsewhere / "toc.md")
    run = run_book("toc", str(elsewhere / "toc.md"), cwd=book_copy)
    assert run.code == 1
    assert len(run.lines("toc-missing-file")) == 9  # every link is relative to the copy, where no chapter lives


def test_missing_toc_file_is_an_error_not_a_traceback(book_copy):
    run = run_book("toc", "toc/nope.md", cwd=book_copy)
    assert run.code == 1
    assert run.lines("toc-parse") == ["toc/nope.md:1:1: error toc-parse 找不到文件"]


def test_outside_a_repository_exits_2(tmp_path):
    run_ = run_book("toc", cwd=tmp_path, env={"BOOK_ROOT": ""})
    assert run_.code == 2
    assert "no book repository" in run_.err
