"""The cited documents as kept on this machine: where a source's PDF is, its printed page numbers, its text per page.

A source names its document in the registry (`file:`, relative to the repository or absolute); otherwise
`sources/<key>.pdf` is used when it exists (`$BOOK_SOURCES_DIR` replaces `sources/`). Authors keep these files
locally: most reports and papers may not be committed.

Printed page numbers: a citation's `p. 5` is the number printed on the page, which is often not the PDF's page index
(a cover, a roman-numbered preface). The registry's `page_offset: N` says that printed page 1 is PDF page 1 + N; without
it the PDF's own page labels are used where the document has them, else printed page = PDF page.

Text is extracted with pypdfium2 (PDFium: fast, good with CJK) and cached as JSON under the cache root, keyed by the
SHA-256 of the file's bytes: a document is read once until it changes (the hash itself is remembered by the file's
size and modification time, so a large report is not hashed on every run). pypdfium2 is imported only when a document
must be read, never when its text is cached.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..cache import cache_dir, read_json, write_json
from ..messages import say

SOURCES_DIR_ENV = "BOOK_SOURCES_DIR"
TEXT_VERSION = "1"  # raise when the extraction below changes: cached texts of older versions are then not read

# PDFium's load errors (FPDF_ERR_*) and the message that says what each means to an author.
LOAD_ERRORS = {2: "source-document:unreadable", 3: "source-document:damaged", 4: "source-document:encrypted",
               5: "source-document:security", 6: "source-document:damaged"}


class DocumentProblem(Exception):
    """The document cannot be read: `reason` names the message that says why (values fill it), for a finding at the
    registry entry. `lasting`: the problem is in the file's bytes (not a PDF, truncated, encrypted), so it holds as
    long as they do and may be cached by their hash."""

    def __init__(self, reason: str, lasting: bool = True, **values):
        self.reason, self.lasting, self.values = reason, lasting, values
        super().__init__(reason)

    def __str__(self) -> str:
        return say(self.reason, **self.values)


@dataclass(frozen=True)
class DocumentRef:
    """Where a source's document is expected. `declared`: named by the registry's `file:` (a missing file is then an
    error); otherwise the conventional place, used only when a file is there."""
    key: str
    path: Path
    declared: bool


def sources_dir(root: Path) -> Path:
    env = os.environ.get(SOURCES_DIR_ENV)
    return Path(env).expanduser().resolve() if env else Path(root) / "sources"


def locate(root: Path, key: str, entry: dict) -> DocumentRef | None:
    """The document of a registry entry, or None when it has none here."""
    named = entry.get("file")
    if isinstance(named, str) and named.strip():
        path = Path(named).expanduser()
        return DocumentRef(key, path if path.is_absolute() else Path(root) / path, True)
    path = sources_dir(root) / f"{key}.pdf"
    return DocumentRef(key, path, False) if path.is_file() else None


def file_digest(path: Path) -> str:
    """SHA-256 of the file's bytes; DocumentProblem when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    except FileNotFoundError:
        raise DocumentProblem("source-document:missing", lasting=False) from None
    except IsADirectoryError:
        raise DocumentProblem("source-document:folder", lasting=False) from None
    except OSError as exc:
        raise DocumentProblem("source-document:unreadable", lasting=False, detail=exc.strerror) from None
    return digest.hexdigest()


def check_envelope(path: Path) -> None:
    """A PDF starts with `%PDF-` (within its first kilobyte) and ends with `%%EOF`: a download cut short lacks the
    end, and PDFium would otherwise quietly show what survived of it."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(1024)
            stream.seek(0, os.SEEK_END)
            size = stream.tell()
            stream.seek(max(0, size - 2048))
            tail = stream.read()
    except OSError as exc:
        raise DocumentProblem("source-document:unreadable", lasting=False, detail=exc.strerror) from None
    if b"%PDF-" not in head:
        raise DocumentProblem("source-document:not-pdf" if size else "source-document:empty")
    if b"%%EOF" not in tail:
        raise DocumentProblem("source-document:truncated")


@dataclass
class Pages:
    texts: list[str]   # the text of each page, by PDF index
    labels: list[str]  # the PDF's page label of each page ("" where it has none)


def extract(path: Path) -> Pages:
    """Every page's text and label, read by PDFium."""
    try:
        import pypdfium2 as pdfium
    except ImportError:  # the toolchain's pins install it; say so rather than fail
        raise DocumentProblem("source-document:no-pdfium", lasting=False) from None
    check_envelope(path)
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        reason = LOAD_ERRORS.get(getattr(exc, "err_code", None), "source-document:pdfium")
        raise DocumentProblem(reason, detail=str(exc)) from None
    except Exception as exc:  # noqa: BLE001 — whatever a strange file makes the binding raise is a finding
        raise DocumentProblem("source-document:pdfium", detail=f"{type(exc).__name__}: {exc}") from None
    texts, labels = [], []
    try:
        for index in range(len(pdf)):
            texts.append(page_text(pdf, index))
            try:
                labels.append(pdf.get_page_label(index) or "")
            except Exception:  # noqa: BLE001 — a damaged label tree: the page has no label
                labels.append("")
    finally:
        pdf.close()
    return Pages(texts, labels)


def page_text(pdf, index: int) -> str:
    """A page's text; a damaged page reads as one without text (the verifier then says it has no text layer)."""
    try:
        page = pdf[index]
    except Exception:  # noqa: BLE001 — a damaged page
        return ""
    try:
        textpage = page.get_textpage()
        try:
            return textpage.get_text_range()
        finally:
            textpage.close()
    except Exception:  # noqa: BLE001
        return ""
    finally:
        page.close()


class Document:
    """One source's document: its hash (known at once) and its pages (read from the cache, or extracted, on demand)."""

    def __init__(self, root: Path, ref: DocumentRef, sha256: str):
        self.root, self.ref, self.sha256 = Path(root), ref, sha256
        self._pages: Pages | None = None

    @property
    def key(self) -> str:
        return self.ref.key

    def cache_path(self, kind: str, version: str) -> Path:
        """This document's entry in a cache of what is read from documents (`kind`), by the hash of its bytes."""
        return cache_dir(self.root, kind, version) / f"{self.sha256}.json"

    def pages(self) -> Pages:
        if self._pages is None:
            cached = self.cache_path("document-text", TEXT_VERSION)
            value = read_json(cached)
            if (isinstance(value, dict) and isinstance(value.get("texts"), list)
                    and isinstance(value.get("labels"), list) and len(value["texts"]) == len(value["labels"])):
                self._pages = Pages(value["texts"], value["labels"])
            else:
                self._pages = extract(self.ref.path)
                write_json(cached, {"texts": self._pages.texts, "labels": self._pages.labels})
        return self._pages


STAT_VERSION = "1"


def known_digest(root: Path, path: Path) -> str:
    """The file's SHA-256, remembered by its path, size, inode and modification time: a report of a hundred
    megabytes is hashed once, not on every run. A file whose bytes change gets a new modification time."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise DocumentProblem("source-document:missing", lasting=False) from None
    except OSError as exc:
        raise DocumentProblem("source-document:unreadable", lasting=False, detail=exc.strerror) from None
    if not path.is_file():
        raise DocumentProblem("source-document:folder", lasting=False)
    memo_path = cache_dir(root, "document-stat", STAT_VERSION) / (
        hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:32] + ".json")
    stamp = [info.st_size, info.st_ino, info.st_mtime_ns]
    memo = read_json(memo_path)
    if isinstance(memo, dict) and memo.get("stamp") == stamp and isinstance(memo.get("sha256"), str):
        return memo["sha256"]
    digest = file_digest(path)
    write_json(memo_path, {"stamp": stamp, "sha256": digest})
    return digest


def open_document(root: Path, ref: DocumentRef) -> Document:
    """The document at `ref`, hashed; DocumentProblem when it is missing or unreadable. Whether PDFium can read it is
    known when its pages are first needed (a document whose results are cached by its hash was read before)."""
    return Document(root, ref, known_digest(root, ref.path))


def printed_labels(labels: list[str], page_offset: int | None) -> list[str]:
    """The number printed on each page, by PDF index: from the registry's offset when it gives one, else the PDF's
    labels where it has any, else the page's position. A page before printed page 1 has the label ""."""
    count = len(labels)
    if page_offset is None and any(labels):
        return [label.strip() for label in labels]
    offset = page_offset or 0
    return [str(k + 1 - offset) if k + 1 - offset >= 1 else "" for k in range(count)]


def describe_labels(labels: list[str]) -> str:
    """How the pages are numbered, compactly: `i–ii, 1–6` (runs of consecutive numbers and of other labels)."""
    runs: list[list[str]] = []
    previous = None
    for label in labels:
        if not label:
            previous = None
            continue
        number = int(label) if label.isdigit() else None
        if runs and previous is not None and number is not None and number == previous + 1:
            runs[-1][1] = label
        elif runs and previous is None and number is None and runs[-1][2] == "other":
            runs[-1][1] = label
        else:
            runs.append([label, label, "number" if number is not None else "other"])
        previous = number
    return ", ".join(a if a == b else f"{a}–{b}" for a, b, _ in runs) or "—"
