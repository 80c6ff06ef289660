"""The open data items of the book: open checklist items, pending citations (`p. ?`) and `TODO(data):` notes, each
with its file, line and the chapter it belongs to."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..findings import Finding
from ..messages import say
from ..reading.book import Book, SourceFile
from .claims import snippet

OTHER_GROUP, TOC_GROUP, HOME_GROUP = "其他", "目录与提案", "首页"


@dataclass
class Item:
    group: str
    path: str
    line: int
    col: int
    kind: str  # checklist, pending-citation, todo-note
    text: str
    candidates: list[str] = field(default_factory=list)  # a pending citation: the pages its figures are on


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
    prose = book.prose_map(source)
    for note in prose.directives_of("todo"):  # never one written in code
        line, col = prose.position(source.text.find("TODO(data)", note.start))
        found.append(Item(group, shown, line, col, "todo-note", note.note))
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
    add_candidates(book, items)
    order = {label: k for k, label in enumerate([HOME_GROUP, *groups.values(), TOC_GROUP, OTHER_GROUP])}
    items.sort(key=lambda it: (order.get(it.group, len(order)), it.path, it.line, it.col))
    return items, problems


def add_candidates(book: Book, items: list[Item]) -> None:
    """Beside each pending citation, the pages of its source's document (where there is one here) that hold the
    figures it covers."""
    from . import verify
    if not any(it.kind == "pending-citation" for it in items):
        return
    outcome = verify.check(book, all_documents=False, missing_is_error=False)
    if not outcome.verdicts:
        return
    found = verify.candidates_by_citation(book, outcome.verdicts)
    for it in items:
        if it.kind == "pending-citation":
            it.candidates = found.get((it.path, it.line, it.col), [])


def shown_text(it: Item) -> str:
    return it.text + (say("sources-verify:candidates", pages=", ".join(it.candidates)) if it.candidates else "")


KIND_LABEL = {kind: f"todo-kind:{kind}" for kind in ("checklist", "pending-citation", "todo-note")}  # message ids


def markdown_report(items: list[Item]) -> str:
    out = [say("todo:markdown-total", count=len(items)), ""]
    group = None
    for it in items:
        if it.group != group:
            group = it.group
            out += ["", f"## {group}", ""]
        out.append(say("todo:markdown-item", kind=say(KIND_LABEL[it.kind]), text=shown_text(it), where=f"{it.path}:{it.line}"))
    return "\n".join(out).strip() + "\n"
