"""`book notebooks [NOTEBOOK...]`: each notebook valid, run under nbval where its inputs changed (the store answers
for the rest), then the recorded results checked (schema, stale results, figures in the prose)."""
from __future__ import annotations

import os
from pathlib import Path

from ..checks import notebooks, results
from ..execution import runner
from ..findings import Finding, ToolError, rel, strict
from ..messages import say
from ..reading.book import Book
from .progress import ConsoleProgress
from .report import report


def options(args, scale: str) -> runner.Options:
    jobs = getattr(args, "jobs", None)
    if jobs is not None and jobs < 1:
        raise ToolError(say("notebooks:jobs", jobs=jobs))
    device = runner.default_device()
    if device not in ("cpu", "cuda"):
        raise ToolError(say("notebooks:device", device=repr(device)))
    notebooks.cell_timeout(scale)      # a bad BOOK_CELL_TIMEOUT is a usage error, said before anything runs
    extra = tuple(getattr(args, "passthrough", None) or ())
    # Arguments passed through to pytest may change the verdict: such a run neither reads nor writes the store.
    return runner.Options(scale=scale, device=device, jobs=jobs, force=bool(getattr(args, "force", False)),
                          extra=extra, store=not extra)


def execute(args, book: Book, results_too: bool = True) -> tuple[list[Finding], dict, dict]:
    """Validate and run the notebooks (progress on the terminal: stderr beside a JSON report); then, with
    `results_too`, check the recorded results. (findings, summary, extra) for the report."""
    repo = book.repo
    scale = args.scale or os.environ.get("BOOK_SCALE", "ci")
    if scale not in notebooks.DEFAULT_CELL_TIMEOUT:
        raise ToolError(say("notebooks:scale", allowed=", ".join(notebooks.DEFAULT_CELL_TIMEOUT), scale=repr(scale)))
    paths = [Path(p).resolve() for p in args.paths] or repo.notebooks()
    if not paths:
        raise ToolError(say("notebooks:none", folder=rel(repo.code, repo.root)))
    missing = [p for p in paths if not p.is_file()]
    if missing:
        raise ToolError(say("notebooks:missing", path=missing[0]))
    fmt = getattr(args, "format", "text")
    invalid = notebooks.validate(paths, repo, getattr(args, "validated", None))
    if invalid:
        return invalid, {}, {"notebooks": []}
    opts = options(args, scale)
    from rich.console import Console
    from rich.markup import escape
    console = Console(stderr=fmt == "json", highlight=False, soft_wrap=True, emoji=False)
    progress = ConsoleProgress(console, total=len(paths))
    console.print(escape(say("notebooks:header", count=len(paths), scale=opts.scale, device=opts.device,
                             timeout=notebooks.cell_timeout(scale), force=", --force" if opts.force else "")))
    try:
        run_report, found = notebooks.run(repo, paths, opts, progress)
    finally:
        progress.close()
    executed = [n for n in run_report.notebooks if n.status != "cached"]
    cached = len(run_report.notebooks) - len(executed)
    workers = say("notebooks:workers", jobs=run_report.jobs, threads=run_report.threads) if executed else ""
    console.print(escape(say("notebooks:done", executed=len(executed), workers=workers, cached=cached,
                             seconds=f"{run_report.seconds:.1f}")))
    if results_too:  # named notebooks: the results of their chapters only; the whole book: every results file
        chapters = {p.parent.name for p in paths} if args.paths else None
        found += results.check(book, strict(), chapters=chapters)
    summary = {"executed": sum(n.status == "executed" for n in run_report.notebooks),
               "cached": cached, "failed": sum(n.status == "failed" for n in run_report.notebooks),
               "seconds": round(run_report.seconds, 2), "jobs": run_report.jobs}
    extra = {"notebooks": [{"path": n.path, "status": n.status, "seconds": n.seconds, "key": n.key,
                            "why": n.why} for n in run_report.notebooks]}
    return found, summary, extra


def run(args, book: Book) -> int:
    fmt = getattr(args, "format", "text")
    if getattr(args, "update_outputs", False):
        paths = [Path(p).resolve() for p in args.paths] or book.repo.notebooks()
        invalid = notebooks.validate(paths, book.repo)
        if invalid:
            return report(invalid, fmt, "book notebooks", {"notebooks": []} if fmt == "json" else None)
        return notebooks.update_outputs(paths, book.repo, args.scale or os.environ.get("BOOK_SCALE", "ci"))
    found, summary, extra = execute(args, book)
    return report(found, fmt, "book notebooks", extra if fmt == "json" else None,
                  summary_extra=summary if fmt == "json" and summary else None)
