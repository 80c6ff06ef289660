"""`book site`: build the site with MkDocs (strict) into a staging folder, then swap it in; a failed build leaves the
previous site as it was.

Nothing an author wrote is ever removed: the output folder must not be the repository, hold it, or lie inside the
sources, and an existing folder is replaced only if this command built it (it carries a marker file). A site/ built
before the marker existed is recognised by its shape and accepted once. Staging folders go on Ctrl-C or SIGTERM,
and any left by a killed build are removed by the next one.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ..checks import links as links_check
from ..checks import notebooks as notebooks_check
from ..checks import toc as toc_check
from ..findings import ERROR, Finding, ToolError, rel
from ..messages import detailed, finding, say
from ..reading.book import Book
from ..reading.repo import SOURCE_FOLDERS, Repo
from .report import report

MARKER = ".book-site"
MKDOCS_SHAPE = ("index.html", "sitemap.xml", "404.html")  # what a site built by MkDocs holds at its top
STAGING = re.compile(r"^\.(?P<name>.+)-(?:staging|previous)-(?P<pid>\d+)-")
# What builds of the toolchain's earlier versions left: `.site-previous` and mkdtemp's `.site-` plus eight characters.
OLD_STAGING = re.compile(r"^\.(?P<name>.+)-(?:previous|[a-z0-9_]{8})$")


def refuse_reason(target: Path, repo: Repo, default: Path) -> str | None:
    """Why `target` must not be written, or None. Checked before anything is created or removed."""
    root = repo.root
    if target == root or root.is_relative_to(target):
        return say("site:refuse-repo", target=target)
    for folder in SOURCE_FOLDERS:
        if target.is_relative_to(root / folder):
            return say("site:refuse-sources", path=rel(target, root), folder=folder)
    if target.exists() and not target.is_dir():
        return say("site:refuse-file", target=target)
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        built_before_marker = target == default and all((target / name).is_file() for name in MKDOCS_SHAPE)
        if not built_before_marker:
            return say("site:refuse-foreign", target=target, marker=MARKER)
    return None


def remove_stale(parent: Path, name: str) -> None:
    """Staging and previous folders of builds whose process is gone."""
    for entry in parent.glob(f".{name}-*"):
        if not entry.is_dir() or entry.is_symlink():
            continue
        old = OLD_STAGING.match(entry.name)
        if old and old["name"] == name and not STAGING.match(entry.name):
            shutil.rmtree(entry, ignore_errors=True)
            continue
        m = STAGING.match(entry.name)
        if not m or m["name"] != name:
            continue
        try:
            os.kill(int(m["pid"]), 0)
        except ProcessLookupError:
            shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            pass


@contextmanager
def interrupts_raise():
    """SIGTERM raises as Ctrl-C does, so that the staging folder is removed on the way out."""
    def handler(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def mkdocs_build(repo: Repo, out: Path, draft: bool) -> tuple[int, str]:
    env = dict(os.environ, DRAFT="true" if draft else "false", NO_MKDOCS_2_WARNING="1", PYTHONWARNINGS="ignore")
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(out),
                             "--config-file", str(repo.root / "mkdocs.yml")],
                            cwd=repo.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        log, _ = proc.communicate()
    except BaseException:
        proc.terminate()
        proc.wait()
        raise
    return proc.returncode, log


CONFIG_PROBLEM = re.compile(r"Config value '(?P<key>[^']+)'")
LINK_PROBLEM = re.compile(r"Doc file '(?P<file>[^']+)' contains (?:a link|an absolute link|a link to) '(?P<link>[^']+)'")


def build_findings(log: str, repo: Repo, docs: Path) -> list[Finding]:
    """MkDocs' warnings and errors as findings, located in the chapter file where the problem is written."""
    found = []
    for line in log.splitlines():
        if not line.startswith(("WARNING", "ERROR")):
            continue
        message = re.sub(r"^(WARNING|ERROR)\s*-\s*", "", line).strip()
        m = LINK_PROBLEM.search(message)
        if m:
            path = docs / m["file"]
            link = m["link"].split("#")[0] or m["link"]
            written = as_written(path, link)
            where = locate(path, written)
            shown_link = f"{written}{m['link'][len(link):]}"
            found.append(detailed(finding(rel(path, repo.root), where[0], where[1], ERROR, "site-link:unresolved",
                                          link=shown_link), message))
        else:
            config = CONFIG_PROBLEM.search(message)
            found.append(detailed(finding("mkdocs.yml", 1, 1, ERROR, "site-build:config", key=config["key"]) if config
                                  else finding("mkdocs.yml", 1, 1, ERROR, "site-build:mkdocs"), message))
    return found


def as_written(path: Path, link: str) -> str:
    """The link as the author wrote it: the site reads `../code/…` as `code/…`."""
    if link.startswith("code/"):
        try:
            if f"../{link}" in path.read_text(encoding="utf-8"):
                return f"../{link}"
        except (OSError, UnicodeDecodeError):
            pass
    return link


def locate(path: Path, needle: str) -> tuple[int, int]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1, 1
    tail = needle.rsplit("/", 1)[-1]
    for text in (needle, tail):
        for number, line in enumerate(lines, start=1):
            if text and text in line:
                return number, line.index(text) + 1
    return 1, 1


def preflight(book: Book) -> list[Finding]:
    """What the site depends on: a TOC without errors (its navigation), a readable registry (its citations), no
    symbolic link out of the repository among its sources, notebooks that are valid notebooks (their pages), and
    pages whose local links reach a file."""
    toc_findings, _ = toc_check.check(book)
    blocking = [f for f in [*toc_findings, *book.registry.findings] if f.severity == ERROR]
    symlinks = links_check.outside_symlinks(book.repo)
    if blocking or symlinks:
        return blocking + symlinks
    return (notebooks_check.validate(book.repo.notebooks(), book.repo) + links_check.check_links(book)
            + links_check.check_anchors(book))


def strict_check(book: Book) -> tuple[list[Finding], list[str]]:
    """`book check`'s site step: what the site depends on, then a strict release build into a temporary folder
    that is removed afterwards; (findings, notes)."""
    problems = preflight(book)
    if problems:
        return problems, []
    repo = book.repo
    remove_stale(repo.root, "site")
    staging = Path(tempfile.mkdtemp(prefix=f".site-staging-{os.getpid()}-", dir=repo.root))
    try:
        with interrupts_raise():
            status, log = mkdocs_build(repo, staging, False)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if status != 0:
        return build_findings(log, repo, repo.manuscript) or [
            finding("mkdocs.yml", 1, 1, ERROR, "site-build",
                    problem=(log.strip().splitlines() or [say("site:build-failed")])[-1])], []
    return [], [say("site:strict-ok")]


def build(book: Book, draft: bool, out: Path | None, fmt: str = "text") -> int:
    """Build the site into `out` (default site/), replacing it atomically; a failed build leaves it as it was."""
    repo = book.repo
    default = repo.root / "site"
    target = Path(out).resolve() if out else default
    reason = refuse_reason(target, repo, default)
    if reason:
        raise ToolError(say("site:refuse", target=target, reason=reason))
    problems = preflight(book)
    log_to = sys.stderr if fmt == "json" else sys.stdout
    if problems:  # cause first: the findings, then what became of the site, then the summary line
        kept = [say("site:failed", folder=target.name)] if any(f.severity == ERROR for f in problems) else []
        return report(problems, fmt, "book site", notes=kept)
    kind = "draft" if draft else "release"
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target.parent, target.name)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-staging-{os.getpid()}-", dir=target.parent))
    previous = None
    try:
        with interrupts_raise():
            print(say("site:building", kind=say(f"site:kind-{kind}")), file=log_to, flush=True)
            status, log = mkdocs_build(repo, staging, draft)
            if status != 0:
                found = build_findings(log, repo, repo.manuscript) or [detailed(
                    finding("mkdocs.yml", 1, 1, ERROR, "site-build:mkdocs"),
                    (log.strip().splitlines() or [say("site:build-failed")])[-1])]
                report(found, fmt, "book site", notes=[say("site:failed", folder=target.name)])
                return 1
            (staging / MARKER).write_text("built by `book site`; the next build replaces this folder\n",
                                          encoding="utf-8")
            os.chmod(staging, 0o755)
            if target.exists():
                previous = Path(tempfile.mkdtemp(prefix=f".{target.name}-previous-{os.getpid()}-", dir=target.parent))
                previous.rmdir()
                target.rename(previous)
            try:
                staging.rename(target)
            except BaseException:
                if previous is not None:  # the old site goes back where it was
                    previous.rename(target)
                    previous = None
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)
    pages = sum(1 for _ in target.rglob("index.html"))
    shown = rel(target, repo.root)
    if fmt == "json":
        return report([], fmt, "book site", {"site": {"path": shown, "pages": pages, "kind": kind}})
    print(say("site:built", pages=pages, path=shown, kind=say(f"site:kind-{kind}")))
    return 0


def run(args, book: Book) -> int:
    draft = args.draft if args.draft is not None else os.environ.get("DRAFT", "") not in ("", "0", "false")
    return build(book, draft, args.out, fmt=args.format)
