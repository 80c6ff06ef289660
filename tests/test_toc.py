"""`book toc`: the book's TOC passes; each planted defect is an error at the line that caused it."""
from __future__ import annotations

import json
import re
import shutil

import pytest
from jsonschema import Draft202012Validator

from conftest import ROOT, run_book

TOC = "toc/table-of-contents.md"


def resub(path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert re.search(pattern, text, re.M), f"{pattern!r} not in {path}"
    path.write_text(re.sub(pattern, replacement, text, count=1, flags=re.M), encoding="utf-8")


def line_of(path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not found")


def test_the_books_toc_passes():
    run = run_book("toc")
    assert run.code == 0, run.out
    assert run.out.strip().endswith("book toc：通过 — 0 个错误，0 个警告")


def test_json_model_validates_against_the_schema():
    run = run_book("toc", "--format", "json")
    doc = run.json()
    schema = json.loads((ROOT / "schemas/toc.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(doc["toc"])
    chapters = [c for part in doc["toc"]["parts"] for c in part["chapters"]]
    numbers = [c["number"] for c in chapters if c["kind"] == "chapter"]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)] and len(numbers) >= 3
    ch1 = chapters[0]
    assert [s["number"] for s in ch1["sections"]] == [f"1.{n}" for n in range(1, len(ch1["sections"]) + 1)]
    assert doc["summary"] == {"errors": 0, "warnings": 0}


# Each defect is planted into the book's own TOC, whatever its current chapters are: (a pattern whose first match is
# changed, the change, the expected code). The error must be at the line of the change.
def bump_last(m: re.Match) -> str:
    """`#### 1.3 标题` → `#### 1.4 标题`: the last number of the match's first group, plus one."""
    head, _, last = m[1].rpartition(".")
    return m[0].replace(m[1], f"{head}.{int(last) + 1}" if head else str(int(last) + 1), 1)


DEFECTS = {
    "section number skipped": (r"^#### (\d+\.3) ", bump_last, "toc-numbering"),
    "section under the wrong chapter": (r"^#### (2)\.2 ", lambda m: "#### 3.2 ", "toc-numbering"),
    "duplicate chapter number": (r"^### \[第(3)章", lambda m: "### [第2章", "toc-duplicate"),
    "chapter skipped across a part boundary": (r"^## 第二部分[^\n]*\n+### \[第(\d+)章", bump_last, "toc-numbering"),
    "subsection under the wrong section": (r"^- \*\*(1\.2)\.2 ", lambda m: "- **1.3.2 ", "toc-numbering"),
    "empty title": (r"^(#### \d+\.\d+) .+$", lambda m: m[1], "toc-schema"),
    "status outside the allowed values": (r"^status: (.*)$", lambda m: "status: 已发布", "toc-schema"),
    "broken front-matter YAML": (r"^title: (.*)$", lambda m: f"title: [{m[1]}", "toc-parse"),
    "link to a missing chapter file": (r"\]\(\.\./manuscript/(ch\d+)-[\w-]+\.md\)", lambda m: "](../manuscript/ch99-missing.md)",
                                       "toc-missing-file"),
}


@pytest.mark.parametrize("name", DEFECTS)
def test_planted_defect_is_located(book_copy, name):
    pattern, change, code = DEFECTS[name]
    toc = book_copy / TOC
    text = toc.read_text(encoding="utf-8")
    m = re.search(pattern, text, re.M)
    assert m, f"no {pattern!r} in the TOC"
    line = text[:m.start()].count("\n") + 1 + m[0][: m.start(1) - m.start()].count("\n")
    toc.write_text(text[:m.start()] + change(m) + text[m.end():], encoding="utf-8")
    run = run_book("toc", cwd=book_copy)
    assert run.code == 1, run.out
    found = run.lines(code)
    assert found, run.out
    lines = {int(l.split(":")[1]) for l in found}
    assert line in lines or (code == "toc-parse" and lines), run.out


def test_unknown_front_matter_key_is_rejected(book_copy):
    resub(book_copy / TOC, r"^(status: .*)$", "\\1\nreviewer: 张三")
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
    [finding] = run.lines("file-encoding")
    bad_line = line_of_bytes(data, b"\xff")
    assert finding.startswith(f"{TOC}:{bad_line}:") and "UTF-8" in finding


def line_of_bytes(data: bytes, needle: bytes) -> int:
    return data[: data.index(needle)].count(b"\n") + 1


def test_chapter_file_heading_drift(book_copy):
    chapter = book_copy / "manuscript/ch05-batching.md"
    title = re.search(r"^## 5\.3 (.+)$", chapter.read_text(encoding="utf-8"), re.M)[1]
    resub(chapter, r"^## 5\.3 .+$", "## 5.3 改过的标题")
    run = run_book("toc", cwd=book_copy)
    assert run.code == 1
    [finding] = run.lines("toc-drift")
    assert finding.startswith(f"manuscript/ch05-batching.md:{line_of(chapter, '## 5.3 改过的标题')}:")
    assert title in finding


def test_chapter_file_missing_a_section(book_copy):
    chapter = book_copy / "manuscript/ch06-quantization.md"
    resub(chapter, r"^## 6\.5 .+$", "## 小结")
    run = run_book("toc", cwd=book_copy)
    assert run.code == 1
    [finding] = run.lines("toc-drift")
    assert finding.startswith(f"{TOC}:{line_of(book_copy / TOC, '#### 6.5 ')}:")


def test_explicit_paths_resolve_links_relative_to_each_file(book_copy, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(book_copy / TOC, elsewhere / "toc.md")
    run = run_book("toc", str(elsewhere / "toc.md"), cwd=book_copy)
    assert run.code == 1
    linked = re.findall(r"^### \[", (book_copy / TOC).read_text(encoding="utf-8"), re.M)
    assert len(run.lines("toc-missing-file")) == len(linked)  # every link is relative to the copy: no chapter there


def test_missing_toc_file_is_an_error_not_a_traceback(book_copy):
    run = run_book("toc", "toc/nope.md", cwd=book_copy)
    assert run.code == 1
    assert run.lines("toc-parse") == ["toc/nope.md:1:1: error toc-parse 找不到文件"]


def test_outside_a_repository_exits_2(tmp_path):
    run_ = run_book("toc", cwd=tmp_path, env={"BOOK_ROOT": ""})
    assert run_.code == 2
    assert "这里不是书稿仓库" in run_.err
