"""Jupyter Book 1 beside `make check` (`make bench-check`): the same book, built by each in its own copy.

Jupyter Book 1 (`jupyter-book<2`, with the set it resolves to pinned in bench/jupyter-book.lock, never in
requirements.lock) is installed into its own environment on first use (<cache>/bench-jupyter-book/, reinstalled
when the lock changes). Its project is this book's manuscript pages and notebooks with `execute_notebooks: cache`;
its notebooks run on the book's own Python (a kernel spec pointing at this checkout's .venv), at ci scale on the
CPU, as `make check` runs them, so that both tools pay for the same notebook runs.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCK = HERE / "jupyter-book.lock"


def environment(cache: Path) -> Path:
    """The Jupyter Book environment, created from the lock on first use (and when the lock changes)."""
    env = cache / "bench-jupyter-book"
    stamp = env / "lock.sha256"
    wanted = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if stamp.is_file() and stamp.read_text().strip() == wanted and (env / "bin" / "jupyter-book").exists():
        return env
    shutil.rmtree(env, ignore_errors=True)
    print(f"installing Jupyter Book 1 from {LOCK.relative_to(HERE.parent)} into {env} (first use)", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    subprocess.run([str(env / "bin" / "pip"), "install", "-q", "--no-deps", "-r", str(LOCK)], check=True)
    stamp.write_text(wanted + "\n")
    return env


def project(repo: Path, target: Path, python: Path) -> Path:
    """A Jupyter Book project of the book in `repo`: its TOC's chapters and each chapter's notebooks."""
    shutil.copytree(repo / "manuscript", target / "manuscript")
    shutil.copytree(repo / "code", target / "code", ignore=shutil.ignore_patterns(".cache", "__pycache__"))
    pages = sorted(p for p in (target / "manuscript").glob("*.md"))
    chapters = [f"  - file: manuscript/{p.stem}" for p in pages if p.stem != "index"]
    chapters += [f"  - file: {p.relative_to(target).with_suffix('').as_posix()}"
                 for p in sorted((target / "code").glob("ch*/*.ipynb"))]
    root = "manuscript/index" if (target / "manuscript" / "index.md").is_file() else chapters.pop(0).split(": ")[1]
    (target / "_toc.yml").write_text("format: jb-book\nroot: " + root + "\nchapters:\n" + "\n".join(chapters) + "\n")
    (target / "_config.yml").write_text(
        "title: bench\nonly_build_toc_files: true\nexecute:\n  execute_notebooks: cache\n  timeout: 600\n"
        "sphinx:\n  config:\n    suppress_warnings: ['myst.header', 'myst.xref_missing', 'misc.highlighting_failure']\n")
    kernel = target / ".jupyter" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (the book's .venv)", "language": "python"}))
    return target


def build(env: Path, target: Path) -> float:
    """One `jupyter-book build`; its time in seconds (a failed build raises, with its tail)."""
    environ = {**os.environ, "JUPYTER_PATH": str(target / ".jupyter"), "BOOK_SCALE": "ci", "BOOK_DEVICE": "cpu",
               "PYTHONPATH": str(target / "code")}
    started = time.monotonic()
    proc = subprocess.run([str(env / "bin" / "jupyter-book"), "build", str(target)], env=environ,
                          capture_output=True, text=True)
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        raise RuntimeError(f"jupyter-book build failed:\n{(proc.stdout + proc.stderr)[-3000:]}")
    return seconds


def clean(target: Path) -> None:
    """Cold: no built pages and no executed-notebook cache."""
    shutil.rmtree(target / "_build", ignore_errors=True)
