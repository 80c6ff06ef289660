"""The notebooks check: every chapter's notebook valid, then run under `pytest --nbval` where its inputs changed.

The running itself is the execution layer's (keys, store, runner); this module validates the notebooks and turns
what the runner found into findings: a failing cell at its own line in the notebook, with the exception's last line;
a timeout with the cell and how long it ran; a kernel that could not start, with the reason; a file a notebook
created or changed in the repository.
"""
from __future__ import annotations

import difflib
import json
import os
import warnings
from itertools import zip_longest
from pathlib import Path

from ..cache import write_atomic
from ..execution import runner
from ..execution.keys import file_sha256
from ..findings import ERROR, Finding, ToolError, rel
from ..messages import detailed, finding_data, finding_from, say
from ..messages import finding as make_finding
from ..reading.repo import Repo
from ..reading.schemas import describe
from ..reading.textio import FileProblem, explain_json, read_text

DEFAULT_CELL_TIMEOUT = runner.DEFAULT_CELL_TIMEOUT


def finding(problem: runner.Problem) -> Finding:
    """A runner's problem as a finding, its message from the catalogue (cells counted from 1, code cells only)."""
    p = dict(problem.params)
    code, message_id, params = problem.code, problem.code, {}
    if code == "nbval-exception":
        params = {"cell": p["cell"] + 1, "exception": p.get("exception") or "?"}
        if p.get("raised"):
            message_id, params["where"] = "nbval-exception:in-module", p["raised"]
    elif code == "nbval-timeout" and "output_wait" in p:
        message_id, params = "nbval-timeout:output", {"cell": p["cell"] + 1, "seconds": f"{p['output_wait']:g}"}
    elif code == "nbval-timeout":
        params = {"cell": p["cell"] + 1, "seconds": p["seconds"], "limit": p["limit"]}
    elif code == "nbval-mismatch":
        params = {"cell": p["cell"] + 1, "diff": output_diff(p.get("expected"), p.get("actual"))}
    elif code == "nbval-failed":
        params = {"status": p.get("status", "?"), "detail": p.get("detail", "")}
    elif code == "kernel-start":
        params = {"reason": p.get("reason") or "?"}
    elif code == "notebook-side-effect":
        message_id = f"notebook-side-effect:{p.get('change', 'changed')}"
        allowed = ".cache/, code/.cache/" + (", code/results/" if p.get("scale") == "full" else "")
        params = {"allowed": allowed, "notebooks": ", ".join(p.get("notebooks") or []) or "-"}
    elif code == "notebook-invalid":
        message_id, params = "notebook-invalid:inputs", {"reason": p.get("reason", "")}
    return make_finding(problem.path, problem.line, 1, problem.severity, message_id, **params)


def output_diff(expected: str | None, actual: str | None, pairs: int = 2, width: int = 60) -> str:
    """The first lines that differ between a cell's stored and new outputs, as a short one-line diff:
    `-“stored” +“new”`, each line cut to `width`, and how many more lines differ."""
    if expected is None or actual is None:
        return say("nbval-mismatch:unknown")

    def short(line: str) -> str:
        return line if len(line) <= width else line[:width - 1] + "…"

    old, new = expected.splitlines(), actual.splitlines()
    changed = []  # (stored line or None, new line or None), a changed line beside its replacement
    for tag, a0, a1, b0, b1 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "equal":
            changed += list(zip_longest(old[a0:a1], new[b0:b1]))
    if not changed:  # the same lines: the difference is in spaces or line ends
        return say("nbval-mismatch:whitespace")
    shown = " ".join(" ".join(f"{mark}“{short(line)}”" for mark, line in (("-", was), ("+", now)) if line is not None)
                     for was, now in changed[:pairs])
    more = len(changed) - min(len(changed), pairs)
    return shown + (say("nbval-mismatch:more", count=more) if more else "")


def cell_timeout(scale: str) -> int:
    try:
        return runner.cell_timeout(scale)
    except ValueError as exc:
        raise ToolError(str(exc)) from None


def load_findings(path: Path, shown: str) -> list[Finding]:
    """A notebook that is not valid JSON or not a valid notebook, located where possible."""
    try:
        text = read_text(path, shown, "notebook-invalid")
        data = json.loads(text)
    except FileProblem as problem:  # not UTF-8, unreadable: the same codes as for any file the toolchain reads
        return [problem.finding]
    except json.JSONDecodeError as exc:
        line, col, problem = explain_json(exc)
        return [detailed(make_finding(shown, line, col, ERROR, "notebook-invalid:json", problem=problem), exc.msg)]
    if not isinstance(data, dict) or data.get("nbformat") != 4 or not isinstance(data.get("nbformat_minor"), int):
        # nbformat's validator assumes a version it has a schema for; it raises anything else on other input
        version = data.get("nbformat") if isinstance(data, dict) else None
        return [make_finding(shown, 1, 1, ERROR, "notebook-invalid:version", version=repr(version))]
    import nbformat        # here, not at the top: a check whose notebooks are all validated before never loads it
    try:
        with warnings.catch_warnings():  # nbformat's advice in English on stderr (MissingIDFieldWarning): not ours
            warnings.simplefilter("ignore")
            nbformat.validate(nbformat.from_dict(data))
    except nbformat.ValidationError as exc:  # a JSON Schema error (said per keyword, its place in it) or nbformat's own
        where = "/".join(map(str, getattr(exc, "absolute_path", ()))) or "notebook"
        problem = describe(exc) if isinstance(getattr(exc, "validator", None), str) else \
            say("notebook-invalid:structure", where=where)
        return [detailed(make_finding(shown, 1, 1, ERROR, "notebook-invalid:schema", problem=problem), exc.message)]
    except (AssertionError, KeyError, TypeError, ValueError, AttributeError, ImportError) as exc:
        return [detailed(make_finding(shown, 1, 1, ERROR, "notebook-invalid:schema",
                                      problem=say("notebook-invalid:structure", where="notebook")),
                         f"{type(exc).__name__}: {exc}")]
    return []


def validate(paths: list[Path], repo: Repo, memo: dict | None = None) -> list[Finding]:
    """load_findings for each notebook; `memo` (file hash -> findings as tuples) skips those validated before."""
    found = []
    for path in paths:
        shown = rel(path, repo.root)
        try:
            digest = file_sha256(path)
        except OSError:
            digest = None
        if memo is not None and digest is not None and isinstance(memo.get(digest), list):
            try:
                found += [finding_from(f) for f in memo[digest]]
                continue
            except (KeyError, TypeError):
                pass                          # a damaged entry: validated again
        result = load_findings(path, shown)
        if memo is not None and digest is not None:
            memo[digest] = [finding_data(f) for f in result]
        found += result
    return found


def run(repo: Repo, paths: list[Path], options: runner.Options,
        progress: runner.Progress | None = None) -> tuple[runner.RunReport, list[Finding]]:
    """Run what must run (the store answers for the rest) and return the run and its findings."""
    report = runner.run(repo.root, paths, options, progress)
    found = []
    for problem in report.problems:
        if problem.code == "notebook-side-effect":
            problem.params["scale"] = options.scale
        found.append(finding(problem))
    return report, found


def update_outputs(paths: list[Path], repo: Repo, scale: str) -> int:
    """Execute each notebook with nbclient and store its outputs in place (atomically): an author's explicit ask."""
    import nbformat
    from nbclient import NotebookClient
    os.environ["BOOK_SCALE"] = scale
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        print(say("notebooks:executing", path=rel(path, repo.root), scale=scale), flush=True)
        NotebookClient(nb, timeout=cell_timeout(scale), kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        write_atomic(path, (nbformat.writes(nb) + "\n").encode("utf-8"))
    return 0
