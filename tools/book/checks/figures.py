"""The figures check: labels and references (reading/labels.py), alt text and captions, tables against the results
they cite, and figures against the inputs they were drawn from. It never draws: `book figures` does.

- `ref-undefined` (error): `[](#fig:x)`, `[](#tbl:x)` or `[](#sec:N.M)` names no label or no TOC entry.
- `ref-duplicate` (error): a label defined a second time, located there.
- `figure-unreferenced` (warning): a figure or table the prose never refers to.
- `figure-alt` (error): an image without alt text, a labelled figure without a caption, a table caption away from
  its table.
- `results-mismatch` (error): a number in a labelled table whose caption cites a results file (`[@results-ch02]`)
  that equals none of the file's metric values as printed (results-mismatch's rounding: the cell's own precision,
  a percentage against a ratio, a unit in the column header).
- `stale-figure` (error): an SVG under manuscript/figures/ whose recorded inputs (code/plots/draw.py writes them
  into it: its results files, its plotting code, the font, the matplotlib version) are not the repository's now;
  a figure the plotting code declares that is not drawn, or one it no longer declares. `make figures` redraws them on a CPU in seconds.
"""
from __future__ import annotations

import ast
import difflib
import hashlib
import html
import json
import re
from pathlib import Path

from ..findings import ERROR, WARNING, Finding, rel
from ..messages import finding, say
from ..reading.book import Book
from ..reading.labels import Labels
from . import results as results_check

FIGURES_DIR = "manuscript/figures"
PLOTS_DIR = "code/plots"
KEY_FORMAT = "book-figure/1"   # the format of the key code/plots/draw.py writes (it does not import the toolchain)
DESCRIPTION = re.compile(r"<dc:description>(?P<key>.*?)</dc:description>", re.S)
MATPLOTLIB_PIN = re.compile(r"^matplotlib==(?P<version>\S+)\s*$", re.M)
HEADER_UNIT = re.compile(r"[（(](?P<unit>[^（）()]+)[）)]\s*$")
NUMBER_CELL = re.compile(r"^[\d,.]+\s*%?$")


def check(book: Book) -> list[Finding]:
    labels = book.labels
    return sorted(label_findings(book, labels) + table_findings(book, labels) + stale_findings(book, labels))


# ---------------------------------------------------------------------------------------------------- labels

def label_findings(book: Book, labels: Labels) -> list[Finding]:
    found: list[Finding] = []
    shown = {source.path: source.shown for source in book.files}
    names = sorted(labels.labels)
    for path, references in labels.references.items():
        for ref in references:
            if labels.text(ref.name) is not None:
                continue
            if ref.name.startswith("sec:"):
                found.append(finding(shown[path], ref.line, ref.col, ERROR, "ref-undefined:section", name=ref.name))
                continue
            near = difflib.get_close_matches(ref.name, names, n=1)
            hint = say("ref-undefined:hint", near=near[0]) if near else ""
            found.append(finding(shown[path], ref.line, ref.col, ERROR, "ref-undefined", name=ref.name, hint=hint))
    for again, first in labels.duplicates:
        found.append(finding(again.shown, again.definition.line, again.definition.col, ERROR, "ref-duplicate",
                             name=again.name, first=f"{first.shown}:{first.definition.line}"))
    referenced = labels.referenced()
    for label in labels.labels.values():
        d = label.definition
        if label.name not in referenced:
            found.append(finding(label.shown, d.line, d.col, WARNING, "figure-unreferenced", text=label.text,
                                 name=label.name))
        if d.kind == "figure" and not d.caption:
            found.append(finding(label.shown, d.line, d.col, ERROR, "figure-alt:caption", text=label.text,
                                 name=label.name))
        if d.kind == "table" and d.table is None:
            found.append(finding(label.shown, d.line, d.col, ERROR, "figure-alt:table", text=label.text,
                                 name=label.name))
    manuscript = book.repo.manuscript.resolve()
    for path, file_labels in labels.files.items():
        if not path.is_relative_to(manuscript):
            continue  # the TOC and its proposals show no images to readers
        for image in file_labels.images:
            if not image.alt:
                found.append(finding(shown[path], image.line, image.col, ERROR, "figure-alt"))
    return found


# ---------------------------------------------------------------------------------------------------- tables

def table_findings(book: Book, labels: Labels) -> list[Finding]:
    """The numbers of each labelled table whose caption cites a results file, against that file's metrics."""
    citations = book.citations
    if citations is None:
        return []
    files = [f for f in results_check.results_files(book.repo) if f.data is not None]
    found = []
    for label in labels.labels.values():
        d = label.definition
        if d.kind != "table" or d.table is None:
            continue
        cited = [c for c in citations.find(d.caption) if c.key]
        target = next((t for c in cited if (t := results_check.results_source(c.key, book.registry, files))), None)
        if target is None:
            continue
        source = book.file(label.path)
        doc = book.document(source)
        values = results_check.metric_values(target.data)
        for line, col, figure in table_numbers(doc, d.table):
            if results_check.matches(figure, values) is False:
                near = results_check.closest(figure, values)
                found.append(finding(label.shown, line, col, ERROR, "results-mismatch:table", figure=figure,
                                     table=label.text, file=target.shown, name=near[0] if near else "—",
                                     value=f"{near[1]:g}" if near else "—"))
    return found


def table_numbers(doc, lines: tuple[int, int]) -> list[tuple[int, int, str]]:
    """(line, col, figure) of each number in the table's body, but its first column (the rows' keys); a unit in the
    column's header (`吞吐量（token/s）`, `带宽利用率（%）`) is the unit of its cells."""
    units: list[str] = []
    out = []
    inside, in_head, column = False, False, 0
    for token in doc.tokens:
        if token.type == "table_open":
            inside = token.map is not None and token.map[0] == lines[0]
        elif not inside:
            continue
        elif token.type == "table_close":
            break
        elif token.type in ("thead_open", "thead_close"):
            in_head = token.type == "thead_open"
        elif token.type == "tr_open":
            column = 0
        elif token.type == "inline":
            text = token.content.strip()
            if in_head:
                m = HEADER_UNIT.search(text)
                units.append(m["unit"].strip() if m else "")
            elif column > 0 and NUMBER_CELL.match(text) and token.map:
                unit = units[column] if column < len(units) else ""
                figure = text + ("%" if unit == "%" and not text.endswith("%") else f" {unit}" if unit else "")
                line = token.map[0]
                out.append((line + 1, cell_column(doc.lines[line], column, text), figure))
            column += 1
    return out


def cell_column(line: str, column: int, text: str) -> int:
    """1-based column of a cell's text in its table row (cells split at unescaped pipes)."""
    at, seen = 0, -1 if line.lstrip().startswith("|") else 0
    for k, ch in enumerate(line):
        if ch == "|" and (k == 0 or line[k - 1] != "\\"):
            seen += 1
            if seen == column:
                at = k + 1
                break
    found = line.find(text, at)
    return (found if found >= 0 else at) + 1


# ---------------------------------------------------------------------------------------------------- stale figures

def recorded_key(svg: Path) -> dict | None:
    """The inputs an SVG records (code/plots/draw.py writes them), or None when it records none."""
    try:
        head = svg.read_bytes()[:16384].decode("utf-8", errors="replace")
    except OSError:
        return None
    m = DESCRIPTION.search(head)
    if not m:
        return None
    try:
        key = json.loads(html.unescape(m["key"]))
    except ValueError:
        return None
    ok = isinstance(key, dict) and key.get("format") == KEY_FORMAT and isinstance(key.get("inputs"), dict)
    return key if ok else None


def pinned_matplotlib(root: Path) -> str | None:
    try:
        m = MATPLOTLIB_PIN.search((root / "requirements.lock").read_text(encoding="utf-8"))
    except OSError:
        return None
    return m["version"] if m else None


def file_sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def changed_inputs(root: Path, key: dict | None) -> list[str] | None:
    """What changed since the figure was drawn: input paths (and `matplotlib 3.x`); None when it records no key."""
    if key is None:
        return None
    changes = [path for path, digest in sorted(key["inputs"].items()) if file_sha256(root / path) != digest]
    pinned = pinned_matplotlib(root)
    if pinned is not None and key.get("matplotlib") != pinned:
        changes.append(f"matplotlib {key.get('matplotlib')} → {pinned}")
    return changes


def figure_files(root: Path) -> list[Path]:
    folder = root / FIGURES_DIR
    return sorted(folder.glob("*.svg")) if folder.is_dir() else []


def declared_figures(root: Path) -> dict[str, tuple[str, int, int]]:
    """Figure names the plotting code declares (`@figure("name", …)`), read without running it: name -> where."""
    declared = {}
    for path in sorted((root / PLOTS_DIR).glob("ch*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "figure" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                declared[node.args[0].value] = (rel(path, root), node.lineno, node.col_offset + 1)
    return declared


def shown_at(book: Book, labels: Labels) -> dict[Path, tuple[str, int, int]]:
    """Each figure file -> the first image of the prose that shows it (where its finding is located)."""
    where: dict[Path, tuple[str, int, int]] = {}
    for path, file_labels in labels.files.items():
        for image in file_labels.images:
            target = (path.parent / image.src.split("#")[0]).resolve() if image.src and "://" not in image.src else None
            if target is not None and target not in where:
                where[target] = (book.shown(path), image.line, image.col)
    return where


def stale_findings(book: Book, labels: Labels) -> list[Finding]:
    root = book.root
    where = shown_at(book, labels)
    found = []
    svgs = figure_files(root)
    declared = declared_figures(root)
    for svg in svgs:
        shown = rel(svg, root)
        path, line, col = where.get(svg.resolve(), (shown, 1, 1))
        changes = changed_inputs(root, recorded_key(svg))
        if svg.stem not in declared:
            found.append(finding(path, line, col, ERROR, "stale-figure:orphan", figure=shown, plots=PLOTS_DIR))
        elif changes is None:
            found.append(finding(path, line, col, ERROR, "stale-figure:no-key", figure=shown))
        elif changes:
            listed = changes[:4] + ([f"+{len(changes) - 4}"] if len(changes) > 4 else [])
            found.append(finding(path, line, col, ERROR, "stale-figure:changed", figure=shown,
                                 inputs=", ".join(listed)))
    drawn = {svg.stem for svg in svgs}
    for name, (path, line, col) in declared.items():
        if name not in drawn:
            found.append(finding(path, line, col, ERROR, "stale-figure:missing", figure=f"{FIGURES_DIR}/{name}.svg"))
    return found
