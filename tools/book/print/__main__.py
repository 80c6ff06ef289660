"""`python -m book.print pdf|epub|docx [--draft]`: what `make pdf`, `make epub` and `make manuscript-docx` run."""
from __future__ import annotations

import argparse
import os
import sys

from ..findings import ToolError
from ..messages import say
from ..reading.repo import find_repo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m book.print")
    parser.add_argument("what", choices=["pdf", "epub", "docx"])
    parser.add_argument("--draft", action="store_true", default=os.environ.get("DRAFT", "") not in ("", "0"))
    args = parser.parse_args(argv)
    try:
        repo = find_repo()
        if args.what == "pdf":
            from .build import compile_pdf
            built = compile_pdf(repo, args.draft)
            for warning in built.warnings:
                print(say("print:typst-warning", problem=warning))
            print(say("print:wrote", path=built.pdf.relative_to(repo.root), pages=built.pages, seconds=built.seconds))
            return 1 if built.warnings else 0
        from .ebook import build_docx, build_epub
        built = build_epub(repo) if args.what == "epub" else build_docx(repo)
        for line in built.messages:
            print(line)
        print(say("print:wrote-file", path=built.path.relative_to(repo.root), seconds=built.seconds))
        return 1 if built.errors else 0
    except ToolError as problem:
        print(say("cli:error", problem=problem))
        return 2


if __name__ == "__main__":
    sys.exit(main())
