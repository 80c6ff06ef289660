"""A pytest plugin loaded beside nbval (`-p book.execution.nbval_report`): what nbval decided, as data.

nbval stays the judge; this only writes down, per code cell, the outcome, the seconds it ran, nbval's own reason
for a failure and the exception's last line, plus the executed outputs, to the JSON file named by
$BOOK_NBVAL_REPORT. The runner reads that instead of scraping pytest's text (colours, tracebacks, cell counts).
A failure while starting the kernel (nbval starts it in the notebook's setup) is reported as such.
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from ..cache import write_atomic

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_cells: list[dict] = []
_state = {"kernel": None, "collect": None, "started": time.monotonic()}


def plain(text: str) -> str:
    return ANSI.sub("", text or "")


def last_line(text: str) -> str:
    lines = [line.strip() for line in plain(text).splitlines() if line.strip()]
    return lines[-1] if lines else ""


def output_text(item, outputs) -> str:
    """The text of a cell's outputs as nbval compares them (streams, text/plain, errors), through nbval's own
    sanitizing: what differs between the stored and the new outputs, without the parts nbval is told to ignore."""
    pieces = []
    for out in outputs or []:
        kind = out.get("output_type")
        if kind == "stream":
            text = out.get("text", "")
        elif kind in ("execute_result", "display_data"):
            text = (out.get("data") or {}).get("text/plain", "")
        elif kind == "error":
            text = f"{out.get('ename', '')}: {out.get('evalue', '')}"
        else:
            continue
        text = "".join(text) if isinstance(text, list) else str(text)
        sanitize = getattr(item, "sanitize", None)
        pieces.append(sanitize(text) if callable(sanitize) else text)
    return "".join(piece if piece.endswith("\n") else piece + "\n" for piece in pieces)


def jsonable(value):
    try:
        return json.loads(json.dumps(value, default=str))
    except (TypeError, ValueError):
        return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    cell_num = getattr(item, "cell_num", None)
    if cell_num is None:
        return
    record = {"cell": cell_num, "when": call.when, "outcome": report.outcome, "seconds": round(call.duration, 3)}
    if hasattr(report, "wasxfail"):
        record["outcome"] = "xfailed"
    excinfo = call.excinfo
    if excinfo is not None and report.outcome == "failed":
        exc = excinfo.value
        if type(exc).__name__ == "NbCellError":
            reason = str(exc.args[0]) if exc.args else str(exc)
            traceback = plain(getattr(exc, "inner_traceback", None) or "")
            record.update(reason=reason, exception=last_line(traceback) if "exception" in reason.lower() or
                          "Timeout" in reason else "", traceback=traceback[-4000:])
            if reason.startswith("Cell outputs differ"):  # what was stored, and what this run printed instead
                record.update(expected=output_text(item, getattr(item.cell, "outputs", None)),
                              actual=output_text(item, getattr(item, "test_outputs", None)))
        elif call.when == "setup" and getattr(item.parent, "kernel", None) is None:
            # nbval starts the kernel in the notebook's setup: a failure here is the kernel that could not start
            reason = last_line(str(exc)) or type(exc).__name__
            _state["kernel"] = f"{type(exc).__name__}: {reason}" if type(exc).__name__ not in reason else reason
            record.update(reason="kernel-start", exception=_state["kernel"])
        else:
            record.update(reason=f"{type(exc).__name__}: {last_line(str(exc))}", exception="")
    if call.when == "call":
        record["outputs"] = jsonable(getattr(item, "test_outputs", None) or [])
    _cells.append(record)


def pytest_collectreport(report):
    if report.failed:
        _state["collect"] = last_line(str(report.longrepr))


def pytest_sessionfinish(session, exitstatus):
    target = os.environ.get("BOOK_NBVAL_REPORT")
    if not target:
        return
    doc = {"cells": _cells, "kernel_error": _state["kernel"], "collect_error": _state["collect"],
           "exitstatus": int(exitstatus), "seconds": round(time.monotonic() - _state["started"], 3)}
    write_atomic(Path(target), json.dumps(doc, ensure_ascii=False).encode("utf-8"))
