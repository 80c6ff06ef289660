"""A chapter's notebooks as the printed book shows them, by the site's rules: the release prints the code and the
outputs of the stored full-size run (`code/results/<stem>.ipynb`, kept by `make gpu`) under a line saying where and
when it ran (and a second naming the inputs changed since, if any), or the code alone when no run is stored; it
never prints the ci-scale outputs that nbval compares. The draft prints those, labelled as a small CPU run.

Each line of code is located at its own line of the .ipynb file (nbformat writes one source line per JSON line), so a
finding about it (`print-overflow`) and the page map point where an author edits."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..execution import keys

SOURCE_KEY = re.compile(r'^\s*"source":')
NO_RUN_LINE = "全尺寸运行的结果尚未存入本书仓库：这里只印代码与说明，没有运行输出。"
CI_LINE = "草稿：以下输出来自 CPU 上的小规模运行（BOOK_SCALE=ci），只用于核对代码能运行、结论成立，数字不代表书中的结果。"


@dataclass
class Cell:
    kind: str                 # code, markdown
    source: str
    line: int                 # 1-based line of the cell's first source line in the .ipynb file
    tags: list[str]
    outputs: list[dict] = field(default_factory=list)


def read(path: Path) -> list[Cell]:
    """The cells of a notebook; raises ValueError for a file that is not one."""
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    source_lines = [k + 1 for k, line in enumerate(text.split("\n")) if SOURCE_KEY.match(line)]
    cells = []
    for index, cell in enumerate(nb.get("cells", [])):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        at = source_lines[index] if index < len(source_lines) else 1
        first = at + 1 if isinstance(cell.get("source"), list) else at
        cells.append(Cell(cell.get("cell_type", ""), source, first, cell.get("metadata", {}).get("tags", []),
                          cell.get("outputs", [])))
    return cells


@dataclass
class StoredRun:
    """The full-size run `make gpu` kept for a notebook: `code/results/<results stem>.ipynb`, beside the results file
    of the same run (whose `chapter` and `notebook` name the notebook), and what the book says of it."""
    path: Path
    cells: list[Cell]
    provenance: dict
    changed: list[str] | None   # inputs changed since the run ([]: none; None: cannot tell which)

    def run_line(self) -> str:
        p = self.provenance
        device = p.get("device_name") or p.get("device") or "未记录的设备"
        commit = str(p.get("commit") or "")[:7] or "未记录"
        date = str(p.get("date") or "")[:10] or "未记录"
        scale = {"full": "全尺寸（full）", "ci": "小规模（ci）"}.get(p.get("scale"), p.get("scale") or "未记录")
        return f"以下输出来自一次{scale}运行：{device}，代码提交 {commit}，{date}。"

    def stale_line(self) -> str | None:
        if self.changed == []:
            return None
        if self.changed is None:
            return "这次运行之后，这个 notebook 的输入已改变（输入哈希不同）：输出中的数字出自改动之前的代码。"
        shown = "、".join(self.changed[:3]) + (f" 等 {len(self.changed)} 个文件" if len(self.changed) > 3 else " ")
        return f"这次运行之后，{shown}已改变：输出中的数字出自改动之前的代码。"


def stored_run(repo_root: Path, notebook: Path) -> StoredRun | None:
    """The stored full-size run of the notebook, as the site finds it (site/notebooks.py), or None."""
    for results in sorted((repo_root / "code" / "results").glob("*.json")):
        try:
            data = json.loads(results.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not (isinstance(data, dict) and data.get("chapter") == notebook.parent.name
                and data.get("notebook") == notebook.name):
            continue
        kept = results.with_suffix(".ipynb")
        try:
            cells = read(kept)
            meta = json.loads(kept.read_text(encoding="utf-8")).get("metadata", {}).get("book", {})
        except (OSError, ValueError, AttributeError):
            return None
        meta = meta if isinstance(meta, dict) else {}
        recorded = data.get("provenance") if isinstance(data.get("provenance"), dict) else {}
        provenance = {**recorded, **{k: meta[k] for k in ("scale", "commit", "date", "device_name") if meta.get(k)}}
        return StoredRun(kept, cells, provenance, changed_since(repo_root, notebook, meta, recorded, provenance))
    return None


def changed_since(repo_root: Path, notebook: Path, meta: dict, recorded: dict, provenance: dict) -> list[str] | None:
    """The inputs changed since the stored run, by the execution store's inputs key."""
    key, inputs = meta.get("inputs_key"), meta.get("inputs")
    if not isinstance(inputs, dict) and recorded.get("inputs_key") == key:
        inputs = recorded.get("inputs")
    scale = provenance.get("scale") if provenance.get("scale") in keys.SCALES else "full"
    try:
        current = keys.notebook_inputs(notebook, scale, "cuda", repo_root)
    except keys.InputsError:
        return None
    if key == current.key:
        return []
    return [path for path, _ in keys.changed(inputs, current.inputs)] or None if isinstance(inputs, dict) else None


def output_text(output: dict) -> str | None:
    """What a text output prints, ANSI colours removed; None for an output that is not text."""
    if output.get("output_type") == "stream":
        text = output.get("text", "")
    elif output.get("output_type") in ("execute_result", "display_data"):
        data = output.get("data", {})
        if any(k.startswith("image/") for k in data):
            return None
        text = data.get("text/plain", "")
    elif output.get("output_type") == "error":
        text = "\n".join(output.get("traceback", []))
    else:
        return None
    text = "".join(text) if isinstance(text, list) else text
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


# What a notebook's own title repeats of the heading the book gives it (代码示例：…).
TITLE_PREFIX = re.compile(r"^(?:第\s*\S+?\s*章\s*)?(?:代码示例\s*[：:]\s*)?")


def title_of(cells: list[Cell], fallback: str) -> str:
    """The notebook's first `#` heading without a leading `第N章 代码示例：` (the book's heading says it)."""
    for cell in cells:
        if cell.kind == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return TITLE_PREFIX.sub("", m[1].strip()) or fallback
    return fallback
