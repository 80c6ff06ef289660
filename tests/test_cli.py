"""The CLI contract of SPEC §3: formats, exit statuses, and what `book check` runs."""
from __future__ import annotations

from conftest import edit, run_book


def test_bad_usage_exits_2():
    run = run_book("toc", "--format", "yaml")
    assert run.code == 2 and "invalid choice" in run.err


def test_json_has_findings_and_summary_for_every_checker():
    for command in (["toc"], ["claims"]):
        doc = run_book(*command, "--format", "json").json()
        assert set(doc) >= {"findings", "summary"} and doc["summary"]["errors"] == 0


def test_check_reports_each_step_and_fails_on_any(book_copy):
    ok = run_book("check", "--skip", "notebooks", "--skip", "site", cwd=book_copy)
    assert ok.code == 0, ok.out
    assert "book check: all checks passed" in ok.out and "open data item(s)" in ok.out
    edit(book_copy / "manuscript/ch03-environment.md", "一个可复现的环境是所有优化的前提", "一个可复现的环境能让成本下降 30%")
    bad = run_book("check", "--skip", "notebooks", "--skip", "site", cwd=book_copy)
    assert bad.code == 1 and "uncited-claim" in bad.out and "failed — claims" in bad.out


def test_strict_check_fails_on_open_data_items(book_copy):
    run = run_book("check", "--skip", "notebooks", "--skip", "site", cwd=book_copy, env={"STRICT": "1"})
    assert run.code == 1 and "pending-citation" in run.out
