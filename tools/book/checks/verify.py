"""Figures against their sources: is the figure a claim cites really on the page it cites?

The input is plain: each claim as a record (file, line, col, figure, source key, cited page or None while pending),
the registry's entries, and where the registry says `file:`. The output is a verdict per claim and the findings:

- verified         the figure is on the cited page (or one of the cited range);
- page-mismatch    it is not there, but on other pages (error: the finding names them);
- not-found        it is nowhere in the document (warning);
- pending          a `p. ?` citation: the pages the figure is on are its candidates;
- no-document      the source has no document here (counted, not a finding);
- no-text          the cited page has no text layer, a scan or a chart (warning);
- checked-by-hand  the claim's line says `<!-- verified: how -->`: the author read it off the page;
- bad-page         the cited page is past the end of the document, or no page bears that number (error);
- unreadable       the document cannot be read (the error is at its registry entry).

Matching compares quantities, not strings. The page text and the figure go through the book's one number reader
(reading.numerals): Unicode NFKC (full-width digits and signs), thousands separators, Chinese numerals (三百万, 二十,
百分之九十), magnitudes (万, 亿, 万亿, K, M, B, T, thousand … trillion), and a kind: percent, multiplier (x, ×, 倍,
times, fold), currency ($, 美元, ¥, 元) or a plain number. `50 万次` on a page reads as 500000 like `500K`; `$1.4 trillion` like `1.4 万亿美元`. Ranges
(2-5, 2~5, 2 to 5, 2至5) match as ranges, their ends alone too. A figure broken over a line in the PDF is read with
the line break removed as well as with it kept. A figure with several numbers (`每 100 次中约 7 次`) is on a page
that holds all of them.

The numbers found on each page are cached by the document's hash (and this module's version), so a second run reads
one small JSON file per document and never opens the PDF.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..cache import read_json, write_atomic, write_json
from ..findings import ERROR, WARNING, Finding
from ..messages import MESSAGES, said_finding, say
from ..reading import documents
from ..reading.documents import Document, DocumentProblem, DocumentRef
from ..reading.citations import Citation, filled
from ..reading.prose_map import ProseMap, raw_offset
from ..reading.numerals import WORD_FIGURES, WORDS, normalise, number_text, quantities, range_at
from . import claims as claims_check
from .claims import Claim

INDEX_VERSION = "2"  # raise when the reading of figures changes: cached page indexes of older versions are not read

VERIFIED, PAGE_MISMATCH, NOT_FOUND, PENDING = "verified", "page-mismatch", "not-found", "pending"
NO_DOCUMENT, NO_TEXT, BY_HAND, BAD_PAGE, UNREADABLE = "no-document", "no-text", "checked-by-hand", "bad-page", "unreadable"
STATUSES = (VERIFIED, PAGE_MISMATCH, NOT_FOUND, PENDING, NO_DOCUMENT, NO_TEXT, BY_HAND, BAD_PAGE, UNREADABLE)

DOCUMENT_CODE = "source-document"

# ---------------------------------------------------------------------------------------------------------------
# Quantities as keys

def figure_keys(text: str) -> tuple[set[str], list[tuple[str, ...]]]:
    """What a normalised text states: the keys of its single quantities and of its ranges, and the atoms a figure
    consists of (each a tuple of keys, any of which will do; a range is one atom)."""
    words = list(WORDS.finditer(text))
    found = [q for q in quantities(text) if not any(w.start() < q.end and q.start < w.end() for w in words)]
    singles: set[str] = set()
    atoms: list[tuple[str, ...]] = []
    k = 0
    while k < len(found):
        a = found[k]
        ends = range_at(text, found, k)
        if ends is not None:
            kind = ends[0].kind
            low, high = ends[0].scaled(), ends[1].scaled()
            range_key = f"{kind}:{number_text(low)}~{number_text(high)}"
            low_key, high_key = f"{kind}:{number_text(low)}", f"{kind}:{number_text(high)}"
            singles.update((range_key, low_key, high_key))
            atoms.append((range_key,))
            # The second end may also begin a range of its own (2-5-10 is rare); it is not read twice.
            k += 2
            continue
        key = f"{a.kind}:{number_text(a.scaled(None))}"
        singles.add(key)
        atoms.append((key,))
        k += 1
    for m in words:
        kind, value = WORD_FIGURES[m[0]]
        key = f"{kind}:{number_text(value)}"
        singles.add(key)
        atoms.append((key,))
    return singles, atoms


def page_keys(text: str) -> set[str]:
    """Every quantity key a page's text states, read with its line breaks kept and with them removed (a figure broken
    over two lines, `4-` / `8 倍`, `1,2` / `34`)."""
    text = normalise(text)
    lines = re.split(r"\r\n|\r|\n", text)
    keys = figure_keys(" ".join(lines))[0]
    if len(lines) > 1:
        keys |= figure_keys("".join(lines))[0]
    return keys


def figure_atoms(figure: str) -> list[tuple[str, ...]]:
    return figure_keys(" ".join(normalise(figure).split()))[1]


# ---------------------------------------------------------------------------------------------------------------
# Claims in, verdicts out

@dataclass(frozen=True)
class ClaimRecord:
    """One cited figure: a claim of the prose and one registered source it cites with a page or `p. ?` (the
    citation's start and end are offsets into the file's text as the Book reads it, which --fill edits).
    `by_hand`: the note of a `<!-- verified: … -->` in the claim's sentence."""
    claim: Claim
    citation: Citation
    by_hand: str | None = None

    @property
    def file(self) -> str:
        return self.claim.path

    @property
    def line(self) -> int:
        return self.claim.line

    @property
    def col(self) -> int:
        return self.claim.col

    @property
    def figure(self) -> str:
        return self.claim.figure

    @property
    def source(self) -> str:
        return self.citation.key

    @property
    def page(self) -> str | None:
        """The cited page ("6", "3-5"), None while pending."""
        return None if self.citation.pending else str(self.citation.page)


@dataclass
class Verdict:
    claim: ClaimRecord
    status: str
    candidates: list[str] = field(default_factory=list)

    def row(self) -> dict:
        c = self.claim
        return {"file": c.file, "line": c.line, "col": c.col, "figure": c.figure, "source": c.source,
                "page": c.page if c.page is not None else "?", "status": self.status, "candidates": self.candidates}


@dataclass
class Outcome:
    verdicts: list[Verdict] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    documents: dict[str, str] = field(default_factory=dict)  # source key -> document path (the sources that have one)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for v in self.verdicts:
            counts[v.status] += 1
        return counts


@dataclass
class PageIndex:
    """What verification needs of a document: its printed labels, which pages have text, where each key occurs."""
    labels: list[str]
    has_text: list[bool]
    where: dict[str, list[int]]

    def pages_of(self, atoms: list[tuple[str, ...]]) -> list[int]:
        """The PDF indices of the pages that hold every atom."""
        pages: set[int] | None = None
        for atom in atoms:
            holding = set().union(*(self.where.get(key, ()) for key in atom))
            pages = holding if pages is None else pages & holding
        return sorted(pages or ())

    def resolve(self, page: str) -> list[int] | None:
        """The PDF indices of a cited page or range (`6`, `3-5`, `iv`), or None where no page bears that label."""
        first, _, last = page.replace("–", "-").partition("-")
        first, last = first.strip(), last.strip()
        try:
            a = self.labels.index(first)
            b = self.labels.index(last) if last else a
        except ValueError:
            return None
        return list(range(min(a, b), max(a, b) + 1))


def build_index(texts: list[str], labels: list[str]) -> dict:
    where: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        for key in page_keys(text):
            where.setdefault(key, []).append(index)
    return {"labels": labels, "has_text": [bool(t.strip()) for t in texts], "where": where}


def page_index(document: Document, page_offset: int | None) -> PageIndex:
    """The document's page index from the cache (keyed by its hash), else built from its text and cached."""
    cached_at = document.cache_path("document-figures", INDEX_VERSION)
    value = read_json(cached_at)
    if (isinstance(value, dict) and value.get("problem") in MESSAGES and isinstance(value.get("values"), dict)
            and all(isinstance(k, str) for k in value["values"])):
        raise DocumentProblem(value["problem"], **value["values"])
    if not (isinstance(value, dict) and {"labels", "has_text", "where"} <= value.keys()):
        try:
            pages = document.pages()
        except DocumentProblem as problem:
            if problem.lasting:  # the same bytes will not read any better next time
                write_json(cached_at, {"problem": problem.reason, "values": problem.values})
            raise
        value = build_index(pages.texts, pages.labels)
        write_json(cached_at, value)
    return PageIndex(documents.printed_labels(value["labels"], page_offset), value["has_text"], value["where"])


def shown_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return path.as_posix()


class Verifier:
    """Verifies claims against the documents of one registry. `where(path)` gives the registry's line of a key path
    such as [key, "file"] (1 when unknown); `registry_path` is the registry as findings show it."""

    def __init__(self, root: Path, registry: dict[str, dict], registry_path: str = "manuscript/sources.yaml",
                 where: Callable[[list], int] | None = None, missing_is_error: bool = True):
        self.root = Path(root)
        self.missing_is_error = missing_is_error
        self.registry = registry
        self.registry_path = registry_path
        self.where = where or (lambda path: 1)
        self.indexes: dict[str, PageIndex | None] = {}  # key -> index; None: no document (or an unreadable one)
        self.outcome = Outcome()

    def index_of(self, key: str) -> PageIndex | None | str:
        """The page index of a source's document; None without one; UNREADABLE when it cannot be read (once, with
        a finding at the registry entry)."""
        if key in self.indexes:
            return self.indexes[key]
        entry = self.registry.get(key)
        ref = documents.locate(self.root, key, entry) if isinstance(entry, dict) else None
        if ref is not None and not self.missing_is_error and not ref.path.exists():
            ref = None  # a `file:` of another machine: here as if there were none
        result: PageIndex | None | str = None
        if ref is not None:
            self.outcome.documents[key] = shown_path(ref.path, self.root)
            try:
                result = page_index(documents.open_document(self.root, ref), page_offset(entry))
            except DocumentProblem as problem:
                result = UNREADABLE
                self.document_finding(ref, str(problem))
        self.indexes[key] = result
        return result

    def document_finding(self, ref: DocumentRef, reason: str) -> None:
        line = self.where([ref.key, "file"] if ref.declared else [ref.key])
        self.outcome.findings.append(said_finding(
            self.registry_path, line, 1, ERROR, DOCUMENT_CODE,
            say("source-document", source=ref.key, path=shown_path(ref.path, self.root), reason=reason)))

    def documents_of(self, keys: Iterable[str]) -> None:
        """Open the documents of these sources (for their findings), whether or not a claim cites them."""
        for key in keys:
            self.index_of(key)

    def verify(self, records: Iterable[ClaimRecord]) -> Outcome:
        for record in records:
            verdict = self.judge(record)
            self.outcome.verdicts.append(verdict)
        self.pending_findings()
        return self.outcome

    def pending_findings(self) -> None:
        """A warning for each pending claim, with its candidate pages, and a hint where --fill would write one (its
        citation's figures are together on exactly one page)."""
        pending = [v for v in self.outcome.verdicts if v.status == PENDING]
        if not pending:
            return
        fillable = {id(v) for c in pending_citations(pending)[0]
                    if len(c.pages) == 1 and c.pages[0].isdigit() for v in c.verdicts}
        for verdict in pending:
            record = verdict.claim
            if verdict.candidates:
                fill = say("pending-citation:fill-hint") if id(verdict) in fillable else ""
                message = say("pending-citation:candidates", source=record.source, figure=record.figure,
                              found=", ".join(verdict.candidates), fill=fill)
            else:
                index = self.indexes.get(record.source)
                blank = index.has_text.count(False) if isinstance(index, PageIndex) else 0
                message = say("pending-citation:nowhere", source=record.source, figure=record.figure,
                              note=say("no-text:pages", count=blank) if blank else "")
            self.finding(record, WARNING, "pending-citation", message)

    def finding(self, record: ClaimRecord, severity: str, code: str, message: str) -> None:
        self.outcome.findings.append(said_finding(record.file, record.line, record.col, severity, code, message))

    def judge(self, record: ClaimRecord) -> Verdict:
        if record.by_hand is not None:
            if not record.by_hand.strip():
                self.finding(record, ERROR, "verified-reason", say("verified-reason"))
            return Verdict(record, BY_HAND)
        index = self.index_of(record.source)
        if index is None:
            return Verdict(record, NO_DOCUMENT)
        if index == UNREADABLE:
            return Verdict(record, UNREADABLE)
        atoms = figure_atoms(record.figure)
        source, figure = record.source, record.figure
        if not atoms:
            self.finding(record, WARNING, NOT_FOUND, say("not-found:no-figure", figure=figure))
            return Verdict(record, NOT_FOUND)
        found = index.pages_of(atoms)
        candidates = [index.labels[k] or f"#{k + 1}" for k in found]  # a page without a printed number: #index
        if record.page is None:
            return Verdict(record, PENDING, candidates)  # its finding comes once all claims are judged
        cited = index.resolve(record.page)
        if cited is None:
            self.finding(record, ERROR, BAD_PAGE, say("bad-page:no-such-page", source=source, page=record.page,
                                                      labels=documents.describe_labels(index.labels)))
            return Verdict(record, BAD_PAGE, candidates)
        if not set(cited).isdisjoint(found):
            return Verdict(record, VERIFIED, candidates)
        if any(not index.has_text[k] for k in cited):
            note = say("no-text:elsewhere", found=", ".join(candidates)) if found else ""
            self.finding(record, WARNING, NO_TEXT, say("no-text", source=source, page=record.page, figure=figure,
                                                       note=note))
            return Verdict(record, NO_TEXT, candidates)
        if found:
            self.finding(record, ERROR, PAGE_MISMATCH, say("page-mismatch", source=source, figure=figure,
                                                           page=record.page, found=", ".join(candidates)))
            return Verdict(record, PAGE_MISMATCH, candidates)
        blank = index.has_text.count(False)
        self.finding(record, WARNING, NOT_FOUND, say("not-found", source=source, figure=figure,
                                                     note=say("no-text:pages", count=blank) if blank else ""))
        return Verdict(record, NOT_FOUND)


def page_offset(entry: dict) -> int | None:
    value = entry.get("page_offset")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def verify(root: Path, registry: dict[str, dict], records: Iterable[ClaimRecord],
           registry_path: str = "manuscript/sources.yaml", where: Callable[[list], int] | None = None,
           all_documents: bool = True, missing_is_error: bool = True) -> Outcome:
    """Verdicts and findings for the records. With `all_documents`, every registered source's document is opened,
    so that a broken one is reported even where no claim cites it. Without `missing_is_error`, a `file:` that is not
    on this machine counts as no document (for `book check`, which runs where the PDFs are not, as in CI)."""
    verifier = Verifier(root, registry, registry_path, where, missing_is_error)
    if all_documents:
        verifier.documents_of(registry)
    return verifier.verify(records)


# ---------------------------------------------------------------------------------------------------------------
# From the claims ledger to records, and --fill

def hand_note(claim: Claim, verified: dict[int, str]) -> str | None:
    """The `<!-- verified: … -->` note of a claim: a verified directive on a line of its sentence from the claim's
    own line on (`verified`: 1-based line -> note, from the file's prose map)."""
    for line in range(claim.line, max(claim.line, claim.last_line) + 1):
        if line in verified:
            return verified[line]
    return None


def records_from_claims(claims: Iterable[Claim], registry: dict[str, dict],
                        verified_of: Callable[[str], dict[int, str]]) -> list[ClaimRecord]:
    """One record per claim and per registered source it cites with a page or `p. ?`. `verified_of(path)`: the
    verified directives of a file by line."""
    records = []
    for claim in claims:
        for citation in claim.citations:
            if citation.key not in registry or citation.page is None:
                continue  # an unpaged citation: nothing to verify against
            records.append(ClaimRecord(claim, citation, hand_note(claim, verified_of(claim.path))))
    return records


def documents_here(root: Path, registry: dict[str, dict], existing: bool = False) -> dict[str, DocumentRef]:
    """The registered sources with a document here: found at sources/<key>.pdf, or named by `file:` (which then must
    exist; with `existing`, only those that do)."""
    found = {}
    for key, entry in registry.items():
        ref = documents.locate(root, key, entry) if isinstance(entry, dict) else None
        if ref is not None and (not existing or ref.path.exists()):
            found[key] = ref
    return found


def check(book, claims_result=None, all_documents: bool = True, missing_is_error: bool = True) -> Outcome:
    """Verify the book's claims (or those of `claims_result`, a claims check already made) against the documents
    here. Without a usable registry there is nothing to verify (the claims check reports the registry)."""
    from ..reading.textio import YamlProblem, node_line, read_yaml
    registry = book.registry
    if not registry.usable or not documents_here(book.root, registry.sources, existing=not missing_is_error):
        return Outcome()
    read_problems: list[Finding] = []
    if claims_result is None:
        claims_result = claims_check.check(book, strict=False, ledger=True)
        read_problems = [f for f in claims_result.findings  # files that cannot be read
                         if f.code in ("claims-read", "file-encoding", "file-unreadable")]
    registry_file = book.file(book.repo.sources, "source-registry")
    nodes: list = []

    def where(path: list) -> int:
        if not nodes:
            try:
                nodes.append(read_yaml(registry_file.text or "")[0])
            except YamlProblem:
                nodes.append(None)
        return node_line(nodes[0], path) if nodes[0] is not None else 1

    def verified_of(shown: str) -> dict[int, str]:
        path = Path(shown) if Path(shown).is_absolute() else book.root / shown
        prose = book.prose_map(book.file(path))
        return {line: d.note for line, d in prose.directive_lines("verified").items()} if prose else {}

    records = records_from_claims(claims_result.claims, registry.sources, verified_of)
    outcome = verify(book.root, registry.sources, records, registry_file.shown, where, all_documents, missing_is_error)
    outcome.findings[:0] = read_problems
    return outcome


@dataclass(frozen=True)
class Edit:
    """One citation given its page: where (1-based line of the citation), the text before and after, and its span
    in the file's text as read."""
    file: str
    line: int
    old: str
    new: str
    start: int
    end: int


@dataclass
class FillPlan:
    edits: list[Edit] = field(default_factory=list)
    skipped: list[tuple[ClaimRecord, str]] = field(default_factory=list)  # pending claims left alone, and why
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # file -> (text on disk before, after)


def page_order(page: str) -> tuple:
    return (not page.isdigit(), int(page) if page.isdigit() else 0, page)


@dataclass
class PendingCitation:
    """A pending citation in a file, with the claims it covers; `pages`: where all their figures are together."""
    file: str
    citation: Citation  # its start and end: offsets into the file's text as the Book reads it
    source: str
    verdicts: list[Verdict]

    @property
    def pages(self) -> list[str]:
        common = set.intersection(*(set(v.candidates) for v in self.verdicts))
        return sorted(common, key=page_order)


def pending_citations(verdicts: Iterable[Verdict]) -> tuple[list[PendingCitation], list[tuple[ClaimRecord, str]]]:
    """The pending citations of the verdicts, one per citation and source, as the claims check located them
    (whatever line ends the file has), and the claims whose citation is not known."""
    found: dict[tuple[str, int, str], PendingCitation] = {}
    lost: list[tuple[ClaimRecord, str]] = []
    for verdict in verdicts:
        record = verdict.claim
        if verdict.status != PENDING:
            continue
        if record.citation is None:
            lost.append((record, say("sources-verify:why-unlocated")))
            continue
        key = (record.file, record.citation.start, record.source)
        if key not in found:
            found[key] = PendingCitation(record.file, record.citation, record.source, [])
        found[key].verdicts.append(verdict)
    return list(found.values()), lost


def prose_of(book, file: str) -> ProseMap | None:
    path = Path(file) if Path(file).is_absolute() else book.root / file
    return book.prose_map(book.file(path))


def candidates_by_citation(book, verdicts: Iterable[Verdict]) -> dict[tuple[str, int, int], list[str]]:
    """(file, line, col) of each pending citation -> the pages that hold every figure it covers."""
    out = {}
    for p in pending_citations(verdicts)[0]:
        prose = prose_of(book, p.file)
        if prose is not None:
            out[(p.file, *prose.position(p.citation.start))] = p.pages
    return out


def plan_fill(book, verdicts: Iterable[Verdict]) -> FillPlan:
    """The edits --fill makes: a pending citation gets a page where the figures it covers are together on exactly one
    page of the document (and that page is numbered). Only the question mark changes: the file keeps every other
    byte, its line ends (LF, CRLF or a lone CR) included."""
    plan = FillPlan()
    citations, plan.skipped = pending_citations(verdicts)
    marks: dict[str, dict[int, tuple[str, PendingCitation]]] = {}  # file -> offset of a `?` (as read) -> page
    for citation in citations:
        pages = citation.pages
        why = None
        if len(pages) != 1:
            why = say("sources-verify:why-several", pages=", ".join(pages)) if pages else say("sources-verify:why-none")
        elif not pages[0].isdigit():
            why = say("sources-verify:why-label", page=pages[0])
        prose = prose_of(book, citation.file) if why is None else None
        at = None
        if prose is not None:
            written = prose.text[citation.citation.start:citation.citation.end]
            new = filled(written, citation.source, pages[0])
            at = next((k for k, (a, b) in enumerate(zip(written, new)) if a != b), None) if new else None
        if why is None and at is None:
            why = say("sources-verify:why-no-pending")
        if why is not None:
            apart = say("sources-verify:why-apart") if not pages and len(citation.verdicts) > 1 else None
            plan.skipped += [(v.claim, apart if apart and v.candidates else why) for v in citation.verdicts]
            continue
        marks.setdefault(citation.file, {})[citation.citation.start + at] = (pages[0], citation)
    for file, found in marks.items():
        path = Path(file) if Path(file).is_absolute() else book.root / file
        try:
            raw = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            plan.skipped += [(v.claim, say("sources-verify:why-unreadable")) for _, c in found.values() for v in c.verdicts]
            continue
        prose = prose_of(book, file)
        bom = 1 if raw.startswith("\ufeff") else 0
        new_raw, cursor, pieces = raw, 0, []
        by_citation: dict[int, list[tuple[int, str]]] = {}
        for offset in sorted(found):
            page, citation = found[offset]
            on_disk = bom + raw_offset(raw[bom:], offset)
            if raw[on_disk:on_disk + 1] not in ("?", "？"):  # the file changed since it was read: leave it
                plan.skipped += [(v.claim, say("sources-verify:why-unlocated")) for v in citation.verdicts]
                continue
            pieces += [raw[cursor:on_disk], page]
            cursor = on_disk + 1
            by_citation.setdefault(citation.citation.start, []).append((offset, page))
        pieces.append(raw[cursor:])
        new_raw = "".join(pieces)
        if new_raw == raw:
            continue
        for start, filled_marks in sorted(by_citation.items()):
            citation = next(c for _, c in found.values() if c.citation.start == start)
            old = prose.text[start:citation.citation.end]
            new = old
            for offset, page in sorted(filled_marks, reverse=True):
                k = offset - start
                new = new[:k] + page + new[k + 1:]
            plan.edits.append(Edit(file, prose.position(start)[0], old, new, start, citation.citation.end))
        plan.texts[file] = (raw, new_raw)
    plan.skipped.sort(key=lambda item: (item[0].file, item[0].line, item[0].col))
    return plan


def write_fill(root: Path, plan: FillPlan) -> None:
    """Write each changed file atomically, keeping its mode."""
    for file, (_, new) in plan.texts.items():
        path = Path(file) if Path(file).is_absolute() else Path(root) / file
        write_atomic(path, new.encode("utf-8"))


def fill_diff(plan: FillPlan) -> str:
    """The unified diff of the plan (what --fill --dry-run prints)."""
    import difflib
    out = []
    for file, (old, new) in plan.texts.items():
        out += difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                    fromfile=f"a/{file}", tofile=f"b/{file}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)
