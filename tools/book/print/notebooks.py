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
