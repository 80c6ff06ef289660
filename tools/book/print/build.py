"""`make pdf`: the book typeset by Typst (the `typst` Python package embeds the compiler), and the page map that
`book claims` reads: for each manuscript and notebook line that starts a block, the PDF page it landed on."""
from __future__ import annotations

import hashlib
import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from ..cache import write_atomic
from ..findings import ToolError
from ..messages import say
from ..reading.book import Book
from ..reading.repo import Repo
from . import fonts
from ..reading.print_config import PrintConfig, load
from .typeset import Typesetter

DEFAULT_TEMPLATE = Path(__file__).parent / "template" / "book.typ"

# Collects every block marker with its page: physical page in the PDF (what a viewer's "go to page" takes) and the
# number printed on it.
PAGE_MAP = """
#context [#metadata(query(<src>).map(m => (m.value, m.location().page(),
  numbering(m.location().page-numbering(), ..counter(page).at(m.location())))))<pagemap>]
"""
EPOCH = 1767225600  # 2026-01-01: a fixed creation date, so an unchanged book gives the same bytes


@dataclass
class Built:
    pdf: Path
    pages: int
    seconds: float
    warnings: list[str]


def outputs(root: Path, draft: bool) -> tuple[Path, Path]:
    name = "book-draft" if draft else "book"
    return root / "build" / f"{name}.pdf", root / "build" / f"{name}.pages.json"


def prepare(repo: Repo, draft: bool, config: PrintConfig | None = None) -> tuple[Path, list[Path], PrintConfig]:
    """Writes the Typst document under build/print/ and returns it, with the files it was made from."""
    config = config or load(repo.root)
    book = Book(repo)
    typeset = Typesetter(book, config, draft).document()
    work = repo.root / "build" / "print" / ("draft" if draft else "release")
    media = repo.root / "build" / "print" / "media"
    media.mkdir(parents=True, exist_ok=True)
    for name, data in typeset.media.items():
        target = media / name
        if not target.exists():
            write_atomic(target, data)
    design = config.template or DEFAULT_TEMPLATE
    template = work / "template.typ"
    work.mkdir(parents=True, exist_ok=True)
    if not template.exists() or template.read_bytes() != design.read_bytes():
        shutil.copyfile(design, template)
    main = work / "main.typ"
    write_atomic(main, (typeset.source + PAGE_MAP).encode("utf-8"))
    return main, typeset.inputs, config


def compile_pdf(repo: Repo, draft: bool) -> Built:
    started = time.perf_counter()
    try:
        import typst
    except ImportError:
        raise ToolError(say("print:no-typst"))
    config = load(repo.root)
    folders = fonts.font_folders(config.fonts)
    lacking = fonts.missing(folders)
    if lacking:
        packages = " ".join(sorted(set(lacking.values())))
        raise ToolError(say("print:font-missing", families="、".join(lacking), packages=packages))
    main, inputs, config = prepare(repo, draft, config)
    compiler = typst.Compiler(root=str(repo.root), font_paths=[str(f) for f in folders])
    try:
        pdf, warnings = compiler.compile_with_warnings(input=str(main), format="pdf", timestamp=EPOCH)
        found = json.loads(compiler.query("<pagemap>", field="value", one=True))
    except typst.TypstError as problem:
        where = next((line.strip() for line in problem.diagnostic.split("\n") if "┌─" in line), "")
        raise ToolError(say("print:typst-error", problem=f"{where.lstrip('┌─ ')}: {problem.message}"))
    pdf_path, map_path = outputs(repo.root, draft)
    write_atomic(pdf_path, pdf)
    lines: dict[str, list[list]] = {}
    for where, page, printed in found:
        path, _, line = where.rpartition(":")
        lines.setdefault(path, []).append([int(line), page, printed])
    page_map = {
        "pdf": pdf_path.name,
        "pdf_sha256": hashlib.sha256(pdf).hexdigest(),
        "draft": draft,
        "sources": {repo_relative(repo, p): hashlib.sha256(p.read_bytes()).hexdigest() for p in dict.fromkeys(inputs)},
        "lines": {path: sorted(entries) for path, entries in lines.items()},
    }
    write_atomic(map_path, json.dumps(page_map, ensure_ascii=False, indent=1).encode("utf-8"))
    return Built(pdf_path, count_pages(pdf_path), time.perf_counter() - started, [w.message for w in warnings])


def repo_relative(repo: Repo, path: Path) -> str:
    return path.resolve().relative_to(repo.root.resolve()).as_posix()


def count_pages(path: Path) -> int:
    import pypdfium2
    document = pypdfium2.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()
