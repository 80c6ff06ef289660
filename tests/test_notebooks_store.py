"""`book notebooks` with the store: JSON report, cached runs, two runs at once on one store; `book check` skipping
steps whose inputs did not change."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest

from conftest import ROOT, run_book


@pytest.fixture
def planted(book_copy):
    folder = book_copy / "code" / "ch99-planted"
    folder.mkdir(parents=True)
    for path in (book_copy / "code" / "results").glob("*.json"):
        path.unlink()
    return book_copy, folder


def notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 演示")] + [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)
    return path


def test_json_report_lists_each_notebook_and_the_store_answers_next_time(planted):
    book, folder = planted
    nb = notebook(folder / "demo.ipynb", "x = 6 * 7", "print(x)")
    first = run_book("notebooks", str(nb), "--format", "json", cwd=book)
    assert first.code == 0, first.out + first.err
    doc = first.json()                                   # stdout is the JSON document alone; progress on stderr
    [entry] = doc["notebooks"]
    assert entry["path"] == "code/ch99-planted/demo.ipynb" and entry["status"] == "executed"
    assert entry["seconds"] > 0 and len(entry["key"]) == 64
    assert doc["summary"]["executed"] == 1 and doc["findings"] == []
    assert "运行" in first.err
    again = run_book("notebooks", str(nb), "--format", "json", cwd=book).json()
    assert again["notebooks"][0]["status"] == "cached" and again["notebooks"][0]["key"] == entry["key"]
    forced = run_book("notebooks", str(nb), "--format", "json", "--force", cwd=book).json()
    assert forced["notebooks"][0]["status"] == "executed"


def test_failing_notebook_is_never_cached_as_passing(planted):
    book, folder = planted
    nb = notebook(folder / "bad.ipynb", "x = 1", "raise ValueError('坏')", "print(undefined)")
    for _ in range(2):
        run = run_book("notebooks", str(nb), "--format", "json", cwd=book, env={"BOOK_LANG": "en"})
        assert run.code == 1
        doc = run.json()
        assert doc["notebooks"][0]["status"] == "failed"
        [finding] = doc["findings"]                        # the raise, not the NameError that would follow
        assert finding["code"] == "nbval-exception" and "ValueError: 坏" in finding["message"]


def test_two_book_notebooks_at_once_share_one_store(planted):
    book, folder = planted
    nbs = [str(notebook(folder / f"n{i}.ipynb", f"import time\ntime.sleep(1)\nprint({i})")) for i in range(2)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tools")}
    procs = [subprocess.Popen([sys.executable, "-m", "book", "notebooks", "-j", "1", *nbs, "--format", "json"],
                              cwd=book, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    statuses = [n["status"] for out, _ in outs for n in json.loads(out)["notebooks"]]
    assert sorted(statuses) == ["cached", "cached", "executed", "executed"]


def test_side_effect_is_an_error_naming_the_file(planted):
    book, folder = planted
    nb = notebook(folder / "writer.ipynb", "open('../../manuscript/injected.md', 'w').write('x')")
    run = run_book("notebooks", str(nb), cwd=book, env={"BOOK_LANG": "en"})
    assert run.code == 1
    [line] = run.lines("notebook-side-effect")
    assert line.startswith("manuscript/injected.md:1:1: error notebook-side-effect created")


def test_check_skips_steps_whose_inputs_did_not_change(book_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("BOOK_CACHE_DIR", str(tmp_path / "own-cache"))   # other tests check identical copies
    args = ("check", "--skip", "notebooks", "--skip", "site")
    first = run_book(*args, cwd=book_copy)
    assert "输入未变" not in first.out
    second = run_book(*args, cwd=book_copy)
    assert second.code == first.code
    assert second.out.count("输入未变") == 7          # toc, claims, lint, todo, results, figures, print (verify always runs)
    assert [l for l in second.out.splitlines() if " warning " in l or " error " in l] == \
        [l for l in first.out.splitlines() if " warning " in l or " error " in l]      # the findings replayed
    chapter = next((book_copy / "manuscript").glob("ch02-*.md"))
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n新增的一段话。\n", encoding="utf-8")
    third = run_book(*args, cwd=book_copy)
    assert third.out.count("输入未变") == 0
    strict = run_book(*args, cwd=book_copy, env={"STRICT": "1"})
    assert "数据声明与引用（claims）：通过（0.0 秒） — 输入未变" not in strict.out
