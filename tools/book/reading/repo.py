"""Where the book lives: the repository root and its well-known paths."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..findings import ToolError
from ..messages import say

TOC_FILE = "toc/table-of-contents.md"
# Folders that hold what authors write and what builds the book: no output may go into them.
SOURCE_FOLDERS = ("manuscript", "toc", "code", "tools", "schemas", "tests", "bench", ".git", ".ci")


@dataclass(frozen=True)
class Repo:
    root: Path

    @property
    def toc(self) -> Path:
        return self.root / TOC_FILE

    @property
    def manuscript(self) -> Path:
        return self.root / "manuscript"

    @property
    def sources(self) -> Path:
        return self.manuscript / "sources.yaml"

    @property
    def schemas(self) -> Path:
        return self.root / "schemas"

    @property
    def code(self) -> Path:
        return self.root / "code"

    def prose_files(self) -> list[Path]:
        """The Markdown an author writes: manuscript/ and toc/, in a stable order."""
        files = sorted(self.manuscript.rglob("*.md")) + sorted((self.root / "toc").rglob("*.md"))
        return [f for f in files if f.is_file() or f.is_symlink()]  # a broken link is reported, not skipped

    def notebooks(self) -> list[Path]:
        return sorted(p for p in self.code.glob("ch*/*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def notebook_chapter(path: Path) -> str | None:
    """The number of the chapter a notebook belongs to, from its folder (code/ch05-batching/… → "5")."""
    m = re.match(r"ch(\d+)", Path(path).parent.name)
    return str(int(m[1])) if m else None


def resolved(path: Path) -> Path:
    """The path with its links followed; a link that loops (or cannot be followed) stays as written, made absolute,
    so that reading it reports the loop at the file instead of crashing on the way there."""
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError):  # RuntimeError: Python before 3.13 on a symlink loop
        return Path(os.path.abspath(path))


def is_repo(folder: Path) -> bool:
    """A book repository: its schemas, and a TOC folder or manuscript (a deleted TOC is then reported as such)."""
    return (folder / "schemas").is_dir() and ((folder / TOC_FILE).is_file() or
                                              ((folder / "manuscript").is_dir() and (folder / "toc").is_dir()))


def find_repo(start: Path | None = None) -> Repo:
    """The repository that holds the working directory: the nearest folder laid out as the book is."""
    env = os.environ.get("BOOK_ROOT")
    if env:
        return Repo(Path(env).resolve())
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_repo(folder):
            return Repo(folder)
    raise ToolError(say("cli:no-repo", toc=TOC_FILE, here=here))
