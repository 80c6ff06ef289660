"""The one reporter: every command's findings as text (`path:line:col: severity code message`, then a summary line)
or as one JSON object (`findings`, `summary`, and the command's own keys)."""
from __future__ import annotations

import json
from operator import attrgetter
from typing import Iterable

from ..findings import ERROR, Finding, exit_status
from ..messages import say

ORDER = attrgetter("path", "line", "col", "severity", "code", "message")


def summary(findings: Iterable[Finding]) -> dict:
    findings = list(findings)
    errors = sum(f.severity == ERROR for f in findings)
    return {"errors": errors, "warnings": len(findings) - errors}


def summary_line(what: str, findings: list[Finding]) -> str:
    s = summary(findings)
    verdict = say("report:ok" if s["errors"] == 0 else "report:failed")
    return say("report:summary", what=what, verdict=verdict, errors=s["errors"], warnings=s["warnings"])


def report(findings: Iterable[Finding], fmt: str, what: str, extra: dict | None = None,
           summary_extra: dict | None = None, echo=print, notes: list[str] | None = None) -> int:
    """Print the findings (sorted, each once) and return the exit status they call for; `notes` (text only) go
    between the findings and the summary line, which stays last."""
    findings = sorted(set(findings), key=ORDER)
    if fmt == "json":
        doc = {"findings": [f.shown() for f in findings], "summary": {**summary(findings), **(summary_extra or {})}}
        doc.update(extra or {})
        echo(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        # One write for the whole report: where output is unbuffered, a line each would be a system call each.
        echo("\n".join([*(f.render() for f in findings), *(notes or []), summary_line(what, findings)]))
    return exit_status(findings)
