"""Find the data claims of a prose unit and the citations that cover them (SPEC §5)."""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter

from .claims_rules import (CANONICAL_CITATION, CITATION_ITEM, CLAIM_KINDS, CLAIMS, LOCATOR, MAY_HOLD_CLAIM, NOT_CLAIMS,
                           PAGE_RANGE, PENDING_PAGE, free_form_citation)
from .diagnostics import ERROR, WARNING, Finding
from .numerals import to_int
from .prose import TODO_MARK, Unit
from .sources import Registry, fold


@dataclass
class Citation:
    start: int
    end: int
    text: str
    key: str | None
    page: str | None
    problem: tuple[str, str, int] | None = None  # (code, message, offset in the unit's text)

    @property
    def pending(self) -> bool:
        return self.page in PENDING_PAGE


@dataclass
class Claim:
    path: str
    line: int
    col: int
    figure: str
    kind: str
    sentence: str
    status: str  # cited, pending, no-cite, todo (source still to be found), uncited
    citations: list[dict] = field(default_factory=list)
    no_cite: str | None = None


class Citations:
    """Reads citations against one registry."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self.free_form = free_form_citation(registry.aliases())
        self.aliases = registry.alias_map()
        self.readings: dict[str, list[tuple]] = {}  # a citation's text -> (key, page, problem) of each source it names

    def find(self, text: str) -> list[Citation]:
        """The citations in the text, in order. A citation's reading depends on its own text alone, and a book repeats
        its citations (`[@ark-big-ideas-2026, p. 6]`), so each distinct one is read once."""
        found = []
        for m in chain(CANONICAL_CITATION.finditer(text), self.free_form.finditer(text)):
            whole, start = m[0], m.start()
            readings = self.readings.get(whole)
            if readings is None:
                readings = self.readings[whole] = [(c.key, c.page, c.problem and (*c.problem[:2], c.problem[2] - start))
                                                   for c in self.read(m)]
            for key, page, problem in readings:
                found.append(Citation(start, m.end(), whole, key, page,
                                      problem and (problem[0], problem[1], problem[2] + start)))
        return sorted(found, key=attrgetter("start"))

    def read(self, m: re.Match) -> list[Citation]:
        """What one citation says: a canonical `[@a, p. 1; @b, p. 2]` holds several, a free-form one names one."""
        if m.re is CANONICAL_CITATION:
            found, offset = [], m.start("body")
            for item in m["body"].split(";"):
                found.append(self.canonical_item(item, offset, m))
                offset += len(item) + 1
            return found
        if m["alias"]:
            key = self.aliases.get(fold(m["alias"]))
        else:
            key = self.aliases.get(fold(m["name"]))
            if key is None:
                return [Citation(m.start(), m.end(), m[0], None, m["page"],
                                 ("unknown-source", f"'{m['name'].strip()}' is not a registered source or alias"
                                                    " (manuscript/sources.yaml)", m.start("name")))]
        page = m["page"]
        if page and page not in PENDING_PAGE:
            page = str(to_int(page))
        return [self.checked(Citation(m.start(), m.end(), m[0], key, page), m.start())]

    def canonical_item(self, item: str, offset: int, m: re.Match) -> Citation:
        parsed = CITATION_ITEM.match(item)
        if not parsed:
            return Citation(m.start(), m.end(), m[0], None, None,
                            ("bad-page", f"malformed citation '{item.strip()}': write [@key, p. N]", offset))
        key_at = offset + parsed.start("key")
        citation = Citation(m.start(), m.end(), m[0], parsed["key"], None)
        locator = parsed["locator"]
        if locator is not None:
            loc = LOCATOR.match(locator)
            if not loc:
                citation.problem = ("bad-page", f"malformed locator '{locator}': write p. N, pp. N-M or p. ?",
                                    offset + parsed.start("locator"))
                return citation
            citation.page = loc["page"]
        return self.checked(citation, key_at, offset + (parsed.start("locator") if locator else parsed.start("key")))

    def checked(self, citation: Citation, key_at: int, page_at: int | None = None) -> Citation:
        page_at = key_at if page_at is None else page_at
        source = self.registry.sources.get(citation.key) if citation.key else None
        if source is None:
            citation.problem = ("unknown-source", f"'{citation.key}' is not a registered source "
                                                  "(manuscript/sources.yaml)", key_at)
        elif citation.page is None:
            if source.get("paged"):
                citation.problem = ("missing-page", f"{citation.key} is paged: add a page, e.g. [@{citation.key}, p. N]"
                                                    ", or p. ? while it is pending", key_at)
        elif citation.pending:
            pass
        else:
            pages = PAGE_RANGE.match(citation.page)
            highest = source.get("pages")
            if not pages:
                citation.problem = ("bad-page", f"page '{citation.page}' is not a number", page_at)
            else:
                for value in (pages["first"], pages["last"]):
                    if value is None:
                        continue
                    if int(value) < 1:
                        citation.problem = ("bad-page", f"page {value} does not exist: pages start at 1", page_at)
                    elif highest and int(value) > highest:
                        citation.problem = ("bad-page", f"page {value} is past the last page ({highest}) of "
                                                        f"{citation.key}", page_at)
        return citation


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
    """(start, end, kind) of each claim, look-alikes (SPEC's "not claims") and citations masked out first."""
    if not MAY_HOLD_CLAIM.search(text):
        return []
    clean = masked(text, citation_spans) if citation_spans else text  # a page number is no claim (nor are its keys)
    look_alikes = [m.span() for m in NOT_CLAIMS.finditer(clean)]
    clean = masked(clean, look_alikes) if look_alikes else clean
    return [(m.start(), m.end(), CLAIM_KINDS[m.lastgroup]) for m in CLAIMS.finditer(clean)]


UNIT_SEPARATOR = "\x00"  # no rule matches across it, so a whole file's units are scanned in one pass


def check_units(units: list[Unit], shown: str, citations: Citations, strict: bool,
                ledger: bool = True) -> tuple[list[Claim], list[Finding]]:
    """Claims and findings of a file's units. The rules run once over all units joined, then split back per unit.
    Without `ledger` only the findings are wanted: covered claims are then not written down."""
    joined = UNIT_SEPARATOR.join(u.text for u in units)
    starts, at = [], 0
    for u in units:
        starts.append(at)
        at += len(u.text) + 1
    cites_of: list[list[Citation]] = [[] for _ in units]
    all_cites = citations.find(joined)
    cite_spans = [(c.start, c.end) for c in all_cites]
    for c in all_cites:
        k = bisect_right(starts, c.start) - 1
        base = starts[k]
        c.start, c.end = c.start - base, c.end - base
        if c.problem:
            c.problem = (c.problem[0], c.problem[1], c.problem[2] - base)
        cites_of[k].append(c)
    claims_of: list[list[tuple[int, int, str]]] = [[] for _ in units]
    for a, b, kind in find_claims(joined, cite_spans):
        k = bisect_right(starts, a) - 1
        claims_of[k].append((a - starts[k], b - starts[k], kind))
    claims, findings = [], []
    for unit, cites, found in zip(units, cites_of, claims_of):
        if not (cites or found or unit.no_cite is not None):
            continue  # most units: nothing to judge
        unit_claims, unit_findings = judge_unit(unit, shown, cites, found, strict, ledger)
        claims += unit_claims
        findings += unit_findings
    return claims, findings


def judge_unit(unit: Unit, shown: str, cites: list[Citation], found: list[tuple[int, int, str]],
               strict: bool, ledger: bool = True) -> tuple[list[Claim], list[Finding]]:
    findings: list[Finding] = []
    for c in cites:
        if c.problem:
            code, message, at = c.problem
            line, col = unit.where(at)
            findings.append(Finding(shown, line, col, ERROR, code, message))
        elif c.pending:
            line, col = unit.where(c.start)
            findings.append(Finding(shown, line, col, ERROR if strict else WARNING, "pending-citation",
                                    f"page of {c.key} to be confirmed: “{snippet(unit.text, c.start)}”"))
    if unit.no_cite is not None and not unit.no_cite:
        line, col = unit.where(0)
        findings.append(Finding(shown, line, col, ERROR, "no-cite-reason", "<!-- no-cite: … --> needs a reason"))
    covered = bool(cites) or unit.no_cite is not None
    if not found or (covered and not ledger):
        return [], findings

    claims = []
    sentence = " ".join(unit.text.split())
    covering = [{"key": c.key, "page": c.page, "text": c.text} for c in cites if not c.problem]
    if cites:
        pending = all(c.pending or c.problem for c in cites) and any(c.pending for c in cites)
        status = "pending" if pending else "cited"
    else:
        status = "uncited" if unit.no_cite is None else "todo" if unit.no_cite.startswith(TODO_MARK) else "no-cite"
    for start, end, kind in found:
        line, col = unit.where(start)
        figure = unit.text[start:end].strip()
        if status == "uncited":
            findings.append(Finding(shown, line, col, ERROR, "uncited-claim",
                                    f"'{figure}' needs a source with a page in the same sentence"
                                    f", e.g. [@ark-big-ideas-2026, p. N] (or p. ? while pending)"))
        if ledger:
            claims.append(Claim(shown, line, col, figure, kind, sentence, status, covering, unit.no_cite))
    return claims, findings


def ledger_rows(claims: list[Claim]) -> list[dict]:
    return [dict(vars(c)) for c in claims]
