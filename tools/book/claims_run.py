"""`book claims`: every prose file of the book (or the given paths), read, split into units and checked."""
from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import prose, sources
from .claims import Citations, Claim, check_units, ledger
from .diagnostics import Finding, ToolError, rel
from .repo import Repo
from .textio import FileProblem, read_text


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    documents: dict[str, prose.Document] = field(default_factory=dict)

    def ledger(self) -> list[dict]:
        return ledger(self.claims)


def markdown_files(repo: Repo, paths: list[Path]) -> list[Path]:
    if not paths:
        return repo.prose_files()
    files = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.md") if p.is_file())
        elif path.exists():
            files.append(path)
        else:
            raise ToolError(f"{path}: no such file or folder")
    return files


def check_text(text: str, shown: str, citations: Citations, strict: bool, result: Result) -> None:
    doc = prose.parse(text)
    result.documents[shown] = doc
    claims, findings = check_units(prose.units(doc), shown, citations, strict)
    result.claims += claims
    result.findings += findings


# The code and the registry that decide a file's verdict; any change to them invalidates the cache.
RULES_DIGEST = hashlib.sha256(b"".join(Path(__file__).with_name(name).read_bytes()
                                       for name in ("claims_rules.py", "claims.py", "prose.py"))).hexdigest()


def cache_path(root: Path, shown: str, text: str, citations: Citations, strict: bool) -> Path:
    """Where a file's claims and findings are kept: keyed by its text, its name, the rules, registry and strictness."""
    key = hashlib.sha256("\0".join([RULES_DIGEST, citations.digest, str(strict), shown, text]).encode()).hexdigest()
    return root / ".cache" / "claims" / f"{key[:32]}.pickle"


def check_files(root: Path, files: list[Path], citations: Citations, strict: bool, keep_documents: bool) -> Result:
    """Check files one by one. Without documents to keep, a file checked before with the same text, rules and
    registry is answered from .cache/claims (as jupyter-cache does for notebooks); a cache that cannot be written
    is simply not used."""
    # The parse allocates millions of short-lived objects that reference counting frees; the cyclic collector
    # would only rescan them (a fifth of the run time on a long book). It is back on when the files are done.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return check_each(root, files, citations, strict, keep_documents)
    finally:
        if collecting:
            gc.enable()


def check_each(root: Path, files: list[Path], citations: Citations, strict: bool, keep_documents: bool) -> Result:
    result = Result()
    for path in files:
        shown = rel(path, root)
        try:
            text = read_text(path, shown, "claims-read")
        except FileProblem as problem:
            result.findings.append(problem.finding)
            continue
        cached = None if keep_documents else cache_path(root, shown, text, citations, strict)
        if cached is not None and cached.is_file():
            try:
                claims, findings = pickle.loads(cached.read_bytes())
                result.claims += claims
                result.findings += findings
                continue
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
                pass  # a damaged entry: check the file again
        part = Result()
        check_text(text, shown, citations, strict, part)
        result.claims += part.claims
        result.findings += part.findings
        if keep_documents:
            result.documents.update(part.documents)
        elif cached is not None:
            store(cached, (part.claims, part.findings))
    return result


def store(path: Path, value) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)
    except OSError:
        pass


def shares(files: list[Path], workers: int) -> list[list[Path]]:
    """Files dealt to workers, largest first, each to the least loaded: about equal characters each."""
    loads = [[0, []] for _ in range(workers)]
    for path in sorted(files, key=lambda p: p.stat().st_size if p.exists() else 0, reverse=True):
        lightest = min(loads, key=lambda load: load[0])
        lightest[0] += path.stat().st_size if path.exists() else 0
        lightest[1].append(path)
    return [sorted(files_) for _, files_ in loads if files_]


PARALLEL_BYTES = 512 * 1024  # below this a second process costs more than it saves


def run(repo: Repo, paths: list[Path], strict: bool = False, keep_documents: bool = False) -> Result:
    """Check the prose files; a large book is checked in one process per core (documents are then not kept)."""
    result = Result()
    registry = sources.load(repo)
    result.findings += registry.findings
    if registry.findings and not registry.sources:
        return result  # without a registry every citation would read as unknown: report the registry alone
    citations = Citations(registry)
    files = markdown_files(repo, paths)
    size = sum(p.stat().st_size for p in files if p.exists())
    workers = min(len(files), os.cpu_count() or 1)
    if keep_documents or workers < 2 or size < PARALLEL_BYTES:
        parts = [check_files(repo.root, files, citations, strict, keep_documents)]
    else:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            parts = list(pool.map(check_files, [repo.root] * workers, shares(files, workers),
                                  [citations] * workers, [strict] * workers, [False] * workers))
    for part in parts:
        result.findings += part.findings
        result.claims += part.claims
        result.documents.update(part.documents)
    order = {rel(p, repo.root): k for k, p in enumerate(files)}
    result.claims.sort(key=lambda c: (order.get(c.path, 0), c.line, c.col))
    return result
