"""Joins what the GPU jobs of .github/workflows/gpu.yml recorded into one change of code/results/, for one pull request.

Each job (one chapter group) leaves a folder: `commit.txt` (the commit it ran), `chapters.txt`, `status.txt` (the exit
status of `make gpu`), `gpu.log` (its output) and `results/` (the results files and executed notebooks it wrote).
The join refuses (exit 1, nothing copied) when the jobs ran different commits, or a results file carries another
commit than the run's: one set of results, one commit. Otherwise it copies every job's results into code/results/
and writes the pull request's body: each group with its status, then the findings the runs reported against the
prose (`results-mismatch`: the author updates the chapter to the new figures) and any failing notebook. New results
mismatching the old prose is the normal case, so it never stops the pull request.

    python tools/gpu/join.py ARTIFACTS_DIR COMMIT BODY_FILE
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPORTED = (" results-mismatch ", " stale-result ", " nbval-", " kernel-start ", " notebook-")


def read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def jobs(artifacts: Path) -> list[Path]:
    return sorted(p for p in artifacts.iterdir() if p.is_dir() and (p / "commit.txt").is_file())


def refusals(found: list[Path], commit: str) -> list[str]:
    """Why these jobs' results cannot be joined into one set (empty when they can)."""
    why = []
    for job in found:
        ran = read(job / "commit.txt")
        if ran != commit:
            why.append(f"{job.name}：运行的是提交 {ran or '?'}，不是 {commit}")
        for path in sorted((job / "results").glob("*.json")):
            try:
                recorded = json.loads(path.read_text(encoding="utf-8"))["provenance"]["commit"]
            except (OSError, ValueError, KeyError, TypeError):
                recorded = None
            if recorded != commit:
                why.append(f"{job.name}/results/{path.name}：记录的提交是 {recorded}，不是 {commit}")
    return why


def body(found: list[Path], commit: str) -> str:
    lines = [f"`make gpu` 在 GPU 机器上以全尺寸运行了 notebook（提交 `{commit}`），本 PR 更新 `code/results/`"
             "（结果文件和执行过的 notebook）。", "", "| 章节 | make gpu 退出码 | 结果文件 |", "|---|---|---|"]
    reported = []
    for job in found:
        written = ", ".join(p.name for p in sorted((job / "results").glob("*.json"))) or "—"
        lines.append(f"| {read(job / 'chapters.txt') or job.name} | {read(job / 'status.txt') or '?'} | {written} |")
        reported += [line.strip() for line in read(job / "gpu.log").splitlines()
                     if any(code in line for code in REPORTED)]
    lines += ["", "正文与新结果不一致之处（作者据此修改正文；退出码 1 多半只是这些）：", ""]
    lines += [f"- `{line}`" for line in dict.fromkeys(reported)] or ["- 没有"]
    return "\n".join(lines) + "\n"


def join(artifacts: Path, commit: str, results: Path) -> tuple[int, str]:
    found = jobs(artifacts)
    if not found:
        return 1, "没有任何 GPU job 留下结果"
    why = refusals(found, commit)
    if why:
        return 1, "拒绝合并：各 job 的结果不是同一个提交的\n" + "\n".join(why)
    results.mkdir(parents=True, exist_ok=True)
    for job in found:
        for path in sorted((job / "results").iterdir()) if (job / "results").is_dir() else []:
            if path.suffix in (".json", ".ipynb"):
                shutil.copyfile(path, results / path.name)
    return 0, body(found, commit)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[-1].strip())
    status, text = join(Path(sys.argv[1]), sys.argv[2], ROOT / "code" / "results")
    if status:
        print(text, file=sys.stderr)
    else:
        Path(sys.argv[3]).write_text(text, encoding="utf-8")
        print(text)
    sys.exit(status)
