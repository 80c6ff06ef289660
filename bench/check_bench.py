"""What `make check` costs on this book beside Jupyter Book 1 building the same book (`make bench-check`).

On private copies (the checkout is never written; the caches go to a temporary folder), four cases, each tool in
its own copy, the two alternating which goes first:

1. cold           empty caches: every notebook runs (Jupyter Book: `execute_notebooks: cache`, no _build);
2. no change      again after a full run;
3. prose edit     after adding a sentence to a chapter;
4. code edit      after editing one code cell of one notebook: that notebook alone runs.

Each line prints both medians (--runs, default 5; the cold case --cold-runs, default 5) and the ratio book check /
jupyter-book; the load average is printed beside each, since the machine may be shared. Jupyter Book 1 is installed
into its own environment on first use (bench/jb1.py). Also printed, once: which notebooks run after an
edit of code/common/batching.py; with --workers, cold notebook runs with -j1 and -j2.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(sys.prefix)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f} (1/5 min)"


def copy_repo(target: Path) -> None:
    """The tracked files and the untracked ones git does not ignore (what a clone plus an author's edits hold)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if not source.is_file():
            continue
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest)


class Bench:
    def __init__(self, repo: Path, cache: Path, verbose: bool):
        self.repo, self.cache, self.verbose = repo, cache, verbose
        self.env = {**os.environ, "BOOK_CACHE_DIR": str(cache), "PYTHONPATH": str(repo / "tools")}
        self.env.pop("STRICT", None)
        self.env["BOOK_LANG"] = "en"  # the progress and verdict lines are read below: one language, whatever the author's

    def make_check(self) -> tuple[float, str]:
        # READY= : the copy uses this checkout's .venv as it is (never reinstalled from the copy)
        started = time.monotonic()
        proc = subprocess.run(["make", "-s", "check", f"VENV={VENV}", "READY=", f"BOOK={VENV / 'bin' / 'python'} -m book"],
                              cwd=self.repo, env=self.env, capture_output=True, text=True)
        seconds = time.monotonic() - started
        if self.verbose:
            print(proc.stdout[-3000:], proc.stderr[-2000:])
        return seconds, proc.stdout + proc.stderr

    def notebooks(self, *args: str) -> tuple[float, dict]:
        started = time.monotonic()
        proc = subprocess.run([str(VENV / "bin" / "python"), "-m", "book", "notebooks", "--format", "json", *args],
                              cwd=self.repo, env=self.env, capture_output=True, text=True)
        seconds = time.monotonic() - started
        try:
            doc = json.loads(proc.stdout)
        except ValueError:
            doc = {"notebooks": [], "error": (proc.stdout + proc.stderr)[-2000:]}
        return seconds, doc


def median_line(name: str, times: list[float], extra: str = "") -> str:
    return (f"{name:<34} median {statistics.median(times):7.2f} s   best {min(times):7.2f} s   "
            f"runs {' '.join(f'{t:.2f}' for t in times)}{extra}")


def edit_prose(repo: Path, i: int) -> None:
    chapter = sorted((repo / "manuscript").glob("ch02-*.md"))[0]
    with open(chapter, "a", encoding="utf-8") as f:
        f.write(f"\n基准测试追加的第 {i + 1} 段说明文字，不含任何数据。\n")


def edit_code(repo: Path, i: int) -> None:
    notebook = sorted((repo / "code").glob("ch03-*/*.ipynb"))[0]
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cell = [c for c in nb["cells"] if c["cell_type"] == "code"][-1]
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    cell["source"] = source + f"\n# bench edit {i + 1}"
    notebook.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def side_by_side(name: str, ours: list[float], theirs: list[float]) -> str:
    a, b = statistics.median(ours), statistics.median(theirs)
    return (f"{name:<12} book check {a:7.2f} s   jupyter-book {b:7.2f} s   ratio {a / b:5.2f}x   "
            f"(runs: {' '.join(f'{t:.1f}' for t in ours)} | {' '.join(f'{t:.1f}' for t in theirs)})   {load()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--no-jupyter-book", action="store_true", help="time `make check` alone")
    parser.add_argument("--workers", action="store_true", help="also compare cold notebook runs with -j1 and -j2")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    print(f"check_bench: {os.cpu_count()} CPU(s), {load()}")
    with tempfile.TemporaryDirectory(prefix="check-bench-") as tmp:
        repo, cache = Path(tmp) / "book", Path(tmp) / "cache"
        copy_repo(repo)
        bench = Bench(repo, cache, args.verbose)
        jb = target = None
        if not args.no_jupyter_book:
            import jb1 as jupyter_book
            jb = jupyter_book.environment(ROOT / ".cache")
            target = jupyter_book.project(repo, Path(tmp) / "jupyter-book", VENV / "bin" / "python")

        def cold_ours() -> float:
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(repo / "code" / ".cache", ignore_errors=True)
            return bench.make_check()[0]

        def cold_theirs() -> float:
            jupyter_book.clean(target)
            return jupyter_book.build(jb, target)

        cases = [("cold", args.cold_runs, None, cold_ours, cold_theirs),
                 ("no change", args.runs, None, None, None),
                 ("prose edit", args.runs, edit_prose, None, None),
                 ("code edit", args.runs, edit_code, None, None)]
        for name, runs, edit, ours_run, theirs_run in cases:
            ours, theirs = [], []
            for i in range(runs):
                if edit is not None:
                    edit(repo, i)
                    if target is not None:
                        edit(target, i)
                order = ("ours", "theirs") if i % 2 == 0 else ("theirs", "ours")  # alternating: neither always first
                for who in order:
                    if who == "ours":
                        ours.append(ours_run() if ours_run else bench.make_check()[0])
                    elif target is not None:
                        theirs.append(theirs_run() if theirs_run else jupyter_book.build(jb, target))
            if theirs:
                print(side_by_side(name, ours, theirs), flush=True)
            else:
                print(median_line(name, ours, f"   {load()}"), flush=True)

        batching = repo / "code" / "common" / "batching.py"
        batching.write_text(batching.read_text(encoding="utf-8") + "\n# bench edit\n", encoding="utf-8")
        seconds, doc = bench.notebooks()
        executed = sorted(n["path"] for n in doc.get("notebooks", []) if n["status"] != "cached")
        print(f"{'after editing code/common/batching.py':<34} {seconds:7.2f} s   ran: {', '.join(executed) or '-'}")

        if args.workers:
            cold: dict[int, list[float]] = {1: [], 2: []}
            for i in range(args.cold_runs):
                # Alternating the order, and loading torch once before each run, so that neither setting pays alone
                # for reading torch's libraries from disk (on a shared machine the page cache does not keep them).
                for jobs in ((1, 2) if i % 2 == 0 else (2, 1)):
                    shutil.rmtree(cache, ignore_errors=True)
                    shutil.rmtree(repo / "code" / ".cache", ignore_errors=True)
                    subprocess.run([str(VENV / "bin" / "python"), "-c", "import torch"], check=False)
                    seconds, doc = bench.notebooks("--force", "-j", str(jobs))
                    failed = [n["path"] for n in doc.get("notebooks", []) if n["status"] == "failed"]
                    cold[jobs].append(seconds)
                    if failed or not doc.get("notebooks"):
                        print(f"  note: -j{jobs} run had failures: {failed or doc.get('error')}")
            for jobs in (1, 2):
                print(median_line(f"cold book notebooks -j{jobs}", cold[jobs], f"   {load()}"))
            ratio = statistics.median(cold[2]) / statistics.median(cold[1])
            print(f"{'cold -j2 / -j1':<34} {ratio:7.2f}")
    print(f"check_bench: done, {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
