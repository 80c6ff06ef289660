"""The results check: the recorded results in code/results/ against their schema, against the code that produced
them, and against the prose that prints them.

- `results-schema`: every results file validates against schemas/results.schema.json.
- `stale-result` (warning; an error under STRICT=1): a results file records the inputs key of the run that measured
  it (`provenance.inputs_key`, with a hash per input under `provenance.inputs`). When the key the notebook would have
  now (computed from the files, at the recorded scale and device) differs, the figures no longer come from this code:
  the finding names the inputs that changed and the command that brings the file up to date. A file recorded before
  results carried a key is stale too.
- `results-mismatch` (error): a figure in the prose whose citation is a results file (`[@results-ch05]`) must equal
  one of that file's metric values, rounded as the prose prints it.

A chapter's notebook records code/results/<chapter folder>.json; a chapter with a second notebook gives it a stem of
its own (`record(..., stem="ch02-attention-kernels")`), registered under a key of its own (`results-ch02-attention`).
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from ..execution import keys
from ..findings import ERROR, WARNING, Finding, rel
from ..reading.book import Book
from ..reading.numerals import figure_quantities, normalise, quantities
from ..reading.repo import Repo
from ..messages import detailed, finding
from ..reading.schemas import describe, errors
from ..reading.textio import FileProblem, explain_json, read_text
from .claims import find_claims

RESULTS_KEY = re.compile(r"^results-(?P<chapter>ch\d{2})(?:-[\w-]*)?$")


@dataclass
class ResultsFile:
    path: Path
    shown: str
    text: str
    data: dict | None
    problem: Finding | None = None  # why it could not be read (not UTF-8, unreadable)


def results_files(repo: Repo) -> list[ResultsFile]:
    out = []
    for path in sorted((repo.code / "results").glob("*.json")):
        shown = rel(path, repo.root)
        try:
            text, problem = read_text(path, shown, "results-schema"), None
        except FileProblem as exc:
            text, problem = "", exc.finding
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        out.append(ResultsFile(path, shown, text, data if isinstance(data, dict) else None, problem))
    return out


def line_of(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def schema_findings(repo: Repo, files: list[ResultsFile]) -> list[Finding]:
    found = []
    for f in files:
        if f.problem is not None:
            found.append(f.problem)
            continue
        if f.data is None:
            try:
                json.loads(f.text)
                found.append(finding(f.shown, 1, 1, ERROR, "results-schema:not-object"))
            except json.JSONDecodeError as exc:
                line, col, problem = explain_json(exc)
                found.append(detailed(finding(f.shown, line, col, ERROR, "results-schema:json", problem=problem),
                                      exc.msg))
            continue
        for e in errors(repo.schemas / "results.schema.json", f.data):
            where = "/".join(map(str, e.absolute_path))
            line = line_of(f.text, f'"{e.absolute_path[-1]}"') if e.absolute_path else 1
            found.append(detailed(finding(f.shown, line, 1, ERROR, "results-schema:schema", problem=describe(e)),
                                  e.message))
    return found


# ---------------------------------------------------------------------------------------------------- stale-result

def chapter_short(chapter: str) -> str:
    m = re.match(r"ch\d{2}", chapter or "")
    return m[0] if m else chapter


def notebook_of(repo: Repo, data: dict) -> Path | None:
    chapter, notebook = data.get("chapter"), data.get("notebook")
    if not isinstance(chapter, str) or not isinstance(notebook, str):
        return None
    path = repo.code / chapter / notebook
    return path if path.is_file() else None


def stale_findings(repo: Repo, files: list[ResultsFile], strict: bool) -> list[Finding]:
    severity = ERROR if strict else WARNING
    found = []
    for f in files:
        if f.data is None:
            continue
        provenance = f.data.get("provenance") if isinstance(f.data.get("provenance"), dict) else {}
        fix = f"make gpu CHAPTERS={chapter_short(str(f.data.get('chapter', '')))}"
        recorded = provenance.get("inputs_key")
        line = line_of(f.text, '"inputs_key"') if recorded else line_of(f.text, '"provenance"')
        if not isinstance(recorded, str) or not recorded:
            found.append(finding(f.shown, line, 1, severity, "stale-result:no-key", fix=fix))
            continue
        notebook = notebook_of(repo, f.data)
        if notebook is None:
            found.append(finding(f.shown, line_of(f.text, '"notebook"'), 1, severity, "stale-result:no-notebook",
                                 notebook=f"code/{f.data.get('chapter')}/{f.data.get('notebook')}"))
            continue
        scale = provenance.get("scale") if provenance.get("scale") in keys.SCALES else "full"
        device = provenance.get("device") if provenance.get("device") in keys.DEVICES else "cuda"
        try:
            current = keys.notebook_inputs(notebook, scale, device, repo.root)
        except keys.InputsError as exc:
            found.append(finding(f.shown, line, 1, severity, "stale-result:unreadable", reason=str(exc)))
            continue
        if current.key == recorded:
            continue
        before = provenance.get("inputs") if isinstance(provenance.get("inputs"), dict) else None
        changes = keys.changed(before, current.inputs) if before is not None else []
        if changes:
            shown = [path for path, _ in changes[:4]] + ([f"+{len(changes) - 4}"] if len(changes) > 4 else [])
            found.append(finding(f.shown, line, 1, severity, "stale-result:changed", inputs=", ".join(shown), fix=fix))
        else:
            found.append(finding(f.shown, line, 1, severity, "stale-result:key", fix=fix))
    return found


# ---------------------------------------------------------------------------------------------------- results-mismatch

@dataclass(frozen=True)
class Printed:
    """A figure as printed, read once by the book's one number reader: `1.4 万亿` is 1.4 of 1e12, `三百万` 3,000,000,
    `９９％` 99 percent. `half`: half a unit of its last printed digit; `kind`: the number reader's ("%", "x", "n", a
    currency); `unit`: (quantity, factor) when it is written in bytes, seconds or bytes/s."""
    number: float
    half: float
    kind: str
    magnitude: float
    unit: tuple[str, float] | None


def printed_values(figure: str) -> list[Printed]:
    """What a figure prints: one value, or each end of a range (`1.70～1.79 倍`: both multipliers); each must be a
    metric. The unit after the figure is the unit of every end."""
    text, found = figure_quantities(figure)
    unit = unit_of(text[found[-1].end:]) if found else None
    return [Printed(float(q.value * q.factor), float(q.half * q.factor), q.kind, float(q.magnitude or 1), unit)
            for q in found]


UNITS = {  # unit as printed -> (quantity, factor to the base unit)
    **{u: ("bytes", f) for u, f in {"B": 1, "bytes": 1, "byte": 1, "字节": 1, "KB": 1e3, "kB": 1e3, "MB": 1e6,
                                    "GB": 1e9, "TB": 1e12, "KiB": 2 ** 10, "MiB": 2 ** 20, "GiB": 2 ** 30,
                                    "TiB": 2 ** 40}.items()},
    **{u: ("bytes/s", f) for u, f in {"B/s": 1, "bytes/s": 1, "KB/s": 1e3, "MB/s": 1e6, "GB/s": 1e9, "TB/s": 1e12,
                                      "GiB/s": 2 ** 30, "TiB/s": 2 ** 40}.items()},
    **{u: ("seconds", f) for u, f in {"s": 1, "秒": 1, "ms": 1e-3, "毫秒": 1e-3, "us": 1e-6, "µs": 1e-6, "μs": 1e-6,
                                      "微秒": 1e-6, "ns": 1e-9, "min": 60, "分钟": 60}.items()},
}
FIGURE_UNIT = re.compile(r"\s*(?P<unit>[A-Za-zµμ]+(?:/s)?|字节|毫秒|微秒|秒|分钟)")


def unit_of(text: str) -> tuple[str, float] | None:
    m = FIGURE_UNIT.match(text or "")
    return UNITS.get(m["unit"]) if m else None


def metric_values(data: dict) -> list[tuple[str, float, str]]:
    out = []
    for name, metric in (data.get("metrics") or {}).items():
        value = metric.get("value") if isinstance(metric, dict) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            out.append((name, float(value), str(metric.get("unit") or "")))
    return out


RATIOS = ("ratio", "x")  # metric units a percentage or a multiplier can print


def candidates(printed: Printed, value: float, unit: str) -> list[float]:
    """The metric's value in the figure's terms, where the figure can print it. A figure in bytes, seconds or bytes/s
    takes only a metric of that quantity, converted to the figure's unit (bytes as GB, seconds as ms): `2 GB` is no
    match for a ratio of 2.0 or for 2 bytes. A percentage takes only a ratio (as a percentage) or a metric in %; a
    multiplier (`倍`, `x`) only a ratio: `5%` is no match for 5 ms, `3 倍` none for 3 prompts. Any other figure: the
    value as is, 万/k magnitudes."""
    if printed.unit:
        ours = unit_of(unit)
        return [value * ours[1] / printed.unit[1]] if ours and ours[0] == printed.unit[0] else []
    if printed.kind == "%":
        return [value * 100 / printed.magnitude] if unit in RATIOS else [value / printed.magnitude] if unit == "%" else []
    if printed.kind == "x":
        return [value / printed.magnitude] if unit in RATIOS else []
    return [value / printed.magnitude]


def equals(printed: Printed, values: list[tuple[str, float, str]]) -> bool:
    return any(abs(c - printed.number) <= printed.half * (1 + 1e-9) + 1e-12
               for _, v, unit in values for c in candidates(printed, v, unit))


def matches(figure: str, values: list[tuple[str, float, str]]) -> bool | None:
    """True when every value the figure prints (each end of a range), rounded as printed, equals some metric; None
    when the figure has no number."""
    printed = printed_values(figure)
    if not printed:
        return None
    return all(equals(p, values) for p in printed)


def closest(figure: str, values: list[tuple[str, float, str]]) -> tuple[str, float] | None:
    """The metric nearest to the first value of the figure that equals none."""
    printed = next((p for p in printed_values(figure) if not equals(p, values)), None)
    if printed is None or not values:
        return None
    best = min(((abs(c - printed.number), name, v) for name, v, unit in values for c in candidates(printed, v, unit)),
               default=None)
    return (best[1], best[2]) if best else None


def results_source(key: str, registry, files: list[ResultsFile]) -> ResultsFile | None:
    """The results file a citation key names: the file a registered source's path points at in code/results/; else,
    by name, `results-ch05` for the chapter's own file (stem = the chapter's folder, `ch05-batching.json`) and
    `results-ch02-attention-kernels` for the file of that stem (a second notebook of chapter 2)."""
    source = registry.sources.get(key) if registry is not None else None
    if isinstance(source, dict):
        for field in ("file", "path"):
            target = source.get(field)
            if isinstance(target, str) and "code/results/" in target:
                name = Path(target).name
                return next((f for f in files if f.path.name == name), None)
    m = RESULTS_KEY.match(key or "")
    if not m:
        return None
    stem = key.removeprefix("results-")
    named = next((f for f in files if f.path.stem == stem), None)
    if named is not None or stem != m["chapter"]:
        return named
    return next((f for f in files if f.path.stem == f.data.get("chapter")
                 and chapter_short(f.path.stem) == stem), None)


SECTION_AFTER = re.compile(r"(?:\.\d+)*\s*[节章]")


def decimals(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Plain numbers with a decimal point outside the claims and citations (`α 为 0.724`, `每次检查 2.903 个 token`):
    in a sentence citing a results file they are measurements too, and a stale one would otherwise go unseen. Not a
    section (`4.1 节`); a sentence with a `no-cite` note (a constant it explains) is not scanned."""
    normal = normalise(text)
    if len(normal) != len(text):  # positions would not line up; the claims are still checked
        return []
    return [(q.start, q.end) for q in quantities(normal)
            if q.kind == "n" and q.magnitude is None and "." in normal[q.start:q.end]
            and not SECTION_AFTER.match(normal, q.end) and not normal[:q.start].endswith("第")
            and not any(a <= q.start < b for a, b in taken)]


def mismatch_findings(book: Book, files: list[ResultsFile]) -> list[Finding]:
    """Figures attributed to a results citation (the first citation after the figure in its sentence, else the last
    before it) that equal none of the file's metric values as printed."""
    citations = book.citations
    if citations is None:
        return []
    readable = [f for f in files if f.data is not None]
    registry = book.registry
    found = []
    for source in book.files:
        if source.text is None or "results-" not in source.text:
            continue
        for unit in book.units(source):
            if "results-" not in unit.text:
                continue
            cites = [c for c in citations.find(unit.text) if c.key]
            if not cites:
                continue
            spans = [(c.start, c.end) for c in cites]
            claimed = [(start, end) for start, end, _kind in find_claims(unit.text, spans)]
            for start, end in claimed + ([] if unit.no_cite is not None else decimals(unit.text, claimed + spans)):
                after = [c for c in cites if c.start >= end]
                cite = after[0] if after else cites[-1]
                target = results_source(cite.key, registry, readable)
                if target is None:
                    continue
                figure = unit.text[start:end].strip()
                values = metric_values(target.data)
                if matches(figure, values) is not False:
                    continue
                near = closest(figure, values)
                line, col = unit.where(start)
                if near:
                    found.append(finding(source.shown, line, col, ERROR, "results-mismatch:closest", figure=figure,
                                         file=target.shown, name=near[0], value=f"{near[1]:g}"))
                else:
                    found.append(finding(source.shown, line, col, ERROR, "results-mismatch", figure=figure,
                                         file=target.shown))
    return found


def check(book: Book, strict: bool, prose: bool = True, chapters: set[str] | None = None) -> list[Finding]:
    """Schema, stale results and (with `prose`) the prose's figures against the results they cite; with `chapters`
    (folder names under code/) only the results those chapters' notebooks record."""
    repo = book.repo
    files = results_files(repo)
    if chapters is not None:
        files = [f for f in files if f.path.stem in chapters or (f.data or {}).get("chapter") in chapters]
    found = schema_findings(repo, files) + stale_findings(repo, files, strict)
    if prose:
        found += mismatch_findings(book, files)
    return found

