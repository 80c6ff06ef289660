"""The pre-commit hooks, as another book repository and as this one use them: on a clone, with pre-commit's home in a
temporary folder, so the hook environment is built from the package registry with the pinned dependencies."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

CHAPTER = "manuscript/ch01-cost-revolution.md"
pytestmark = pytest.mark.network


def git(*args: str, cwd: Path) -> str:
    proc = subprocess.run(["git", "-c", "user.name=book tests", "-c", "user.email=tests@example.invalid", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A clone of this repository with the working tree's changes committed on top (pre-commit reads commits)."""
    if shutil.which("git") is None or subprocess.run(["git", "rev-parse", "--git-dir"], cwd=ROOT,
                                                     capture_output=True).returncode:
        pytest.skip("not a git checkout")
    target = tmp_path_factory.mktemp("precommit") / "book"
    git("clone", "-q", "--no-hardlinks", str(ROOT), str(target), cwd=ROOT)
    git("checkout", "-q", git("rev-parse", "HEAD", cwd=ROOT).strip(), cwd=target)
    changed = git("ls-files", "-z", "--modified", "--others", "--exclude-standard", cwd=ROOT).split("\0")
    for name in filter(None, changed):
        source, dest = ROOT / name, target / name
        if source.is_file():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest)
        elif dest.exists():
            dest.unlink()  # deleted in the working tree
    git("add", "-A", cwd=target)
    if git("status", "--porcelain", cwd=target).strip():
        git("commit", "-q", "-m", "working tree", cwd=target)
    return target


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """pre-commit's home: the hook environments it builds (once per module)."""
    return tmp_path_factory.mktemp("pre-commit-home")


def pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("PYTHONPATH", None)
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=540)


def test_try_repo_book_claims_on_a_chapter(clone, home):
    run = pre_commit("try-repo", ".", "book-claims", "--files", CHAPTER, cwd=clone, home=home)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "book claims" in run.stdout and "Passed" in run.stdout


def test_try_repo_book_claims_fails_on_an_uncited_figure(clone, home):
    page = clone / "manuscript/new-page.md"  # not committed: the hook repository (and its environment) stay the same
    page.write_text("# 新的一页\n\n推理成本下降了 42%。\n", encoding="utf-8")
    try:
        run = pre_commit("try-repo", ".", "book-claims", "--files", "manuscript/new-page.md", cwd=clone, home=home)
    finally:
        page.unlink()
    assert run.returncode == 1, run.stdout + run.stderr
    assert "manuscript/new-page.md:3:9: error uncited-claim" in run.stdout, run.stdout


def test_try_repo_book_lint_and_book_toc(clone, home):
    lint = pre_commit("try-repo", ".", "book-lint", "--files", CHAPTER, cwd=clone, home=home)
    assert lint.returncode == 0 and "book lint" in lint.stdout, lint.stdout + lint.stderr
    toc = pre_commit("try-repo", ".", "book-toc", "--files", CHAPTER, cwd=clone, home=home)
    assert toc.returncode == 0 and "book toc" in toc.stdout, toc.stdout + toc.stderr


def test_this_repositorys_own_hooks(clone, home):
    """.pre-commit-config.yaml: the three hooks, run from the checkout's own tools/ in a pinned environment."""
    run = pre_commit("run", "--files", CHAPTER, "toc/table-of-contents.md", cwd=clone, home=home)
    assert run.returncode == 0, run.stdout + run.stderr
    for hook in ("book toc", "book claims", "book lint"):
        assert any(line.startswith(hook) and line.endswith("Passed") for line in run.stdout.splitlines()), run.stdout
