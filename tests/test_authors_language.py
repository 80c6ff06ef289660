"""An author's first day, bad inputs included: each case is fed to the CLI and its Chinese output holds no English
sentence (what PyYAML, jsonschema, the JSON decoder, MkDocs or the operating system say is mapped to the catalogue, the
original only under -v), the fault is located at its own line, and one fault kind has one code in every command."""
from __future__ import annotations

import json
import re

import pytest

from conftest import edit, run_book

SOURCES = "manuscript/sources.yaml"
CHAPTER = "manuscript/ch03-environment.md"
GOOD_SOURCE = "\nsmith-2024:\n  title: 一份报告\n  paged: true\n"

# What may stand in Chinese output: locations, severities and codes, commands, quoted text, paths and file names.
ALLOWED = [
    re.compile(r"^\S+:\d+:\d+: (?:error|warning) [a-z-]+ ", re.M),      # path:line:col: severity code
    re.compile(r"“[^”]*”|‘[^’]*’|'[^'\n]*'|`[^`\n]*`"),                  # what the author wrote, quoted
    re.compile(r"\b(?:book|make|pre-commit|python3?)(?: [a-z][\w-]*){1,3}"),  # commands
    re.compile(r"[\w./-]+\.(?:md|yaml|yml|json|ipynb|py|pdf)\b"),        # files
    re.compile(r"https?://\S+"),
    re.compile(r"\{[\w,-]+\}"),                                          # argparse: the choices
]
ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z]{2,}(?:[ ,<>]+[A-Za-z]{2,}){2,}\b")  # three English words in a row


def english_in(text: str) -> list[str]:
    for allowed in ALLOWED:
        text = allowed.sub(" ", text)
    return ENGLISH_SENTENCE.findall(text)


def chinese(run) -> str:
    """The whole output, checked to hold no English sentence and no traceback."""
    text = run.out + run.err
    assert "Traceback" not in text
    assert english_in(text) == [], english_in(text)
    return text


def test_the_detector_finds_what_the_libraries_say():
    assert english_in("manuscript/sources.yaml:3:1: error source-registry Additional properties are not allowed")
    assert english_in("不是有效的 YAML：expected <block end>, but found '<block mapping start>'")
    assert english_in("not valid JSON: Unterminated string starting at")
    assert not english_in("manuscript/a.md:1:1: error uncited-claim 数据“Big Ideas 2026”需要来源，见 book sources verify")


def registry_findings(book, text: str, *args: str, env: dict | None = None) -> tuple[list[str], str]:
    (book / SOURCES).write_text((book / SOURCES).read_text(encoding="utf-8") + text, encoding="utf-8")
    run = run_book("claims", *args, cwd=book, env=env)
    assert run.code == 1, run.out
    return run.lines("source-registry"), chinese(run) if not args else run.out + run.err


def last_line_number(book, path: str) -> int:
    return len((book / path).read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("appended,message,offset", [
    ("\nsmith-2024:\n  title: 报告\n  paged: true\n  aliases: [Smith, Smith 报告\n", "方括号“[”没有闭合", 4),
    ("\nsmith-2024:\n  title: \"报告\n  paged: true\n", "引号没有闭合", 2),
    ("\nsmith-2024:\n\ttitle: 报告\n", "YAML 的缩进不能用 Tab", 2),
    ("\nsmith-2024:\n  title: 报告\n   paged: true\n", "缩进不对", 3),
    ("\nsmith-2024:\n  title 报告\n  paged: true\n", "缺少冒号", 2),
    ("\nsmith-2024:\n  title: 报告: 第二版\n  paged: true\n", "请给整个值加引号", 2),
    ("\nsmith-2024:\n  title: 报告\n  paged: true\n  year: 2024年\n", "year：应为整数（例如 2024），而不是“2024年”", 4),
    ("\nsmith-2024:\n  titel: 报告\n  paged: true\n", "未知的键“titel”，是不是 title？", 2),
    ("\nsmith-2024:\n  title: 报告\n  paged: 是\n", "paged：应为 true 或 false，而不是“是”", 3),
    ("\nsmith-2024:\n  title: 报告\n  paged: true\n  url: www.example.com\n", "网址应以 http:// 或 https:// 开头", 4),
    ("\nSmith 2024:\n  title: 报告\n  paged: true\n", "键“Smith 2024”只能用小写字母、数字和连字符，例如“smith-2024”", 1),
])
def test_a_registry_fault_is_told_in_chinese_at_its_own_line(book_copy, appended, message, offset):
    start = last_line_number(book_copy, SOURCES) + 1  # the blank line of `appended`
    found, _ = registry_findings(book_copy, appended)
    assert len(found) == 1 and message in found[0], found
    assert found[0].startswith(f"{SOURCES}:{start + offset}:"), (found, start + offset)


def test_the_librarys_own_words_only_under_v(book_copy):
    appended = "\nsmith-2024:\n  title: 报告\n  paged: true\n  aliases: [Smith, Smith 报告\n"
    (book_copy / SOURCES).write_text((book_copy / SOURCES).read_text(encoding="utf-8") + appended, encoding="utf-8")
    plain = run_book("claims", cwd=book_copy)
    verbose = run_book("claims", "-v", cwd=book_copy)
    assert "flow sequence" not in plain.out
    assert "（原文：while parsing a flow sequence expected ',' or ']'" in verbose.lines("source-registry")[0]
    english = run_book("-v", "claims", cwd=book_copy, env={"BOOK_LANG": "en"}).lines("source-registry")[0]
    assert "the bracket '[' is not closed" in english and "(original: while parsing a flow sequence" in english


def test_the_tocs_front_matter_in_chinese(book_copy):
    edit(book_copy / "toc/table-of-contents.md", "status: 待审核", "status: [待审核")
    run = run_book("toc", cwd=book_copy)
    assert run.code == 1
    [found] = run.lines("toc-parse")
    assert found.startswith("toc/table-of-contents.md:3:9: error toc-parse front matter 不是有效的 YAML：方括号“[”没有闭合")
    chinese(run)


def test_a_notebooks_broken_json_in_chinese(book_copy):
    notebook = next((book_copy / "code").glob("ch*/*.ipynb"))
    text = notebook.read_text(encoding="utf-8")
    notebook.write_text(text[: len(text) // 2], encoding="utf-8")  # cut off mid-file, as a failed copy leaves it
    run = run_book("site", "--out", str(book_copy.parent / "out"), cwd=book_copy)
    assert run.code == 1
    [found] = run.lines("notebook-invalid")
    assert "不是有效的 JSON：" in found and ("文件不完整" in found or "字符串没有结束" in found), found
    chinese(run)
    notebook.write_text(text.replace('"cells": [', '"cells": [,', 1), encoding="utf-8")
    [found] = run_book("site", "--out", str(book_copy.parent / "out"), cwd=book_copy).lines("notebook-invalid")
    assert "这里缺少一个值（也许多了一个逗号" in found and found.split(":")[1] == str(
        text[: text.index('"cells": [')].count("\n") + 1)


def test_a_results_file_that_is_not_a_mapping_of_the_schema(book_copy):
    results = next((book_copy / "code" / "results").glob("*.json"))
    data = json.loads(results.read_text(encoding="utf-8"))
    data["provenance"]["device_name"] = 5
    results.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    from book.checks.results import results_files, schema_findings
    from book.reading.repo import Repo
    found = [f for f in schema_findings(Repo(book_copy), results_files(Repo(book_copy))) if f.path.endswith(results.name)]
    assert found and all(not english_in(f.render()) for f in found), [f.render() for f in found]
    assert any("provenance/device_name：应为文字，而不是“5”" in f.message for f in found), [f.message for f in found]


@pytest.mark.parametrize("command", [["toc"], ["claims"], ["todo"], ["lint"], ["site", "--out", "OUT"],
                                     ["check", "--skip", "notebooks"]])
def test_a_toc_that_is_a_link_to_itself(book_copy, command):
    """No traceback: the loop is located at the TOC, in Chinese, and the command exits 1 (a finding)."""
    toc = book_copy / "toc/table-of-contents.md"
    toc.unlink()
    toc.symlink_to("table-of-contents.md")
    command = [str(book_copy.parent / "out") if part == "OUT" else part for part in command]
    run = run_book(*command, cwd=book_copy)
    assert run.code == 1, run.out + run.err
    assert "toc/table-of-contents.md:1:1: error file-unreadable 无法读取文件：符号链接循环" in run.out + run.err
    chinese(run)


def test_an_encoding_fault_has_one_code_in_every_command(book_copy):
    chapter = book_copy / CHAPTER
    text = chapter.read_text(encoding="utf-8")
    line = text.splitlines().index(next(l for l in text.splitlines() if l.startswith("## "))) + 1
    chapter.write_bytes(text.encode("gb18030"))  # saved as GBK by an editor
    codes = {}
    for command in (["toc"], ["claims"], ["lint"], ["todo"]):
        run = run_book(*command, cwd=book_copy)
        mine = [l for l in run.out.splitlines() if l.startswith(CHAPTER + ":")]
        codes[command[0]] = {l.split()[2] for l in mine}
        assert run.code == 1 and mine, run.out
        chinese(run)
    assert set(map(frozenset, codes.values())) == {frozenset({"file-encoding"})}, codes
    assert line  # the file was read up to its first non-UTF-8 byte


def test_an_unknown_source_key_and_alias_name_the_nearest(book_copy):
    with open(book_copy / CHAPTER, "a", encoding="utf-8") as chapter:
        chapter.write("\n推理价格下降 99% [@ark-big-idea-2026, p. 20]。\n单次成本 $0.20（来源：ARK 报吿第6页）。\n")
    run = run_book("claims", CHAPTER, cwd=book_copy)
    found = run.lines("unknown-source")
    assert "“ark-big-idea-2026”不是已登记的来源（manuscript/sources.yaml）：是不是 ark-big-ideas-2026？" in found[0]
    assert "是不是“ARK 报告”？" in found[1]
    chinese(run)


def test_a_wrong_anchor_names_the_real_slug(book_copy):
    with open(book_copy / CHAPTER, "a", encoding="utf-8") as chapter:
        chapter.write("\n详见[连续批处理](ch05-batching.md#连续批处理)。\n")
    run = run_book("site", "--out", str(book_copy.parent / "out"), cwd=book_copy)
    assert run.code == 1
    [found] = run.lines("site-link")
    assert "是不是 #53-连续批处理迭代级调度（标题“5.3 连续批处理：迭代级调度”）？" in found, found
    chinese(run)


def test_help_in_the_authors_language():
    assert english_in(run_book("--help").out) == []
    assert english_in(run_book("check", "--help").out) == []
    english = run_book("--help", env={"BOOK_LANG": "en"}).out
    assert "The toolchain of the book" in english and not re.search(r"[\u4e00-\u9fff]", english.split("COMMAND")[-1])


def test_an_unknown_language_is_warned():
    run = run_book("toc", env={"BOOK_LANG": "fr"})
    assert run.err.startswith("book：BOOK_LANG=fr 不是支持的语言（zh 或 en），使用中文")
    assert run.lines()[-1].startswith("book toc：通过")


def test_todo_counts_each_item_once_with_its_sentence(book_copy):
    with open(book_copy / CHAPTER, "a", encoding="utf-8") as chapter:
        chapter.write("\n成本每降低 10%，用户数增长 30%。<!-- TODO(data): 来源待查 -->\n\n"
                      "注释写成 `<!-- TODO(data): 示例 -->` 即可。\n\n"
                      "!!! todo \"待办\"\n    - [ ] 查明增长 20% 的出处 <!-- TODO(data): 来源待查 -->\n")
    items = [i for i in run_book("todo", "--format", "json", cwd=book_copy).json()["items"] if i["path"] == CHAPTER]
    notes = [i for i in items if i["kind"] == "todo-note"]
    assert [i["text"] for i in notes] == ["来源待查：成本每降低 10%，用户数增长 30%。", "来源待查：查明增长 20% 的出处"]
    assert not [i for i in items if i["kind"] == "checklist" and "20%" in i["text"]]  # listed once, as the note
    check = run_book("check", "--skip", "notebooks", "--skip", "site", cwd=book_copy).out
    tally = re.search(r"来源待查（TODO\(data\)）(\d+) 处", check)
    listed = re.search(r"未完成的数据项 \d+ 个：.*TODO\(data\) (\d+)", check)
    everything = run_book("todo", "--format", "json", cwd=book_copy).json()["summary"]["by_kind"]["todo-note"]
    assert int(tally[1]) == int(listed[1]) == everything
