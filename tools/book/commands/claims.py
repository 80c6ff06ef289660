"""`book claims [PATH...]`: every data claim needs a citation with a page; `--format json` adds the ledger (`claims`).

Without the ledger, the files are checked in as many processes as there are cores for this one (`-j N` to choose; 1:
all here): each file's findings depend on that file alone, the registry and the TOC, which are read first, so forked
copies of the command each check a share of the text and hand their findings back, merged in the files' order. A copy
that fails hands nothing back: its files are then checked here, which reports what goes wrong."""
from __future__ import annotations

import os
import pickle

from ..checks import claims, draft_notes, drafts
from ..findings import Finding, ToolError, strict
from ..messages import say
from ..reading.book import Book, SourceFile, bulk
from .report import report


def run(args, book: Book) -> int:
    jobs = getattr(args, "jobs", None)
    if jobs is not None and jobs < 1:
        raise ToolError(say("claims:jobs", jobs=jobs))
    if args.format != "json":
        return report(findings(book, strict(), jobs), args.format, "book claims")
    result = claims.check(book, strict())
    found = result.findings + draft_notes.check(book, strict()) + drafts.check(book, strict())
    return report(found, args.format, "book claims", {"claims": ledger(book, result)})


def findings(book: Book, strict: bool, jobs: int | None = None) -> list[Finding]:
    """The findings of the claims, draft-note and draft checks, each file's computed in one of `jobs` processes
    (default: one per core of this process)."""
    registry, citations, chapters = book.registry, book.citations, drafts.read(book)
    chapter_findings = drafts.chapter_findings(book, strict, chapters)  # the TOC is read before any copy is made

    def of_file(source: SourceFile) -> list[Finding]:
        found = claims.check_file(book, source, strict, ledger=False)[1] if citations is not None else []
        return found + draft_notes.check_file(book, source, strict) + drafts.check_file(book, source, strict, chapters)
    with bulk():
        per_file = in_processes(book.files, of_file, jobs)
    return list(registry.findings) + [f for found in per_file for f in found] + chapter_findings


def in_processes(files: list[SourceFile], work, jobs: int | None = None) -> list:
    """work(file) for each file, in order, shared by `jobs` processes (default: the cores this one may use): forked
    copies of this one, each given an equal share of the text, the largest files first; this one takes a share too."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    jobs = max(1, min(jobs or cores, len(files))) if hasattr(os, "fork") else 1
    shares: list[list[int]] = [[] for _ in range(jobs)]
    load = [0] * jobs
    for k in sorted(range(len(files)), key=lambda k: -len(files[k].text or "")):
        lightest = load.index(min(load))
        shares[lightest].append(k)
        load[lightest] += len(files[k].text or "")
    copies = [handing_over(files, work, share) for share in shares[1:]]
    done = {k: work(files[k]) for k in shares[0]}
    for share, (child, reading) in zip(shares[1:], copies):
        with os.fdopen(reading, "rb") as pipe:
            data = pipe.read()
        os.waitpid(child, 0)
        try:
            handed = pickle.loads(data) if data else {}
        except Exception:  # cut short: a copy that died on the way
            handed = {}
        done.update({k: handed[k] if k in handed else work(files[k]) for k in share})
    return [done[k] for k in range(len(files))]


def handing_over(files: list[SourceFile], work, share: list[int]) -> tuple[int, int]:
    """A forked copy that computes work(file) for its share of the files and writes the results down a pipe, then
    ends without any of this process's clean-up; (its process id, the pipe's reading end)."""
    reading, writing = os.pipe()
    child = os.fork()
    if child:
        os.close(writing)
        return child, reading
    try:  # whatever happens, the copy never returns into the parent's code
        os.close(reading)
        try:
            data = pickle.dumps({k: work(files[k]) for k in share})
        except BaseException:  # the parent checks these files again and reports what goes wrong
            data = b""
        with os.fdopen(writing, "wb") as out:
            out.write(data)
    finally:
        os._exit(0)


def ledger(book: Book, result: claims.ClaimsResult) -> list[dict]:
    """The claims ledger; a claim whose source has a document here also carries its verification (`verification`:
    source, page, status, candidates per cited source), found through the claim each verdict was made from. The
    verifier's own findings belong to `book sources verify`. Each claim has its page in the last draft PDF
    (`pdf_page`, the PDF's own page index from 1), or null and `pdf_page_reason`."""
    from ..checks import print_layout, verify  # only the JSON ledger needs them
    outcome = verify.check(book, result, all_documents=False, missing_is_error=False)
    checked: dict[int, list[dict]] = {}
    for verdict in outcome.verdicts:
        if verdict.status == verify.NO_DOCUMENT:
            continue  # nothing was computed
        row = verdict.row()
        checked.setdefault(id(verdict.claim.claim), []).append(
            {k: row[k] for k in ("source", "page", "status", "candidates")})
    page_of = print_layout.page_lookup(book)
    rows = []
    for claim in result.claims:
        row = claim.row()
        if id(claim) in checked:
            row["verification"] = checked[id(claim)]
        row["pdf_page"], reason = page_of(row["path"], row["line"])
        if reason:
            row["pdf_page_reason"] = reason
        rows.append(row)
    return rows


def tally(result: claims.ClaimsResult, book: Book) -> str:
    """The claims in numbers. The open items are counted as `book todo` counts them: one per pending citation
    (`p. ?`, as the warnings count them) and one per TODO(data) note, each of which may cover several figures."""
    from ..checks import todo
    count = {s: sum(c.status == s for c in result.claims) for s in ("cited", "pending", "todo", "no-cite")}
    pending = sum(f.code == "pending-citation" for f in result.findings)
    notes = sum(len(todo.todo_notes(book, source)) for source in book.files if source.problem is None)
    return say("claims:tally", total=len(result.claims), cited=count["cited"], no_cite=count["no-cite"],
               pending=pending, waiting=count["pending"], notes=notes, todo=count["todo"])
