"""The notebook pages a reader sees. A notebook page is rendered (by mkdocs-jupyter) from a prepared copy:

- release: the stored full-size run, `code/results/<results stem>.ipynb` (kept by `make gpu` beside the results file
  of the same run), under one line saying where and when it ran (device, commit, date, scale); when the notebook's
  inputs changed since, it is still the one shown, under a second line naming the inputs changed (as `stale-result`
  does). With no stored run, the notebook's code and prose without any output, under one line saying so. The ci
  outputs never reach the release.
- draft: the notebook as committed, with its ci-scale outputs (the nbval reference), under a line saying that they
  come from a small CPU run.

Both: line breaks between Chinese characters in Markdown cells are joined (as in chapters); cell tags (nbval's) are
not shown; long training logs are collapsed into a `<details>` block.

The stored run's metadata says which run it is (as `make gpu` writes it): `metadata.book` = {`inputs_key`, `results`,
`scale`, `device`, `commit`}, the key the results file of the same run records in `provenance.inputs_key`. What the
page says of the run (device name, date, commit, scale) and the hash of each input (to name what changed since) come
from that results file's `provenance`; `metadata.book` may carry `inputs`, `date`, `device_name` of its own.
"""
from __future__ import annotations

import copy
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..execution import keys
from .render import join_cjk_breaks

SHOWN_TAGS = {"hide-input"}  # the tag mkdocs-jupyter acts on; nbval's tags are for the checker, not for readers
PROGRESS_LINE = re.compile(r"^\s*(?:step|epoch|iter(?:ation)?)\s+\d+\s*/\s*\d+\b", re.I | re.M)
LOG_FOLD_LINES = 3  # a stream output with more progress lines than this is a training log, shown folded


@dataclass
class StoredRun:
    path: Path
    notebook: dict
    provenance: dict
    changed: list[str] | None   # inputs changed since the run ([] none; None: cannot tell)


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


def note_cell(text: str, kind: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "id": f"book-{kind}",
            "source": f'<p class="run-note run-note--{kind}">{text}</p>'}


def run_line(provenance: dict) -> str:
    device = provenance.get("device_name") or provenance.get("device") or "未记录的设备"
    commit = str(provenance.get("commit") or "")[:7] or "未记录"
    date = str(provenance.get("date") or "")[:10] or "未记录"
    scale = {"full": "全尺寸（full）", "ci": "小规模（ci）"}.get(provenance.get("scale"), provenance.get("scale") or "未记录")
    return html.escape(f"以下输出来自一次{scale}运行：{device}，代码提交 {commit}，{date}。")


def stale_line(changed: list[str] | None) -> str:
    if changed is None:
        return "这次运行之后，这个 notebook 的输入已改变（输入哈希不同）：页面上的数字出自改动之前的代码。"
    named = [f"{path.split('#', 1)[1]} 的版本" if "#" in path else path for path in changed]  # requirements.lock#torch
    shown = "、".join(named[:3]) + (f" 等 {len(named)} 项" if len(named) > 3 else "")
    shown += " " if shown[-1:].isascii() else ""  # a path, then a space before the Chinese
    return html.escape(f"这次运行之后，{shown}已改变：页面上的数字出自改动之前的代码。")


NO_RUN_LINE = "全尺寸运行的结果尚未存入本书仓库：这里只显示代码与说明，没有运行输出。"
CI_LINE = "草稿版：以下输出来自 CPU 上的小规模运行（BOOK_SCALE=ci），只用于核对代码能运行、结论成立，数字不代表书中的结果。"


def prepared(repo_root: Path, notebook: Path, draft: bool) -> dict:
    """The notebook a reader's page is rendered from."""
    source = json.loads(notebook.read_text(encoding="utf-8"))
    notes: list[dict]
    if draft:
        shown, notes = source, [note_cell(CI_LINE, "ci")]
    else:
        run = stored_run(repo_root, notebook)
        if run is not None:
            shown = run.notebook
            notes = [note_cell(run_line(run.provenance), "full")]
            if run.changed != []:
                notes.append(note_cell(stale_line(run.changed), "stale"))
        else:
            shown, notes = without_outputs(source), [note_cell(NO_RUN_LINE, "none")]
    return for_readers(shown, notes)


def without_outputs(nb: dict) -> dict:
    """The code and prose only; a set-up cell whose code is hidden (`hide-input`) would be an empty box: left out."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            if "hide-input" in cell.get("metadata", {}).get("tags", []):
                continue
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    nb["cells"] = cells
    return nb


def for_readers(nb: dict, notes: list[dict]) -> dict:
    nb = copy.deepcopy(nb)
    cells = nb.get("cells", [])
    for cell in cells:
        tags = cell.get("metadata", {}).get("tags")
        if tags is not None:
            cell["metadata"]["tags"] = [t for t in tags if t in SHOWN_TAGS]
        if cell.get("cell_type") == "markdown":
            text = "".join(cell["source"]) if isinstance(cell.get("source"), list) else cell.get("source", "")
            cell["source"] = join_cjk_breaks(text)
        elif cell.get("cell_type") == "code":
            cell["outputs"] = [folded(o) for o in cell.get("outputs", [])]
    first = cells[0] if cells else None
    title_first = first is not None and first.get("cell_type") == "markdown" and \
        str(first.get("source", "")).lstrip().startswith("# ")
    at = 1 if title_first else 0
    if title_first:  # the title, then the run's line, then the introduction
        title, _, rest = str(first["source"]).lstrip().partition("\n")
        first["source"] = title
        if rest.strip():
            cells.insert(1, {"cell_type": "markdown", "metadata": {}, "id": "book-intro", "source": rest.strip()})
    nb["cells"] = cells[:at] + notes + cells[at:]
    return nb


def folded(output: dict) -> dict:
    """A stream output that is a training log becomes a folded block; any other output as it is."""
    if output.get("output_type") != "stream":
        return output
    text = "".join(output["text"]) if isinstance(output.get("text"), list) else output.get("text", "")
    progress = PROGRESS_LINE.findall(text)
    if len(progress) <= LOG_FOLD_LINES:
        return output
    lines = text.rstrip("\n").split("\n")
    summary = f"训练过程（{len(lines)} 行输出，点击展开）"
    block = (f'<details class="training-log"><summary>{summary}</summary>'
             f"<pre>{html.escape(text)}</pre></details>")
    return {"output_type": "display_data", "metadata": {}, "data": {"text/html": block, "text/plain": summary}}


def notebook_title(nb_path: Path) -> str | None:
    """The notebook's own title, without the chapter and `代码示例：` prefixes (`第5章 代码示例：连续批处理` → `连续批处理`)."""
    try:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        text = "".join(cell["source"]) if isinstance(cell.get("source"), list) else cell.get("source", "")
        m = re.match(r"\s*#\s+(.+)", text)
        if m:
            title = re.sub(r"^(?:第\s*\d+\s*章|附录[A-Z])\s*", "", m[1].strip())
            return re.sub(r"^代码示例\s*[：:]\s*", "", title).strip() or None
        return None
    return None
