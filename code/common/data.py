"""The demos' training text: a pinned corpus of classical Chinese poetry
and prose (code/corpus/), hash-checked.

The same bytes on every machine and Python version, never the book's own
manuscript: a model trained on it, and every figure measured on that model,
depend only on the code and this file. See code/corpus/README.md.
"""
from __future__ import annotations

import hashlib
import lzma
from functools import lru_cache
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "corpus.txt.xz"
CORPUS_SHA256 = ("df4472e7055c301b0af6590801f9effc"
                 "58e7da3c8f35ddbbb71ecfce47de1aa4")
SEPARATOR = "\n\n"  # between two documents (a poem, a chapter)


class CorpusError(RuntimeError):
    """The corpus file is missing, altered or unreadable."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=4)
def _verified(path: Path, expected: str, mtime_ns: int, size: int) -> str:
    actual = file_sha256(path)
    if actual != expected:
        raise CorpusError(
            f"{path}: SHA-256 {actual} is not the pinned {expected}; the "
            "corpus file was altered or damaged (restore it with "
            "`git checkout -- code/corpus/`)")
    return actual


def corpus_sha256(path: Path = CORPUS,
                  expected: str = CORPUS_SHA256) -> str:
    """The pinned hash, after checking that the file has it (a clear
    CorpusError naming the file otherwise)."""
    try:
        stat = path.stat()
    except OSError as error:
        raise CorpusError(f"{path}: the training corpus is missing "
                          f"({error.strerror})") from None
    return _verified(path, expected, stat.st_mtime_ns, stat.st_size)


def corpus(max_bytes: int | None = None, path: Path = CORPUS,
           expected: str = CORPUS_SHA256) -> str:
    """The corpus text, or its first documents up to about `max_bytes`
    bytes of UTF-8 (whole documents only)."""
    corpus_sha256(path, expected)
    try:
        with lzma.open(path, "rb") as f:
            data = f.read() if max_bytes is None else f.read(max_bytes)
    except (lzma.LZMAError, EOFError, OSError) as error:
        raise CorpusError(
            f"{path}: cannot be decompressed ({error})") from None
    text = data.decode("utf-8", errors="ignore")
    # Cut inside a document: end at the last whole one.
    if max_bytes is not None and len(data) == max_bytes:
        text = text[: text.rfind(SEPARATOR)]
    return text


def split(text: str, held_out: float = 0.05) -> tuple[str, str]:
    """Training text and held-out text (the last documents, about
    `held_out` of the text), cut between documents.

    The documents were shuffled when the corpus was built, so the held-out
    part is a fair sample of the whole."""
    cut = text.rfind(SEPARATOR, 0, int(len(text) * (1 - held_out)))
    cut = cut if cut > 0 else int(len(text) * (1 - held_out))
    return text[:cut], text[cut + len(SEPARATOR):]


def documents(text: str) -> list[str]:
    return [d for d in text.split(SEPARATOR) if d.strip()]
