"""Checks on a parsed TOC: the schema, then what a schema cannot say (numbering, files, drift)."""
from __future__ import annotations

from pathlib import Path

from .diagnostics import ERROR, WARNING, Finding, rel
from .repo import Repo
from .schemas import describe, error_path, errors, nearest_line
from .textio import FileProblem, read_text
from .toc import APPENDIX, CHAPTER, SECTION, SUBSECTION, ParsedToc, chapters, inline_text, markdown


def schema_findings(parsed: ParsedToc, repo: Repo) -> list[Finding]:
    def line_of(walked: list, node) -> int | None:
        if walked[:1] == ["front_matter"]:
            return parsed.front_lines.get(str(walked[1])) if len(walked) > 1 else (min(parsed.front_lines.values(), default=1))
        return node.get("line") if isinstance(node, dict) else None

    found = []
    for error in errors(repo.schemas / "toc.schema.json", parsed.model):
        line = nearest_line(parsed.model, error_path(error), line_of)
        found.append(Finding(parsed.shown, line, 1, ERROR, "toc-schema", describe(error)))
    return found


def sequence_findings(parsed: ParsedToc) -> list[Finding]:
    """Chapters 1, 2, 3 … across the book; sections N.1 … inside chapter N; subsections N.M.1 … inside N.M."""
    shown, found = parsed.shown, []

    def check(items, expected_first, what, label, next_of):
        seen: dict[str, int] = {}
        expected = expected_first
        for item in items:
            number = item["number"]
            if number in seen:
                found.append(Finding(shown, item["line"], 1, ERROR, "toc-duplicate",
                                     f"{what} {label(number)} is numbered again (first at line {seen[number]})"))
                continue
            seen[number] = item["line"]
            if number != expected:
                found.append(Finding(shown, item["line"], 1, ERROR, "toc-numbering",
                                     f"{what} {label(number)} where {label(expected)} comes next"))
            expected = next_of(number)

    parts = [p for p in parsed.model["parts"] if p["kind"] == "part"]
    check([dict(p, number=str(p["number"])) for p in parts], "1", "part", lambda n: f"第{n}部分",
          lambda n: str(int(n) + 1) if n.isdigit() else n)
    all_chapters = chapters(parsed.model)
    check([c for c in all_chapters if c["kind"] == "chapter"], "1", "chapter", lambda n: f"第{n}章",
          lambda n: str(int(n) + 1))
    check([c for c in all_chapters if c["kind"] == "appendix"], "A", "appendix", lambda n: f"附录{n}",
          lambda n: chr(ord(n) + 1))
    for chapter in all_chapters:
        sections = placed(chapter["sections"], chapter["number"], f"under {label(chapter)}", shown, found)
        check(sections, f"{chapter['number']}.1", "section", str, bump)
        for section in sections:
            subsections = placed(section["subsections"], section["number"], f"under section {section['number']}",
                                 shown, found)
            check(subsections, f"{section['number']}.1", "subsection", str, bump)
    return found


def placed(items: list[dict], parent: str, where: str, shown: str, found: list[Finding]) -> list[dict]:
    """The items whose number starts with their parent's; the others are reported as misplaced."""
    kept = []
    for item in items:
        if item["number"].rpartition(".")[0] == parent:
            kept.append(item)
        else:
            found.append(Finding(shown, item["line"], 1, ERROR, "toc-numbering",
                                 f"{item['number']} is {where}: its number must start with {parent}."))
    return kept


def bump(number: str) -> str:
    head, _, last = number.rpartition(".")
    return f"{head}.{int(last) + 1}"


def file_findings(parsed: ParsedToc, repo: Repo) -> list[Finding]:
    found = []
    for chapter in chapters(parsed.model):
        link = chapter["file"]
        if not link:
            continue
        target = (parsed.path.parent / link.split("#")[0]).resolve()
        if not target.is_file():
            found.append(Finding(parsed.shown, chapter["line"], 5, ERROR, "toc-missing-file",
                                 f"{label(chapter)} links to {link}, which does not exist ({rel(target, repo.root)})"))
            continue
        found += drift_findings(parsed, chapter, target, repo)
    return found


def label(chapter: dict) -> str:
    return f"第{chapter['number']}章" if chapter["kind"] == "chapter" else f"附录{chapter['number']}"


def file_headings(text: str) -> list[tuple[int, int, str]]:
    """(level, line, text) of each heading in a Markdown file."""
    tokens = markdown().parse(text)
    return [(int(t.tag[1]), t.map[0] + 1, inline_text(tokens[i + 1]))
            for i, t in enumerate(tokens) if t.type == "heading_open"]


def drift_findings(parsed: ParsedToc, chapter: dict, target: Path, repo: Repo) -> list[Finding]:
    """A chapter file's numbered headings must carry the TOC's numbers and titles, at the right levels."""
    shown = rel(target, repo.root)
    try:
        text = read_text(target, shown, "toc-drift")
    except FileProblem as problem:
        return [problem.finding]
    expected: dict[str, tuple[int, str, int]] = {}  # number -> (level, title, toc line)
    for section in chapter["sections"]:
        expected[section["number"]] = (2, section["title"], section["line"])
        for sub in section["subsections"]:
            expected[sub["number"]] = (3, sub["title"], sub["line"])

    found, seen = [], set()
    title_heading = None
    for level, line, heading in file_headings(text):
        if level == 1:
            m = CHAPTER.match(heading) or APPENDIX.match(heading)
            if m and title_heading is None:
                title_heading = (line, m["num"], m["title"].strip())
            continue
        m = SUBSECTION.match(heading) or SECTION.match(heading)
        if not m or level > 3:
            continue
        number = heading.split()[0] if heading.split() else heading
        title = m["title"].strip()
        if number not in expected:
            found.append(Finding(shown, line, 1, ERROR, "toc-drift",
                                 f"heading {number} '{title}' is not in the TOC ({parsed.shown})"))
            continue
        seen.add(number)
        want_level, want_title, toc_line = expected[number]
        if title != want_title:
            found.append(Finding(shown, line, level + 2, ERROR, "toc-drift",
                                 f"heading {number} reads '{title}' but the TOC says '{want_title}' ({parsed.shown}:{toc_line})"))
        if level != want_level:
            found.append(Finding(shown, line, 1, ERROR, "toc-drift",
                                 f"heading {number} is level {level} ({'#' * level}); the TOC makes it level {want_level}"))
    if title_heading is None:
        found.append(Finding(shown, 1, 1, ERROR, "toc-drift",
                             f"no title heading: the file should open with '# {label(chapter)} {chapter['title']}'"))
    else:
        line, number, title = title_heading
        if number != chapter["number"] or title != chapter["title"]:
            found.append(Finding(shown, line, 3, ERROR, "toc-drift",
                                 f"title heading reads '{number} {title}' but the TOC says "
                                 f"'{label(chapter)} {chapter['title']}' ({parsed.shown}:{chapter['line']})"))
    for number, (_, want_title, toc_line) in expected.items():
        if number not in seen:
            found.append(Finding(parsed.shown, toc_line, 1, ERROR, "toc-drift",
                                 f"{number} '{want_title}' has no heading in {shown}"))
    return found


def unlisted_findings(parsed: ParsedToc, repo: Repo) -> list[Finding]:
    """Chapter files in manuscript/ that the TOC never links: a warning, since the site would not show them."""
    linked = {(parsed.path.parent / c["file"].split("#")[0]).resolve() for c in chapters(parsed.model) if c["file"]}
    candidates = sorted(repo.manuscript.glob("ch*.md")) + sorted(repo.manuscript.glob("appendix-*.md"))
    return [Finding(rel(p, repo.root), 1, 1, WARNING, "toc-unlisted", f"not linked from {parsed.shown}")
            for p in candidates if p.resolve() not in linked]


def check(parsed: ParsedToc, repo: Repo, own_toc: bool) -> list[Finding]:
    if parsed.model is None:
        return list(parsed.findings)
    found = list(parsed.findings) + schema_findings(parsed, repo)
    found += sequence_findings(parsed)
    found += file_findings(parsed, repo)
    if own_toc:
        found += unlisted_findings(parsed, repo)
    return found
