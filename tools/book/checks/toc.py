"""The TOC check: the schema, then what a schema cannot say (numbering, linked files, drift of their headings).

Reported cause first: a TOC that could not be parsed, or whose front matter is broken, is not checked further
where the consequences would only repeat the cause.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

from ..findings import ERROR, WARNING, Finding
from ..messages import finding, say
from ..reading.book import Book
from ..reading.markdown import headings
from ..reading.repo import resolved
from ..reading.schemas import describe, error_path, errors, nearest_line
from ..reading.toc import Chapter, Toc
from ..reading.toc_parse import APPENDIX, CHAPTER, SECTION, SUBSECTION, heading_text


def schema_findings(toc: Toc, book: Book) -> list[Finding]:
    model = toc.to_dict()

    def line_of(walked: list, node) -> int | None:
        if walked[:1] == ["front_matter"]:
            if len(walked) > 1:
                return toc.front_lines.get(str(walked[1]))
            return min(toc.front_lines.values(), default=1)
        return node.get("line") if isinstance(node, dict) else None

    found = []
    for error in errors(book.repo.schemas / "toc.schema.json", model):
        path = error_path(error)
        if toc.front_matter_broken and (path[:1] == ["front_matter"] or (not path and "front_matter" in error.message)):
            continue  # the YAML error is the cause, already reported
        line = nearest_line(model, path, line_of)
        found.append(finding(toc.shown, line, 1, ERROR, "toc-schema", problem=describe(error)))
    return found


def sequence_findings(toc: Toc) -> list[Finding]:
    """Chapters 1, 2, 3 … across the book; sections N.1 … inside chapter N; subsections N.M.1 … inside N.M.
    What lies under a misnumbered chapter or section is not reported again: its number is the one cause."""
    shown, found = toc.shown, []
    misnumbered: set[int] = set()  # lines of the items reported

    def check(items, expected_first, what, label, next_of):
        seen: dict[str, int] = {}
        expected = expected_first
        for number, line in items:
            if number in seen:
                found.append(finding(shown, line, 1, ERROR, "toc-duplicate", what=say(f"word:{what}"),
                                     number=label(number), first=seen[number]))
                misnumbered.add(line)
                continue
            seen[number] = line
            if number != expected:
                found.append(finding(shown, line, 1, ERROR, "toc-numbering:sequence", what=say(f"word:{what}"),
                                     number=label(number), expected=label(expected)))
                misnumbered.add(line)
            expected = next_of(number)

    parts = [p for p in toc.parts if p.kind == "part"]
    check([(str(p.number), p.line) for p in parts], "1", "part", lambda n: f"第{n}部分",
          lambda n: str(int(n) + 1) if n.isdigit() else n)
    chapters = toc.chapters
    check([(c.number, c.line) for c in chapters if c.kind == "chapter"], "1", "chapter", lambda n: f"第{n}章",
          lambda n: str(int(n) + 1))
    check([(c.number, c.line) for c in chapters if c.kind == "appendix"], "A", "appendix", lambda n: f"附录{n}",
          lambda n: chr(ord(n) + 1))
    for chapter in chapters:
        if chapter.line in misnumbered:
            continue
        sections = placed(chapter.sections, chapter.number, chapter.label, shown, found)
        check([(s.number, s.line) for s in sections], f"{chapter.number}.1", "section", str, bump)
        for section in sections:
            if section.line in misnumbered:
                continue
            subsections = placed(section.subsections, section.number, f"{say('word:section')} {section.number}",
                                 shown, found)
            check([(s.number, s.line) for s in subsections], f"{section.number}.1", "subsection", str, bump)
    return found


def placed(items: list, parent: str, parent_label: str, shown: str, found: list[Finding]) -> list:
    """The items whose number starts with their parent's; the others are reported as misplaced."""
    kept = []
    for item in items:
        if item.number.rpartition(".")[0] == parent:
            kept.append(item)
        else:
            found.append(finding(shown, item.line, 1, ERROR, "toc-numbering:misplaced", number=item.number,
                                 parent_label=parent_label, parent=parent))
    return kept


def bump(number: str) -> str:
    head, _, last = number.rpartition(".")
    return f"{head}.{int(last) + 1}"


def file_findings(toc: Toc, book: Book, drift: bool = True) -> list[Finding]:
    found = []
    for chapter in toc.chapters:
        if chapter.path is None:
            continue
        if not chapter.path.is_file():
            found.append(finding(toc.shown, chapter.line, 5, ERROR, "toc-missing-file", label=chapter.label,
                                 link=chapter.file, path=book.shown(chapter.path)))
            continue
        if drift:
            found += drift_findings(toc, chapter, book)
    return found


def drift_findings(toc: Toc, chapter: Chapter, book: Book) -> list[Finding]:
    """A chapter file's numbered headings must carry the TOC's numbers and titles, at the right levels."""
    source = book.file(chapter.path, "toc-drift")
    if source.problem is not None:
        return [source.problem]
    shown = source.shown
    expected: dict[str, tuple[int, str, int]] = {}  # number -> (level, title, toc line)
    for section in chapter.sections:
        expected[section.number] = (2, section.title, section.line)
        for sub in section.subsections:
            expected[sub.number] = (3, sub.title, sub.line)

    found, seen = [], set()
    title_heading = None
    doc = book.document(source)
    for level, line, token in headings(doc.tokens):
        heading = heading_text(token)
        if level == 1:
            m = CHAPTER.match(heading) or APPENDIX.match(heading)
            if m and title_heading is None:
                title_heading = (line, m["num"], m["title"].strip(), heading)
            continue
        m = SUBSECTION.match(heading) or SECTION.match(heading)
        if not m or level > 3:
            continue
        number = heading.split()[0] if heading.split() else heading
        title = m["title"].strip()
        if number not in expected:
            found.append(finding(shown, line, 1, ERROR, "toc-drift:not-in-toc", number=number, title=title,
                                 toc=toc.shown))
            continue
        seen.add(number)
        want_level, want_title, toc_line = expected[number]
        if title != want_title:
            found.append(finding(shown, line, level + 2, ERROR, "toc-drift:title", number=number, title=title,
                                 want=want_title, where=f"{toc.shown}:{toc_line}"))
        if level != want_level:
            found.append(finding(shown, line, 1, ERROR, "toc-drift:level", number=number, level=level,
                                 marks="#" * level, want=want_level))
    if title_heading is None:
        found.append(finding(shown, 1, 1, ERROR, "toc-drift:no-title", heading=chapter.heading))
    else:
        line, number, title, written = title_heading
        if number != chapter.number or title != chapter.title:
            found.append(finding(shown, line, 3, ERROR, "toc-drift:chapter-title", written=written,
                                 want=chapter.heading, where=f"{toc.shown}:{chapter.line}"))
    for number, (_, want_title, toc_line) in expected.items():
        if number not in seen:
            found.append(finding(toc.shown, toc_line, 1, ERROR, "toc-drift:missing-heading", number=number,
                                 title=want_title, file=shown))
    return found


def unlisted_findings(toc: Toc, book: Book) -> list[Finding]:
    """Pages in manuscript/ that the TOC never links (the home page aside): a warning, since the site does not
    publish them."""
    manuscript = book.repo.manuscript
    linked = {c.path for c in toc.chapters if c.path is not None} | {resolved(manuscript / "index.md")}
    candidates = sorted(p for p in manuscript.rglob("*.md") if p.is_file())
    return [finding(book.shown(p), 1, 1, WARNING, "toc-unlisted", toc=toc.shown)
            for p in candidates if resolved(p) not in linked]


def check_toc(book: Book, toc: Toc) -> list[Finding]:
    """Findings of one TOC file: what the parser could not read, then the checks of what it could."""
    if not toc.parts and toc.findings:
        return list(toc.findings)
    found = list(toc.findings) + schema_findings(toc, book)
    found += sequence_findings(toc)
    structure_sound = not found
    # A chapter file's headings are compared with a TOC whose own structure holds; else they would only repeat it.
    found += file_findings(toc, book, drift=structure_sound)
    if toc.path == resolved(book.repo.toc):
        found += unlisted_findings(toc, book)
    return fold_consequences(toc, book, found)


HEADING_LINE = re.compile(r"^(#{2,6})\s")
LINK_TARGET = re.compile(r"\]\(([^)\s]+)")


def fold_consequences(toc: Toc, book: Book, found: list[Finding]) -> list[Finding]:
    """A heading the parser could not read is one cause: the next heading of its level then seems misnumbered, and
    the file it links seems unlisted. Those consequences are folded into the cause's message, not reported apart."""
    causes = [f for f in found if f.code == "toc-parse" and f.path == toc.shown]
    if not causes:
        return found
    try:
        lines = toc.path.read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError:
        return found
    folded: dict[Finding, list[Finding]] = {}
    taken: set[Finding] = set()
    for cause in causes:
        if not 0 < cause.line <= len(lines) or not (m := HEADING_LINE.match(lines[cause.line - 1])):
            continue
        level = m[1]
        after = next((n for n in range(cause.line + 1, len(lines) + 1)
                      if (h := HEADING_LINE.match(lines[n - 1])) and len(h[1]) <= len(level)), None)
        targets = LINK_TARGET.findall(lines[cause.line - 1])
        linked = {book.shown(resolved(toc.path.parent / unquote(t))) for t in targets}
        consequences = [f for f in found if f not in taken and f is not cause and (
            (f.path == toc.shown and f.line == after and f.code in ("toc-numbering", "toc-duplicate")
             and lines[after - 1].startswith(level + " ")) or
            (f.code == "toc-unlisted" and f.path in linked))]
        if consequences:
            folded[cause] = consequences
            taken.update(consequences)
    out = []
    for f in found:
        if f in taken:
            continue
        if f in folded:
            items = "；".join(f"{c.path}:{c.line}:{c.col} {c.code} {c.message}" for c in folded[f])
            f = replace(f, message=f.message + say("toc-consequences", items=items))
        out.append(f)
    return out


def check(book: Book, paths: list[Path] | None = None) -> tuple[list[Finding], list[Toc]]:
    """The book's TOC, or the given TOC files (their links resolve against each file's own folder)."""
    tocs = [book.read_toc(p) for p in paths or [book.repo.toc]]
    return [f for toc in tocs for f in check_toc(book, toc)], tocs
