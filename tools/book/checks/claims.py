"""The claims check: every data claim of the book's prose needs a citation with a page in the same sentence.

A claim's kind and what only looks like one are the tables in checks.claims_rules; the units and their citations
come from the file's prose map (reading.prose_map, where reading.citations read them once). The rules run once over
all units of a file joined, then are split back per unit.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from ..findings import ERROR, WARNING, Finding
from ..messages import finding
from ..reading.book import Book, SourceFile, bulk
from ..reading.citations import Citation
from ..reading.labels import TABLE_CAPTION
from ..reading.prose import TODO_MARK, Unit
from ..reading.prose_map import ProseMap
from .claims_rules import (BARE_NUMBER, CLAIM_KINDS, CLAIMS, FIGURE_NUMBER, GOVERNED, GOVERNED_KINDS,
                           GOVERNING_UNIT, MAY_HOLD_CLAIM, NOT_CLAIMS, header_unit)


@dataclass
class Claim:
    """A figure of the prose. `citations`: the citations that cover it (read without a problem), their start and end
    offsets into the file's text as the Book reads it; `last_line`: the last line of its sentence (or list item, row)."""
    path: str
    line: int
    col: int
    figure: str
    kind: str
    sentence: str
    status: str  # cited, pending, no-cite, todo (source still to be found), uncited
    citations: list[Citation] = field(default_factory=list)
    no_cite: str | None = None
    last_line: int = 0

    def row(self) -> dict:
        """The claim as the JSON ledger lists it."""
        return {"path": self.path, "line": self.line, "col": self.col, "figure": self.figure, "kind": self.kind,
                "sentence": self.sentence, "status": self.status,
                "citations": [{"key": c.key, "page": c.page, "text": c.text} for c in self.citations],
                "no_cite": self.no_cite}


def snippet(text: str, end: int, width: int = 36) -> str:
    """The words just before a citation, which say what it is meant to support."""
    flat = " ".join(text[:end].split())
    return flat if len(flat) <= width else "…" + flat[-width:]


def masked(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with each span blanked out (same length, so offsets still hold)."""
    pieces, at = [], 0
    for a, b in sorted(spans):
        if b <= at:
            continue
        a = max(a, at)
        pieces += [text[at:a], " " * (b - a)]
        at = b
    pieces.append(text[at:])
    return "".join(pieces)


def find_claims(text: str, citation_spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each claim, look-alikes (references, dates, versions…) and citations masked out first."""
    if not MAY_HOLD_CLAIM.search(text):
        return []
    clean = masked(text, citation_spans) if citation_spans else text  # a page number is no claim (nor are its keys)
    look_alikes = [m.span() for m in NOT_CLAIMS.finditer(clean)]
    clean = masked(clean, look_alikes) if look_alikes else clean
    found = [(m.start(), m.end(), CLAIM_KINDS[m.lastgroup]) for m in CLAIMS.finditer(clean)]
    if not GOVERNING_UNIT.search(clean):
        return found
    rest = masked(clean, [(a, b) for a, b, _ in found]) if found else clean
    governed = []
    for m in GOVERNED.finditer(rest):  # a number whose unit stands before it: from the number on
        number = FIGURE_NUMBER.search(rest, m.start(), m.end())
        governed.append((number.start() if number else m.start(), m.end(), GOVERNED_KINDS[m.lastgroup]))
    return sorted(found + governed) if governed else found


def column_figures(unit: Unit, kinds: list[str | None], found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The bare numbers of a table row whose column header names a unit (`吞吐 (tokens/s)` over `1,200`), beside
    what the row's own text states."""
    extra = []
    for (a, b), kind in zip(unit.cells or [], kinds):
        if kind is None or any(a <= s < b for s, _, _ in found):
            continue
        m = BARE_NUMBER.match(unit.text, a, b)
        if m:
            extra.append((m.start("num"), m.end("num"), kind))
    return sorted(found + extra) if extra else found


def check_units(prose: ProseMap, shown: str, strict: bool, ledger: bool = True) -> tuple[list[Claim], list[Finding]]:
    """Claims and findings of a file's units, from its prose map. The rules run once over all units joined, then
    split back per unit. Without `ledger` only the findings are wanted: covered claims are then not written down."""
    units, cites_of, joined, starts = prose.units, prose.unit_citations, prose.joined, prose.unit_starts
    cite_spans = [(starts[k] + c.start, starts[k] + c.end) for k, cites in enumerate(cites_of) for c in cites]
    claims_of: list[list[tuple[int, int, str]]] = [[] for _ in units]
    for a, b, kind in find_claims(joined, cite_spans):
        k = bisect_right(starts, a) - 1
        claims_of[k].append((a - starts[k], b - starts[k], kind))
    headers = [k for k, unit in enumerate(units) if unit.kind == "header"]  # tables: each header's rows follow it
    for k in headers:
        column_kinds = [header_unit(units[k].text[a:b]) for a, b in units[k].cells or []]  # the units they name
        row = k + 1
        while any(column_kinds) and row < len(units) and units[row].kind == "row":
            claims_of[row] = column_figures(units[row], column_kinds, claims_of[row])
            row += 1
    captioned = table_captions(units, cites_of, headers)
    claims, findings = [], []
    stub: bool | None = None  # a file of headings alone, not written yet
    for k, (unit, cites, found) in enumerate(zip(units, cites_of, claims_of)):
        if not (cites or found or unit.no_cite is not None):
            continue  # most units: nothing to judge
        unwritten = False
        below_at = captioned.get(k)  # the unit whose citations cover this one's figures when it has none
        if unit.kind == "heading" and found:
            # A heading cannot well carry a citation: the first sentence under it may cite its figure instead. A
            # heading followed by another heading or the end of the file has no such sentence: its figure is
            # uncited, an error; in a file that holds no prose yet (an outline) a warning until STRICT.
            after = units[k + 1] if k + 1 < len(units) else None
            if after is not None and after.kind != "heading":
                below_at = k + 1
            elif not strict:
                if stub is None:
                    stub = all(u.kind == "heading" for u in units)
                unwritten = stub
        below = [c for c in cites_of[below_at] if not c.problem] if below_at is not None else None
        covering = []  # the citations its claims list, with their offsets into the file's text
        if ledger and found:
            by = k if cites or not below else below_at
            covering = [c for c in prose.source_citations(by) if not c.problem]
        unit_claims, unit_findings = judge_unit(unit, shown, cites, found, strict, ledger, below, unwritten, covering)
        claims += unit_claims
        findings += unit_findings
    return claims, findings


def table_captions(units: list[Unit], cites_of: list[list[Citation]], headers: list[int]) -> dict[int, int]:
    """The rows of a labelled table (`: 表题 [@results-ch02] {#tbl:…}` right above or below it, reading/labels.py)
    are covered by its caption's citations, as a heading is by the sentence under it: row -> the caption's unit.
    `headers`: the index of each table's header unit."""
    covered: dict[int, int] = {}
    for k in headers:
        end = k + 1
        while end < len(units) and units[end].kind == "row":
            end += 1
        caption = next((j for j in (k - 1, end) if 0 <= j < len(units) and TABLE_CAPTION.match(units[j].text.strip())),
                       None)
        if caption is not None and any(not c.problem for c in cites_of[caption]):
            covered.update({row: caption for row in range(k, end)})
    return covered


def judge_unit(unit: Unit, shown: str, cites: list[Citation], found: list[tuple[int, int, str]],
               strict: bool, ledger: bool = True, below: list[Citation] | None = None, unwritten: bool = False,
               covering: list[Citation] | None = None) -> tuple[list[Claim], list[Finding]]:
    """A unit's findings and claims. `below`: for a heading, the citations of the first sentence under it (for a
    table row, those of its table's caption), which cover its figures too; `unwritten`: a heading of a file with no
    prose yet, whose uncited figure is a warning; `covering`: the citations its claims list, with their offsets into
    the file's text (the unit's own, else those of `below`)."""
    findings: list[Finding] = []
    for c in cites:
        if c.problem:
            message_id, params, at = c.problem
            line, col = unit.where(at)
            findings.append(finding(shown, line, col, ERROR, message_id, **params))
        elif c.pending:
            line, col = unit.where(c.start)
            findings.append(finding(shown, line, col, ERROR if strict else WARNING, "pending-citation",
                                    key=c.key, context=snippet(unit.text, c.start)))
    if unit.no_cite is not None and not unit.no_cite:
        line, col = unit.where(0)
        findings.append(finding(shown, line, col, ERROR, "no-cite-reason"))
    if not cites and below:
        cites = below
    covered = bool(cites) or unit.no_cite is not None
    if not found or (covered and not ledger):
        return [], findings

    claims = []
    sentence = " ".join(unit.text.split())
    listed = covering or []
    last_line = unit.where(len(unit.text) - 1)[0]
    if cites:
        pending = all(c.pending or c.problem for c in cites) and any(c.pending for c in cites)
        status = "pending" if pending else "cited"
    else:
        status = "uncited" if unit.no_cite is None else "todo" if unit.no_cite.startswith(TODO_MARK) else "no-cite"
    for start, end, kind in found:
        line, col = unit.where(start)
        figure = unit.text[start:end].strip()
        if status == "uncited":
            message = "uncited-claim:heading" if unit.kind == "heading" else "uncited-claim"
            findings.append(finding(shown, line, col, WARNING if unwritten else ERROR, message, figure=figure))
        if ledger:
            claims.append(Claim(shown, line, col, figure, kind, sentence, status, listed, unit.no_cite, last_line))
    return claims, findings


@dataclass
class ClaimsResult:
    findings: list[Finding] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    def ledger(self) -> list[dict]:
        """The claims as the JSON report lists them."""
        return [c.row() for c in self.claims]


def check(book: Book, strict: bool, ledger: bool = True) -> ClaimsResult:
    """The registry's own findings, and each prose file's claims and citation problems. Without a usable registry
    every citation would read as unknown: then only the registry's findings count. Without `ledger` only the
    findings are wanted: the result lists no claims."""
    result = ClaimsResult(findings=list(book.registry.findings))
    citations = book.citations
    if citations is None:
        return result
    with bulk():
        for source in book.files:
            claims, findings = check_file(book, source, strict, ledger)
            result.claims += claims
            result.findings += findings
    return result


def check_file(book: Book, source: SourceFile, strict: bool, ledger: bool = True) -> tuple[list[Claim], list[Finding]]:
    """One file's claims and findings (the finding that says why it cannot be read), with a usable registry."""
    if source.problem is not None:
        return [], [source.problem]
    return check_units(book.prose_map(source), source.shown, strict, ledger)
