"""`draft-note`: reader-visible prose that narrates the manuscript's own TODO state.

Pending status belongs to the toolchain — a pending citation (`p. ?`), a `TODO(data)` comment, a `!!! todo`
admonition that only the draft site shows — not to sentences such as “这个数字还有待对照报告原文核实，我们把它记为
待办数据项”. The patterns below were drawn from sentences of that kind removed from the book; tests/data/draft-notes.yaml
labels them together with look-alikes that must pass (草稿模型, 等待确认, 容量规划中…).

Not read: HTML comments, `todo` admonitions, code (fenced, indented, inline), link targets and front matter, and the
table of contents and its proposals under toc/ (author documents, not pages a reader reads). A warning; an error
under STRICT=1."""
from __future__ import annotations

import re
from bisect import bisect_right

from ..findings import ERROR, WARNING, Finding
from ..messages import finding
from ..reading.book import Book
from ..reading.prose import todo_boxes
from ..reading.prose_map import ProseMap

# Each alternative is one way a sentence narrates the draft: what is still to check, add or write (待核实, 有待…核对,
# 出处尚未确认), the plan the draft was written from (规划稿, 按本书整理的规划, 据规划), the TODO list itself (记为待办,
# 待办清单) and the marks of a working copy (TODO, FIXME). 待 after 等/期/对/招/款/看/接/优/善/虐 is another word
# (等待补齐一个批次, 期待确定的输出).
NOTE_PATTERNS = [
    r"(?<![等期对招款看接优善虐])待(?:核实|核对|确认|补充|补齐?|查证|查|定|写|撰写|完善|读)",
    r"(?:有|仍|尚|还)待[^。；;\n]{0,15}?(?:核实|核对|确认|补充|查证)",
    r"(?:出处|来源|页码|数字|数据|原文|细节)[^。；;\n]{0,8}?(?:尚未|还没有?|未经|仍未)(?:核实|核对|确认|查证|查明)",
    r"(?:尚未|还没有?)(?:撰写|写完|写成)",
    r"规划(?:稿|阶段)|(?:本书|按本书整理)的?规划|据规划|规划中(?:所说|提到|还提到|的预期|整理)",
    r"(?:本书|本章|本节)的?(?:初稿|草稿)|初稿",
    r"记为待办|待办(?:数据)?项|待办清单",
    r"\b(?:TODO|FIXME|TBD)\b",
]
# Every pattern above starts with one of these characters. The scan tests this one class before it tries the
# patterns, which makes it several times faster on Chinese prose; a new pattern that starts otherwise must extend it.
NOTE_FIRST = "[待有仍尚还出来页数原细规本按据初记TFB]"
DRAFT_NOTE = re.compile(f"(?={NOTE_FIRST})(?:{'|'.join(NOTE_PATTERNS)})")
# What every pattern above holds (tested): a text without any holds no note, and this search, whose alternatives each
# open with a plain character, skips through it at C speed.
NOTE_MARK = re.compile("待|未|没|规划|稿|TODO|FIXME|TBD")
CHECKLIST = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\[ \][ \t]+(?P<item>.*)$", re.M)
SOFT_BREAK = re.compile(r"\n[ \t]*(?=[^\s])")  # a line break inside a paragraph: the prose runs on across it
# What a reader does not read, as the prose map names it: code, math, comments, link targets, front matter.
HIDDEN = {"front_matter", "code_block", "math", "comment", "code", "link"}
BLANK = re.compile(r"[^\n]")


def visible_source(prose: ProseMap) -> str:
    """The source with everything a reader does not read blanked out (line breaks kept, so offsets still hold)."""
    text = prose.text
    hidden = [(s.start, s.end) for s in prose.spans if s.kind in HIDDEN]
    doc = prose.document
    for first, after in todo_boxes(doc.tokens):  # the author's, not the reader's (draft builds show it, marked)
        hidden.append((doc.line_starts[first], doc.line_starts[after] if after < len(doc.line_starts) else len(text)))
    pieces, at = [], 0
    for a, b in sorted(hidden):
        a, b = max(a, at), min(b, len(text))
        if b <= a:
            continue
        pieces += [text[at:a], BLANK.sub(" ", text[a:b])]
        at = b
    pieces.append(text[at:])
    return "".join(pieces)


def scan(prose: ProseMap) -> list[tuple[int, int, str, str]]:
    """(line, col, key, phrase) of each draft note in a file: the patterns run over the prose with its soft line
    breaks joined (a phrase may wrap), then each match is placed back in the author's file."""
    doc = prose.document
    text = visible_source(prose)
    found = []
    for m in CHECKLIST.finditer(text) if "[ ]" in text else ():  # most files have no checklist
        line, col = doc.position(m.start("item") - 4)  # the `[ ]`
        found.append((line, col, "draft-note:checklist", " ".join(m["item"].split())[:40]))
    flat = SOFT_BREAK.sub("", text)
    if not NOTE_MARK.search(flat):
        return sorted(found)
    joins = list(SOFT_BREAK.finditer(text))
    kept, removed = [], []  # flat offset at each join, and the characters removed up to and including it
    total = 0
    for j in joins:
        kept.append(j.start() - total)
        total += j.end() - j.start()
        removed.append(total)
    for m in DRAFT_NOTE.finditer(flat):
        k = bisect_right(kept, m.start())
        original = m.start() + (removed[k - 1] if k else 0)
        line, col = doc.position(original)
        found.append((line, col, "draft-note", m[0]))
    return sorted(found)


def check(book: Book, strict: bool) -> list[Finding]:
    return [f for source in book.files for f in check_file(book, source, strict)]


def check_file(book: Book, source, strict: bool) -> list[Finding]:
    """One file's draft notes (none for the TOC's files, nor for a file that cannot be read: the claims check
    reports it)."""
    prose = None if source.shown.startswith("toc/") else book.prose_map(source)
    if prose is None:
        return []
    severity = ERROR if strict else WARNING
    return [finding(source.shown, line, col, severity, key, phrase=phrase) for line, col, key, phrase in scan(prose)]
