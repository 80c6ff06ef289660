"""Findings in the ruff style (`path:line:col: severity code message`) and their reports."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from operator import attrgetter
from pathlib import Path
from typing import Iterable

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    col: int
    severity: str
    code: str
    message: str

    def render(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity} {self.code} {self.message}"


def strict() -> bool:
    """STRICT=1: pending citations and open data items fail the check."""
    return os.environ.get("STRICT", "") not in ("", "0")


class ToolError(Exception):
    """The tool could not run at all (bad usage, unreadable configuration): exit status 2."""


def rel(path: Path, root: Path) -> str:
    """A path as findings print it: relative to the repository root where it lies inside it."""
    path = Path(path).resolve()
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def summary(findings: Iterable[Finding]) -> dict:
    findings = list(findings)
    errors = sum(f.severity == ERROR for f in findings)
    return {"errors": errors, "warnings": len(findings) - errors}


def summary_line(what: str, findings: list[Finding]) -> str:
    s = summary(findings)
    verdict = "ok" if s["errors"] == 0 else "failed"
    return f"{what}: {verdict} — {s['errors']} error(s), {s['warnings']} warning(s)"


# A finding's fields as a plain tuple: the order of a report (a C-level comparison, several times faster than the
# dataclass's own), and the form findings travel in between processes and to the cache.
FINDING_FIELDS = attrgetter(*(f.name for f in fields(Finding)))


def emit(findings: list[Finding], fmt: str, what: str, extra: dict | None = None, echo=print) -> None:
    findings = sorted(set(findings), key=FINDING_FIELDS)
    if fmt == "json":
        doc = {"findings": [asdict(f) for f in findings], "summary": summary(findings)}
        doc.update(extra or {})
        echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    # One write for the whole report: where output is unbuffered (PYTHONUNBUFFERED), a line each is a system call each.
    echo("\n".join([*(f.render() for f in findings), summary_line(what, findings)]))


def exit_status(findings: Iterable[Finding]) -> int:
    return 1 if any(f.severity == ERROR for f in findings) else 0
