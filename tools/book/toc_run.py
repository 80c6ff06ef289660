"""`book toc`: read each TOC file, parse it, check it."""
from __future__ import annotations

from pathlib import Path

from .diagnostics import Finding, rel
from .repo import Repo
from .textio import FileProblem, read_text
from .toc import ParsedToc, parse
from .toc_check import check


def load(path: Path, repo: Repo) -> ParsedToc:
    shown = rel(path, repo.root)
    try:
        text = read_text(path, shown, "toc-parse")
    except FileProblem as problem:
        return ParsedToc(path, shown, None, [problem.finding])
    return parse(text, path, shown)


def run(repo: Repo, paths: list[Path]) -> tuple[list[Finding], list[dict | None]]:
    findings, models = [], []
    for path in paths or [repo.toc]:
        path = Path(path).resolve()
        parsed = load(path, repo)
        findings += check(parsed, repo, own_toc=path == repo.toc.resolve())
        models.append(parsed.model)
    return findings, models
