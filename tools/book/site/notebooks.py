"""The notebook pages a reader sees. A notebook page is rendered (by mkdocs-jupyter) from a prepared copy:

- release: the stored full-size run, `code/results/<results stem>.ipynb` (kept by `make gpu` beside the results file
  of the same run), under one line saying where and when it ran (device, commit, date, scale); when the notebook's
  inputs changed since, it is still the one shown, under a second line naming the inputs changed (as `stale-result`
  does). With no stored run, the notebook's code and prose without any output, under one line saying so. The ci
  outputs never reach the release.
- draft: the notebook as committed, with its ci-scale outputs (the nbval reference), under a line saying that they
  come from a small CPU run; a notebook the release leaves out (checks/drafts.py) first shows the box a draft section
  shows, saying why.

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
from pathlib import Path

from ..execution.stored_runs import stored_run
from .render import join_cjk_breaks

SHOWN_TAGS = {"hide-input"}  # the tag mkdocs-jupyter acts on; nbval's tags are for the checker, not for readers
PROGRESS_LINE = re.compile(r"^\s*(?:step|epoch|iter(?:ation)?)\s+\d+\s*/\s*\d+\b", re.I | re.M)
LOG_FOLD_LINES = 3  # a stream output with more progress lines than this is a training log, shown folded


def note_cell(text: str, kind: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "id": f"book-{kind}",
            "source": f'<p class="run-note run-note--{kind}">{text}</p>'}


NO_RUN_LINE = "全尺寸运行的结果尚未存入本书仓库：这里只显示代码与说明，没有运行输出。"
CI_LINE = "草稿版：以下输出来自 CPU 上的小规模运行（BOOK_SCALE=ci），只用于核对代码能运行、结论成立，数字不代表书中的结果。"
# The box the draft site shows on a draft section (site/drafts.py), with the reason a notebook is one.
DRAFT_BOX = ('<div class="admonition warning"><p class="admonition-title">草稿：发布版不包含这个 notebook</p>'
             "<p>正文已写完的部分没有链接它（只有草稿节链接它，或者没有一节链接它）。</p></div>")


def prepared(repo_root: Path, notebook: Path, draft: bool, left_out: bool = False) -> dict:
    """The notebook a reader's page is rendered from; `left_out`: the release leaves it out (the draft marks it)."""
    source = json.loads(notebook.read_text(encoding="utf-8"))
    notes: list[dict]
    if draft:
        shown, notes = source, [note_cell(CI_LINE, "ci")]
        if left_out:
            notes.insert(0, {"cell_type": "markdown", "metadata": {}, "id": "book-draft", "source": DRAFT_BOX})
    else:
        run = stored_run(repo_root, notebook)
        if run is not None:
            shown = run.notebook
            notes = [note_cell(html.escape(run.run_line()), "full")]
            if (stale := run.stale_line("页面上")) is not None:
                notes.append(note_cell(html.escape(stale), "stale"))
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
