"""The notebooks check: every chapter's notebook valid, then run under `pytest --nbval`.

Compared outputs must match the stored ones on any machine (checks, correctness facts); timings live in cells marked
`# NBVAL_IGNORE_OUTPUT`. A failure is reported as `notebook:cell N` in the book's diagnostic format.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat

from ..cache import write_atomic
from ..findings import ERROR, Finding, ToolError, rel
from ..messages import finding
from ..reading.repo import Repo

SANITIZE = Path(__file__).with_name("nbval-sanitize.cfg")
DEFAULT_CELL_TIMEOUT = {"ci": 120, "full": 900}  # seconds; low enough that a hung cell fails CI quickly


def cell_timeout(scale: str) -> int:
    value = os.environ.get("BOOK_CELL_TIMEOUT") or str(DEFAULT_CELL_TIMEOUT[scale])
    if not value.isdigit() or int(value) < 1:
        raise ToolError(f"BOOK_CELL_TIMEOUT must be a whole number of seconds, not {value!r}")
    return int(value)


def load_findings(path: Path, shown: str) -> list[Finding]:
    """A notebook that is not valid JSON or not a valid notebook, located where possible."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except UnicodeDecodeError as exc:
        return [finding(shown, 1, 1, ERROR, "notebook-invalid:utf8", reason=exc.reason)]
    except json.JSONDecodeError as exc:
        return [finding(shown, exc.lineno, exc.colno, ERROR, "notebook-invalid:json", problem=exc.msg)]
    except OSError as exc:
        return [finding(shown, 1, 1, ERROR, "notebook-invalid:unreadable", reason=exc.strerror)]
    try:
        nbformat.validate(nbformat.from_dict(data))
    except nbformat.ValidationError as exc:
        where = "/".join(map(str, exc.absolute_path)) or "notebook"
        return [finding(shown, 1, 1, ERROR, "notebook-invalid:schema", where=where, problem=exc.message)]
    return []


ANSI = re.compile(r"(?:\x1b|#x1B)\[[0-9;]*m")
CELL_REASON = re.compile(r"^Cell (?P<cell>\d+): (?P<reason>.+)$", re.M)


def cell_line(notebook: Path, index: int) -> int:
    """Line of the index-th cell in the notebook's JSON (nbformat writes one `"cell_type"` key per cell)."""
    try:
        lines = notebook.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    starts = [n for n, line in enumerate(lines, start=1) if line.strip().startswith('"cell_type"')]
    return starts[index] if index < len(starts) else 1


def failures(junit: Path, repo: Repo) -> list[Finding]:
    """Failed cells from pytest's JUnit report, as findings that name the notebook, the cell and why."""
    if not junit.exists():
        return []
    found = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is None:
            continue
        notebook = (repo.root / case.get("file", case.get("classname", ""))).resolve()
        text = ANSI.sub("", problem.text or problem.get("message") or "")
        m = CELL_REASON.search(text)
        index = int(m["cell"]) if m else int((case.get("name") or "Cell 0").split()[-1])
        reason = m["reason"] if m else (text.strip().splitlines() or ["failed"])[0]
        if "Timeout" in reason:
            code = "nbval-timeout"
        elif "exception" in reason:
            code = "nbval-exception"
            last = [line for line in text.strip().splitlines() if line.strip()][-1:]
            reason += f": {last[0].strip()}" if last else ""
        else:
            code = "nbval-mismatch"
        found.append(finding(rel(notebook, repo.root), cell_line(notebook, index), 1, ERROR, code,
                             index=index, reason=reason))
    return found


def update_outputs(paths: list[Path], repo: Repo, scale: str) -> int:
    """Execute each notebook with nbclient and store its outputs in place (atomically): an author's explicit ask."""
    from nbclient import NotebookClient
    os.environ["BOOK_SCALE"] = scale
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        print(f"executing {rel(path, repo.root)} (BOOK_SCALE={scale}) …", flush=True)
        NotebookClient(nb, timeout=cell_timeout(scale), kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        write_atomic(path, (nbformat.writes(nb) + "\n").encode("utf-8"))
    return 0


def run(repo: Repo, notebooks: list[Path], scale: str, extra: list[str], log=sys.stdout) -> list[Finding]:
    """Run the notebooks under nbval (pytest's own output goes to `log`) and return the failed cells."""
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider",
                   "--nbval-sanitize-with", str(SANITIZE), "--nbval-cell-timeout", str(cell_timeout(scale)),
                   f"--junitxml={junit}", "-o", "junit_family=xunit1", "-q", "--color=no", "--rootdir", str(repo.root),
                   *(str(nb) for nb in notebooks), *extra]
        print(f"running {len(notebooks)} notebook(s) under nbval (BOOK_SCALE={scale}, "
              f"cell timeout {cell_timeout(scale)} s) …", file=log, flush=True)
        env = dict(os.environ, BOOK_SCALE=scale, PYTHONWARNINGS="ignore")
        status = subprocess.run(command, cwd=repo.root, env=env, stdout=log).returncode
        found = failures(junit, repo)
    if status != 0 and not found:  # pytest itself failed (usage, collection): no cell to blame
        found.append(finding(rel(repo.code, repo.root), 1, 1, ERROR, "nbval-failed", status=status))
    return found
