"""Read the table of contents file into the typed model (reading.toc); what cannot be read is a `toc-parse` finding.

The format: `##` parts (`第N部分 标题` or `附录`), `###` chapters (`第N章 标题`, `附录X 标题`, linked to their file
once written), `####` sections `N.M 标题`, subsections as bold lines or bold list items `**N.M.K 标题**`; any other
bullet is a planning note of the level above it.
"""
from __future__ import annotations

import re
from pathlib import Path

from markdown_it.token import Token

from ..findings import ERROR
from ..messages import detailed, finding
from .markdown import first_link, inline_text, parse as parse_markdown
from .numerals import to_int
from .textio import YamlProblem, read_yaml
from .toc import Chapter, Part, Section, Subsection, Toc

PART = re.compile(r"^第\s*(?P<num>[0-9零一二两三四五六七八九十百]+)\s*部分\s*(?P<title>.*)$")
APPENDIX_GROUP = re.compile(r"^附录$")
CHAPTER = re.compile(r"^第\s*(?P<num>\d+)\s*章(?:\s+|$)(?P<title>.*)$")
APPENDIX = re.compile(r"^附录\s*(?P<num>[A-Z])(?:\s+|$)(?P<title>.*)$")
SECTION = re.compile(r"^(?P<chapter>\d+|[A-Z])\.(?P<num>\d+)(?:\s+|$)(?P<title>.*)$")
SUBSECTION = re.compile(r"^(?P<chapter>\d+|[A-Z])\.(?P<section>\d+)\.(?P<num>\d+)(?:\s+|$)(?P<title>.*)$")
HEADING_ATTRS = re.compile(r"\s*\{[^{}]*\}\s*$")  # `## 1.1 标题 {#intro}`


def heading_text(token: Token) -> str:
    return HEADING_ATTRS.sub("", inline_text(token)).strip()


def bold_line(token: Token) -> str | None:
    """The text of a paragraph that is one bold span (`**1.1.1 标题**`), else None."""
    children = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())]
    if len(children) >= 3 and children[0].type == "strong_open" and children[-1].type == "strong_close":
        return "".join(c.content for c in children[1:-1] if c.type in ("text", "code_inline")).strip()
    return None


def note_text(token: Token) -> str:
    """A planning note as written: a task-list item keeps its `[ ]` or `[x]`."""
    children = token.children or []
    box = children[0].content if children and children[0].type == "html_inline" and "task-list" in children[0].content else ""
    mark = ("[x] " if "checked" in box else "[ ] ") if box else ""
    return mark + token.content.strip()


def read_front_matter(token: Token, toc: Toc) -> None:
    try:
        root, data = read_yaml(token.content)
    except YamlProblem as exc:
        toc.front_matter_broken = True
        toc.findings.append(detailed(finding(toc.shown, exc.line + 2, exc.col + 1, ERROR, "toc-parse:yaml",
                                             problem=exc.problem), exc.detail))
        return
    if data is None:
        return
    if not isinstance(data, dict):
        toc.front_matter_broken = True
        toc.findings.append(finding(toc.shown, 2, 1, ERROR, "toc-parse:front-not-mapping"))
        return
    toc.front_matter = data
    toc.front_lines = {str(key.value): key.start_mark.line + 2 for key, _ in root.value}


def parse(text: str, path: Path, shown: str) -> Toc:
    """Parse TOC text. Structural surprises become `toc-parse` findings; the model holds what could be read. A node
    that cannot be read is reported once: what sits under it is skipped, not reported again."""
    toc = Toc(path, shown)
    findings = toc.findings
    if not text.strip():
        findings.append(finding(shown, 1, 1, ERROR, "toc-parse:empty"))
        return toc

    part: Part | None = None
    chapter: Chapter | None = None
    section: Section | None = None
    subsection: Subsection | None = None
    lost = False  # under a heading that could not be read: its contents are not reported again
    tokens = parse_markdown(text)
    if text.startswith("---\n") and not (tokens and tokens[0].type == "front_matter"):
        findings.append(finding(shown, 1, 1, ERROR, "toc-parse:front-unclosed"))
        return toc

    def add_note(note: str, line: int) -> None:
        target = subsection or section or chapter or part
        if target is not None:
            target.notes.append(note)
        elif not lost:
            findings.append(finding(shown, line, 1, ERROR, "toc-parse:before-part"))

    for i, token in enumerate(tokens):
        if token.type == "front_matter":
            read_front_matter(token, toc)
            continue
        if token.type != "inline" or token.map is None:
            continue
        line = token.map[0] + 1
        opener = tokens[i - 1]
        if opener.type == "heading_open":
            level = int(opener.tag[1])
            title = heading_text(token)
            if level == 1:
                continue
            if level == 2:
                m = PART.match(title)
                if m:
                    part = Part("part", to_int(m["num"]), m["title"].strip(), line)
                elif APPENDIX_GROUP.match(title):
                    part = Part("appendices", None, title, line)
                else:
                    findings.append(finding(shown, line, 4, ERROR, "toc-parse:part-heading", title=title))
                    part = chapter = section = subsection = None
                    lost = True
                    continue
                toc.parts.append(part)
                chapter = section = subsection = None
                lost = False
            elif level == 3:
                m = CHAPTER.match(title) or APPENDIX.match(title)
                if not m or part is None:
                    if not lost:
                        findings.append(finding(shown, line, 5, ERROR, "toc-parse:chapter-heading", title=title) if not m
                                        else finding(shown, line, 1, ERROR, "toc-parse:chapter-outside-part"))
                    chapter = section = subsection = None
                    lost = True
                    continue
                kind = "appendix" if title.startswith("附录") else "chapter"
                chapter = Chapter(kind, m["num"], m["title"].strip(), line, first_link(token), path.parent)
                part.chapters.append(chapter)
                section = subsection = None
                lost = False
            elif level == 4:
                m = SECTION.match(title)
                if not m or chapter is None:
                    if not lost:
                        findings.append(finding(shown, line, 6, ERROR, "toc-parse:section-heading", title=title) if not m
                                        else finding(shown, line, 1, ERROR, "toc-parse:section-outside-chapter"))
                    section = subsection = None
                    continue
                section = Section(f"{m['chapter']}.{m['num']}", m["title"].strip(), line)
                chapter.sections.append(section)
                subsection = None
            else:
                findings.append(finding(shown, line, 1, ERROR, "toc-parse:heading-level", level=level))
            continue

        bold = bold_line(token)
        m = SUBSECTION.match(bold) if bold is not None else None
        if m:
            if section is None:
                if not lost:
                    findings.append(finding(shown, line, 1, ERROR, "toc-parse:subsection-outside-section"))
                continue
            subsection = Subsection(f"{m['chapter']}.{m['section']}.{m['num']}", m["title"].strip(), line)
            section.subsections.append(subsection)
        else:
            add_note(note_text(token), line)
    return toc
