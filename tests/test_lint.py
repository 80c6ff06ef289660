"""`book lint`: typography of the Chinese prose on labelled examples (exact line, column and code), and --fix."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest
import yaml

from book import messages
from book.checks import typography

from conftest import ROOT, Run, run_book

EXAMPLES = yaml.safe_load((Path(__file__).parent / "data" / "lint-examples.yaml").read_text(encoding="utf-8"))
GLOSSARY = typography.Glossary.parse(EXAMPLES["glossary"])


def run_lint(*args: str, cwd: Path = ROOT, env: dict | None = None) -> Run:
    return run_book("lint", *args, cwd=cwd, env=env)


@pytest.mark.parametrize("example", EXAMPLES["examples"], ids=lambda e: e["name"])
def test_labelled_example(example):
    issues = typography.lint(example["text"], GLOSSARY)
    assert [f"{i.line}:{i.col} {i.code}" for i in issues] == example["expect"]
    fixed, _ = typography.fix(example["text"], GLOSSARY)
    if "fixed" in example:
        assert fixed == example["fixed"]
    if not example["expect"]:
        assert fixed == example["text"], "a good example must come out of --fix unchanged"
    assert [i.code for i in typography.lint(fixed, GLOSSARY)] in ([], ["typo-ignore-reason"]), \
        "after --fix nothing is left to fix"


def test_issue_shows_the_text_as_written_and_as_it_should_read():
    first, second = typography.lint("吞吐提升了3倍，Toast的100倍ROI。\n", GLOSSARY)
    assert (first.col, first.old, first.new) == (6, "吐提升了3倍", "吐提升了 3 倍")
    assert (second.col, second.old, second.new) == (14, "Toast的100倍ROI", "Toast 的 100 倍 ROI")
    f = typography.findings("ch.md", [first], GLOSSARY)[0]
    assert f.render() == "ch.md:1:6: warning typo-space “吐提升了3倍”应写作“吐提升了 3 倍”：中文与英文、数字之间加一个空格"


def test_every_code_has_a_chinese_and_an_english_message(monkeypatch):
    monkeypatch.setenv("BOOK_LANG", "en")
    assert messages.say("typo-space", old="了3倍", new="了 3 倍") == \
        "write '了 3 倍', not '了3倍': a space between Chinese and Latin letters or digits"
    for code in typography.CODES:
        assert set(messages.MESSAGES[code]) == {"zh", "en"}


def test_a_bad_glossary_is_named_with_its_line():
    with pytest.raises(typography.GlossaryError, match=r"^manuscript/glossary.yaml:3:10: 不是有效的 YAML：方括号“\[”没有闭合"):
        typography.Glossary.parse("terms:\n  GPU:\n  - bad: [\n")
    with pytest.raises(typography.GlossaryError, match=r"^manuscript/glossary.yaml:3:1: 术语“GPU”应写成"):
        typography.Glossary.parse("terms:\n  CPU:\n  GPU: 3\n")
    with pytest.raises(typography.GlossaryError, match=r"^manuscript/glossary.yaml:3:1: keep 中的“第\(”不是有效的正则表达式"):
        typography.Glossary.parse("keep:\n  - 第\\d+章\n  - 第(\n")


def test_the_book_has_no_typography_errors():
    run = run_lint()
    assert run.code == 0 and " error " not in run.out, run.out


BAD = "# 第1章 测试\n\n使用GPU推理,成本下降了 35 %。\n\n```python\nprint(\"中文abc\")\n```\n"
GOOD = "# 第1章 测试\n\n使用 GPU 推理，成本下降了 35%。\n\n```python\nprint(\"中文abc\")\n```\n"


def test_lint_reports_warnings_and_errors_under_strict(book_copy):
    page = book_copy / "manuscript/ch03-environment.md"
    page.write_text(BAD, encoding="utf-8")
    run = run_lint("manuscript/ch03-environment.md", cwd=book_copy)
    assert run.code == 0
    assert run.lines() == [
        "manuscript/ch03-environment.md:3:3: warning typo-space “使用GPU推理”应写作“使用 GPU 推理”：中文与英文、数字之间加一个空格",
        "manuscript/ch03-environment.md:3:8: warning typo-punct “推理,成本下降”应写作“推理，成本下降”：中文句子用全角标点",
        "manuscript/ch03-environment.md:3:17: warning typo-percent “35 %”应写作“35%”：数字与百分号之间不加空格",
        "book lint：通过 — 0 个错误，3 个警告",
    ]
    strict = run_lint("manuscript/ch03-environment.md", cwd=book_copy, env={"STRICT": "1"})
    assert strict.code == 1 and len(strict.lines("typo-space")) == 1 and ": error typo-space " in strict.out
    english = run_lint("manuscript/ch03-environment.md", cwd=book_copy, env={"BOOK_LANG": "en"})
    assert "warning typo-percent write '35%', not '35 %': no space between a number and %" in english.out


def test_fix_diff_previews_and_fix_writes_atomically(book_copy):
    page = book_copy / "manuscript/ch03-environment.md"
    page.write_bytes(BAD.replace("\n", "\r\n").encode("utf-8"))  # written on Windows
    page.chmod(0o640)
    before = page.read_bytes()

    preview = run_lint("--fix", "--diff", "manuscript/ch03-environment.md", cwd=book_copy)
    assert preview.code == 0 and page.read_bytes() == before
    assert "-使用GPU推理,成本下降了 35 %。\n+使用 GPU 推理，成本下降了 35%。" in preview.out
    assert "--- a/manuscript/ch03-environment.md" in preview.out and "未写入任何文件" in preview.out

    fixed = run_lint("--fix", "manuscript/ch03-environment.md", cwd=book_copy)
    assert fixed.code == 0, fixed.out
    assert page.read_bytes() == GOOD.replace("\n", "\r\n").encode("utf-8")  # line ends kept, code untouched
    assert stat.S_IMODE(page.stat().st_mode) == 0o640
    assert sorted(p.name for p in page.parent.iterdir() if p.name.startswith(".")) == []  # no temporary file left
    assert "已修正 manuscript/ch03-environment.md：3 处" in fixed.out
    assert fixed.lines()[-1] == "book lint：通过 — 0 个错误，0 个警告"


def test_fix_keeps_the_book_consistent(book_copy):
    """--fix on the whole book changes chapter headings and the TOC alike: the TOC check still passes."""
    run = run_lint("--fix", cwd=book_copy)
    assert run.code == 0 and run.lines()[-1] == "book lint：通过 — 0 个错误，0 个警告", run.out
    toc = run_book("toc", cwd=book_copy)
    assert toc.code == 0, toc.out


def test_unreadable_file_and_bad_glossary(book_copy):
    page = book_copy / "manuscript/ch03-environment.md"
    page.write_bytes("第一行\n第二行\xff".encode("utf-8")[:-2] + b"\xff\n")
    run = run_lint("manuscript/ch03-environment.md", cwd=book_copy)
    assert run.code == 1 and run.lines("file-encoding")[0].startswith("manuscript/ch03-environment.md:2:4: error file-encoding")
    (book_copy / "manuscript/glossary.yaml").write_text("terms: [\n", encoding="utf-8")
    bad = run_lint(cwd=book_copy)
    assert bad.code == 2 and "manuscript/glossary.yaml:1:8: 不是有效的 YAML：方括号“[”没有闭合" in bad.err


def test_fix_with_json_keeps_stdout_one_json_object(book_copy):
    (book_copy / "manuscript/ch03-environment.md").write_text(BAD, encoding="utf-8")
    run = run_lint("--fix", "--format", "json", "manuscript/ch03-environment.md", cwd=book_copy)
    assert run.code == 0 and run.json()["summary"] == {"errors": 0, "warnings": 0}
    assert "已修正 manuscript/ch03-environment.md：3 处" in run.err


def test_a_link_out_of_the_repository_is_neither_read_nor_fixed(book_copy, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text("# 外部\n\n成本下降了 99%。使用GPU推理\n", encoding="utf-8")
    (book_copy / "manuscript/leak.md").symlink_to(outside)
    for command in (["lint", "--fix"], ["claims"]):
        run = run_book(*command, cwd=book_copy)
        assert run.code == 1 and run.lines("site-symlink")[0].startswith("manuscript/leak.md:1:1: error site-symlink")
        assert str(outside) not in run.out.split("site-symlink")[0]  # located at the link, not its target
    assert outside.read_text(encoding="utf-8").endswith("使用GPU推理\n")  # the target was never written
