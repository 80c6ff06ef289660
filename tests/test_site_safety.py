"""`book site` never loses an author's files, and fails loudly on what the site depends on."""
from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import time

import pytest

from conftest import ROOT, run_book


@pytest.mark.parametrize("out", [".", "..", "manuscript", "manuscript/pages", "toc", "code", "tools", "schemas", ".git"])
def test_refuses_the_repository_and_the_sources(book_copy, out):
    (book_copy / ".git").mkdir(exist_ok=True)
    before = sorted(p.relative_to(book_copy) for p in book_copy.rglob("*"))
    run = run_book("site", "--out", out, cwd=book_copy)
    assert run.code == 2 and "拒绝" in run.err, run.out + run.err
    assert sorted(p.relative_to(book_copy) for p in book_copy.rglob("*")) == before


def test_refuses_a_folder_it_did_not_build(book_copy):
    out = book_copy / "public"
    out.mkdir()
    (out / "notes.md").write_text("an author's file\n", encoding="utf-8")
    run = run_book("site", "--out", str(out), cwd=book_copy)
    assert run.code == 2 and ".book-site" in run.err
    assert (out / "notes.md").read_text(encoding="utf-8") == "an author's file\n"


def test_builds_with_a_marker_and_normal_permissions_replacing_an_old_site_and_stale_staging(book_copy):
    old = book_copy / "site"  # built before the marker existed: accepted once, by its shape
    old.mkdir()
    for name in ("index.html", "sitemap.xml", "404.html"):
        (old / name).write_text("old\n", encoding="utf-8")
    stale = book_copy / ".site-staging-999999-abc"  # left by a build that was killed
    stale.mkdir()
    (book_copy / ".site-k3j9x0q2").mkdir()  # left by an earlier version of the toolchain
    run = run_book("site", cwd=book_copy)
    assert run.code == 0, run.out + run.err
    assert (old / ".book-site").is_file() and (old / "index.html").read_text(encoding="utf-8") != "old\n"
    assert stat.S_IMODE(old.stat().st_mode) == 0o755
    assert not stale.exists()
    assert not [p for p in book_copy.iterdir() if p.name.startswith(".site-")]


def test_sigterm_removes_the_staging_folder(book_copy):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tools")}
    proc = subprocess.Popen([sys.executable, "-m", "book", "site"], cwd=book_copy, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(book_copy.glob(".site-staging-*")):
        time.sleep(0.05)
    assert list(book_copy.glob(".site-staging-*")), "the build never started"
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert not list(book_copy.glob(".site-*")) and not (book_copy / "site").exists()


@pytest.mark.parametrize("registry", [None, "ark-big-ideas-2026: [unclosed\n",
                                      "ark-big-ideas-2026:\n  title: A\n  paged: true\nark-big-ideas-2026:\n  title: B\n"])
def test_a_missing_or_broken_registry_fails_the_site(book_copy, registry):
    path = book_copy / "manuscript/sources.yaml"
    if registry is None:
        path.unlink()
    else:
        path.write_text(registry, encoding="utf-8")
    run = run_book("site", "--out", str(book_copy / "out"), cwd=book_copy)
    assert run.code == 1, run.out
    [finding] = [line for line in run.lines("source-registry")]
    assert finding.startswith("manuscript/sources.yaml:"), finding
    if registry and registry.count("ark-big-ideas-2026:") == 2:
        assert finding.startswith("manuscript/sources.yaml:4:") and "ark-big-ideas-2026" in finding
    assert not (book_copy / "out").exists()


def test_toc_errors_are_shown_cause_first(book_copy):
    toc = book_copy / "toc/table-of-contents.md"
    toc.write_text(re.sub(r"^#### 1\.3 ", "#### 1.4 ", toc.read_text(encoding="utf-8"), count=1, flags=re.M),
                   encoding="utf-8")
    run = run_book("site", "--out", str(book_copy / "out"), cwd=book_copy)
    assert run.code == 1
    assert run.lines("toc-numbering") and run.out.splitlines()[0].startswith("toc/table-of-contents.md:")


def test_a_deleted_toc_says_so(book_copy):
    (book_copy / "toc/table-of-contents.md").unlink()
    run = run_book("toc", cwd=book_copy)
    assert run.code == 1
    assert run.lines("toc-parse")[0].startswith("toc/table-of-contents.md:1:1: error toc-parse")
    site = run_book("site", "--out", str(book_copy / "out"), cwd=book_copy)
    assert site.code == 1 and site.lines("toc-parse")


def test_site_problems_are_located_in_the_chapter_as_written(book_copy):
    chapter = book_copy / "manuscript/ch05-batching.md"
    with open(chapter, "a", encoding="utf-8") as out:
        out.write("\n见[示例](../code/ch05-batching/missing.ipynb)。\n")
    line = chapter.read_text(encoding="utf-8").count("\n")
    run = run_book("site", "--out", str(book_copy / "out"), cwd=book_copy)
    assert run.code == 1
    [finding] = run.lines("site-link")
    assert finding.startswith(f"manuscript/ch05-batching.md:{line}:") and "'../code/ch05-batching/missing.ipynb'" in finding
