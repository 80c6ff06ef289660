"""The table of contents as a typed model: parts, chapters (and appendices), sections, subsections.

Each node keeps the TOC line it came from; the derived names (`第3章`, `第十一部分 …`) and a chapter's resolved file
are computed once, when the node is made. `Toc.to_dict()` is the plain model that the JSON output and the schema see.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Finding
from .numerals import to_chinese
from .repo import resolved


@dataclass
class Subsection:
    number: str
    title: str
    line: int
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"number": self.number, "title": self.title, "line": self.line, "notes": self.notes}


@dataclass
class Section:
    number: str
    title: str
    line: int
    notes: list[str] = field(default_factory=list)
    subsections: list[Subsection] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"number": self.number, "title": self.title, "line": self.line, "notes": self.notes,
                "subsections": [s.to_dict() for s in self.subsections]}


@dataclass
class Chapter:
    kind: str               # "chapter" or "appendix"
    number: str             # "3", or "A" for an appendix
    title: str
    line: int
    file: str | None        # the link as written in the TOC, if the chapter is written yet
    base: Path              # the TOC's folder, against which the link resolves
    notes: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    label: str = field(init=False)         # 第3章, 附录A
    path: Path | None = field(init=False)  # the linked file, resolved

    def __post_init__(self):
        self.label = f"第{self.number}章" if self.kind == "chapter" else f"附录{self.number}"
        self.path = resolved(self.base / self.file.split("#")[0]) if self.file else None

    @property
    def heading(self) -> str:
        """The chapter's title heading, as its file and the site's navigation show it."""
        return f"{self.label} {self.title}"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "number": self.number, "title": self.title, "line": self.line, "file": self.file,
                "notes": self.notes, "sections": [s.to_dict() for s in self.sections]}


@dataclass
class Part:
    kind: str               # "part" or "appendices"
    number: int | None
    title: str
    line: int
    notes: list[str] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    label: str = field(init=False)  # 第十一部分 标题, or the appendices' own heading

    def __post_init__(self):
        numbered = self.kind == "part" and self.number is not None
        self.label = f"第{to_chinese(self.number)}部分 {self.title}".strip() if numbered else self.title

    def to_dict(self) -> dict:
        return {"kind": self.kind, "number": self.number, "title": self.title, "line": self.line,
                "notes": self.notes, "chapters": [c.to_dict() for c in self.chapters]}


@dataclass
class Toc:
    path: Path
    shown: str                       # the path as findings print it
    front_matter: dict = field(default_factory=dict)
    front_lines: dict[str, int] = field(default_factory=dict)  # line of each front-matter key
    front_matter_broken: bool = False  # its YAML could not be read (reported once, as the cause)
    parts: list[Part] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)      # what the parser could not read

    @property
    def chapters(self) -> list[Chapter]:
        return [c for part in self.parts for c in part.chapters]

    def to_dict(self) -> dict:
        return {"front_matter": self.front_matter, "line": 1, "parts": [p.to_dict() for p in self.parts]}
