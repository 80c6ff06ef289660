"""The runner: nbval verdicts per notebook, the store answering for unchanged inputs, failures at their own line.

Each test builds a tiny repository (no torch) in a temporary folder with its own store; the notebooks run for real
under nbval, each in its own kernel, so these take a few seconds each.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from book.execution import runner
from book.execution.store import Store


def make_repo(root: Path) -> Path:
    (root / "code" / "common").mkdir(parents=True)
    (root / "code" / "common" / "__init__.py").write_text("")
    (root / "code" / "common" / "util.py").write_text("def double(x):\n    return 2 * x\n")
    (root / "code" / "common" / "other.py").write_text("X = 1\n")
    (root / "manuscript").mkdir()
    (root / "manuscript" / "ch01.md").write_text("# 第1章\n")
    (root / "requirements.lock").write_text("nbval==0.11.0\n")
    return root


def write_nb(root: Path, name: str, cells) -> Path:
    path = root / "code" / "ch01-demo" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=cells), path)
    return path


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.setenv("BOOK_CACHE_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("BOOK_CELL_TIMEOUT", raising=False)
    return make_repo(tmp_path / "repo")


def good_cells():
    return [new_markdown_cell("# 演示"), new_code_cell("from common.util import double"),
            new_markdown_cell("说明"), new_code_cell("print(double(21))")]


def run(repo: Path, notebooks, **opts) -> runner.RunReport:
    return runner.run(repo, notebooks, runner.Options(scale="ci", device="cpu", **opts),
                      store=Store(Path(os.environ["BOOK_CACHE_DIR"])))


def test_passing_notebook_is_stored_then_cached_until_an_input_changes(repo):
    nb = write_nb(repo, "demo.ipynb", good_cells())
    first = run(repo, [nb])
    assert [r.status for r in first.notebooks] == ["executed"] and not first.problems
    assert first.notebooks[0].why == ["没有已存的运行"]
    again = run(repo, [nb])
    assert [r.status for r in again.notebooks] == ["cached"] and again.notebooks[0].key == first.notebooks[0].key
    # prose beside the code: still cached
    doc = nbformat.read(nb, as_version=4)
    doc.cells[0].source = "# 新的标题\n更多说明"
    nbformat.write(doc, nb)
    assert run(repo, [nb]).notebooks[0].status == "cached"
    # a module it does not import: still cached; one it imports: runs, saying why
    (repo / "code" / "common" / "other.py").write_text("X = 2\n")
    assert run(repo, [nb]).notebooks[0].status == "cached"
    (repo / "code" / "common" / "util.py").write_text("def double(x):\n    return x + x\n")
    changed = run(repo, [nb]).notebooks[0]
    assert changed.status == "executed" and changed.why == ["code/common/util.py 已修改"]
    assert run(repo, [nb], force=True).notebooks[0].why == ["--force"]


def test_failing_notebook_is_reported_at_its_line_and_never_stored(repo):
    cells = [new_markdown_cell("# 演示"), new_code_cell("x = 1"), new_markdown_cell("a\nb\nc"),
             new_code_cell("y = 2\nraise ValueError('坏了')\nz = 3"), new_code_cell("print(y)"),
             new_code_cell("print(undefined_name)")]
    nb = write_nb(repo, "bad.ipynb", cells)
    report = run(repo, [nb])
    assert [r.status for r in report.notebooks] == ["failed"]
    [problem] = report.problems                                   # no follow-on NameError of the later cells
    assert problem.code == "nbval-exception" and problem.params["cell"] == 1
    assert problem.params["exception"] == "ValueError: 坏了"
    lines = nb.read_text(encoding="utf-8").splitlines()
    assert "raise ValueError" in lines[problem.line - 1]
    assert "\x1b" not in json.dumps(problem.params)
    assert not list(Path(os.environ["BOOK_CACHE_DIR"]).rglob("*.json"))       # never stored as passing
    assert run(repo, [nb]).notebooks[0].status == "failed"                   # so it runs again


def test_exception_raised_in_common_names_the_module(repo):
    (repo / "code" / "common" / "util.py").write_text("def double(x):\n    raise RuntimeError('no')\n")
    nb = write_nb(repo, "demo.ipynb", good_cells())
    [problem] = run(repo, [nb]).problems
    assert problem.params["raised"] == "code/common/util.py:2"
    assert "print(double(21))" in nb.read_text(encoding="utf-8").splitlines()[problem.line - 1]


def test_output_mismatch_is_located(repo):
    cell = new_code_cell("print('bye')", execution_count=1,
                         outputs=[new_output("stream", name="stdout", text="hello\n")])
    nb = write_nb(repo, "mismatch.ipynb", [new_markdown_cell("x"), new_code_cell("a = 1"), cell])
    [problem] = run(repo, [nb]).problems
    assert problem.code == "nbval-mismatch" and problem.params["cell"] == 1
    assert "print('bye')" in nb.read_text(encoding="utf-8").splitlines()[problem.line - 1]


def test_timeout_names_its_cell_and_how_long_it_ran(repo):
    nb = write_nb(repo, "slow.ipynb", [new_code_cell("x = 1"), new_markdown_cell("slow"),
                                       new_code_cell("import time\ntime.sleep(30)")])
    report = run(repo, [nb], cell_timeout=2)
    [problem] = report.problems
    assert problem.code == "nbval-timeout" and problem.params["cell"] == 1 and problem.params["limit"] == 2
    assert 2 <= problem.params["seconds"] < 30
    assert "time.sleep" in nb.read_text(encoding="utf-8").splitlines()[problem.line - 1] or \
        "import time" in nb.read_text(encoding="utf-8").splitlines()[problem.line - 1]
    assert report.notebooks[0].status == "failed"


def test_kernel_that_cannot_start(repo):
    nb = write_nb(repo, "demo.ipynb", good_cells())
    [problem] = run(repo, [nb], kernel_name="no-such-kernel").problems
    assert problem.code == "kernel-start"
    assert "no-such-kernel" in problem.params["reason"] and "CallInfo" not in problem.params["reason"]


def test_side_effects_outside_the_caches_are_found(repo):
    nb = write_nb(repo, "writer.ipynb", [new_code_cell(
        "from pathlib import Path\n"
        "Path('../../manuscript/injected.md').write_text('x')\n"
        "Path('../.cache').mkdir(exist_ok=True); Path('../.cache/ok.txt').write_text('fine')\n"
        "Path('../../.cache').mkdir(exist_ok=True); Path('../../.cache/ok.txt').write_text('fine')\n"
        "Path('../../manuscript/ch01.md').write_text('# 改了')")])
    report = run(repo, [nb])
    found = {(p.path, p.params["change"]) for p in report.problems if p.code == "notebook-side-effect"}
    assert found == {("manuscript/injected.md", "created"), ("manuscript/ch01.md", "changed")}
    # answered from the store next time: nothing runs, nothing to report
    (repo / "manuscript" / "injected.md").unlink()
    assert not run(repo, [nb]).problems


def test_a_full_size_run_keeps_the_executed_notebook_beside_its_results(repo):
    writer = ("import json, os\nfrom pathlib import Path\n"
              "doc = {'provenance': {'inputs_key': os.environ['BOOK_INPUTS_KEY'], 'commit': 'c0ffee'}}\n"
              "Path('../results').mkdir(exist_ok=True)\n"
              "Path('../results/ch01-demo.json').write_text(json.dumps(doc))")
    nb = write_nb(repo, "demo.ipynb", [new_markdown_cell("# 演示"), new_code_cell(writer),
                                       new_code_cell("print('六')\n7 * 6")])
    other = repo / "code" / "results" / "ch02-other.json"      # another notebook's results: left alone
    other.parent.mkdir()
    other.write_text(json.dumps({"provenance": {"inputs_key": "another run"}}))
    previous = os.umask(0o022)
    try:
        report = runner.run(repo, [nb], runner.Options(scale="full", device="cpu"),
                            store=Store(Path(os.environ["BOOK_CACHE_DIR"])))
    finally:
        os.umask(previous)
    assert [r.status for r in report.notebooks] == ["executed"] and not report.problems
    assert sorted(p.name for p in other.parent.iterdir()) == ["ch01-demo.ipynb", "ch01-demo.json", "ch02-other.json"]
    kept = other.parent / "ch01-demo.ipynb"
    assert kept.stat().st_mode & 0o777 == 0o644
    executed = nbformat.read(kept, as_version=4)
    nbformat.validate(executed)
    assert executed.metadata["book"] == {"inputs_key": report.notebooks[0].key, "notebook": "code/ch01-demo/demo.ipynb",
                                         "results": "ch01-demo.json",
                                         "scale": "full", "device": "cpu", "commit": "c0ffee"}
    last = executed.cells[2]
    assert last.execution_count == 2
    assert [o.output_type for o in last.outputs] == ["stream", "execute_result"]
    assert last.outputs[0].text == "六\n" and last.outputs[1].data["text/plain"] == "42"


def test_two_workers_run_side_by_side(repo):
    nbs = [write_nb(repo, f"n{i}.ipynb", [new_code_cell("import time\ntime.sleep(2)")]) for i in range(2)]
    report = run(repo, nbs, jobs=2)
    assert [r.status for r in report.notebooks] == ["executed", "executed"] and report.jobs == 2


def test_two_runs_at_once_share_one_store(repo, tmp_path):
    nbs = [write_nb(repo, f"n{i}.ipynb", [new_code_cell(f"import time\ntime.sleep(1)\nprint({i})")])
           for i in range(3)]
    script = ("import json, sys; from pathlib import Path; from book.execution import runner\n"
              "r = runner.run(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]], runner.Options(jobs=1))\n"
              "print(json.dumps([[n.path, n.status] for n in r.notebooks] + [[p.code] for p in r.problems]))")
    env = dict(os.environ, PYTHONPATH=str(Path(runner.__file__).parents[2]))
    procs = [subprocess.Popen([sys.executable, "-c", script, str(repo), *map(str, nbs)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    results = [json.loads(o[0]) for o in outs]
    statuses = [status for r in results for _, status in r]
    assert set(statuses) <= {"executed", "cached"}
    assert statuses.count("executed") == 3        # each notebook executed once; the other run waited, then cached
    final = run(repo, nbs)
    assert [r.status for r in final.notebooks] == ["cached"] * 3


def test_cell_lines_count_code_cells_only():
    nb = new_notebook(cells=[new_markdown_cell("a"), new_code_cell("one\ntwo"), new_markdown_cell("b\nc"),
                             new_code_cell("three"), new_code_cell("")])
    text = nbformat.writes(nb)
    lines = text.splitlines()
    assert '"one\\n"' in lines[runner.cell_location(text, 0) - 1]
    assert '"two"' in lines[runner.cell_location(text, 0, 2) - 1]
    assert '"three"' in lines[runner.cell_location(text, 1) - 1]
    assert runner.cell_location(text, 2) > runner.cell_location(text, 1)
    assert runner.cell_location(text, 7) == 1


def test_shared_models_are_found_statically():
    sources = ['target = trained_model(configs["trained"], DEVICE, **runtime.training("trained"))\n'
               'draft = trained_model(configs["draft"], DEVICE, **runtime.training("draft"))', "print('x')"]
    assert runner.shared_models(sources) == ["trained", "draft"]
