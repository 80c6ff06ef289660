"""The CLI contract: formats, exit statuses, and what `book check` runs."""
from __future__ import annotations

import re
import shutil
from types import SimpleNamespace

from conftest import ROOT, run_book


def test_bad_usage_exits_2_in_the_authors_language():
    run = run_book("toc", "--format", "yaml")
    assert run.code == 2 and run.err.strip().splitlines()[-1].startswith("book：无法运行：参数 --format：无效的选项")
    english = run_book("toc", "--format", "yaml", env={"BOOK_LANG": "en"})
    assert english.code == 2 and "book: error: argument --format: invalid choice: 'yaml'" in english.err and "(see book toc --help)" in english.err


def test_json_has_findings_and_summary_for_every_checker():
    for command in (["toc"], ["claims"]):
        doc = run_book(*command, "--format", "json").json()
        assert set(doc) >= {"findings", "summary"} and doc["summary"]["errors"] == 0


def test_check_reports_each_step_and_fails_on_any(book_copy):
    ok = run_book("check", "--skip", "notebooks", "--skip", "site", cwd=book_copy)
    assert ok.code == 0, ok.out
    assert "book check：全部检查通过" in ok.out and "未完成的数据项" in ok.out
    with open(book_copy / "manuscript/ch03-environment.md", "a", encoding="utf-8") as chapter:
        chapter.write("\n一个可复现的环境能让成本下降 30%。\n")
    bad = run_book("check", "--skip", "notebooks", "--skip", "site", cwd=book_copy)
    assert bad.code == 1 and "uncited-claim" in bad.out and "未通过 — 数据声明与引用（claims）" in bad.out


def test_strict_check_fails_on_open_data_items(book_copy):
    run = run_book("check", "--skip", "notebooks", "--skip", "site", cwd=book_copy, env={"STRICT": "1"})
    assert run.code == 1 and "pending-citation" in run.out


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    """`book claims | head -1` on a book with thousands of findings: the closed pipe ends the command quietly."""
    import os
    import subprocess
    import sys
    from conftest import ROOT
    book = tmp_path / "book"
    book.mkdir()
    (book / "ch01.md").write_text("".join(f"第 {k} 句的成本下降了 {k % 90 + 1}%。\n\n" for k in range(20000)), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "book", "claims", str(book)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT / "tools")})
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert b"uncited-claim" in first
    assert "Traceback" not in err and proc.returncode == 1, err


def test_every_command_reports_json(book_copy):
    """`--format json` for the commands that need a build or a kernel too: their findings in the one shape."""
    bad = book_copy / "code" / "ch99-bad"
    bad.mkdir(parents=True)
    (bad / "broken.ipynb").write_text("{not json", encoding="utf-8")
    notebooks = run_book("notebooks", str(bad / "broken.ipynb"), "--format", "json", cwd=book_copy).json()
    assert [(f["path"], f["line"], f["code"]) for f in notebooks["findings"]] == [
        ("code/ch99-bad/broken.ipynb", 1, "notebook-invalid")]
    (book_copy / "manuscript/sources.yaml").unlink()
    run = run_book("site", "--format", "json", "--out", str(book_copy / "out"), cwd=book_copy)
    doc = run.json()
    assert run.code == 1 and doc["summary"]["errors"] == 1
    assert doc["findings"][0]["code"] == "source-registry"


def test_todo_and_toc_json_share_the_shape():
    for command in (["todo"], ["toc"]):
        doc = run_book(*command, "--format", "json").json()
        assert set(doc["summary"]) >= {"errors", "warnings"} and isinstance(doc["findings"], list)


def test_check_shows_what_matters_last(book_copy):
    """Expected warnings are summed up per code (each one with -v), an error stands out: its location and message
    are within the last lines (before make's own two), and the verdict names the step."""
    with open(book_copy / "manuscript/ch03-environment.md", "a", encoding="utf-8") as chapter:
        chapter.write("\n一个可复现的环境能让成本下降 30%。\n")
    run = run_book("check", "--skip", "notebooks", "--skip", "site", cwd=book_copy)
    assert run.code == 1
    lines = run.out.strip().splitlines()
    planted = [l for l in lines if l.startswith("manuscript/ch03-environment.md:") and " error uncited-claim " in l]
    assert planted and planted[0] in lines[-3:], lines[-6:]
    assert lines[-1] == "book check：未通过 — 数据声明与引用（claims）"
    assert not [l for l in lines if " warning pending-citation " in l]               # summed up, not listed
    assert any(re.fullmatch(r"warning pending-citation：\d+ 处待补页码（make todo 列出全部）", l) for l in lines)
    assert "\x1b[" not in run.out                                                    # no colour in a pipe
    verbose = run_book("check", "-v", "--skip", "notebooks", "--skip", "site", cwd=book_copy)
    assert [l for l in verbose.out.splitlines() if " warning pending-citation " in l]


def test_check_json_replays_in_the_current_language(book_copy, tmp_path):
    """`book check --format json`: findings, summary and steps; a step answered from the cache says so, its
    messages in the language of this run; `--skip notebooks` still checks the recorded results."""
    env = {"BOOK_CACHE_DIR": str(tmp_path / "cache")}
    first = run_book("check", "--format", "json", "--skip", "notebooks", "--skip", "site", cwd=book_copy, env=env)
    doc = first.json()
    assert set(doc) == {"findings", "summary", "steps"}
    assert [s["name"] for s in doc["steps"]] == ["toc", "claims", "verify", "lint", "todo", "notebooks", "results",
                                                  "figures", "print", "site"]
    assert {s["name"]: s["status"] for s in doc["steps"]}["notebooks"] == "skipped"
    assert not any(s["cached"] for s in doc["steps"])
    assert any(f["code"] == "stale-result" for f in doc["findings"])                 # results without notebooks
    again = run_book("check", "--format", "json", "--skip", "notebooks", "--skip", "site", cwd=book_copy,
                     env={**env, "BOOK_LANG": "en"}).json()
    steps = {s["name"]: s for s in again["steps"]}
    assert steps["claims"]["cached"] and steps["results"]["cached"]
    pending = [f for f in again["findings"] if f["code"] == "pending-citation"]
    assert pending and all(f["message"].startswith("page of ") for f in pending), pending[0]
    assert [(f["path"], f["line"], f["code"]) for f in again["findings"]] == \
        [(f["path"], f["line"], f["code"]) for f in doc["findings"]]


def test_the_site_step_builds_again_only_when_a_page_changes_shape(book_copy, tmp_path, monkeypatch):
    """A prose edit leaves the strict build's verdict as it was (the site step is answered from its cache); an
    edited link, heading, formula or code block, or a section turned draft, builds again."""
    from book.commands import check
    from book.reading.book import Book
    from book.reading.repo import Repo
    monkeypatch.setenv("BOOK_CACHE_DIR", str(tmp_path / "cache"))
    chapter = book_copy / "manuscript" / "ch03-environment.md"
    original = chapter.read_text(encoding="utf-8")

    def key(text: str) -> str:
        chapter.write_text(text, encoding="utf-8")
        book = Book(Repo(book_copy))
        return check.step_key(book, "site", check.StepCache(book_copy))

    base = key(original)
    assert key(original + "\n新增的一段话，说明环境为什么重要。\n") == base
    assert key(original.replace("。", "，而且。", 1)) == base
    for edited in (original + "\n见[第4章](ch04-kv-cache.md#no-such-anchor)。\n", original + "\n## 3.9 新的一节\n\n正文。\n",
                   original + "\n公式 \\(a^2\\) 如此。\n", original + "\n```python\nx = 1\n```\n",
                   original + "\n<div>HTML</div>\n"):
        assert key(edited) != base, edited[-40:]


def test_the_site_step_is_not_built_again_for_an_edit_of_notebook_code(book_copy, tmp_path, monkeypatch):
    """A code cell's edit, or one of code/common, changes only the code a page shows: the strict build's verdict
    stands (its links and anchors are in the Markdown cells); an edited Markdown cell, a new cell, a removed link
    target or a changed stored run builds again."""
    import json as json_module
    from book.commands import check
    from book.reading.book import Book
    from book.reading.repo import Repo
    monkeypatch.setenv("BOOK_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copytree(ROOT / "code" / "common", book_copy / "code" / "common")
    notebook = book_copy / "code" / "ch03-environment" / "environment_check.ipynb"
    original = json_module.loads(notebook.read_text(encoding="utf-8"))

    def key() -> str:
        book = Book(Repo(book_copy))
        return check.step_key(book, "site", check.StepCache(book_copy))

    def with_cells(change) -> str:
        nb = json_module.loads(json_module.dumps(original))
        change(nb["cells"])
        notebook.write_text(json_module.dumps(nb, ensure_ascii=False), encoding="utf-8")
        return key()

    base = key()
    code = next(c for c in original["cells"] if c["cell_type"] == "code")
    assert with_cells(lambda cells: cells[cells.index(code)]["source"].append("\n# 改了一行代码")) == base
    (book_copy / "code" / "common" / "batching.py").write_text("# 改写\n", encoding="utf-8")
    assert with_cells(lambda cells: None) == base
    markdown = next(i for i, c in enumerate(original["cells"]) if c["cell_type"] == "markdown")
    assert with_cells(lambda cells: cells[markdown]["source"].append("\n见[第4章](../../manuscript/x.md)。")) != base
    assert with_cells(lambda cells: cells.append({"cell_type": "markdown", "metadata": {}, "source": ["# 新"]})) != base
    with_cells(lambda cells: None)
    (book_copy / "code" / "common" / "batching.py").unlink()
    assert key() != base
    (book_copy / "code" / "common" / "batching.py").write_text("# 改写\n", encoding="utf-8")
    assert key() == base
    (book_copy / "code" / "results" / "ch03-environment.json").write_text("{}\n", encoding="utf-8")
    assert key() != base


def test_the_lint_step_checks_again_only_the_files_that_changed(book_copy, tmp_path, monkeypatch):
    """After a prose edit only the edited file is linted again; the findings are those of a check without the memo;
    a changed glossary (or registry, toolchain, STRICT) checks every file again; a damaged memo is ignored."""
    from book.checks import typography
    from book.commands import check
    from book.commands.lint import check as lint_check
    from book.reading.book import Book
    from book.reading.repo import Repo
    monkeypatch.setenv("BOOK_CACHE_DIR", str(tmp_path / "cache"))
    linted: list[int] = []
    real = typography.lint
    monkeypatch.setattr(typography, "lint", lambda text, *rest: linted.append(len(text)) or real(text, *rest))

    def step(no_cache: bool = False) -> tuple[list, int]:
        linted.clear()
        findings = check.step_lint(Book(Repo(book_copy)), SimpleNamespace(no_cache=no_cache)).findings
        return [f.render() for f in findings], len(linted)

    first, files = step()
    assert files > 5
    chapter = book_copy / "manuscript" / "ch03-environment.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n新增一段话，用一块GPU推理。\n", encoding="utf-8")
    after_edit, again = step()
    assert again == 1
    assert after_edit == [f.render() for f in lint_check(Book(Repo(book_copy)))] and after_edit != first
    glossary = book_copy / typography.GLOSSARY_FILE
    glossary.write_text(glossary.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert step()[1] == files
    memo = check.StepCache(book_copy).folder / "lint-files.json"
    memo.write_text('{"context": 1, "files": [', encoding="utf-8")
    assert step() == (after_edit, files)
    assert step()[1] == 0 and step(no_cache=True) == (after_edit, files)  # --no-cache: every file again
