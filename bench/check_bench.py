"""What `make check` costs on this book, and what two notebook workers buy (`make bench-check`).

On a private copy of the repository (the checkout is never written; the caches go to a temporary folder):

1. no change      `make check` again after a full run: every step answered from its inputs' hashes;
2. prose edit     after adding a sentence to a chapter: TOC, claims, TODO and the strict site build re-run, no notebook;
3. notebook edit  after editing one code cell of one notebook: that notebook alone runs;
4. cold notebooks `book notebooks --force` with an empty store and no trained models, with -j1 and with -j2
   (alternating which goes first; torch's libraries read once before each, as an author's machine has them).

Each timing is the median of --runs (default 5) runs, the cold ones of --cold-runs (default 5); the load average is
printed beside each phase, since the machine may be shared. Also printed, once: which notebooks run after an edit of
code/common/batching.py.
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


def ran(output: str) -> list[str]:
    return [line.split()[1] for line in output.splitlines() if line.startswith(("passed ", "failed "))]


def steps_cached(output: str) -> int:
    return output.count("inputs unchanged")


def median_line(name: str, times: list[float], extra: str = "") -> str:
    return (f"{name:<34} median {statistics.median(times):7.2f} s   best {min(times):7.2f} s   "
            f"runs {' '.join(f'{t:.2f}' for t in times)}{extra}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--skip-cold", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    print(f"check_bench: {os.cpu_count()} CPU(s), {load()}")
    with tempfile.TemporaryDirectory(prefix="check-bench-") as tmp:
        repo, cache = Path(tmp) / "book", Path(tmp) / "cache"
        copy_repo(repo)
        bench = Bench(repo, cache, args.verbose)
        first, out = bench.make_check()
        print(f"{'first make check (cold caches)':<34} {first:7.2f} s   ran: {len(ran(out))} notebook(s)   {load()}")
        status = "passed" if "all checks passed" in out else "failed (the timings still hold: see --verbose)"
        print(f"  its verdict: {status}")

        times, cached = [], []
        for _ in range(args.runs):
            seconds, out = bench.make_check()
            times.append(seconds)
            cached.append(steps_cached(out))
        print(median_line("no change", times, f"   steps answered from cache: {min(cached)}-{max(cached)}   {load()}"))

        chapter = sorted((repo / "manuscript").glob("ch02-*.md"))[0]
        times, notebooks_run = [], []
        for i in range(args.runs):
            with open(chapter, "a", encoding="utf-8") as f:
                f.write(f"\n基准测试追加的第 {i + 1} 段说明文字，不含任何数据。\n")
            seconds, out = bench.make_check()
            times.append(seconds)
            notebooks_run.append(len(ran(out)))
        print(median_line("after a prose edit", times, f"   notebooks run: {max(notebooks_run)}   {load()}"))

        notebook = sorted((repo / "code").glob("ch03-*/*.ipynb"))[0]
        times, which = [], set()
        for i in range(args.runs):
            nb = json.loads(notebook.read_text(encoding="utf-8"))
            cell = [c for c in nb["cells"] if c["cell_type"] == "code"][-1]
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = source + f"\n# bench edit {i + 1}"
            notebook.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            seconds, out = bench.make_check()
            times.append(seconds)
            which.update(ran(out))
        print(median_line("after one notebook edit", times, f"   ran: {', '.join(sorted(which)) or '-'}   {load()}"))

        batching = repo / "code" / "common" / "batching.py"
        batching.write_text(batching.read_text(encoding="utf-8") + "\n# bench edit\n", encoding="utf-8")
        seconds, doc = bench.notebooks()
        executed = sorted(n["path"] for n in doc.get("notebooks", []) if n["status"] != "cached")
        print(f"{'after editing code/common/batching.py':<34} {seconds:7.2f} s   ran: {', '.join(executed) or '-'}")

        if not args.skip_cold:
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
