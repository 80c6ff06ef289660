"""The notebooks check: every chapter's notebook valid, then run under `pytest --nbval` where its inputs changed.

The running itself is the execution layer's (keys, store, runner); this module validates the notebooks and turns
what the runner found into findings: a failing cell at its own line in the notebook, with the exception's last line;
a timeout with the cell and how long it ran; a kernel that could not start, with the reason; a file a notebook
created or changed in the repository.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..cache import write_atomic
from ..execution import runner
from ..execution.keys import file_sha256
from ..findings import ERROR, Finding, ToolError, rel
from ..reading.repo import Repo

DEFAULT_CELL_TIMEOUT = runner.DEFAULT_CELL_TIMEOUT

MESSAGES = {
    "nbval-exception": {
        "zh": "第 {cell} 个代码单元抛出异常：{exception}{raised_zh}",
        "en": "code cell {cell} raised {exception}{raised_en}"},
    "nbval-timeout": {
        "zh": "第 {cell} 个代码单元运行了 {seconds} 秒，超过单元时限 {limit} 秒（BOOK_CELL_TIMEOUT 可放宽）",
        "en": "code cell {cell} ran {seconds} s and hit the per-cell limit of {limit} s (BOOK_CELL_TIMEOUT raises it)"},
    "nbval-mismatch": {
        "zh": "第 {cell} 个代码单元的输出与 notebook 中保存的不一致（{reason}）；计时等随机器变化的输出请加 nbval-ignore-output 标签",
        "en": "code cell {cell}: outputs differ from the ones stored in the notebook ({reason}); tag machine-dependent "
              "cells nbval-ignore-output"},
    "nbval-failed": {
        "zh": "nbval 未能运行这个 notebook（状态 {status}）：{detail}",
        "en": "nbval could not run this notebook (status {status}): {detail}"},
    "kernel-start": {
        "zh": "Jupyter 内核无法启动：{reason}",
        "en": "the Jupyter kernel could not start: {reason}"},
    "notebook-side-effect": {
        "zh": "运行 notebook 时{change_zh}了仓库中的这个文件（缓存 .cache/、code/.cache/ 之外{results_zh}）；运行的 notebook：{notebooks}",
        "en": "{change_en} in the repository while the notebooks ran (outside the caches .cache/, code/.cache/"
              "{results_en}); notebooks run: {notebooks}"},
    "notebook-invalid": {
        "zh": "无法读取这个 notebook：{reason}",
        "en": "cannot read this notebook: {reason}"},
}
CHANGE = {"created": ("创建", "created"), "changed": ("修改", "changed"), "deleted": ("删除", "deleted")}


def lang() -> str:
    return "en" if os.environ.get("BOOK_LANG", "").lower().startswith("en") else "zh"


def message(problem: runner.Problem) -> str:
    p = dict(problem.params)
    p.setdefault("raised", None)
    raised = p.pop("raised")
    p["raised_zh"] = f"（出自 {raised}）" if raised else ""
    p["raised_en"] = f" (in {raised})" if raised else ""
    if problem.code == "notebook-side-effect":
        zh, en = CHANGE.get(p.get("change"), ("改动", "changed"))
        p["change_zh"], p["change_en"] = zh, en
        p["notebooks"] = ", ".join(p.get("notebooks") or []) or "-"
        full = p.get("scale") == "full"
        p["results_zh"] = "、code/results/" if full else ""
        p["results_en"] = ", code/results/" if full else ""
    template = MESSAGES.get(problem.code, {}).get(lang())
    if template is None:
        return json.dumps(problem.params, ensure_ascii=False)
    try:
        return template.format(**p)
    except (KeyError, IndexError):
        return json.dumps(problem.params, ensure_ascii=False)


def finding(problem: runner.Problem) -> Finding:
    return Finding(problem.path, problem.line, 1, problem.severity, problem.code, message(problem))


def cell_timeout(scale: str) -> int:
    try:
        return runner.cell_timeout(scale)
    except ValueError as exc:
        raise ToolError(str(exc)) from None


def load_findings(path: Path, shown: str) -> list[Finding]:
    """A notebook that is not valid JSON or not a valid notebook, located where possible."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except UnicodeDecodeError as exc:
        return [Finding(shown, 1, 1, ERROR, "notebook-invalid", f"not valid UTF-8: {exc.reason}")]
    except json.JSONDecodeError as exc:
        return [Finding(shown, exc.lineno, exc.colno, ERROR, "notebook-invalid", f"not valid JSON: {exc.msg}")]
    except OSError as exc:
        return [Finding(shown, 1, 1, ERROR, "notebook-invalid", f"cannot read: {exc.strerror}")]
    import nbformat        # here, not at the top: a check whose notebooks are all validated before never loads it
    try:
        nbformat.validate(nbformat.from_dict(data))
    except nbformat.ValidationError as exc:
        where = "/".join(map(str, exc.absolute_path)) or "notebook"
        return [Finding(shown, 1, 1, ERROR, "notebook-invalid", f"not a valid notebook: {where}: {exc.message}")]
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
        if memo is not None and digest is not None and digest in memo:
            found += [Finding(*f) for f in memo[digest]]
            continue
        result = load_findings(path, shown)
        if memo is not None and digest is not None:
            memo[digest] = [[f.path, f.line, f.col, f.severity, f.code, f.message] for f in result]
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
        print(f"executing {rel(path, repo.root)} (BOOK_SCALE={scale}) …", flush=True)
        NotebookClient(nb, timeout=cell_timeout(scale), kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        write_atomic(path, (nbformat.writes(nb) + "\n").encode("utf-8"))
    return 0
