"""`book todo`: the open data items of the book — checklist items, pending citations and TODO(data) notes — per chapter."""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

from . import claims_run, toc_run
from .diagnostics import ERROR, Finding, rel
from .prose import Document
from .repo import Repo
from .toc import chapters

TODO_NOTE = re.compile(r"TODO\(data\)\s*[:：]\s*(?P<text>.*?)\s*(?:-->|$)")
CHECKBOX = re.compile(r"^\[ \]\s+(?P<text>.+)", re.S)
OTHER_GROUP, TOC_GROUP, HOME_GROUP = "其他", "目录与提案", "首页"


@dataclass
class Item:
    group: str
    path: str
    line: int
    col: int
    kind: str  # checklist, pending-citation, todo-note
    text: str


def chapter_groups(repo: Repo) -> dict[str, str]:
    """Each chapter file (as findings name it) → its label in the TOC, in book order."""
    model = toc_run.load(repo.toc, repo).model  # the structure only: no need to re-run the TOC's checks
    if model is None:
        return {}
    groups = {}
    for chapter in chapters(model):
        if chapter["file"]:
            target = (repo.toc.parent / chapter["file"].split("#")[0]).resolve()
            number = f"第{chapter['number']}章" if chapter["kind"] == "chapter" else f"附录{chapter['number']}"
            groups[rel(target, repo.root)] = f"{number} {chapter['title']}"
    return groups


def code_lines(doc: Document) -> set[int]:
    lines = set()
    for token in doc.tokens:
        if token.type in ("fence", "code_block", "math_block") and token.map:
            lines.update(range(token.map[0] + 1, token.map[1] + 1))
    return lines


def items_of(shown: str, doc: Document, group: str) -> list[Item]:
    found = []
    tokens = doc.tokens
    for i, token in enumerate(tokens):
        if token.type == "inline" and i >= 2 and tokens[i - 2].type == "list_item_open":
            m = CHECKBOX.match(token.content)
            if m:
                line = token.map[0] + 1
                col = doc.lines[token.map[0]].find("[ ]") + 1 + doc.col_shift[token.map[0]]
                found.append(Item(group, shown, line, col, "checklist", " ".join(m["text"].split())))
    skip = code_lines(doc)
    for number, line in enumerate(doc.lines, start=1):
        if number in skip:
            continue
        for m in TODO_NOTE.finditer(line):
            found.append(Item(group, shown, number, m.start() + 1 + doc.col_shift[number - 1], "todo-note", m["text"]))
    return found


def collect(repo: Repo, strict: bool = False,
            result: claims_run.Result | None = None) -> tuple[list[Item], list[Finding]]:
    """Open data items; `result` is a claims run over the whole book that kept its documents, if one was made."""
    groups = chapter_groups(repo)

    def group_of(shown: str) -> str:
        if shown.startswith("toc/"):
            return TOC_GROUP
        if shown == "manuscript/index.md":
            return HOME_GROUP
        return groups.get(shown, OTHER_GROUP)

    if result is None or not result.documents:
        result = claims_run.run(repo, [], strict=strict, keep_documents=True)
    items = []
    for shown, doc in result.documents.items():
        items += items_of(shown, doc, group_of(shown))
    for f in result.findings:
        if f.code == "pending-citation":
            items.append(Item(group_of(f.path), f.path, f.line, f.col, "pending-citation", f.message))
    order = {label: k for k, label in enumerate([HOME_GROUP, *groups.values(), TOC_GROUP, OTHER_GROUP])}
    items.sort(key=lambda it: (order.get(it.group, len(order)), it.path, it.line, it.col))
    problems = [f for f in result.findings if f.severity == ERROR and f.code != "pending-citation"]
    return items, problems


KIND_LABEL = {"checklist": "待办清单", "pending-citation": "待补页码", "todo-note": "TODO(data)"}


def markdown_report(items: list[Item]) -> str:
    out = [f"共 {len(items)} 个未完成的数据项。", ""]
    group = None
    for it in items:
        if it.group != group:
            group = it.group
            out += ["", f"## {group}", ""]
        out.append(f"- [ ] {KIND_LABEL[it.kind]}：{it.text}（`{it.path}:{it.line}`）")
    return "\n".join(out).strip() + "\n"


def main(repo: Repo, fmt: str, strict: bool = False) -> int:
    items, problems = collect(repo, strict)
    summary = {"items": len(items), "by_kind": {k: sum(it.kind == k for it in items) for k in KIND_LABEL}}
    if fmt == "json":
        print(json.dumps({"findings": [asdict(f) for f in problems], "summary": summary,
                          "items": [asdict(it) for it in items]}, ensure_ascii=False, indent=2))
    elif fmt == "markdown":
        print(markdown_report(items), end="")
    else:
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table
        console = Console(highlight=False)
        table = Table(title=f"未完成的数据项：{len(items)} 个", show_lines=False)
        for column in ("章节", "位置", "类型", "内容"):
            table.add_column(column, overflow="fold")
        for it in items:
            table.add_row(escape(it.group), f"{it.path}:{it.line}:{it.col}", KIND_LABEL[it.kind], escape(it.text))
        console.print(table)
        console.print("  ".join(f"{KIND_LABEL[k]} {n}" for k, n in summary["by_kind"].items()))
    if strict and items:
        print(f"book todo: STRICT=1 and {len(items)} open data item(s)")
        return 1
    return 1 if problems else 0
