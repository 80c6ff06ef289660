"""The open data items of the book: open checklist items, pending citations (`p. ?`) and `TODO(data):` notes, each
with its file, line and the chapter it belongs to."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..findings import Finding
from ..messages import say
from ..reading.book import Book, SourceFile
from ..reading.repo import notebook_chapter, resolved
from ..reading.prose import TODO_MARK
from .claims import snippet

OTHER_GROUP, TOC_GROUP, HOME_GROUP = "其他", "目录与提案", "首页"


@dataclass
class Item:
    group: str
    path: str
    line: int
    col: int
    kind: str  # checklist, pending-citation, todo-note, draft
    text: str
    candidates: list[str] = field(default_factory=list)  # a pending citation: the pages its figures are on


def chapter_groups(book: Book) -> dict[str, str]:
    """Each chapter file (as findings name it) → its heading in the TOC, in book order."""
    return {book.shown(c.path): c.heading for c in book.toc.chapters if c.path is not None}


def open_checkbox(token) -> bool:
    children = token.children or []
    return bool(children) and children[0].type == "html_inline" and "task-list-item-checkbox" in children[0].content \
        and "checked" not in children[0].content


def shorten(text: str, limit: int = 80) -> str:
    """One line of at most `limit` characters; no space is left before Chinese punctuation (where a comment was)."""
    text = re.sub(r"\s+(?=[，。；：！？、）])", "", " ".join(text.split()))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def todo_notes(book: Book, source: SourceFile) -> list[tuple[int, int, str, str | None]]:
    """(line, col, note, sentence) of each `TODO(data):` note of a prose file, as the prose map finds them (in a
    comment or in the prose, never in code). A comment placed after a sentence on its line (`…增长 30%。<!--
    TODO(data): 来源待查 -->`) is about that sentence, which comes with it; a note on lines of its own, or written in
    the prose, says all there is (sentence None)."""
    prose = book.prose_map(source)
    notes = []
    for note in prose.directives_of("todo"):
        line, col = prose.position(source.text.find(TODO_MARK, note.start))
        sentence = None
        if source.text.startswith("<!--", note.start):
            same_line = [u for u in prose.units if u.text.strip() and u.where(len(u.text.rstrip()) - 1)[0] == line
                         and u.sources[0] < note.start]
            sentence = same_line[-1].text if same_line else None
        notes.append((line, col, note.note, sentence))
    return notes


def items_of(book: Book, source: SourceFile, group: str) -> list[Item]:
    """The file's open items, one per line that holds any: a checklist line that also carries a TODO(data) note or
    a pending citation is listed as those (the items every count shares), with the checklist's text."""
    doc = book.document(source)
    shown, found = source.shown, []
    tokens = doc.tokens
    checklist: dict[int, Item] = {}
    for i, token in enumerate(tokens):
        if token.type == "inline" and i >= 2 and tokens[i - 2].type == "list_item_open" and open_checkbox(token):
            line = token.map[0] + 1
            col = doc.lines[token.map[0]].find("[ ]") + 1
            text = " ".join(u.text for u in book.units(source) if u.where(0)[0] == line) or token.content
            checklist[line] = Item(group, shown, line, col, "checklist", shorten(text, 200))
    for line, col, note, sentence in todo_notes(book, source):
        if line in checklist:
            sentence = checklist.pop(line).text
        text = say("todo:note-sentence", note=shorten(note), sentence=shorten(sentence)) if sentence else shorten(note, 200)
        found.append(Item(group, shown, line, col, "todo-note", text))
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
                    checklist.pop(line, None)
    return found + list(checklist.values())


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
    items += draft_items(book, groups)
    order = {label: k for k, label in enumerate([HOME_GROUP, *groups.values(), TOC_GROUP, OTHER_GROUP])}
    items.sort(key=lambda it: (order.get(it.group, len(order)), it.path, it.line, it.col))
    return items, problems


def draft_items(book: Book, groups: dict[str, str]) -> list[Item]:
    """The draft chapters, sections and notebooks, which the release leaves out."""
    from . import drafts
    wanted = {resolved(source.path) for source in book.files}  # the whole book, or the files asked for
    found = []
    model = drafts.read(book)
    for chapter in model.by_path.values():
        if resolved(chapter.path) not in wanted:
            continue
        group = groups.get(chapter.shown, OTHER_GROUP)
        if chapter.draft:
            kind = "todo:draft-chapter" if (chapter.number or "").isdigit() else "todo:draft-appendix"
            found.append(Item(group, chapter.shown, chapter.marker_line or 1, 1, "draft",
                              say(kind, number=chapter.number or chapter.shown)))
            continue
        found += [Item(group, chapter.shown, s.line, 1, "draft", say("todo:draft-section", number=s.number))
                  for s in chapter.draft_sections()]
    for notebook in book.repo.notebooks():  # a draft chapter's notebooks go with the chapter's item
        chapter = model.numbered(notebook_chapter(notebook) or "")
        if chapter is not None and not chapter.draft and resolved(chapter.path) in wanted \
                and model.notebook_left_out(notebook):
            found.append(Item(groups.get(chapter.shown, OTHER_GROUP), book.shown(notebook), 1, 1, "draft",
                              say("todo:draft-notebook")))
    return found


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


KIND_LABEL = {kind: f"todo-kind:{kind}" for kind in ("checklist", "pending-citation", "todo-note", "draft")}  # message ids


def markdown_report(items: list[Item]) -> str:
    out = [say("todo:markdown-total", count=len(items)), ""]
    group = None
    for it in items:
        if it.group != group:
            group = it.group
            out += ["", f"## {group}", ""]
        out.append(say("todo:markdown-item", kind=say(KIND_LABEL[it.kind]), text=shown_text(it), where=f"{it.path}:{it.line}"))
    return "\n".join(out).strip() + "\n"
