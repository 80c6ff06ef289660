"""`book claims`: every prose file of the book (or the given paths), read, split into units and checked.

A long book is shared with one helper process per further core. The helpers are forked before the registry is
loaded and start parsing at once (parsing needs no registry); this process loads and validates the registry
meanwhile, sends it to them, and then takes files itself. Files are dealt one at a time, largest first, through a
pipe that every process reads, so every process stays busy to the end. A short book, or one whose documents are
kept, goes through the same queue with no helper.
"""
from __future__ import annotations

import gc
import hashlib
import os
import pickle
import select
import signal
import threading
from dataclasses import dataclass, field, fields
from operator import attrgetter
from pathlib import Path

from . import prose, sources
from .claims import Citations, Claim, check_units, ledger_rows
from .diagnostics import FINDING_FIELDS, Finding, ToolError, rel
from .repo import Repo
from .textio import FileProblem, read_text


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    documents: dict[str, prose.Document] = field(default_factory=dict)

    def ledger(self) -> list[dict]:
        return ledger_rows(self.claims)


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


# The code that decides a file's verdict; any change to it invalidates the cache.
RULES_DIGEST = hashlib.sha256(b"".join(Path(__file__).with_name(name).read_bytes()
                                       for name in ("claims_rules.py", "claims.py", "prose.py"))).hexdigest()


class Checker:
    """One process's share of the work. Without documents to keep, a file checked before with the same text, name,
    rules, registry file and strictness is answered from .cache/claims (as jupyter-cache does for notebooks); a
    cache that cannot be written is simply not used. Files parsed before the registry arrives wait for it."""

    def __init__(self, root: Path, strict: bool, registry_digest: str, keep_documents: bool = False,
                 ledger: bool = True):
        self.root, self.strict, self.keep_documents, self.ledger = root, strict, keep_documents, ledger
        self.registry_digest = registry_digest
        self.citations: Citations | None = None
        self.waiting: list[tuple[str, list[prose.Unit], Path | None]] = []
        self.result = Result()

    def cache_path(self, shown: str, text: str) -> Path:
        key = "\0".join([RULES_DIGEST, self.registry_digest, str(self.strict), str(self.ledger), shown, text])
        return self.root / ".cache" / "claims" / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.pickle"

    def take(self, path: Path) -> None:
        shown = rel(path, self.root)
        try:
            text = read_text(path, shown, "claims-read")
        except FileProblem as problem:
            self.result.findings.append(problem.finding)
            return
        cached = None if self.keep_documents else self.cache_path(shown, text)
        if cached is not None and self.answer_from(cached):
            return
        doc = prose.parse(text)
        if self.keep_documents:
            self.result.documents[shown] = doc
        self.waiting.append((shown, prose.units(doc), cached))
        if self.citations is not None:
            self.check_waiting()

    def answer_from(self, cached: Path) -> bool:
        try:
            claims, findings = from_rows(pickle.loads(cached.read_bytes()))
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
            return False  # not there, or damaged: check the file again
        self.result.claims += claims
        self.result.findings += findings
        return True

    def start_checking(self, citations: Citations) -> None:
        self.citations = citations
        self.check_waiting()

    def check_waiting(self) -> None:
        for shown, units, cached in self.waiting:
            claims, findings = check_units(units, shown, self.citations, self.strict, self.ledger)
            self.result.claims += claims
            self.result.findings += findings
            if cached is not None:
                store(cached, as_rows(claims, findings))
        self.waiting.clear()


# Claims and findings travel (to the cache, between processes) as plain tuples: several times cheaper to pickle.
CLAIM_ROW = attrgetter(*(f.name for f in fields(Claim)))


def as_rows(claims: list[Claim], findings: list[Finding]) -> tuple[list[tuple], list[tuple]]:
    return [CLAIM_ROW(c) for c in claims], [FINDING_FIELDS(f) for f in findings]


def from_rows(rows: tuple[list[tuple], list[tuple]]) -> tuple[list[Claim], list[Finding]]:
    claim_rows, finding_rows = rows
    return [Claim(*row) for row in claim_rows], [Finding(*row) for row in finding_rows]


def store(path: Path, value) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)
    except OSError:
        pass


def usable_citations(registry: sources.Registry) -> Citations | None:
    """Without a registry every citation would read as unknown: then only the registry's own findings count."""
    return None if registry.findings and not registry.sources else Citations(registry)


class FileQueue:
    """The batches of files still to check, as 4-byte indices in a pipe that every process reads: one read takes
    one index out for that process alone, so work goes to whoever is free, with no lock. All indices are written
    before anyone reads, so there are never more than fit in the smallest pipe buffer."""

    LIMIT = 4096 // 4

    def __init__(self, count: int):
        self.read_end, write_end = os.pipe()
        os.write(write_end, b"".join(k.to_bytes(4, "little") for k in range(count)))
        os.close(write_end)

    def draw(self) -> int | None:
        index = os.read(self.read_end, 4)
        return int.from_bytes(index, "little") if index else None


def batches(files: list[Path]) -> list[list[Path]]:
    """One file a batch, or, for a book of very many files, as many files a batch as keep the queue within its limit."""
    size = -(-len(files) // FileQueue.LIMIT)
    return [files[k:k + size] for k in range(0, len(files), size)]


class Channel:
    """Pickled messages over a pair of pipes, between a parent and the helper it forked."""

    def __init__(self, read_fd: int, write_fd: int):
        self.reader = os.fdopen(read_fd, "rb")
        self.writer = os.fdopen(write_fd, "wb")

    def send(self, message) -> None:
        pickle.dump(message, self.writer, protocol=pickle.HIGHEST_PROTOCOL)
        self.writer.flush()

    def recv(self):
        return pickle.load(self.reader)

    def ready(self) -> bool:
        """Whether a message has arrived (asked only before the first one is read, when nothing is buffered)."""
        return bool(select.select([self.reader], [], [], 0)[0])

    def close(self) -> None:
        self.reader.close()
        self.writer.close()


def accept(checker: Checker, citations: Citations | None) -> bool:
    """Start checking with the registry the parent sent; None means it is unusable and there is nothing to do."""
    if citations is None:
        checker.waiting.clear()
        return False
    checker.start_checking(citations)
    return True


def helper(channel: Channel, root: Path, work: list[list[Path]], queue: FileQueue, strict: bool, ledger: bool,
           registry_digest: str) -> None:
    """A forked helper: parses the files it draws while the registry loads, checks them once it arrives."""
    try:
        checker = Checker(root, strict, registry_digest, ledger=ledger)
        waiting_for_registry = True
        while (index := queue.draw()) is not None:
            for path in work[index]:
                checker.take(path)
            if waiting_for_registry and channel.ready():
                waiting_for_registry = False
                if not accept(checker, channel.recv()):
                    break
        if waiting_for_registry:
            accept(checker, channel.recv())
        channel.send(as_rows(checker.result.claims, checker.result.findings))
    except BaseException as exc:  # reported by the parent, which re-raises it
        channel.send(exc)
    finally:
        channel.close()


def fork_helper(*args) -> tuple[int, Channel]:
    """Start `helper(channel, *args)` in a forked process (no import of multiprocessing: the fork is the whole need,
    and a command that runs in well under a second feels the 50 ms that module and its shared counter cost)."""
    to_child, from_parent = os.pipe()
    to_parent, from_child = os.pipe()
    pid = os.fork()
    if pid == 0:  # the helper: never returns into the caller
        status = 1
        try:
            os.close(from_parent)
            os.close(to_parent)
            helper(Channel(to_child, from_child), *args)
            status = 0
        finally:
            os._exit(status)
    os.close(to_child)
    os.close(from_child)
    return pid, Channel(to_parent, from_parent)


PARALLEL_BYTES = 512 * 1024  # below this a second process costs more than it saves


def run(repo: Repo, paths: list[Path], strict: bool = False, keep_documents: bool = False,
        workers: int | None = None, ledger: bool = True) -> Result:
    """Check the prose files; a long book is checked by `workers` processes (default: one per core; documents are
    then not kept). Without `ledger` only the findings are wanted, and the result lists no claims."""
    files = markdown_files(repo, paths)
    sizes = {p: p.stat().st_size if p.exists() else 0 for p in files}
    workers = min(len(files), workers or os.cpu_count() or 1)
    shared = not keep_documents and workers > 1 and sum(sizes.values()) >= PARALLEL_BYTES and can_fork()
    collecting = gc.isenabled()
    # The parse allocates millions of short-lived objects that reference counting frees; the cyclic collector
    # would only rescan them (a fifth of the run time on a long book). It is back on when the files are done.
    gc.disable()
    try:
        if shared:
            result = check_files(repo, sorted(files, key=sizes.get, reverse=True), workers - 1, strict, False, ledger)
        else:
            result = check_files(repo, files, 0, strict, keep_documents, ledger)
    finally:
        if collecting:
            enable_gc_quietly()
    order = {rel(p, repo.root): k for k, p in enumerate(files)}
    result.claims.sort(key=lambda c: (order.get(c.path, 0), c.line, c.col))
    return result


def can_fork() -> bool:
    """A fork copies only the calling thread: in a process with others (`mkdocs serve`), a lock one of them holds
    would stay locked in the helper forever. There, and where there is no fork, the check stays in this process."""
    return hasattr(os, "fork") and threading.active_count() == 1


def enable_gc_quietly() -> None:
    """Turn the cyclic collector back on without an immediate full pass over everything allocated meanwhile (about
    70 ms on a long book, spent at once by the first allocation): the objects join the oldest generation unscanned."""
    gc.freeze()
    gc.enable()
    gc.unfreeze()


def check_files(repo: Repo, files: list[Path], helper_count: int, strict: bool, keep_documents: bool,
                ledger: bool) -> Result:
    """Check the files in this process and `helper_count` forked helpers, all drawing from one queue."""
    digest = sources.fingerprint(repo)
    work = batches(files)
    queue = FileQueue(len(work))
    helpers = [fork_helper(repo.root, work, queue, strict, ledger, digest) for _ in range(helper_count)]
    finished = False
    try:
        registry = sources.load(repo)
        citations = usable_citations(registry)
        for _, channel in helpers:
            channel.send(citations)
        checker = Checker(repo.root, strict, digest, keep_documents, ledger)
        if citations is not None:
            checker.start_checking(citations)
            while (index := queue.draw()) is not None:
                for path in work[index]:
                    checker.take(path)
        result = checker.result
        result.findings[:0] = registry.findings
        for _, channel in helpers:
            try:
                answer = channel.recv()
            except EOFError:
                raise ToolError("a checking process ended without an answer") from None
            if isinstance(answer, BaseException):
                raise answer
            claims, findings = from_rows(answer)
            result.claims += claims
            result.findings += findings
        finished = True
        return result
    finally:
        os.close(queue.read_end)
        for pid, channel in helpers:
            channel.close()
            if not finished:  # this process is leaving early (an error, Ctrl-C): its helpers go too
                os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
