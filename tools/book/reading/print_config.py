"""The print settings: `print.yaml` at the repository root (every key optional), else the defaults below. Read here
so that `book check` (print-overflow) and `make pdf` read the same numbers.

    paper: [185mm, 260mm]     # trim size; 16 开 by default
    template: print/my-press.typ  # a publisher's Typst template, replacing the default (see docs/print.md)
    fonts: fonts/             # a folder searched for fonts before the system's
    author: …  publisher: …  edition: …  isbn: …  cip: …   # the title and copyright pages
    code_columns: 89          # the widest code line that fits the text block (print-overflow)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..findings import ToolError
from ..messages import say

LENGTH = re.compile(r"^\d+(?:\.\d+)?(?:mm|cm|in|pt)$")
# Noto Sans Mono CJK: a Latin character is half an em. At 9 pt in the default 145 mm text block less the code box's
# 4 pt insets, 89 of them fit (tests/test_print.py measures it in Typst). A Chinese character counts two.
CODE_COLUMNS = 89


@dataclass
class PrintConfig:
    paper: tuple[str, str] = ("185mm", "260mm")
    template: Path | None = None    # None: the default design (book/print/template/book.typ)
    fonts: Path | None = None
    title: str | None = None
    subtitle: str | None = None
    author: str | None = "作者"
    publisher: str | None = "出版社"
    edition: str | None = None
    isbn: str = "ISBN 978-7-XXX-XXXXX-X"
    cip: str = "（CIP 数据由出版社填写）"
    code_columns: int = CODE_COLUMNS
    file: Path | None = field(default=None)


def load(root: Path) -> PrintConfig:
    path = root / "print.yaml"
    config = PrintConfig()
    if not path.is_file():
        return config
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as problem:
        raise ToolError(say("print:config", path="print.yaml", problem=str(problem).split("\n")[0]))
    if not isinstance(data, dict):
        raise ToolError(say("print:config", path="print.yaml", problem="not a mapping"))
    config.file = path
    paper = data.get("paper")
    if paper is not None:
        if not (isinstance(paper, list) and len(paper) == 2 and all(LENGTH.match(str(p)) for p in paper)):
            raise ToolError(say("print:config", path="print.yaml", problem=f"paper: {paper!r}"))
        config.paper = (str(paper[0]), str(paper[1]))
    for key in ("title", "subtitle", "author", "publisher", "edition", "isbn", "cip"):
        if key in data:
            setattr(config, key, None if data[key] is None else str(data[key]))
    if data.get("template"):
        config.template = (root / data["template"]).resolve()
        if not config.template.is_file():
            raise ToolError(say("print:config", path="print.yaml", problem=f"template: {data['template']}"))
    if data.get("fonts"):
        config.fonts = (root / data["fonts"]).resolve()
    if data.get("code_columns"):
        config.code_columns = int(data["code_columns"])
    return config
