"""`book`: the toolchain's one command. Each subcommand checks one thing; `book check` runs them all.

Exit status: 0 no errors, 1 errors found, 2 the tool could not run (bad usage, no repository, unreadable settings).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from importlib import import_module
from pathlib import Path

from ..findings import ToolError
from ..messages import argparse_text, lang, say, unknown_lang


# `book check`'s steps in order (their names for --skip), as commands/check.py runs them.
CHECK_STEPS = ["toc", "claims", "verify", "lint", "todo", "notebooks", "results", "figures", "print", "site"]


class Parser(argparse.ArgumentParser):
    """Bad usage is a "cannot run" error like the others (exit 2), in the author's language."""

    def format_help(self):
        """argparse ends its section headings with an ASCII colon; Chinese takes the full-width one."""
        text = super().format_help()
        return re.sub(r"^(\S[^\n]*):$", r"\1：", text, flags=re.M) if lang() == "zh" else text

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, say("cli:error", problem=say("cli:usage", prog=self.prog, message=message)) + "\n")


def build_parser() -> argparse.ArgumentParser:
    argparse._ = argparse_text  # argparse looks its texts up through gettext's `_` when it builds a message
    parser = Parser(prog="book", description=say("help:book"))
    parser.add_argument("-v", "--verbose", action="store_true", help=say("help:verbose"))
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, help_id, paths=False, formats=("text", "json"), parent=sub, verbose_id="help:verbose"):
        p = parent.add_parser(name, help=say(help_id), description=say(help_id))
        p.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=say(verbose_id))
        if paths:
            p.add_argument("paths", nargs="*", type=Path, metavar="PATH")
        if formats:
            p.add_argument("--format", choices=list(formats), default="text")
        return p

    command("toc", "help:toc", paths=True)
    claims = command("claims", "help:claims", paths=True)
    claims.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help=say("help:claims-jobs"))
    lint = command("lint", "help:lint", paths=True)
    lint.add_argument("--fix", action="store_true", help=say("help:lint-fix"))
    lint.add_argument("--diff", action="store_true", help=say("help:lint-diff"))
    command("todo", "help:todo", formats=("text", "json", "markdown", "csv"))
    nb = command("notebooks", "help:notebooks", paths=True)
    nb.add_argument("--scale", choices=["ci", "full"], default=None, help=say("help:notebooks-scale"))
    nb.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help=say("help:notebooks-jobs"))
    nb.add_argument("--force", action="store_true", help=say("help:notebooks-force"))
    nb.add_argument("--update-outputs", action="store_true", help=say("help:notebooks-update"))
    nb.epilog = say("help:notebooks-epilog")
    site = command("site", "help:site")
    site.add_argument("--draft", action="store_true", default=None, help=say("help:site-draft"))
    site.add_argument("--out", type=Path, default=None, help=say("help:site-out"))
    sources = sub.add_parser("sources", help=say("help:sources"), description=say("help:sources"))
    actions = sources.add_subparsers(dest="action", required=True, metavar="ACTION")
    verify = command("verify", "help:verify", paths=True, parent=actions)
    verify.add_argument("--fill", action="store_true", help=say("help:verify-fill"))
    verify.add_argument("--dry-run", action="store_true", help=say("help:verify-dry-run"))
    figures = command("figures", "help:figures")
    figures.add_argument("names", nargs="*", metavar="NAME", help=say("help:figures-names"))
    figures.add_argument("--force", action="store_true", help=say("help:figures-force"))
    check = command("check", "help:check", verbose_id="help:check-verbose")
    check.add_argument("--skip", action="append", choices=CHECK_STEPS)
    check.add_argument("--no-cache", action="store_true", help=say("help:check-no-cache"))
    check.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help=say("help:check-jobs"))
    return parser


# Commands that only read the book and print (no thread or child process left, every file they write closed): the
# `book` process ends at once after them. Freeing the Book object by object, then the interpreter's own teardown,
# would take longer than some of their checks (30 ms of `book claims` on a book of a million characters); the
# operating system takes the memory back whole.
READ_AND_PRINT = frozenset({"claims", "toc", "todo", "lint"})


def main(argv: list[str] | None = None, keep: list | None = None) -> int:
    """The command's exit status. `keep`: where the console script keeps the Book of a command of READ_AND_PRINT,
    to end the process without freeing it."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if unknown_lang():
        print(say("cli:unknown-lang", value=unknown_lang()), file=sys.stderr)
    passthrough = argv[argv.index("--") + 1:] if "--" in argv else []  # for pytest, after `book notebooks --`
    try:
        args = build_parser().parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    except SystemExit as exc:  # argparse: --help (0) or bad usage (2)
        return int(exc.code or 0)
    args.passthrough = passthrough
    if getattr(args, "verbose", False):  # the library's own words beside each message, here and in what this runs
        os.environ["BOOK_VERBOSE"] = "1"
    from ..reading.book import Book
    from ..reading.repo import find_repo
    try:
        repo = find_repo()
        command = import_module(f"book.commands.{args.command}")
        paths = getattr(args, "paths", None) if args.command in ("claims", "sources", "lint") else None
        book = Book(repo, paths)
        if keep is not None and args.command in READ_AND_PRINT:
            keep.append(book)
        return command.run(args, book)
    except ToolError as exc:
        print(say("cli:error", problem=exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(say("cli:interrupted"), file=sys.stderr)
        return 130


def console() -> None:
    """The `book` console script."""
    kept: list = []
    try:
        code = main(keep=kept)
        sys.stdout.flush()
    except BrokenPipeError:  # `book claims | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    if kept:  # a command of READ_AND_PRINT: all it printed is flushed, nothing else is left to do
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    console()
