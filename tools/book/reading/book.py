"""The Book: the repository's files as read once, shared by every check, command and the site.

A file is read once (its text, or the finding that says why it cannot be), parsed once into a prose Document, split
into prose units once; the TOC and the source registry are read once. A check asks the Book and never opens a file.
"""
from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from ..findings import ERROR, Finding, ToolError, rel
from ..messages import finding, say
from . import labels, prose, prose_map, sources, toc_parse
from .citations import Citations
from .repo import Repo, resolved

# Problems of reading a file that keep their code whichever check read the file: one code per fault kind.
SAME_CODE_EVERYWHERE = ("site-symlink", "file-encoding", "file-unreadable")
from .textio import FileProblem, read_text
from .toc import Toc


@dataclass
class SourceFile:
    """One Markdown file of the book: its text, or the finding that says why it could not be read."""
    path: Path
    shown: str
    text: str | None
    problem: Finding | None = None
    document: prose.Document | None = field(default=None, repr=False)
    units: list[prose.Unit] | None = field(default=None, repr=False)
    map: prose_map.ProseMap | None = field(default=None, repr=False)


def leads_nowhere(link: Path) -> bool:
    """A symbolic link whose target does not exist (a loop is another fault: read, it says so)."""
    try:
        os.stat(link)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return False


@contextmanager
def bulk():
    """Around work that allocates millions of short-lived objects (parsing a book): reference counting frees them,
    the cyclic collector would only rescan them. It comes back on without a pass over everything made meanwhile."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.freeze()
            gc.enable()
            gc.unfreeze()


class Book:
    """The book in `repo`, or the given Markdown files and folders read with the repository's registry and TOC."""

    def __init__(self, repo: Repo, paths: list[Path] | None = None):
        self.repo = repo
        self.paths = [Path(p) for p in paths or []]
        self._texts: dict[Path, SourceFile] = {}
        self._tocs: dict[Path, Toc] = {}

    @property
    def root(self) -> Path:
        return self.repo.root

    def shown(self, path: Path) -> str:
        return rel(path, self.root)

    def markdown_paths(self) -> list[Path]:
        """The prose files: the whole book (manuscript/ and toc/), or the given files and folders."""
        if not self.paths:
            return self.repo.prose_files()
        files = []
        for path in self.paths:
            if path.is_dir():
                files += sorted(p for p in path.rglob("*.md") if p.is_file())
            elif path.exists():
                files.append(path)
            else:
                raise ToolError(say("cli:no-such-path", path=path))
        return files

    def file(self, path: Path, code: str = "claims-read") -> SourceFile:
        """A file as read (once); `code` names the finding of a file that cannot be read."""
        key = resolved(path)
        found = self._texts.get(key)
        if found is None:
            found = self._texts[key] = self.read(Path(path).absolute(), key, code)
        if found.problem is not None and found.problem.code not in (code, *SAME_CODE_EVERYWHERE):
            return replace(found, problem=replace(found.problem, code=code))
        return found

    def read(self, path: Path, key: Path, code: str) -> SourceFile:
        """A file inside the repository reached through a link that leads out of it is neither read nor, with
        --fix, ever written: it is located at the link, with the link's target."""
        root = resolved(self.root)
        if path.is_relative_to(root) and not key.is_relative_to(root):
            shown = path.relative_to(root).as_posix()
            return SourceFile(path, shown, None, finding(shown, 1, 1, ERROR, "site-symlink", target=str(key)))
        if path.is_symlink() and leads_nowhere(path):  # said at the link, which is what the author sees
            link = resolved(path.parent) / path.name
            shown = link.relative_to(root).as_posix() if link.is_relative_to(root) else link.as_posix()
            return SourceFile(path, shown, None, finding(shown, 1, 1, ERROR, "file-unreadable:dangling-link",
                                                         target=os.readlink(path)))
        shown = self.shown(key)
        try:
            return SourceFile(key, shown, read_text(key, shown, code))
        except FileProblem as problem:
            return SourceFile(key, shown, None, problem.finding)

    @cached_property
    def files(self) -> list[SourceFile]:
        return [self.file(p) for p in self.markdown_paths()]

    def document(self, source: SourceFile) -> prose.Document | None:
        if source.document is None and source.text is not None:
            source.document = prose.parse(source.text)
        return source.document

    def units(self, source: SourceFile) -> list[prose.Unit]:
        if source.units is None:
            doc = self.document(source)
            source.units = prose.units(doc) if doc is not None else []
        return source.units

    def prose_map(self, source: SourceFile) -> prose_map.ProseMap | None:
        """The file's prose map (prose_map.py): units, what is not prose, citations with their spans, directives;
        None for a file that cannot be read. Citations are read only with a usable registry."""
        if source.map is None and source.text is not None:
            units = self.units(source)
            source.map = prose_map.build(source.text, self.citations, self.document(source), units)
        return source.map

    def in_link_order(self, chapter: Path, notebooks: list[Path]) -> list[Path]:
        """A chapter's notebooks in the order its prose first links them (the chapter's own demo before the ones its
        later sections add); any it never links follow, by name. The site's navigation and print both list them so."""
        doc = self.document(self.file(chapter))
        first: dict[Path, int] = {}
        for token in doc.tokens if doc is not None else []:
            for child in token.children or []:
                href = (child.attrGet("href") or "") if child.type == "link_open" else ""
                if href.split("#")[0].endswith(".ipynb"):
                    first.setdefault(resolved(chapter.parent / href.split("#")[0]), len(first))
        return sorted(notebooks, key=lambda p: (first.get(resolved(p), len(first)), p.name))

    def prepare(self) -> None:
        """Parse every prose file and split it into units, in one bulk step."""
        with bulk():
            for source in self.files:
                self.units(source)

    def read_toc(self, path: Path) -> Toc:
        key = resolved(path)
        if key not in self._tocs:
            source = self.file(key, "toc-parse")
            if source.text is None:
                self._tocs[key] = Toc(key, source.shown, findings=[source.problem])
            else:
                self._tocs[key] = toc_parse.parse(source.text, key, source.shown)
        return self._tocs[key]

    @property
    def toc(self) -> Toc:
        """The book's own table of contents."""
        return self.read_toc(self.repo.toc)

    @cached_property
    def registry(self) -> sources.Registry:
        return sources.load(self.repo)

    @cached_property
    def labels(self) -> labels.Labels:
        """Figures, tables and references to them and to sections, numbered per chapter (reading/labels.py)."""
        return labels.read(self)

    @cached_property
    def citations(self) -> Citations | None:
        """The citation reader, or None when the registry cannot be read (its own findings say why)."""
        return Citations(self.registry) if self.registry.usable else None
