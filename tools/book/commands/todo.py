"""`book todo`: the open data items per chapter, as a table, JSON (`items`), Markdown (the site's draft page) or CSV
(for a spreadsheet or an editor). In the table the location (`path:line:col`) is never broken: an editor or a
terminal can open it as it stands; the other columns wrap around it."""
from __future__ import annotations

import csv
import io
import sys
from dataclasses import asdict

from ..checks import todo
from ..checks import toc as toc_check
from ..findings import ERROR, Finding, strict
from ..messages import say
from ..reading.book import Book
from .report import ORDER, report

KIND_LABEL, markdown_report = todo.KIND_LABEL, todo.markdown_report
KINDS = tuple(KIND_LABEL)
CSV_COLUMNS = ("group", "path", "line", "col", "kind", "text")


def by_kind(items: list[todo.Item]) -> dict[str, int]:
    return {k: sum(it.kind == k for it in items) for k in KINDS}


def kind_label(kind: str) -> str:
    return say(f"todo-kind:{kind}")


def counts(items: list[todo.Item]) -> str:
    """The one count line of the open items: the total and each kind (the same numbers as the findings)."""
    n = by_kind(items)
    return say("todo:counts", total=len(items),
               kinds=say("todo:kinds", checklist=n["checklist"], pending=n["pending-citation"], notes=n["todo-note"]))


def location(it: todo.Item) -> str:
    return f"{it.path}:{it.line}:{it.col}"


def table(items: list[todo.Item]) -> None:
    """Each chapter as a heading row, then its items: location (never broken), kind, and the item (wrapped)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table
    # In a terminal the table fits its width; piped into a file or a CI log (where rich assumes 80 columns) it is
    # laid out at 160, so that the text column is not squeezed beside the unbroken locations.
    console = Console(highlight=False, emoji=False, width=None if sys.stdout.isatty() else 160)
    grid = Table(title=say("todo:title", count=len(items)), show_lines=False)
    grid.add_column(say("todo:column-where"), no_wrap=True, min_width=max((len(location(it)) for it in items), default=8))
    grid.add_column(say("todo:column-kind"), no_wrap=True)
    grid.add_column(say("todo:column-text"), overflow="fold")
    group = None
    for it in items:
        if it.group != group:
            if group is not None:
                grid.add_section()
            group = it.group
            grid.add_row(f"[bold]{escape(group)}[/bold]", "", "")
        grid.add_row(location(it), kind_label(it.kind), escape(todo.shown_text(it)))
    console.print(grid, crop=False)
    console.print(counts(items))


def csv_report(items: list[todo.Item]) -> str:
    """One row per item, headed in the author's language, the kinds named as the table names them. It starts with a
    UTF-8 byte order mark: without it Excel on a Chinese Windows reads the file as GBK."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([say(f"todo:csv-{column}") for column in CSV_COLUMNS])
    for it in items:
        row = asdict(it)
        writer.writerow([kind_label(it.kind) if column == "kind" else row[column] for column in CSV_COLUMNS])
    return "\ufeff" + out.getvalue()


def toc_errors(book: Book) -> list[Finding]:
    """The TOC's errors: the items are grouped by the TOC's chapters, so a broken TOC is said first."""
    found, _ = toc_check.check(book)
    return sorted({f for f in found if f.severity == ERROR}, key=ORDER)


def run(args, book: Book) -> int:
    items, problems = todo.collect(book)
    broken = toc_errors(book)
    if args.format in ("markdown", "csv"):
        for f in broken + sorted(set(problems), key=ORDER):  # the list goes to stdout (a file); the causes beside it
            print(f.render(), file=sys.stderr)
        if args.format == "markdown":
            print(markdown_report(items), end="")
        else:
            sys.stdout.write(csv_report(items))
        status = 1 if problems or broken else 0
    elif args.format == "json":
        status = report(broken + problems, "json", "book todo", {"items": [asdict(it) for it in items]},
                        summary_extra={"items": len(items), "by_kind": by_kind(items)})
    else:
        if broken:  # cause first: the TOC's errors, then the items it groups
            print("\n".join([say("todo:toc-errors"), *(f.render() for f in broken), ""]))
        table(items)
        status = report(broken + problems, "text", "book todo") if problems or broken else 0
    open_data = [it for it in items if it.kind != "draft"]  # a draft at a chapter's end may stay in a release
    if strict() and open_data:
        if args.format == "text":
            print(say("todo:strict", count=len(open_data)))
        return 1
    return status
