"""Figures, tables and references: labels on the real book, each check on a planted case, the site's numbering, and
the figures themselves (redrawn bytes, staleness after a results edit). Every edit happens in a temporary copy."""
from __future__ import annotations

import json
import re
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from book.checks import figures, results
from book.reading.book import Book
from book.reading.repo import Repo
from book.site.labels import numbered
from conftest import ROOT, edit, run_book

CH02 = "manuscript/ch02-gpu-hardware.md"
CH04 = "manuscript/ch04-kv-cache.md"
FIGURE_NAMES = ["ch02-roofline", "ch04-step", "ch05-latency", "ch06-speed", "ch07-speedup", "ch08-cost"]


def rows(findings):
    return sorted((f.path, f.line, f.col, f.code, f.severity) for f in findings)


def line_of(path: Path, needle: str) -> int:
    return path.read_text(encoding="utf-8").split("\n").index(needle) + 1


@pytest.fixture
def book(book_copy: Path) -> Path:
    """A copy of the book (the plotting code and its font included) with the pins, whose matplotlib is an input."""
    shutil.copy2(ROOT / "requirements.lock", book_copy / "requirements.lock")
    return book_copy


def check(root: Path):
    return figures.check(Book(Repo(root)))


def append(path: Path, text: str) -> int:
    """Appends a paragraph; returns its first line."""
    before = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(before + "\n\n" + text + "\n", encoding="utf-8")
    return before.count("\n") + 3


# ---------------------------------------------------------------------------------------------------- the real book

def test_every_label_of_the_book_resolves_and_is_numbered_by_chapter():
    labels = Book(Repo(ROOT)).labels
    assert labels.numbering() == {
        "fig:ch02-roofline": "图 2-1", "tbl:ch02-batch": "表 2-1", "tbl:ch02-attention": "表 2-2",
        "fig:ch04-step": "图 4-1", "tbl:ch04-prefix": "表 4-1", "fig:ch05-latency": "图 5-1", "tbl:ch05-sweep": "表 5-1",
        "fig:ch06-speed": "图 6-1", "tbl:ch06-ptq": "表 6-1", "tbl:ch06-fp8": "表 6-2", "fig:ch07-speedup": "图 7-1",
        "tbl:ch07-k": "表 7-1", "fig:ch08-cost": "图 8-1"}
    references = [r for refs in labels.references.values() for r in refs]
    assert len(references) >= 9 and all(labels.text(r.name) for r in references)
    assert labels.text("sec:6.4") == "6.4 节" and labels.text("sec:4") == "第4章" and labels.text("sec:8.4.1") == "8.4.1 节"
    assert not labels.duplicates


def test_the_book_passes_the_figures_check():
    assert check(ROOT) == []


def test_each_chapter_with_a_demo_shows_a_figure_drawn_from_its_results():
    book = Book(Repo(ROOT))
    for name in FIGURE_NAMES:
        label = book.labels.labels[f"fig:{name}"]
        assert label.definition.src == f"figures/{name}.svg" and label.definition.alt and label.definition.caption
        key = figures.recorded_key(ROOT / "manuscript/figures" / f"{name}.svg")
        assert any(path.startswith("code/results/ch") for path in key["inputs"]), name
        assert f"code/plots/{name[:4]}.py" in key["inputs"] and key["matplotlib"] == figures.pinned_matplotlib(ROOT)


# ---------------------------------------------------------------------------------------------------- planted cases

def test_a_reference_to_no_label_is_located_and_a_near_label_suggested(book):
    line = append(book / CH04, "如[](#fig:ch04-stepp)所示，另见[](#sec:4.9)。")
    found = check(book)
    assert rows(found) == [(CH04, line, 2, "ref-undefined", "error"), (CH04, line, 26, "ref-undefined", "error")]
    assert "fig:ch04-step" in found[0].message


def test_references_in_code_are_not_references(book):
    append(book / CH04, "写法是 `[](#fig:nothing)`：\n\n```markdown\n[](#fig:nothing-either)\n```")
    assert check(book) == []


def test_a_label_defined_twice(book):
    line = append(book / CH04, '![另一幅图](figures/ch04-step.svg "图题"){#fig:ch04-step}')
    assert rows(check(book)) == [(CH04, line, 36, "ref-duplicate", "error")]


def test_an_unreferenced_figure_and_one_without_alt_text_or_caption(book):
    line = append(book / CH04, "![](figures/ch04-step.svg){#fig:ch04-again}")
    assert rows(check(book)) == [(CH04, line, 1, "figure-alt", "error"),
                                 (CH04, line, 27, "figure-alt", "error"),            # no caption
                                 (CH04, line, 27, "figure-unreferenced", "warning")]


def test_a_table_caption_away_from_any_table(book):
    line = append(book / CH04, "见[](#tbl:ch04-none)。\n\n: 没有表格的表题 {#tbl:ch04-none}")
    assert rows(check(book)) == [(CH04, line + 2, 11, "figure-alt", "error")]


def table_row(path: Path, batch: int) -> tuple[str, list[str]]:
    """A row of 表 2-1 as written, and its cells."""
    row = next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith(f"| {batch} |"))
    return row, [cell.strip() for cell in row.strip("|").split("|")]


def test_a_table_cell_that_no_longer_matches_its_results(book):
    path = book / CH02
    row, cells = table_row(path, 4)
    measured = results.metric_values(json.loads((book / "code/results/ch02-gpu-hardware.json").read_text()))
    wrong = next(w for w in ("68.3", "11.1", "77.7", "33.3") if results.matches(w + "%", measured) is False)
    changed = row.replace(f"| {cells[3]} |", f"| {wrong} |")
    edit(path, row, changed)
    found = check(book)
    line = line_of(path, changed)
    assert rows(found) == [(CH02, line, changed.index(wrong) + 1, "results-mismatch", "error")]
    assert "表 2-1" in found[0].message and f"{wrong}%" in found[0].message


def fewer_digits(cell: str) -> str:
    """The cell rounded one digit shorter (half away from zero): what the check must still accept."""
    number = Decimal(cell.replace(",", ""))
    places = Decimal(1) if number.as_tuple().exponent >= -1 else Decimal("0.1")
    shorter = number.quantize(places, rounding=ROUND_HALF_UP)
    return f"{shorter:,}" if "," in cell else str(shorter)


def test_a_table_is_checked_with_the_rounding_it_prints(book):
    # a row none of whose dropped digits is a 5 (rounding 0.x5 either way may leave the measured value)
    row, cells = next((r, c) for r, c in (table_row(book / CH02, b) for b in (4, 8, 16, 2))
                      if not any(cell.replace(",", "").endswith("5") for cell in c[1:]))
    edit(book / CH02, row, "| " + " | ".join([cells[0]] + [fewer_digits(c) for c in cells[1:]]) + " |")
    assert check(book) == []


def test_a_table_caption_citation_covers_its_rows(book):
    from book.checks import claims
    assert [f for f in claims.check(Book(Repo(book)), strict=False).findings if f.code == "uncited-claim"] == []
    edit(book / CH02, "资源利用率 [@results-ch02] {#tbl:ch02-batch}", "资源利用率 {#tbl:ch02-batch}")
    uncited = [f for f in claims.check(Book(Repo(book)), strict=False).findings if f.code == "uncited-claim"]
    assert len(uncited) == 40 and {f.path for f in uncited} == {CH02}    # ten rows of four measured columns


def test_a_label_is_an_anchor_of_its_page_for_the_link_check(book):
    from book.checks import links
    line = append(book / "manuscript/ch05-batching.md",
                  "见[这幅图](ch04-kv-cache.md#fig:ch04-step)与[另一幅](ch04-kv-cache.md#fig:ch04-nope)。")
    assert rows(links.check_anchors(Book(Repo(book)))) == [("manuscript/ch05-batching.md", line, 46, "site-link", "error")]


# ---------------------------------------------------------------------------------------------------- stale figures

def test_one_results_value_changed_makes_exactly_its_figures_stale_and_make_figures_clears_it(book):
    results = book / "code/results/ch04-kv-cache.json"
    data = json.loads(results.read_text(encoding="utf-8"))
    data["metrics"]["cached_ms_ctx256"]["value"] = 1.9
    results.write_text(json.dumps(data, indent=2), encoding="utf-8")
    found = check(book)
    image_line = next(k for k, text in enumerate((book / CH04).read_text(encoding="utf-8").split("\n"), 1)
                      if text.startswith("![") and "ch04-step.svg" in text)
    assert rows(found) == [(CH04, image_line, 1, "stale-figure", "error")]
    assert "code/results/ch04-kv-cache.json" in found[0].message and "make figures" in found[0].message
    before = {name: (book / "manuscript/figures" / f"{name}.svg").read_bytes() for name in FIGURE_NAMES}
    run = run_book("figures", cwd=book)
    assert run.code == 0, run.out
    assert run.lines() [0].startswith("重绘 manuscript/figures/ch04-step.svg（code/results/ch04-kv-cache.json）")
    assert check(book) == []
    after = {name: (book / "manuscript/figures" / f"{name}.svg").read_bytes() for name in FIGURE_NAMES}
    assert [n for n in FIGURE_NAMES if before[n] != after[n]] == ["ch04-step"]


def test_a_new_matplotlib_pin_makes_every_figure_stale(book):
    edit(book / "requirements.lock", "matplotlib==", "matplotlib==9.9.9\n# was: matplotlib==")
    found = check(book)
    assert len(found) == len(FIGURE_NAMES) and {f.code for f in found} == {"stale-figure"}
    assert all("matplotlib" in f.message and "9.9.9" in f.message for f in found)


def test_a_font_or_plotting_code_change_is_named(book):
    with (book / "code/plots/style.py").open("a", encoding="utf-8") as out:
        out.write("\n# a comment\n")
    found = check(book)
    assert len(found) == len(FIGURE_NAMES) and all("code/plots/style.py" in f.message for f in found)


def test_a_declared_figure_not_drawn_and_an_svg_drawn_by_hand(book):
    (book / "manuscript/figures/ch08-cost.svg").unlink()
    (book / "manuscript/figures/ch06-speed.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>\n")
    found = rows(check(book))
    assert ("code/plots/ch08.py", 8, 2, "stale-figure", "error") in found
    assert any(r[0] == "manuscript/ch06-quantization.md" and r[3] == "stale-figure" for r in found) and len(found) == 2


def test_a_figure_no_code_draws_any_more(book):
    shutil.copy2(book / "manuscript/figures/ch08-cost.svg", book / "manuscript/figures/ch08-old.svg")
    found = check(book)
    assert rows(found) == [("manuscript/figures/ch08-old.svg", 1, 1, "stale-figure", "error")]
    assert "code/plots" in found[0].message


def test_deleted_figures_are_redrawn_byte_for_byte(book):
    for svg in (book / "manuscript/figures").glob("*.svg"):
        svg.unlink()
    run = run_book("figures", cwd=book)
    assert run.code == 0, run.out
    for name in FIGURE_NAMES:
        assert (book / "manuscript/figures" / f"{name}.svg").read_bytes() == \
               (ROOT / "manuscript/figures" / f"{name}.svg").read_bytes(), name
    again = run_book("figures", cwd=book)
    assert "重绘 0 幅，6 幅是最新的" in again.out


def test_book_check_reports_a_stale_figure_and_never_draws(book):
    results = book / "code/results/ch08-production.json"
    results.write_text(results.read_text(encoding="utf-8").replace('"gpu_price_per_hour": 3.5', '"gpu_price_per_hour": 3.0', 1), encoding="utf-8")
    svg = book / "manuscript/figures/ch08-cost.svg"
    before = svg.read_bytes()
    others = ("toc", "claims", "verify", "lint", "todo", "notebooks", "results", "print", "site")
    run = run_book("check", *[a for step in others for a in ("--skip", step)], cwd=book)
    stale = set(run.lines("stale-figure"))    # the errors are listed again before the verdict
    assert run.code == 1 and len(stale) == 1 and stale.pop().startswith("manuscript/ch08-production.md:")
    assert svg.read_bytes() == before


# ---------------------------------------------------------------------------------------------------- the site

def test_the_site_numbers_figures_tables_and_references():
    book = Book(Repo(ROOT))
    docs = ROOT / "manuscript"
    ch02 = numbered((docs / "ch02-gpu-hardware.md").read_text(encoding="utf-8"), "ch02-gpu-hardware.md",
                    book.labels, docs, lambda text, sep: "slug")
    assert '<figure markdown="span" id="fig:ch02-roofline">' in ch02
    assert "<figcaption>图 2-1　批大小与解码吞吐量" in ch02
    assert "**表 2-1**　不同批大小下" in ch02 and "{: #tbl:ch02-batch .table-caption }" in ch02
    assert "[图 2-1](#fig:ch02-roofline)" in ch02 and "[表 2-1](#tbl:ch02-batch)" in ch02
    text = "见[](#fig:ch04-step)与[](#sec:4.3)，`[](#fig:ch04-step)` 不变。"
    shown = numbered(text, "ch05-batching.md", book.labels, docs, lambda heading, sep: heading.split()[0])
    assert shown == "见[图 4-1](ch04-kv-cache.md#fig:ch04-step) 与[4.3 节](ch04-kv-cache.md#4.3)，`[](#fig:ch04-step)` 不变。"
    # a reference ending in a digit takes the space Chinese typesetting puts before a Chinese character after it
    shown = numbered("[](#fig:ch04-step)画出了两条曲线，见[](#fig:ch04-step)。", "ch05-batching.md", book.labels, docs,
                     lambda heading, sep: heading)
    assert shown == "[图 4-1](ch04-kv-cache.md#fig:ch04-step) 画出了两条曲线，见[图 4-1](ch04-kv-cache.md#fig:ch04-step)。"


def test_release_and_draft_sites_show_the_same_numbers_with_working_links(release_site, draft_site):
    for site in (release_site, draft_site):
        html = (site / "ch02-gpu-hardware/index.html").read_text(encoding="utf-8")
        assert '<figure id="fig:ch02-roofline">' in html and "<figcaption>图 2-1　" in html
        assert '<a href="#tbl:ch02-batch">表 2-1</a>' in html and 'id="tbl:ch02-batch"' in html
        assert (site / "figures/ch02-roofline.svg").read_bytes() == (ROOT / "manuscript/figures/ch02-roofline.svg").read_bytes()
        ch05 = (site / "ch05-batching/index.html").read_text(encoding="utf-8")
        assert '<a href="../ch02-gpu-hardware/#fig:ch02-roofline">图 2-1</a>' in ch05   # another chapter's figure
        ch06 = (site / "ch06-quantization/index.html").read_text(encoding="utf-8")
        anchor = re.search(r'<a href="#([^"]+)">6\.4 节</a>', ch06)                  # a section of the same page
        assert anchor and f'id="{anchor[1]}"' in ch06
