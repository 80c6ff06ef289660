"""Reading author files: UTF-8 or a located error, never a traceback."""
from __future__ import annotations

from pathlib import Path

from .diagnostics import ERROR, Finding


class FileProblem(Exception):
    def __init__(self, finding: Finding):
        super().__init__(finding.render())
        self.finding = finding


def position_of_offset(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in code points) of a byte offset in UTF-8 data."""
    before = data[:offset]
    line = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    col = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return line, col


def read_text(path: Path, shown: str, code: str) -> str:
    """The file's text; a missing, unreadable or non-UTF-8 file raises FileProblem with its position."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise FileProblem(Finding(shown, 1, 1, ERROR, code, "file not found")) from None
    except OSError as exc:
        raise FileProblem(Finding(shown, 1, 1, ERROR, code, f"cannot read file: {exc.strerror}")) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = position_of_offset(data, exc.start)
        raise FileProblem(Finding(shown, line, col, ERROR, code,
                                  f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8")) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")
