"""Fuzz and fault suite: generated and mutated TOCs, chapters, registries and notebooks, fed to the commands in
process (their main functions, output captured).

Every case must end in an exit status the toolchain documents (0 clean, 1 findings, 2 cannot run), with no
traceback, and must leave every file but the one the case wrote as it was. Inputs are written by hypothesis
strategies (a small grammar of the book's Markdown) or mutated from the repository's own files: bytes flipped,
inserted or cut, lines deleted or repeated, re-encoded (GBK, UTF-16, Latin-1), a BOM, CRLF or CR line ends.
Notebooks are fuzzed as files (read, validated, reported), never executed.

`make test` runs a short profile; `FUZZ=long` tries thousands of cases per test (over ten thousand in all), and
`FUZZ_REPORT=file` appends how many cases each test tried.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import traceback
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from book.checks import figures, links, notebooks
from book.commands import cli
from book.commands import site as site_command
from book.execution.runner import RunReport
from book.reading.book import Book
from book.reading.repo import Repo
from book.site.labels import numbered
from conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "mini"
LONG = os.environ.get("FUZZ", "") == "long"
settings.register_profile("book-fuzz", max_examples=2500 if LONG else 100, deadline=None, database=None,
                          derandomize=not LONG, print_blob=True,
                          phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                 HealthCheck.function_scoped_fixture])
FUZZ = settings.get_profile("book-fuzz")
CASES: dict[str, int] = {}


def real(*patterns: str) -> list[bytes]:
    files = [p for pattern in patterns for p in sorted(ROOT.glob(pattern)) if p.is_file()]
    return [p.read_bytes() for p in files]


REAL_TOCS = real("toc/table-of-contents.md", "tests/fixtures/mini/toc/table-of-contents.md")
REAL_CHAPTERS = real("manuscript/ch0*.md", "manuscript/index.md", "tests/fixtures/mini/manuscript/ch01-a.md")
REAL_REGISTRIES = real("manuscript/sources.yaml", "tests/fixtures/mini/manuscript/sources.yaml")
REAL_NOTEBOOKS = real("code/ch*/*.ipynb")


# --- mutations -----------------------------------------------------------------------------------------------------

def encode(data: bytes, how: str) -> bytes:
    text = data.decode("utf-8", errors="replace")
    if how == "gbk":
        return text.encode("gbk", errors="replace")
    if how == "utf-16":
        return text.encode("utf-16")  # with its BOM
    if how == "utf-16-le":
        return text.encode("utf-16-le")
    if how == "latin-1":
        return text.encode("latin-1", errors="replace")
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    if how == "crlf":
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if how == "cr":
        return data.replace(b"\n", b"\r")
    return data


@st.composite
def mutated(draw, sources: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(sources)))
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["flip", "insert", "cut", "truncate", "delete-line", "repeat-line", "encode"]))
        size = len(data)
        if op == "flip" and size:
            at = draw(st.integers(0, size - 1))
            data[at] ^= draw(st.integers(1, 255))
        elif op == "insert":
            at = draw(st.integers(0, size))
            data[at:at] = draw(st.binary(min_size=1, max_size=8) | st.sampled_from(
                [b"\x00", b"\xff\xfe", b"---\n", b"\n## ", b"[@", b"<!--", b"```\n", b"<div>", b"\t", b"\xe4\xb8"]))
        elif op == "cut" and size:
            at = draw(st.integers(0, size - 1))
            del data[at:at + draw(st.integers(1, 64))]
        elif op == "truncate":
            del data[draw(st.integers(0, size)):]
        elif op in ("delete-line", "repeat-line"):
            lines = bytes(data).split(b"\n")
            k = draw(st.integers(0, len(lines) - 1))
            lines[k:k + 1] = [] if op == "delete-line" else [lines[k], lines[k]]
            data = bytearray(b"\n".join(lines))
        elif op == "encode":
            data = bytearray(encode(bytes(data), draw(st.sampled_from(
                ["gbk", "utf-16", "utf-16-le", "latin-1", "bom", "crlf", "cr"]))))
    return bytes(data)


# --- generated Markdown ----------------------------------------------------------------------------------------------

FIGURES = ["99%", "９９％", "$0.20", "￥0.15", "$1.4T", "20倍", "20x", "二十倍", "4-8x", "1.5~2 倍", "50万次请求/天", "120ms",
           "24 GB", "每 100 次中约 7 次", "三百万次", "九成", "百分之三十", "3.35 TB/s", "H100", "第5章", "图 4-1", "Python 3.11"]
CITATIONS = ["[@ark-big-ideas-2026, p. 20]", "[@ark, p. 20]", "[@ark, p. ?]", "[@ark]", "[@nope, p. 3]", "[@ark, p. 151]",
             "[@ark, p. -1]", "[@ark, p. 3; @ark, p. 5]", "（来源：ARK报告第6页）", "（ARK 报告第 20 页）", "[@", "[@ark, p.",
             "<!-- no-cite: 作者的估计 -->", "<!-- no-cite -->", "<!-- TODO(data): 来源待查 -->", "TODO(data): 待查"]
WORDS = ["成本", "下降了", "吞吐", "提升", "延迟", "推理", "。", "，", " ", "\n", "**", "`", "`x = 3`", "\\(", "\\)", "$$",
         "[链接](../code/ch02-gpu-hardware/decode_roofline.ipynb)", "[缺](missing.md)", "![图](img/none.png)", "<",
         ">", "&amp;", "&#99999999;", "<!--", "-->", "|", "\t", "\r", "\u3000", "\ufeff", "\x00", "🙂", "第", "章"]
BLOCKS = ["# 第1章 成本\n", "## 1.1 价格\n", "### 小结：成本下降 {f}\n", "- **1.1.1 还有{f}的空间**\n", "- {t}\n",
          "  - {t}\n", "1. 1.1 开篇：{f}\n", "!!! note \"提示\"\n    {t}\n", "| 指标 | 数值 |\n|---|---|\n| {t} | {f} |\n",
          "```python\nx = '{f}'\n```\n", "```\nunclosed {f}\n", "<div>{t}</div>\n", "<img src=\"{s}\" alt=\"{t}\" title='{f}'>\n",
          "<pre>{t}</pre>\n", "<p>{t}<b>{f}</b></p>\n", "<!-- {t}\n", "---\nratio: {f}\n---\n", "> {t}\n", "$$\n{f}\n$$\n",
          "- [ ] {t}\n", "[ref]: {s}\n", "<a href=\"{s}\">{t}</a>\n", "{t}\n",
          "![{t}]({s} \"{f}\"){{#fig:a}}\n", "![]({s}){{#fig:a}} {t}\n", ": {t} [@ark, p. 3] {{#tbl:b}}\n",
          ": {t} {{#tbl:b}}\n\n| a | b（%） |\n|---|---|\n| x | {f} |\n", "见[](#fig:a)与[](#sec:1.1)，{t}[](#tbl:b)[](#sec:)\n",
          "[{t}](#fig:a){{#fig:\n"]
SRCS = ["ch01-a.md", "missing.png", "../code/x.ipynb", "../../etc/passwd", "https://example.org/a.png", "#top", "",
        "a b.png", "%E5%9B%BE.png", "mailto:x@y.z", "//cdn/x.js", "data:,x", "index.md#x"]


@st.composite
def sentence(draw) -> str:
    parts = draw(st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(FIGURES), st.sampled_from(CITATIONS),
                                    st.text(max_size=6)), max_size=12))
    return "".join(parts)


@st.composite
def markdown(draw) -> str:
    out = []
    for block in draw(st.lists(st.sampled_from(BLOCKS), min_size=1, max_size=10)):
        out.append(block.format(t=draw(sentence()).replace("{", "").replace("}", ""), f=draw(st.sampled_from(FIGURES)),
                                s=draw(st.sampled_from(SRCS))))
        out.append(draw(st.sampled_from(["\n", "", "\n\n"])))
    return "".join(out)


@st.composite
def toc_text(draw) -> str:
    """A TOC from the grammar of its headings, numbers right or wrong."""
    lines = []
    front = draw(st.sampled_from(["---\ntitle: 书\nstatus: 草稿\n---\n", "---\ntitle: [书\n---\n", "---\ntitle: 书\n",
                                  "---\n- a\n---\n", "---\nstatus: 未知\nextra: 1\n---\n", "", "---\ntitle: a\ntitle: b\n---\n"]))
    lines.append(front + "\n# 目录\n")
    for p in range(draw(st.integers(0, 3))):
        part = draw(st.sampled_from([p + 1, p + 2, 0]))
        lines.append(draw(st.sampled_from([f"## 第{part}部分 篇", "## 附录", f"## 第{part}部分", "## 篇"])))
        for c in range(draw(st.integers(0, 3))):
            n = draw(st.sampled_from([c + 1, c + 2, c, 10]))
            link = draw(st.sampled_from(["", "../manuscript/ch01-a.md", "../manuscript/part/ch02-b.md", "../manuscript/none.md",
                                         "../../etc/hostname", "ch01-a.md#x", "../manuscript/%E4%B8%AD.md"]))
            title = draw(st.sampled_from([f"第{n}章 成本", f"附录{chr(65 + c)} 案例", f"第{n}章", "成本", f"第{n}章 {draw(sentence())}"]))
            lines.append(f"### [{title}]({link})" if link else f"### {title}")
            for s in range(draw(st.integers(0, 3))):
                m = draw(st.sampled_from([s + 1, s + 2, s]))
                lines.append(draw(st.sampled_from([f"#### {n}.{m} 一节", f"#### {n}.{m}", f"#### {m}.{n} 节", "#### 节",
                                                   f"##### {n}.{m}.1 深"])))
                for k in range(draw(st.integers(0, 2))):
                    lines.append(draw(st.sampled_from([f"- **{n}.{m}.{k + 1} 小节**", f"- **{n}.{m}.{k + 3} 跳号**",
                                                       f"  - {draw(sentence())}", f"- [ ] {draw(sentence())}"])))
    return "\n\n".join(lines) + "\n"


@st.composite
def registry_text(draw) -> str:
    entries = []
    for k in range(draw(st.integers(0, 4))):
        key = draw(st.sampled_from(["ark", "ark-big-ideas-2026", "nope", "Bad Key", "ark", "1", "''"]))
        fields = draw(st.lists(st.sampled_from([
            "title: 报告", "title: [未闭合", "paged: true", "paged: 1", "pages: 150", "pages: -3", "pages: abc",
            "aliases: [ARK报告]", "aliases: ARK报告", "short: ARK", "path: code/results/none.json", "url: https://x",
            "editor: someone", "title:", "pages: 1e9", "aliases: [ARK报告, ARK报告]"]), max_size=6))
        entries.append(f"{key}:\n" + "".join(f"  {f}\n" for f in fields) if fields else f"{key}: {draw(sentence())}\n")
    return "".join(entries)


@st.composite
def notebook_json(draw) -> bytes:
    cell = st.fixed_dictionaries({
        "cell_type": st.sampled_from(["code", "markdown", "raw", "bogus"]),
        "metadata": st.sampled_from([{}, {"tags": ["x"]}, [], None]),
        "source": st.one_of(st.text(max_size=20), st.lists(st.text(max_size=10), max_size=3), st.integers()),
    }, optional={"outputs": st.sampled_from([[], [{"output_type": "stream", "name": "stdout", "text": "x"}], {}]),
                 "execution_count": st.one_of(st.none(), st.integers(-1, 3), st.text(max_size=2)),
                 "id": st.text(max_size=70)})
    doc = draw(st.fixed_dictionaries({
        "cells": st.lists(cell, max_size=4),
        "metadata": st.sampled_from([{}, {"kernelspec": {"name": "python3", "display_name": "P"}}, None]),
        "nbformat": st.sampled_from([4, 3, 5, "4", None]),
        "nbformat_minor": st.sampled_from([5, 0, -1, 99]),
    }))
    return json.dumps(doc, ensure_ascii=draw(st.booleans())).encode()


# --- the harness -----------------------------------------------------------------------------------------------------

def snapshot(folder: Path) -> dict[str, str]:
    """Every file under the folder (symbolic links as links) with a digest of its bytes."""
    out = {}
    for parent, _, files in os.walk(folder):
        for name in files:
            path = Path(parent) / name
            rel = path.relative_to(folder).as_posix()
            out[rel] = os.readlink(path) if path.is_symlink() else hashlib.sha1(path.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    """The fixture book, with the real schemas and one real notebook, written over by each case."""
    root = tmp_path_factory.mktemp("fuzz") / "book"
    shutil.copytree(FIXTURE, root)
    shutil.copytree(ROOT / "schemas", root / "schemas")
    for notebook in sorted(ROOT.glob("code/ch*/*.ipynb"))[:1]:
        (root / "code" / notebook.parent.name).mkdir(parents=True)
        shutil.copy2(notebook, root / "code" / notebook.parent.name / notebook.name)
    return root


@pytest.fixture(scope="module", autouse=True)
def count_cases():
    yield
    report = os.environ.get("FUZZ_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as out:
            out.writelines(f"{name}\t{n}\n" for name, n in CASES.items())


@pytest.fixture(scope="module", autouse=True)
def checkout_untouched():
    """The checkout itself: no file of the book's sources appears, disappears or changes while the suite runs."""
    def state():
        return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for folder in ("manuscript", "toc", "code", "schemas")
                for p in (ROOT / folder).rglob("*") if p.is_file() and ".cache" not in p.parts}, \
            sorted(p.name for p in ROOT.iterdir())
    before = state()
    yield
    assert state() == before


@contextlib.contextmanager
def case(book: Path, name: str, relpath: str, data: bytes):
    """Write one input over the fixture book's file, yield, then check that nothing else changed and put it back."""
    CASES[name] = CASES.get(name, 0) + 1
    target = book / relpath
    original = target.read_bytes() if target.exists() else None
    before = snapshot(book)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    cwd = os.getcwd()
    os.chdir(book)
    try:
        yield
    finally:
        os.chdir(cwd)
        after = snapshot(book)
        if original is None:
            target.unlink()
        else:
            target.write_bytes(original)
    before.pop(relpath, None)
    after.pop(relpath, None)
    assert after == before, "a file other than the input changed"


def run(*argv: str) -> tuple[int, str, str]:
    """`book ARGV` in process: the exit status, its stdout and its stderr. An exception escaping main is a crash."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = cli.main(list(argv))
    except BaseException:  # noqa: BLE001 - any escape is the failure this suite looks for
        pytest.fail(f"book {' '.join(argv)} crashed:\n{traceback.format_exc()}\n--- its output:\n{out.getvalue()}"
                    f"\n--- stderr:\n{err.getvalue()}")
    text = out.getvalue() + err.getvalue()
    assert status in (0, 1, 2), (argv, status, text)
    assert "Traceback" not in text and "most recent call last" not in text, text
    return status, out.getvalue(), err.getvalue()


def run_json(*argv: str) -> int:
    """With --format json, stdout is one JSON object (progress goes to stderr)."""
    status, stdout, _ = run(*argv, "--format", "json")
    if status != 2:
        doc = json.loads(stdout)
        assert {"findings", "summary"} <= set(doc)
        assert (status == 1) == (doc["summary"]["errors"] > 0), doc["summary"]
    return status


def in_process_site_checks(book: Path) -> None:
    """What `book site` checks before MkDocs runs (MkDocs itself is not run here)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        site_command.preflight(Book(Repo(book.resolve())))
        links.outside_symlinks(Repo(book.resolve()))


def in_process_figure_checks(book: Path) -> None:
    """Labels, references and tables read and checked, and every page numbered as the site shows it."""
    read = Book(Repo(book.resolve()))
    figures.check(read)
    for source in read.files:
        if source.text is not None:
            numbered(source.text, "ch01-a.md", read.labels, read.repo.manuscript.resolve(), lambda text, sep: text)


# --- the cases -------------------------------------------------------------------------------------------------------

@FUZZ
@given(data=st.one_of(toc_text().map(str.encode), mutated(REAL_TOCS)))
def test_toc(book, data):
    with case(book, "toc", "toc/table-of-contents.md", data):
        run_json("toc")
        run("todo")
        in_process_site_checks(book)


@FUZZ
@given(data=st.one_of(markdown().map(str.encode), mutated(REAL_CHAPTERS)))
def test_chapter(book, data):
    with case(book, "chapter", "manuscript/ch01-a.md", data):
        run_json("claims")
        run("claims", "manuscript/ch01-a.md")
        run("toc")
        run_json("todo")
        in_process_site_checks(book)
        in_process_figure_checks(book)


@FUZZ
@given(data=markdown().map(str.encode) | mutated(REAL_CHAPTERS))
def test_new_page(book, data):
    """A page the TOC does not know, in a subfolder, claims-checked by path."""
    with case(book, "page", "manuscript/part/extra.md", data):
        run_json("claims", "manuscript/part")
        in_process_site_checks(book)


@FUZZ
@given(data=st.one_of(registry_text().map(str.encode), mutated(REAL_REGISTRIES)))
def test_registry(book, data):
    with case(book, "registry", "manuscript/sources.yaml", data):
        run_json("claims")
        run("todo")
        in_process_site_checks(book)


@FUZZ
@given(data=st.one_of(notebook_json(), mutated(REAL_NOTEBOOKS)))
def test_notebook(book, data, monkeypatch):
    """Read, validated and reported; a valid notebook reaches the runner, which is replaced: nothing executes."""
    ran = []
    nothing_ran = (RunReport(notebooks=[], problems=[], seconds=0.0), [])
    monkeypatch.setattr(notebooks, "run", lambda repo, paths, *a, **k: ran.append(paths) or nothing_ran)
    with case(book, "notebook", "code/ch02-fuzz/fuzz.ipynb", data):
        found = notebooks.load_findings(book / "code/ch02-fuzz/fuzz.ipynb", "code/ch02-fuzz/fuzz.ipynb")
        assert all(f.code in ("notebook-invalid", "file-encoding") and f.line >= 1 and f.col >= 1 for f in found)
        status = run_json("notebooks", "code/ch02-fuzz/fuzz.ipynb")
        assert status == (1 if found else 0) or status == 2
        assert bool(ran) == (not found)


# --- what the fuzzing found, kept as plain regression tests ------------------------------------------------------------

def test_a_control_character_in_yaml_is_a_located_finding(book):
    """PyYAML's reader refuses control characters before parsing: that was a traceback, now a finding at its place."""
    with case(book, "regression", "toc/table-of-contents.md", b"---\ntitle: x\nsta\x01tus: y\n---\n\n# \xe7\x9b\xae\n"):
        status, text, _ = run("toc")
    assert status == 1 and "toc/table-of-contents.md:3:4: error toc-parse" in text, text
    with case(book, "regression", "manuscript/sources.yaml", b"ark:\n  title: \x07\n"):
        status, text, _ = run("claims")
    assert status == 1 and "manuscript/sources.yaml:2:10: error source-registry" in text, text


@pytest.mark.parametrize("data", [b'{"cells": [], "metadata": {}, "nbformat": "4", "nbformat_minor": 5}',
                                  b'{"cells": [], "metadata": {}, "nbformat": 5, "nbformat_minor": 5}',
                                  b'{"cells": [], "metadata": {}, "nbformat": 3, "nbformat_minor": 5}',
                                  b'[1, 2]', b'"text"', b'{"nbformat": 4}'])
def test_a_notebook_of_another_format_is_invalid_not_a_crash(tmp_path, data):
    path = tmp_path / "x.ipynb"
    path.write_bytes(data)
    [found] = notebooks.load_findings(path, "x.ipynb")
    assert (found.line, found.col, found.code) == (1, 1, "notebook-invalid")


@pytest.mark.parametrize("ending", [b"\r", b"\r\n"])
def test_old_mac_line_ends_are_lines(book, ending):
    """A lone CR ends a line for the Markdown parser: the prose reader must count it so too (was an IndexError)."""
    text = "# 第1章 成本\n\n## 1.1 价格\n\n推理价格下降了 99%。\n\n!!! note \"提示\"\n    延迟 120ms。\n".encode()
    with case(book, "regression", "manuscript/ch01-a.md", text.replace(b"\n", ending)):
        status, out, _ = run("claims", "manuscript/ch01-a.md")
    assert status == 1 and "manuscript/ch01-a.md:5:9: error uncited-claim" in out, out
    assert "manuscript/ch01-a.md:8:8: error uncited-claim" in out, out


def test_a_nul_byte_in_a_chapter_is_read(book):
    with case(book, "regression", "manuscript/ch01-a.md", "# 第1章 成本\n\n成本\x00下降了 99%。\n".encode()):
        status, out, _ = run("claims", "manuscript/ch01-a.md")
    assert status == 1 and "manuscript/ch01-a.md:3:8: error uncited-claim" in out, out
