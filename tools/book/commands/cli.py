"""`book`: the toolchain's one command. Each subcommand checks one thing; `book check` runs them all.

Exit status: 0 no errors, 1 errors found, 2 the tool could not run (bad usage, no repository, unreadable settings).
"""
from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module
from pathlib import Path

from ..findings import ToolError
from ..messages import argparse_text, say


# `book check`'s steps in order (their names for --skip), as commands/check.py runs them.
CHECK_STEPS = ["toc", "claims", "verify", "lint", "todo", "notebooks", "results", "print", "site"]


class Parser(argparse.ArgumentParser):
    """Bad usage is a "cannot run" error like the others (exit 2), in the author's language."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, say("cli:error", problem=say("cli:usage", prog=self.prog, message=message)) + "\n")


def build_parser() -> argparse.ArgumentParser:
    argparse._ = argparse_text  # argparse looks its texts up through gettext's `_` when it builds a message
    parser = Parser(prog="book", description="《LLM推理优化实战》的工具链：检查目录、数据来源、代码示例并发布网站。")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, help_text, paths=False, formats=("text", "json")):
        p = sub.add_parser(name, help=help_text, description=help_text)
        if paths:
            p.add_argument("paths", nargs="*", type=Path, metavar="PATH")
        if formats:
            p.add_argument("--format", choices=list(formats), default="text")
        return p

    command("toc", "检查目录：解析、JSON Schema、编号、链接的章节文件与标题漂移", paths=True)
    command("claims", "检查每个数据声明是否在同一句中标注了带页码的来源", paths=True)
    lint = command("lint", "检查中文排版：中英文之间的空格、全角标点、百分号、术语写法（manuscript/glossary.yaml）", paths=True)
    lint.add_argument("--fix", action="store_true", help="把修正写回文件（原子替换）")
    lint.add_argument("--diff", action="store_true", help="与 --fix 一起用：只显示将要做的修改（unified diff），不写文件")
    command("todo", "列出未完成的数据项（待办清单、待补页码、TODO(data)）；--format markdown|json|csv 供编辑器与表格使用",
            formats=("text", "json", "markdown", "csv"))
    nb = command("notebooks", "用 pytest --nbval 运行每个章节的 notebook", paths=True)
    nb.add_argument("--scale", choices=["ci", "full"], default=None, help="BOOK_SCALE（默认取环境变量，否则 ci）")
    nb.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                    help="同时运行的 notebook 数（默认每个 CPU 核一个；每个分得相应的线程数）")
    nb.add_argument("--force", action="store_true", help="全部重新运行，不使用已存的通过结果（.cache/notebooks）")
    nb.add_argument("--update-outputs", action="store_true",
                    help="执行 notebook 并把输出写回文件（原子替换）；不做比较")
    nb.epilog = "-- 之后的参数原样传给 pytest，例如：book notebooks -- -x"
    site = command("site", "构建网站到 site/（原子替换：构建失败时保留旧的 site/）")
    site.add_argument("--draft", action="store_true", default=None, help="草稿版：显示待办页与待补来源标记（亦可 DRAFT=1）")
    site.add_argument("--out", type=Path, default=None, help="输出目录（默认 site/；只会替换本命令构建的目录）")
    sources = sub.add_parser("sources", help="来源文档：核对引用的数字是否在所引页码上",
                             description="来源文档：核对引用的数字是否在所引页码上")
    actions = sources.add_subparsers(dest="action", required=True, metavar="ACTION")
    verify = actions.add_parser(
        "verify", help="用本机的来源文档（sources/<key>.pdf 或登记表中的 file:）核对每个引用的数字与页码",
        description="用本机的来源文档（sources/<key>.pdf 或登记表中的 file:）核对每个引用的数字与页码")
    verify.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    verify.add_argument("--format", choices=["text", "json"], default="text")
    verify.add_argument("--fill", action="store_true",
                        help="待补页码（p. ?）的数字只出现在一页时，把该页码写入书稿（原子写入，并列出改动）")
    verify.add_argument("--dry-run", action="store_true", help="与 --fill 同用：只打印差异，不写文件")
    check = command("check", "合并前的全部检查：目录、数据声明、来源核对（本机有来源文档时）、中文排版、待办汇总、notebook、"
                             "实测结果、印刷版版面、严格构建网站")
    check.add_argument("--skip", action="append", choices=CHECK_STEPS)
    check.add_argument("-v", "--verbose", action="store_true", help="逐条列出每个警告（默认按代码汇总）")
    check.add_argument("--no-cache", action="store_true",
                       help="每一步都重新运行（默认：输入未变的步骤直接给出上次的结果）")
    check.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help="同时运行的 notebook 数（默认每核一个）")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    passthrough = argv[argv.index("--") + 1:] if "--" in argv else []  # for pytest, after `book notebooks --`
    try:
        args = build_parser().parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    except SystemExit as exc:  # argparse: --help (0) or bad usage (2)
        return int(exc.code or 0)
    args.passthrough = passthrough
    from ..reading.book import Book
    from ..reading.repo import find_repo
    try:
        repo = find_repo()
        command = import_module(f"book.commands.{args.command}")
        paths = getattr(args, "paths", None) if args.command in ("claims", "sources", "lint") else None
        return command.run(args, Book(repo, paths))
    except ToolError as exc:
        print(say("cli:error", problem=exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(say("cli:interrupted"), file=sys.stderr)
        return 130


def console() -> None:
    """The `book` console script."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # `book claims | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    sys.exit(code)


if __name__ == "__main__":
    console()
