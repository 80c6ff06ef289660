"""Text that is available offline on every machine: the book's own manuscript and Python's standard library."""
from __future__ import annotations

import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Modules whose source is long, stable across Python versions' layout, and plain text.
STDLIB_MODULES = ["argparse.py", "collections/__init__.py", "dataclasses.py", "functools.py", "json/decoder.py",
                  "json/encoder.py", "pathlib.py", "textwrap.py", "typing.py", "statistics.py", "heapq.py", "csv.py"]


def corpus(max_chars: int | None = None) -> str:
    """The manuscript (Chinese prose) followed by standard-library sources (English and code)."""
    parts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "manuscript").glob("*.md"))]
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    parts += [(stdlib / name).read_text(encoding="utf-8") for name in STDLIB_MODULES if (stdlib / name).is_file()]
    text = "\n\n".join(parts)
    return text[:max_chars] if max_chars else text


def split(text: str, held_out: float = 0.1) -> tuple[str, str]:
    """Training text and held-out text (the last tenth), for perplexity that the model never trained on."""
    cut = int(len(text) * (1 - held_out))
    return text[:cut], text[cut:]
