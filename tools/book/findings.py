"""The base of every report: a finding (`path:line:col: severity code message`), its severities, and ToolError."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    col: int
    severity: str
    code: str
    message: str
    # The catalogue's message id and its parameters, where the message came from the catalogue (messages.finding):
    # a finding stored by `book check` is shown again in the language of the run that replays it.
    message_id: str = field(default="", compare=False, repr=False)
    params: dict = field(default_factory=dict, compare=False, repr=False)
    # What the library underneath said (PyYAML, jsonschema, the JSON decoder), in its own words: shown under -v only.
    detail: str = field(default="", compare=False)

    def render(self) -> str:
        text = f"{self.path}:{self.line}:{self.col}: {self.severity} {self.code} {self.message}"
        if self.detail and verbose():
            from .messages import say  # the catalogue imports this module
            text += say("detail", text=self.detail)
        return text

    def shown(self) -> dict:
        """The finding as JSON reports list it."""
        return {"path": self.path, "line": self.line, "col": self.col, "severity": self.severity, "code": self.code,
                "message": self.message}


class ToolError(Exception):
    """The tool could not run at all (bad usage, unreadable configuration): exit status 2."""


def verbose() -> bool:
    """-v (BOOK_VERBOSE=1): findings show what the library underneath said beside the catalogue's message."""
    return os.environ.get("BOOK_VERBOSE", "") not in ("", "0")


def strict() -> bool:
    """STRICT=1: pending citations and open data items fail the check (read here and nowhere else)."""
    return os.environ.get("STRICT", "") not in ("", "0")


def rel(path: Path, root: Path) -> str:
    """A path as findings print it: relative to the repository root where it lies inside it."""
    try:
        path = Path(path).resolve()
    except (RuntimeError, OSError):  # a symbolic link loop: shown as written
        path = Path(os.path.abspath(path))
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


def exit_status(findings: Iterable[Finding]) -> int:
    return 1 if has_errors(findings) else 0
