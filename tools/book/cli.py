"""`book`: the toolchain's one command. Each subcommand checks one thing; `book check` runs them all."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .diagnostics import ToolError, emit, exit_status, strict


def cmd_toc(args, repo) -> int:
    from . import toc_run
    findings, models = toc_run.run(repo, args.paths)
    extra = {"toc": models[0] if len(models) == 1 else models}
    emit(findings, args.format, "book toc", extra)
    return exit_status(findings)


def cmd_claims(args, repo) -> int:
    from . import claims_run
    result = claims_run.run(repo, args.paths, strict=strict(), ledger=args.format == "json")
    extra = {"claims": result.ledger()} if args.format == "json" else None
    emit(result.findings, args.format, "book claims", extra)
    return exit_status(result.findings)


def cmd_todo(args, repo) -> int:
    from . import todo
    return todo.main(repo, args.format, strict=strict())


def cmd_notebooks(args, repo) -> int:
    from . import notebooks
    return notebooks.main(repo, args.paths, scale=args.scale, extra=args.passthrough, update=args.update_outputs)


def cmd_site(args, repo) -> int:
    from . import site
    return site.main(repo, draft=args.draft, out=args.out)


def cmd_check(args, repo) -> int:
    from . import check
    return check.main(repo, skip=set(args.skip or []))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="book", description="《LLM推理优化实战》的工具链：检查目录、数据来源、代码示例并发布网站。")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, func, help_text, paths=False, fmt=True):
        p = sub.add_parser(name, help=help_text, description=help_text)
        if paths:
            p.add_argument("paths", nargs="*", type=Path, metavar="PATH")
        if fmt:
            p.add_argument("--format", choices=["text", "json"], default="text")
        p.set_defaults(func=func)
        return p

    command("toc", cmd_toc, "检查目录：解析、JSON Schema、编号、链接的章节文件与标题漂移", paths=True)
    command("claims", cmd_claims, "检查每个数据声明是否在同一句中标注了带页码的来源", paths=True)
    todo = command("todo", cmd_todo, "列出未完成的数据项（待办清单、待补页码、TODO(data)）", fmt=False)
    todo.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    nb = command("notebooks", cmd_notebooks, "用 pytest --nbval 运行每个章节的 notebook", paths=True, fmt=False)
    nb.add_argument("--scale", choices=["ci", "full"], default=None, help="BOOK_SCALE（默认取环境变量，否则 ci）")
    nb.add_argument("--update-outputs", action="store_true",
                    help="执行 notebook 并把输出写回文件（原子替换）；不做比较")
    nb.epilog = "-- 之后的参数原样传给 pytest，例如：book notebooks -- -x"
    site = command("site", cmd_site, "构建网站到 site/（原子替换：构建失败时保留旧的 site/）", fmt=False)
    site.add_argument("--draft", action="store_true", default=None, help="草稿版：显示待办页与待补来源标记（亦可 DRAFT=1）")
    site.add_argument("--out", type=Path, default=None, help="输出目录（默认 site/）")
    check = command("check", cmd_check, "合并前的全部检查：目录、数据声明、待办汇总、notebook、严格构建网站", fmt=False)
    check.add_argument("--skip", action="append", choices=["toc", "claims", "todo", "notebooks", "site"])
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    passthrough = argv[argv.index("--") + 1:] if "--" in argv else []  # for pytest, after `book notebooks --`
    args = build_parser().parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    args.passthrough = passthrough
    from .repo import find_repo
    try:
        repo = find_repo()
        return args.func(args, repo)
    except ToolError as exc:
        print(f"book: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("book: interrupted", file=sys.stderr)
        return 130


# Commands that only read the book and print a report: once it is out, the interpreter's teardown (freeing every
# module and object, 40-50 ms after a long book) is skipped. Their files are all closed by then; nothing waits at exit.
QUICK_EXIT = {"claims", "toc", "todo"}


def console() -> None:
    """The `book` command."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # `book claims | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    if sys.argv[1:2] and sys.argv[1] in QUICK_EXIT:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    console()
