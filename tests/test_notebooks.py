"""`book notebooks`: planted defects are caught and named by notebook and cell."""
from __future__ import annotations

import nbformat
import pytest

from conftest import run_book


def notebook(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    nb.cells = cells
    nbformat.write(nb, path)
    return path


def ran(source, text, count=1):
    return nbformat.v4.new_code_cell(source, execution_count=count, outputs=[
        nbformat.v4.new_output("stream", name="stdout", text=text)] if text else [])


@pytest.fixture
def planted(book_copy):
    folder = book_copy / "code" / "ch99-planted"
    folder.mkdir(parents=True)
    return book_copy, folder


def test_changed_expected_output(planted):
    book, folder = planted
    nb = notebook(folder / "changed.ipynb", [ran("print(6 * 7)", "42\n"), ran("print('same')", "same\n", 2),
                                             ran("print(1 + 1)", "3\n", 3)])
    run = run_book("notebooks", str(nb), cwd=book, env={"BOOK_LANG": "en"})
    assert run.code == 1
    [finding] = run.lines("nbval-mismatch")
    assert finding.startswith("code/ch99-planted/changed.ipynb:") and "code cell 3:" in finding
    assert "(- stored, + this run): -“3” +“2”;" in finding  # what was stored against what this run printed
    line = int(finding.split(":")[1])
    assert "print(1 + 1)" in nb.read_text(encoding="utf-8").splitlines()[line - 1]


def test_cell_that_raises(planted):
    book, folder = planted
    nb = notebook(folder / "raises.ipynb", [ran("x = 1", ""), ran("raise RuntimeError('planted')", "", 2)])
    run = run_book("notebooks", str(nb), cwd=book, env={"BOOK_LANG": "en"})
    assert run.code == 1
    [finding] = run.lines("nbval-exception")
    assert "code cell 2 raised RuntimeError: planted" in finding
    assert "\x1b[" not in run.out and "Traceback" not in run.out


def test_cell_that_hangs_times_out(planted):
    book, folder = planted
    nb = notebook(folder / "hangs.ipynb", [ran("import time\ntime.sleep(600)", "")])
    run = run_book("notebooks", str(nb), cwd=book, env={"BOOK_CELL_TIMEOUT": "3", "BOOK_LANG": "en"}, timeout=120)
    assert run.code == 1
    [finding] = run.lines("nbval-timeout")
    assert "code cell 1 ran" in finding and "limit of 3 s" in finding


def test_broken_notebook_json_is_located(planted):
    book, folder = planted
    path = folder / "broken.ipynb"
    path.write_text('{\n  "cells": [\n    {"cell_type": "code",,}\n  ]\n}\n', encoding="utf-8")
    run = run_book("notebooks", str(path), cwd=book)
    assert run.code == 1
    assert run.lines("notebook-invalid")[0].startswith("code/ch99-planted/broken.ipynb:3:")


def test_passing_notebook(planted):
    book, folder = planted
    nb = notebook(folder / "fine.ipynb", [ran("print('ok')", "ok\n"),
                                          nbformat.v4.new_code_cell("# NBVAL_IGNORE_OUTPUT\nimport time; print(time.time())")])
    run = run_book("notebooks", str(nb), cwd=book)
    assert run.code == 0, run.out
    assert "book notebooks：通过" in run.out


def test_pytest_failing_before_any_cell_is_an_error(planted):
    book, folder = planted
    nb = notebook(folder / "fine.ipynb", [ran("print('ok')", "ok\n")])
    run = run_book("notebooks", str(nb), "--", "--no-such-pytest-flag", cwd=book)
    assert run.code == 1
    assert run.lines("nbval-failed") and "book notebooks：未通过" in run.out
