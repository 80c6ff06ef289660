"""`book todo`: the open data items per chapter, as a table, JSON (`items`) or Markdown (the site's draft page)."""
from __future__ import annotations

from dataclasses import asdict

from ..checks import todo
from ..findings import strict
from ..reading.book import Book
from .report import report

KIND_LABEL, markdown_report = todo.KIND_LABEL, todo.markdown_report

def by_kind(items: list[todo.Item]) -> dict[str, int]:
    return {k: sum(it.kind == k for it in items) for k in KIND_LABEL}


def table(items: list[todo.Item]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table
    console = Console(highlight=False)
    grid = Table(title=f"未完成的数据项：{len(items)} 个", show_lines=False)
    for column in ("章节", "位置", "类型", "内容"):
        grid.add_column(column, overflow="fold")
    for it in items:
        grid.add_row(escape(it.group), f"{it.path}:{it.line}:{it.col}", KIND_LABEL[it.kind], escape(it.text))
    console.print(grid)
    console.print("  ".join(f"{KIND_LABEL[k]} {n}" for k, n in by_kind(items).items()))


def run(args, book: Book) -> int:
    items, problems = todo.collect(book)
    if args.format == "markdown":
        print(markdown_report(items), end="")
        status = 1 if problems else 0
    elif args.format == "json":
        status = report(problems, "json", "book todo", {"items": [asdict(it) for it in items]},
                        summary_extra={"items": len(items), "by_kind": by_kind(items)})
    else:
        table(items)
        status = report(problems, "text", "book todo") if problems else 0
    if strict() and items:
        if args.format == "text":
            print(f"book todo: STRICT=1 and {len(items)} open data item(s)")
        return 1
    return status
