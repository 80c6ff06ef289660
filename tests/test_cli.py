"""The CLI contract: formats, exit statuses, and what `book check` runs."""
from __future__ import annotations

from conftest import run_book


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
