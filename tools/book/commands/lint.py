"""`book lint [PATH...] [--fix [--diff]]`: the typography of the book's Chinese prose.

Without options it reports; `--fix` writes the corrections into the files (each through a temporary file in the same
folder, renamed over the original: an interrupted run leaves every file whole); `--fix --diff` (or `--diff`) prints
the corrections as a unified diff and writes nothing.
"""
from __future__ import annotations

import difflib
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..checks import typography
from ..diagnostics import ERROR, WARNING, Finding, ToolError, emit, exit_status, rel, strict
from ..repo import Repo
from ..textio import position_of_offset


def lang() -> str:
    return "en" if os.environ.get("BOOK_LANG", "").lower().startswith("en") else "zh"


@dataclass
class Source:
    """A Markdown file as read: its text with `\\n` line ends, and how to write it back byte for byte."""
    path: Path
    shown: str
    text: str
    crlf: bool
    bom: bool

    def encode(self, text: str) -> bytes:
        if self.crlf:
            text = text.replace("\n", "\r\n")
        return ("\ufeff" if self.bom else "").encode("utf-8") + text.encode("utf-8")


class Unreadable(Exception):
    def __init__(self, finding: Finding):
        super().__init__(finding.render())
        self.finding = finding


def read(path: Path, shown: str) -> Source:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Unreadable(Finding(shown, 1, 1, ERROR, "typo-read", read_message(exc.strerror or str(exc)))) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = position_of_offset(data, exc.start)
        raise Unreadable(Finding(shown, line, col, ERROR, "typo-read",
                                 read_message(f"not UTF-8 (byte 0x{data[exc.start]:02x})"))) from None
    bom = text.startswith("\ufeff")
    text = text.removeprefix("\ufeff")
    crlf = "\r\n" in text
    return Source(path, shown, text.replace("\r\n", "\n"), crlf, bom)


def read_message(why: str) -> str:
    return f"cannot read the file: {why}" if lang() == "en" else f"无法读取文件：{why}（请存为 UTF-8）"


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` over `path` atomically, keeping the file's permissions."""
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def markdown_files(repo: Repo, paths: list[Path]) -> list[Path]:
    if not paths:
        return repo.prose_files()
    files = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.md") if p.is_file())
        elif path.exists():
            files.append(path)
        else:
            raise ToolError(f"{path}: no such file or folder")
    return files


def load_glossary(repo: Repo) -> typography.Glossary:
    try:
        return typography.Glossary.load(repo.root / typography.GLOSSARY_FILE, typography.GLOSSARY_FILE)
    except typography.GlossaryError as exc:
        raise ToolError(str(exc)) from None


def findings_of(source: Source, issues: list[typography.Issue], glossary: typography.Glossary) -> list[Finding]:
    severity = ERROR if strict() else WARNING
    language = lang()
    return [Finding(source.shown, i.line, i.col, severity, i.code,
                    typography.message(i.code, language, old=i.old, new=i.new, glossary=glossary.path))
            for i in issues]


def run(repo: Repo, paths: list[Path], fix: bool = False, diff: bool = False, fmt: str = "text",
        echo=print) -> int:
    glossary = load_glossary(repo)
    findings: list[Finding] = []
    changed: list[tuple[str, int]] = []
    patches: list[str] = []
    for path in markdown_files(repo, paths):
        shown = rel(path, repo.root)
        try:
            source = read(Path(path), shown)
        except Unreadable as exc:
            findings.append(exc.finding)
            continue
        text = source.text
        if fix or diff:
            fixed, count = typography.fix(text, glossary)
            if count:
                changed.append((shown, count))
                if diff:
                    patches.append("".join(difflib.unified_diff(
                        text.splitlines(keepends=True), fixed.splitlines(keepends=True),
                        f"a/{shown}", f"b/{shown}")))
                else:
                    replace_file(Path(path), source.encode(fixed))
                    text = fixed
        findings += findings_of(source, typography.lint(text, glossary), glossary)
    if diff:
        echo("".join(patches).rstrip("\n")) if patches else None
        echo(fix_summary(changed, written=False))
        return 0
    if fix:
        for shown, count in changed:
            echo(f"fixed {shown}: {count} change(s)" if lang() == "en" else f"已修正 {shown}：{count} 处")
    emit(findings, fmt, "book lint")
    return exit_status(findings)


def fix_summary(changed: list[tuple[str, int]], written: bool) -> str:
    total = sum(n for _, n in changed)
    if lang() == "en":
        verb = "made" if written else "would be made (--diff: nothing written)"
        return f"book lint: {total} change(s) in {len(changed)} file(s) {verb}"
    verb = "已写入" if written else "将会修正（--diff：未写入任何文件）"
    return f"book lint：{len(changed)} 个文件中 {total} 处{verb}"


def main(argv: list[str] | None = None) -> int:
    """For trying the command before it is wired into `book`: python -m book.commands.lint [PATH...] [--fix] [--diff]"""
    import argparse
    from ..repo import find_repo
    parser = argparse.ArgumentParser(prog="book lint")
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--fix", action="store_true")
    parser.add_argument("--diff", action="store_true")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args(argv)
    try:
        return run(find_repo(), args.paths, fix=args.fix, diff=args.diff, fmt=args.format)
    except ToolError as exc:
        print(f"book: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
