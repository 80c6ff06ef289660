"""The open data items of the book: open checklist items, pending citations (`p. ?`) and `TODO(data):` notes, each
with its file, line and the chapter it belongs to."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..findings import Finding
from ..reading.book import Book, SourceFile
from ..reading.markdown import code_lines
from ..messages import say
from .claims import snippet

TODO_NOTE = re.compile(r"TODO\(data\)\s*[:：]\s*(?P<text>.*?)\s*(?:-->|$)")
OTHER_GROUP, TOC_GROUP, HOME_GROUP = "其他", "目录与提案", "首页"


@dataclass
class Item:
    group: str
    path: str
    line: int
    col: int
    kind: str  # checklist, pending-citation, todo-note
    text: str


def chapter_groups(book: Book) -> dict[str, str]:
    """Each chapter file (as findings name it) → its heading in the TOC, in book order."""
    return {book.shown(c.path): c.heading for c in book.toc.chapters if c.path is not None}


def open_checkbox(token) -> bool:
    children = token.children or []
    return bool(children) and children[0].type == "html_inline" and "task-list-item-checkbox" in children[0].content \
        and "checked" not in children[0].content


def items_of(book: Book, source: SourceFile, group: str) -> list[Item]:
    doc = book.document(source)
    shown, found = source.shown, []
    tokens = doc.tokens
    for i, token in enumerate(tokens):
        if token.type == "inline" and i >= 2 and tokens[i - 2].type == "list_item_open" and open_checkbox(token):
            line = token.map[0] + 1
            col = doc.lines[token.map[0]].find("[ ]") + 1
            found.append(Item(group, shown, line, col, "checklist", " ".join(token.content.split())))
    skip = code_lines(tokens)
    for number, line in enumerate(doc.lines, start=1):
        if number in skip:
            continue
        for m in TODO_NOTE.finditer(line):
            found.append(Item(group, shown, number, m.start() + 1, "todo-note", m["text"]))
    citations = book.citations
    if citations is not None:
        for unit in book.units(source):
            if "?" not in unit.text and "？" not in unit.text:
                continue
            for c in citations.find(unit.text):
                if c.pending and not c.problem:
                    line, col = unit.where(c.start)
                    found.append(Item(group, shown, line, col, "pending-citation",
                                      pending_message(c.key, unit.text, c.start)))
    return found


def pending_message(key: str, text: str, start: int) -> str:
    return say("pending-citation", key=key, context=snippet(text, start))


def collect(book: Book) -> tuple[list[Item], list[Finding]]:
    """The open items in book order, and the files that could not be read."""
    groups = chapter_groups(book)

    def group_of(shown: str) -> str:
        if shown.startswith("toc/"):
            return TOC_GROUP
        if shown == "manuscript/index.md":
            return HOME_GROUP
        return groups.get(shown, OTHER_GROUP)

    items, problems = [], []
    book.prepare()
    for source in book.files:
        if source.problem is not None:
            problems.append(source.problem)
            continue
        items += items_of(book, source, group_of(source.shown))
    order = {label: k for k, label in enumerate([HOME_GROUP, *groups.values(), TOC_GROUP, OTHER_GROUP])}
    items.sort(key=lambda it: (order.get(it.group, len(order)), it.path, it.line, it.col))
    return items, problems


KIND_LABEL = {"checklist": "待办清单", "pending-citation": "待补页码", "todo-note": "TODO(data)"}


def markdown_report(items: list[todo.Item]) -> str:
    out = [f"共 {len(items)} 个未完成的数据项。", ""]
    group = None
    for it in items:
        if it.group != group:
            group = it.group
            out += ["", f"## {group}", ""]
        out.append(f"- [ ] {KIND_LABEL[it.kind]}：{it.text}（`{it.path}:{it.line}`）")
    return "\n".join(out).strip() + "\n"
