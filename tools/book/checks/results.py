"""The results check: every recorded results file in code/results/ validates against schemas/results.schema.json."""
from __future__ import annotations

import json

from ..findings import ERROR, Finding, rel
from ..messages import finding
from ..reading.repo import Repo
from ..reading.schemas import errors


def results_findings(repo: Repo) -> list[Finding]:
    """Every committed results file validates against schemas/results.schema.json."""
    found = []
    for path in sorted((repo.code / "results").glob("*.json")):
        shown = rel(path, repo.root)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            found.append(finding(shown, exc.lineno, exc.colno, ERROR, "results-schema:json", problem=exc.msg))
            continue
        for e in errors(repo.schemas / "results.schema.json", data):
            where = "/".join(map(str, e.absolute_path))
            found.append(finding(shown, 1, 1, ERROR, "results-schema:schema", problem=f"{where}: {e.message}" if where else e.message))
    return found
