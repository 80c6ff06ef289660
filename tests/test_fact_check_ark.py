"""The fact-checker's sheet docs/fact-check-ark.md has a row for every ARK citation of the manuscript.

A citation of ark-big-ideas-2026 (canonical or free form) is covered by a row whose 位置 names its file, whose 引用的页
is its page and whose 数字 lists each figure of its sentence (— for a sentence without one)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from book.checks.claims import find_claims
from book.reading.book import Book
from book.reading.repo import Repo

from conftest import ROOT, edit

ARK = "ark-big-ideas-2026"
SHEET = "docs/fact-check-ark.md"


@dataclass(frozen=True)
class Use:
    path: str
    line: int
    page: str
    figures: tuple[str, ...]   # empty: the sentence has none


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def rows(sheet: str) -> list[dict[str, str]]:
    """The sheet's table as dicts keyed by its header."""
    lines = [l.strip() for l in sheet.splitlines() if l.strip().startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    return [dict(zip(header, (c.strip() for c in l.strip("|").split("|")))) for l in lines[2:]]


def ark_uses(root: Path) -> list[Use]:
    """Every ARK citation of the manuscript's prose, with the figures of its sentence."""
    book = Book(Repo(root))
    uses = []
    for source in book.files:
        if not source.shown.startswith("manuscript/") or source.text is None:
            continue
        for unit in book.units(source):
            cites = book.citations.find(unit.text)
            spans = [(c.start, c.end) for c in cites]
            figures = tuple(squeeze(unit.text[a:b]) for a, b, _ in find_claims(unit.text, spans))
            for c in cites:
                if c.key == ARK:
                    uses.append(Use(source.shown, unit.where(c.start)[0], f"p. {c.page}", figures))
    return uses


def uncovered(root: Path) -> list[Use]:
    table = rows((root / SHEET).read_text(encoding="utf-8"))

    def covers(row: dict[str, str], use: Use, figure: str) -> bool:
        files = re.split(r"[、，,\s]+", row["位置"])
        figures = [squeeze(f) for f in re.split(r"[、，,]", row["数字"])]
        return use.path in files and squeeze(row["引用的页"]) == squeeze(use.page) and figure in figures

    return [use for use in ark_uses(root)
            if not all(any(covers(row, use, f) for row in table) for f in (use.figures or ("—",)))]


def test_every_ark_citation_of_the_manuscript_has_a_row():
    uses = ark_uses(ROOT)
    assert any(u.figures == ("100倍",) and u.page == "p. 6" for u in uses), "the reader finds the book's ARK citations"
    assert uncovered(ROOT) == []


def test_a_new_ark_citation_without_a_row_is_found(book_copy: Path):
    (book_copy / "docs").mkdir(exist_ok=True)
    (book_copy / SHEET).write_text((ROOT / SHEET).read_text(encoding="utf-8"), encoding="utf-8")
    assert uncovered(book_copy) == []
    edit(book_copy / "manuscript/ch01-cost-revolution.md", "这一节从这个案例出发",
         "ARK 预计 2030 年推理支出达到 $1.4T [@ark-big-ideas-2026, p. 12]。\n这一节从这个案例出发")
    edit(book_copy / "manuscript/ch02-gpu-hardware.md", "## 2.1 ",
         "ARK 也讨论了硬件（来源：ARK报告第9页）。\n\n## 2.1 ")
    assert [(u.path, u.page, u.figures) for u in uncovered(book_copy)] == [
        ("manuscript/ch01-cost-revolution.md", "p. 12", ("$1.4T",)),
        ("manuscript/ch02-gpu-hardware.md", "p. 9", ()),
    ]
