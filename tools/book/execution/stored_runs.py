"""The stored full-size run of a notebook, as readers are shown it on the site and in print.

`make gpu` keeps each executed notebook as `code/results/<results stem>.ipynb`, beside the results file of the same
run (whose `chapter` and `notebook` name the notebook). Its `metadata.book` carries `inputs_key` (and may carry
`inputs`, `scale`, `commit`, `date`, `device_name`); the results file's `provenance` holds the rest. What changed
since the run is told by the execution store's inputs key, in `stale-result`'s terms.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from . import keys


@dataclass
class StoredRun:
    path: Path
    notebook: dict
    provenance: dict
    changed: list[str] | None   # inputs changed since the run ([]: none; None: cannot tell which)

    def run_line(self) -> str:
        p = self.provenance
        device = p.get("device_name") or p.get("device") or "未记录的设备"
        commit = str(p.get("commit") or "")[:7] or "未记录"
        date = str(p.get("date") or "")[:10] or "未记录"
        scale = {"full": "全尺寸（full）", "ci": "小规模（ci）"}.get(p.get("scale"), p.get("scale") or "未记录")
        return f"以下输出来自一次{scale}运行：{device}，代码提交 {commit}，{date}。"

    def stale_line(self, numbers_on: str) -> str | None:
        """`numbers_on` says where the reader sees the numbers (页面上, 输出中)."""
        if self.changed == []:
            return None
        if self.changed is None:
            return f"这次运行之后，这个 notebook 的输入已改变（输入哈希不同）：{numbers_on}的数字出自改动之前的代码。"
        named = [f"{path.split('#', 1)[1]} 的版本" if "#" in path else path for path in self.changed]
        shown = "、".join(named[:3]) + (f" 等 {len(named)} 项" if len(named) > 3 else "")
        shown += " " if shown[-1:].isascii() else ""  # a path, then a space before the Chinese
        return f"这次运行之后，{shown}已改变：{numbers_on}的数字出自改动之前的代码。"


def results_stem(repo_root: Path, notebook: Path) -> str | None:
    """The stem of the results file the notebook records (`code/results/ch05-batching.json` → `ch05-batching`)."""
    for path in sorted((repo_root / "code" / "results").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("chapter") == notebook.parent.name and data.get("notebook") == notebook.name:
            return path.stem
    return None


def stored_run(repo_root: Path, notebook: Path) -> StoredRun | None:
    """The notebook's stored full-size run, or None when none is kept (or it cannot be read)."""
    stem = results_stem(repo_root, notebook)
    path = repo_root / "code" / "results" / f"{stem}.ipynb" if stem else None
    if path is None or not path.is_file():
        return None
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        results = json.loads((path.with_suffix(".json")).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    meta = stored.get("metadata", {}).get("book", {}) if isinstance(stored, dict) else {}
    meta = meta if isinstance(meta, dict) else {}
    recorded = results.get("provenance", {}) if isinstance(results, dict) else {}
    recorded = recorded if isinstance(recorded, dict) else {}
    provenance = {**recorded, **{k: meta[k] for k in ("scale", "commit", "date", "device_name") if meta.get(k)}}
    recorded_key, recorded_inputs = meta.get("inputs_key"), meta.get("inputs")
    if not isinstance(recorded_inputs, dict) and recorded.get("inputs_key") == recorded_key:
        recorded_inputs = recorded.get("inputs")  # the results file of the same run holds its inputs
    changed: list[str] | None = None
    try:
        current = keys.notebook_inputs(notebook, provenance.get("scale") if provenance.get("scale") in keys.SCALES
                                       else "full", "cuda", repo_root)
        if recorded_key == current.key:
            changed = []
        elif isinstance(recorded_inputs, dict):
            changed = [p for p, _ in keys.changed(recorded_inputs, current.inputs)] or None
    except keys.InputsError:
        pass
    return StoredRun(path, stored, provenance, changed)
