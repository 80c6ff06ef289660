"""What a Chinese author reads: `book check` on a book with an error of each kind (TOC, claims, lint, draft note,
results), every line in Chinese by default and in English with BOOK_LANG=en. The machine-readable parts of a
diagnostic (path, position, severity, code) stay English; only the message part is judged."""
from __future__ import annotations

import re
import shutil

import pytest

from conftest import ROOT, edit, run_book

DIAGNOSTIC = re.compile(r"^(?P<path>\S+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning|info) (?P<code>[a-z-]+) "
                        r"(?P<message>.*)$")
CHINESE = re.compile(r"[\u3400-\u9fff]")
# What a message quotes from the book (a figure, a title, a phrase, a sentence) is the book's own text, not the tool's.
QUOTED = re.compile(r"“.*”|‘[^’]*’|'[^'\n]*'|\"[^\"\n]*\"|「[^」]*」|`[^`]*`")


def message_parts(output: str) -> list[tuple[str, str]]:
    """(line, the part of it that is the tool's words) for each line that has any words at all."""
    out = []
    for line in output.splitlines():
        if not re.search(r"[A-Za-z\u3400-\u9fff]", line):
            continue                              # blank lines, rules without a title
        m = DIAGNOSTIC.match(line.strip())
        if m:
            assert m["path"].startswith(("manuscript/", "toc/", "code/")), line
        out.append((line, m["message"] if m else line))
    return out


@pytest.fixture
def broken_book(book_copy):
    """The book with one problem of each kind the fast steps report, and a results mismatch."""
    edit(book_copy / "toc/table-of-contents.md", "### [第2章", "### [第3章")  # TOC: a chapter numbered twice
    chapter = book_copy / "manuscript/ch03-environment.md"
    with open(chapter, "a", encoding="utf-8") as f:
        f.write("\n一个可复现的环境能让成本下降 30%。\n"          # claims: uncited
                "\n这个数字还有待对照报告原文核实。\n"            # draft note
                "\n我们使用GPU完成推理。\n")                     # lint: a space between Chinese and Latin
    with open(book_copy / "manuscript/ch05-batching.md", "a", encoding="utf-8") as f:   # results: no such value
        f.write("\n连续批处理的吞吐量为静态批处理的 9.99 倍 [@results-ch05]。\n")
    shutil.copytree(ROOT / "code" / "common", book_copy / "code" / "common",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "requirements.lock", book_copy / "requirements.lock")
    return book_copy


def output_of(book, lang: str | None, monkeypatch) -> tuple[str, set[str]]:
    env = {"BOOK_LANG": lang} if lang else {}
    run = run_book("check", "-v", "--skip", "notebooks", "--skip", "site", cwd=book, env=env)  # -v: each warning
    assert run.code == 1, run.out + run.err
    text = run.out + run.err
    codes = {m["code"] for line in text.splitlines() if (m := DIAGNOSTIC.match(line.strip()))}
    return text, codes


EXPECTED_CODES = {"toc-numbering", "toc-duplicate", "uncited-claim", "draft-note", "typo-space", "results-mismatch", "pending-citation"}


def test_every_line_of_book_check_is_chinese_by_default(broken_book, monkeypatch):
    monkeypatch.delenv("BOOK_LANG", raising=False)
    text, codes = output_of(broken_book, None, monkeypatch)
    assert EXPECTED_CODES <= codes, codes
    english = [line for line, words in message_parts(text) if not CHINESE.search(words)]
    assert not english, "\n".join(english)
    assert text.splitlines()[0].strip("─ ") == "目录（toc）"
    assert "book check：未通过 — 目录（toc）、数据声明与引用（claims）" in text


def test_every_line_of_book_check_is_english_with_book_lang_en(broken_book, monkeypatch):
    text, codes = output_of(broken_book, "en", monkeypatch)
    assert EXPECTED_CODES <= codes, codes
    chinese = [line for line, words in message_parts(text) if CHINESE.search(QUOTED.sub("", words))]
    assert not chinese, "\n".join(chinese)
    assert "book check: failed — toc, claims" in text
