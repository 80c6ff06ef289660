"""Parse the table of contents (SPEC §4) into a model of plain data: parts, chapters, sections, subsections."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from .diagnostics import ERROR, Finding
from .numerals import to_int

PART = re.compile(r"^第\s*(?P<num>[0-9一二三四五六七八九十]+)\s*部分\s*(?P<title>.*)$")
APPENDIX_GROUP = re.compile(r"^附录$")
CHAPTER = re.compile(r"^第\s*(?P<num>\d+)\s*章(?:\s+|$)(?P<title>.*)$")
APPENDIX = re.compile(r"^附录\s*(?P<num>[A-Z])(?:\s+|$)(?P<title>.*)$")
SECTION = re.compile(r"^(?P<chapter>\d+|[A-Z])\.(?P<num>\d+)(?:\s+|$)(?P<title>.*)$")
SUBSECTION = re.compile(r"^(?P<chapter>\d+|[A-Z])\.(?P<section>\d+)\.(?P<num>\d+)(?:\s+|$)(?P<title>.*)$")
HEADING_ATTRS = re.compile(r"\s*\{[^{}]*\}\s*$")  # `## 1.1 标题 {#intro}`


def markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table").use(front_matter_plugin)


def inline_text(token: Token) -> str:
    """Plain text of an inline token: text and code, without markup or link targets."""
    parts = [c.content for c in token.children or [] if c.type in ("text", "code_inline")]
    return HEADING_ATTRS.sub("", "".join(parts)).strip()


def inline_link(token: Token) -> str | None:
    for child in token.children or []:
        if child.type == "link_open":
            return child.attrGet("href")
    return None


def bold_line(token: Token) -> str | None:
    """The text of a paragraph that is one bold span (`**1.1.1 标题**`), else None."""
    children = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())]
    if len(children) >= 3 and children[0].type == "strong_open" and children[-1].type == "strong_close":
        return "".join(c.content for c in children[1:-1] if c.type in ("text", "code_inline")).strip()
    return None


@dataclass
class ParsedToc:
    path: Path
    shown: str
    model: dict | None
    findings: list[Finding] = field(default_factory=list)
    front_lines: dict[str, int] = field(default_factory=dict)


def parse_front_matter(token: Token, shown: str, findings: list[Finding]) -> dict:
    try:
        data = yaml.safe_load(token.content)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 2, mark.column + 1) if mark else (1, 1)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        findings.append(Finding(shown, line, col, ERROR, "toc-parse", f"front matter is not valid YAML: {problem}"))
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        findings.append(Finding(shown, 2, 1, ERROR, "toc-parse", "front matter must be a mapping of keys to values"))
        return {}
    return data


def parse(text: str, path: Path, shown: str) -> ParsedToc:
    """Parse TOC text. Structural surprises become `toc-parse` findings; the model holds what could be read."""
    findings: list[Finding] = []
    if not text.strip():
        return ParsedToc(path, shown, None, [Finding(shown, 1, 1, ERROR, "toc-parse", "empty file: no table of contents")])

    model: dict = {"front_matter": {}, "line": 1, "parts": []}
    front: dict = {}
    part = chapter = section = subsection = None

    def add_note(note: str, line: int) -> None:
        target = subsection or section or chapter or part
        if target is None:
            findings.append(Finding(shown, line, 1, ERROR, "toc-parse", "text before the first part heading ('## 第一部分 …')"))
        else:
            target["notes"].append(note)

    tokens = markdown().parse(text)
    for i, token in enumerate(tokens):
        if token.type == "front_matter":
            front = parse_front_matter(token, shown, findings)
            continue
        if token.type != "inline":
            continue
        line = token.map[0] + 1
        opener = tokens[i - 1]
        if opener.type == "heading_open":
            level = int(opener.tag[1])
            title = inline_text(token)
            if level == 1:
                continue
            if level == 2:
                m = PART.match(title)
                if m:
                    part = {"kind": "part", "number": to_int(m["num"]), "title": m["title"].strip(),
                            "line": line, "notes": [], "chapters": []}
                elif APPENDIX_GROUP.match(title):
                    part = {"kind": "appendices", "number": None, "title": title, "line": line, "notes": [], "chapters": []}
                else:
                    findings.append(Finding(shown, line, 4, ERROR, "toc-parse",
                                            f"a part heading reads '## 第N部分 标题' or '## 附录', not '{title}'"))
                    continue
                model["parts"].append(part)
                chapter = section = subsection = None
            elif level == 3:
                m = CHAPTER.match(title) or APPENDIX.match(title)
                if not m:
                    findings.append(Finding(shown, line, 5, ERROR, "toc-parse",
                                            f"a chapter heading reads '### 第N章 标题' or '### 附录X 标题', not '{title}'"))
                    continue
                if part is None:
                    findings.append(Finding(shown, line, 1, ERROR, "toc-parse", "chapter outside a part: add '## 第N部分 …' above it"))
                    continue
                kind = "appendix" if title.startswith("附录") else "chapter"
                chapter = {"kind": kind, "number": m["num"], "title": m["title"].strip(), "line": line,
                           "file": inline_link(token), "notes": [], "sections": []}
                part["chapters"].append(chapter)
                section = subsection = None
            elif level == 4:
                m = SECTION.match(title)
                if not m:
                    findings.append(Finding(shown, line, 6, ERROR, "toc-parse",
                                            f"a section heading reads '#### N.M 标题', not '{title}'"))
                    continue
                if chapter is None:
                    findings.append(Finding(shown, line, 1, ERROR, "toc-parse", "section outside a chapter"))
                    continue
                section = {"number": f"{m['chapter']}.{m['num']}", "title": m["title"].strip(), "line": line,
                           "notes": [], "subsections": []}
                chapter["sections"].append(section)
                subsection = None
            else:
                findings.append(Finding(shown, line, 1, ERROR, "toc-parse",
                                        f"heading level {level} is not part of the TOC format (parts ##, chapters ###, sections ####)"))
            continue

        bold = bold_line(token)
        m = SUBSECTION.match(bold) if bold is not None else None
        if m:
            if section is None:
                findings.append(Finding(shown, line, 1, ERROR, "toc-parse", "subsection outside a section"))
                continue
            subsection = {"number": f"{m['chapter']}.{m['section']}.{m['num']}", "title": m["title"].strip(),
                          "line": line, "notes": []}
            section["subsections"].append(subsection)
        else:
            add_note(token.content.strip(), line)

    model["front_matter"] = front
    return ParsedToc(path, shown, model, findings, front_lines(text))


def front_lines(text: str) -> dict[str, int]:
    """Line of each top-level key in the front matter, so schema errors about it point there."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}
    found = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            break
        m = re.match(r"^([^\s#:][^:]*):", line)
        if m:
            found[m.group(1).strip()] = number
    return found


def chapters(model: dict) -> list[dict]:
    return [c for part in model.get("parts", []) for c in part["chapters"]]
