"""Running the book's notebooks under nbval: only those whose inputs changed, side by side, each in its own kernel.

- nbval is the judge: each notebook runs as `pytest --nbval` in a process of its own (its own kernel, its own
  environment: the inputs key for the results recorder, its share of the CPU threads), stopping at the first failing
  cell (`-x`), so a failure is reported once, at its own cell, without the follow-on errors of later cells.
- A small plugin beside nbval (nbval_report.py) writes down per cell what nbval decided, how long the cell ran,
  the exception's last line and the executed outputs; the findings are built from that, not from pytest's text.
- The store answers for notebooks whose inputs key (keys.py) and reference outputs are unchanged: `cached`.
  Only passing runs are stored. `force` runs everything again.
- Models that several notebooks train (code/common/train.py's trained_model) are trained once, before the workers
  start, with every core; the workers then load them from the model cache instead of training them side by side.
- A snapshot of the repository's files before and after finds anything a notebook created or changed outside the
  caches (and, at full scale, outside code/results/).
"""
from __future__ import annotations

import ast
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import write_atomic
from ..messages import say
from . import keys
from .store import Store

TOOLS = Path(__file__).resolve().parents[2]          # tools/, which holds the `book` package
SANITIZE = Path(__file__).with_name("nbval-sanitize.cfg")
DEFAULT_CELL_TIMEOUT = {"ci": 600, "full": 1800}     # seconds a cell may run: generous, a slow machine is no failure
KERNEL_STARTUP_TIMEOUT = 120

# Findings this module produces: (code, message template); the command renders them in the book's format.
ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Problem:
    """A located problem found while running notebooks (the command turns it into a finding)."""
    path: str
    line: int
    code: str
    params: dict = field(default_factory=dict, hash=False, compare=False)
    severity: str = ERROR


@dataclass
class NotebookResult:
    path: str                       # relative to the repository
    status: str                     # "executed" | "cached" | "failed"
    seconds: float                  # time this run spent on it (0 when cached)
    key: str | None
    why: list[str] = field(default_factory=list)   # why it ran: changed inputs, "first run", "forced"
    stored_seconds: float | None = None            # for a cached notebook: how long the stored run took


@dataclass
class RunReport:
    notebooks: list[NotebookResult]
    problems: list[Problem]
    seconds: float
    jobs: int = 1
    threads: int = 1


@dataclass
class Options:
    scale: str = "ci"
    device: str = "cpu"
    jobs: int | None = None                 # workers; default one per core
    force: bool = False
    cell_timeout: int | None = None         # default: DEFAULT_CELL_TIMEOUT[scale] or $BOOK_CELL_TIMEOUT
    kernel_name: str | None = None          # default: the current environment's Python
    store: bool = True                      # False: neither read nor write the store
    extra: tuple[str, ...] = ()             # more pytest arguments


def cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def default_device() -> str:
    """BOOK_DEVICE, else cuda where an NVIDIA device node exists (without importing torch), else cpu."""
    wanted = os.environ.get("BOOK_DEVICE")
    if wanted:
        return wanted
    return "cuda" if Path("/dev/nvidiactl").exists() else "cpu"


def cell_timeout(scale: str, value: int | None = None) -> int:
    if value is not None:
        return value
    env = os.environ.get("BOOK_CELL_TIMEOUT")
    if env:
        if not env.isdigit() or int(env) < 1:
            raise ValueError(say("notebooks:cell-timeout", value=repr(env)))
        return int(env)
    return DEFAULT_CELL_TIMEOUT[scale]


def judge_fingerprint() -> str:
    """What else decides nbval's verdict: its sanitizing patterns and the options the runner passes."""
    try:
        patterns = SANITIZE.read_text(encoding="utf-8")
    except OSError:
        patterns = ""
    return json.dumps({"sanitize": patterns, "mode": "--nbval -x"})


# ---------------------------------------------------------------------------------------------------- locations

CELL_TYPE = re.compile(r'^\s*"cell_type"\s*:\s*"(\w+)"')
SOURCE_KEY = re.compile(r'^\s*"source"\s*:\s*(\[)?')


def code_cell_lines(text: str) -> list[tuple[int, list[int]]]:
    """For each code cell in order: the line where it starts in the notebook's JSON, and the line of each of its
    source lines (nbformat's layout: keys sorted, one source line per JSON line; other layouts give the start only)."""
    lines = text.splitlines()
    starts = [(n, m[1]) for n, line in enumerate(lines, start=1) if (m := CELL_TYPE.match(line))]
    out = []
    for i, (start, kind) in enumerate(starts):
        if kind != "code":
            continue
        end = starts[i + 1][0] if i + 1 < len(starts) else len(lines) + 1
        # The cell object opens on the line before "cell_type" when nbformat wrote it.
        first = start - 1 if start > 1 and lines[start - 2].strip() == "{" else start
        source_lines: list[int] = []
        for n in range(start, end):
            m = SOURCE_KEY.match(lines[n - 1])
            if m:
                if m[1] and not lines[n - 1].rstrip().endswith("]"):
                    k = n + 1
                    while k < end and lines[k - 1].strip() not in ("]", "],"):
                        source_lines.append(k)
                        k += 1
                else:
                    source_lines.append(n)
                break
        out.append((first, source_lines))
    return out


def cell_location(text: str, cell: int, line_in_cell: int | None = None) -> int:
    """The notebook line of the `cell`-th code cell (nbval's "Cell N" counts code cells only), or of its given line."""
    cells = code_cell_lines(text)
    if cell >= len(cells):
        return 1
    start, source_lines = cells[cell]
    if line_in_cell and source_lines:
        return source_lines[min(line_in_cell, len(source_lines)) - 1]
    return source_lines[0] if source_lines else start


CELL_FRAME = re.compile(r"Cell In\[\d+\], line (\d+)")
FILE_FRAME = re.compile(r"File (\S+?):(\d+)(?:, in |$)", re.M)


def where_raised(traceback: str, root: Path) -> tuple[int | None, str | None]:
    """The line inside the failing cell (its own frame) and the deepest repository file the exception came from."""
    cell = CELL_FRAME.search(traceback)
    deepest = None
    for m in FILE_FRAME.finditer(traceback):
        path = Path(os.path.expanduser(m[1]))
        try:
            shown = path.resolve().relative_to(root).as_posix()
        except (ValueError, OSError):
            continue
        deepest = f"{shown}:{m[2]}"
    return (int(cell[1]) if cell else None), deepest


# ---------------------------------------------------------------------------------------------------- side effects

ALWAYS_IGNORED = {".git", ".venv", ".cache", "__pycache__", ".ipynb_checkpoints", ".pytest_cache", "site",
                  "node_modules"}


def snapshot(root: Path, scale: str) -> dict[str, tuple]:
    """Every file in the repository a notebook must not touch: path -> (size, mtime_ns, inode).
    Not: .git, virtual environments, the caches (.cache/, code/.cache/), the built site, and at full scale
    code/results/ (where full-size runs record their figures)."""
    ignored_paths = {root / "code" / ".cache"}
    if scale == "full":
        ignored_paths.add(root / "code" / "results")
    out: dict[str, tuple] = {}
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = [d for d in dirs if d not in ALWAYS_IGNORED and not d.startswith((".site-", ".venv"))
                   and here / d not in ignored_paths]
        for name in files:
            path = here / name
            try:
                st = path.lstat()
            except OSError:
                continue
            out[path.relative_to(root).as_posix()] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return out


def side_effects(before: dict[str, tuple], after: dict[str, tuple]) -> list[tuple[str, str]]:
    """(path, "created" | "changed" | "deleted") for each difference."""
    words = {"added": "created", "removed": "deleted", "changed": "changed"}
    return [(path, words[how]) for path, how in keys.changed(before, after)]


# ---------------------------------------------------------------------------------------------------- shared models

def shared_models(sources: list[str]) -> list[str]:
    """Names of the model recipes a notebook trains through trained_model(...): the string constants in the call,
    e.g. trained_model(runtime.model_configs()["draft"], DEVICE, **runtime.training("draft")) -> ["draft"]."""
    names: list[str] = []
    for source in sources:
        if "trained_model" not in source:
            continue
        tree = keys.parse(source)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "trained_model":
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Constant) and isinstance(inner.value, str) and inner.value not in names:
                        names.append(inner.value)
    return names


PREBUILD = r"""
import sys, time
names = sys.argv[1:]
from common import runtime, train
try:
    configs, recipe = runtime.model_configs(), runtime.training
except AttributeError as exc:
    print(f"no model recipes to prebuild ({exc})"); sys.exit(0)  # not shown: a success the runner does not print
device = runtime.device()
for name in names:
    if name in configs:
        started = time.monotonic()
        train.trained_model(configs[name], device, log=None, **recipe(name))
        print(f"{name}: ready ({time.monotonic() - started:.1f} s)", flush=True)
"""


# ---------------------------------------------------------------------------------------------------- one notebook

@dataclass
class Planned:
    path: Path
    shown: str
    inputs: keys.Inputs | None
    expected: str
    sources: list[str]
    text: str
    why: list[str] = field(default_factory=list)
    previous_seconds: float = 0.0


def environment(root: Path, plan: Planned, opts: Options, threads: int, report: Path) -> dict[str, str]:
    pythonpath = os.pathsep.join([str(TOOLS), str(root / "code"), *filter(None, [os.environ.get("PYTHONPATH")])])
    env = dict(os.environ, BOOK_SCALE=opts.scale, BOOK_DEVICE=opts.device, PYTHONPATH=pythonpath,
               PYTHONWARNINGS="ignore", BOOK_NBVAL_REPORT=str(report), BOOK_THREADS=str(threads),
               OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    env.pop("PYTEST_ADDOPTS", None)
    if plan.inputs is not None:
        env.update(plan.inputs.env())
    return env


class Children:
    """The pytest processes running now, so that an interrupt stops them (and their kernels) cleanly."""

    def __init__(self):
        self.procs: set[subprocess.Popen] = set()
        self.lock = threading.Lock()
        self.stopping = False

    def stop(self) -> None:
        self.stopping = True
        with self.lock:
            procs = list(self.procs)
        for proc in procs:
            try:
                os.killpg(proc.pid, signal.SIGINT)     # pytest tears the kernel down on an interrupt
            except OSError:
                pass
        deadline = time.monotonic() + 10
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except OSError:
                    pass


def stop_group(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """An interrupt first (pytest then stops the notebook's kernel itself), a kill if it does not end in time."""
    for sig, wait in ((signal.SIGINT, grace), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)
        except OSError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def run_pytest(root: Path, plan: Planned, opts: Options, threads: int, children: Children, tmp: Path) -> tuple[dict | None, str, float]:
    report = tmp / f"{plan.shown.replace('/', '__')}.report.json"
    log = tmp / f"{plan.shown.replace('/', '__')}.log"
    timeout = cell_timeout(opts.scale, opts.cell_timeout)
    kernel = ["--nbval-kernel-name", opts.kernel_name] if opts.kernel_name else ["--nbval-current-env"]
    command = [sys.executable, "-m", "pytest", "--nbval", *kernel, "-p", "no:cacheprovider", "-p", "no:xdist",
               "-p", "book.execution.nbval_report", "--nbval-sanitize-with", str(SANITIZE),
               "--nbval-cell-timeout", str(timeout), "--nbval-kernel-startup-timeout", str(KERNEL_STARTUP_TIMEOUT),
               "-x", "-q", "--color=no", "--rootdir", str(root), "--noconftest", str(plan.path), *opts.extra]
    # A wall limit beyond nbval's own, for a kernel that stops answering altogether.
    limit = (len(plan.sources) + 1) * timeout + KERNEL_STARTUP_TIMEOUT + 120
    started = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, cwd=root, env=environment(root, plan, opts, threads, report),
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        with children.lock:
            children.procs.add(proc)
        try:
            proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            stop_group(proc)
        finally:
            with children.lock:
                children.procs.discard(proc)
    seconds = time.monotonic() - started
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    try:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
    except OSError:
        tail = ""
    if data is not None:
        data["returncode"] = proc.returncode
    return data, tail, seconds


def judge(root: Path, plan: Planned, data: dict | None, tail: str, seconds: float, opts: Options) -> list[Problem]:
    """Problems from nbval's verdict: the first failing cell at its own line, or why the notebook could not run."""
    if data is None:
        last = [line for line in tail.splitlines() if line.strip()][-1:] or ["no output"]
        return [Problem(plan.shown, 1, "nbval-failed", {"status": "?", "detail": last[0][:300]})]
    if data.get("kernel_error"):
        return [Problem(plan.shown, cell_location(plan.text, 0), "kernel-start", {"reason": data["kernel_error"]})]
    if data.get("collect_error"):
        return [Problem(plan.shown, 1, "nbval-failed", {"status": data.get("exitstatus"),
                                                        "detail": data["collect_error"]})]
    for rec in data.get("cells", []):
        if rec.get("outcome") != "failed":
            continue
        cell = int(rec["cell"])
        reason = rec.get("reason", "")
        if reason == "kernel-start":
            return [Problem(plan.shown, cell_location(plan.text, 0), "kernel-start", {"reason": rec.get("exception")})]
        traceback = rec.get("traceback", "")
        if reason.startswith("Timeout") and "waiting for output" in reason:
            # nbval waits a fixed 5 s for a finished cell's output messages: an overloaded machine, not a slow cell
            m = re.search(r"Timeout of (\d+(?:\.\d+)?) seconds", reason)
            return [Problem(plan.shown, cell_location(plan.text, cell), "nbval-timeout",
                            {"cell": cell, "output_wait": float(m[1]) if m else 5.0})]
        if reason.startswith("Timeout"):
            limit = cell_timeout(opts.scale, opts.cell_timeout)
            return [Problem(plan.shown, cell_location(plan.text, cell), "nbval-timeout",
                            {"cell": cell, "seconds": round(float(rec.get("seconds", 0))), "limit": limit})]
        if "exception" in reason.lower():
            line_in_cell, raised = where_raised(traceback, root)
            return [Problem(plan.shown, cell_location(plan.text, cell, line_in_cell), "nbval-exception",
                            {"cell": cell, "exception": rec.get("exception") or "?", "raised": raised})]
        if reason.startswith("Cell outputs differ") or reason.startswith("Unrun reference"):
            return [Problem(plan.shown, cell_location(plan.text, cell), "nbval-mismatch",
                            {"cell": cell, "reason": reason, "expected": rec.get("expected"),
                             "actual": rec.get("actual")})]
        return [Problem(plan.shown, cell_location(plan.text, cell), "nbval-failed",
                        {"status": data.get("exitstatus"), "detail": say("why:cell", cell=cell, reason=reason)})]
    status = data.get("exitstatus", data.get("returncode"))
    if status not in (0, 5):            # 5: no code cells, nothing to run
        last = [line for line in tail.splitlines() if line.strip()][-1:] or [""]
        return [Problem(plan.shown, 1, "nbval-failed", {"status": status, "detail": last[0][:300]})]
    return []


# ---------------------------------------------------------------------------------------------------- the run

class Progress:
    """What the runner tells as it goes; the default says nothing (tests); commands.progress shows it."""

    def event(self, kind: str, path: str = "", **info) -> None:
        pass


def plan_notebooks(root: Path, notebooks: list[Path], opts: Options, store: Store | None,
                   problems: list[Problem]) -> tuple[list[Planned], list[NotebookResult]]:
    """Split into notebooks to run (with why) and cached results."""
    judge_text = judge_fingerprint()
    to_run, cached = [], []
    for path in notebooks:
        shown = keys.relpath(path, root)
        try:
            text = path.read_text(encoding="utf-8")
            nb = json.loads(text)
            inputs = keys.notebook_inputs(path, opts.scale, opts.device, root)
            sources = keys.code_cells(nb)
        except (OSError, UnicodeDecodeError, ValueError, keys.InputsError) as exc:
            problems.append(Problem(shown, 1, "notebook-invalid", {"reason": str(exc)}))
            continue
        plan = Planned(path, shown, inputs, keys.expected_sha256(nb, judge_text), sources, text)
        if store is not None:
            hit = None if opts.force else store.get(shown, inputs.key, plan.expected)
            if hit is not None:
                cached.append(NotebookResult(shown, "cached", 0.0, inputs.key, stored_seconds=hit.seconds))
                continue
            previous = store.latest(shown, opts.scale, opts.device)
            plan.why = reasons(previous, inputs, plan.expected, opts)
            plan.previous_seconds = previous.seconds if previous else 0.0
        else:
            plan.why = [say("why:no-store")]
        to_run.append(plan)
    return to_run, cached


def reasons(previous, inputs: keys.Inputs, expected: str, opts: Options) -> list[str]:
    if opts.force:
        return [say("why:forced")]
    if previous is None:
        return [say("why:no-stored-run")]
    out = []
    if previous.data["scale"] != inputs.scale:
        out.append(say("why:scale", old=previous.data["scale"], new=inputs.scale))
    if previous.data["device"] != inputs.device:
        out.append(say("why:device", old=previous.data["device"], new=inputs.device))
    out += [say(f"why:{change}", path=path) for path, change in keys.changed(previous.inputs, inputs.inputs)]
    if not out and previous.data["expected"] != expected:
        out.append(say("why:reference"))
    return out or [say("why:no-match")]


def run(root: Path, notebooks: list[Path], opts: Options, progress: Progress | None = None,
        store: Store | None = None) -> RunReport:
    """Run what must run, answer the rest from the store; never raises for a failing notebook."""
    root = root.resolve()
    progress = progress or Progress()
    started = time.monotonic()
    if opts.store and store is None:
        store = Store.for_repo(root)
    if not opts.store:
        store = None
    problems: list[Problem] = []
    to_run, results = plan_notebooks(root, notebooks, opts, store, problems)
    for r in results:
        progress.event("cached", r.path, key=r.key, stored_seconds=r.stored_seconds)
    n_cores = cores()
    jobs = max(1, min(opts.jobs or n_cores, len(to_run) or 1))
    threads = max(1, n_cores // jobs)
    if to_run:
        before = snapshot(root, opts.scale)
        prebuild(root, to_run, opts, n_cores, progress)   # the shared models, trained once before the workers start
        # Longest first (by the last stored run), so that a long notebook does not start last.
        to_run.sort(key=lambda p: -p.previous_seconds)
        children = Children()
        with tempfile.TemporaryDirectory(prefix="book-nbval-") as tmp, \
                ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="notebook") as pool:
            futures = [pool.submit(execute_one, root, plan, opts, threads, store, children, Path(tmp), progress)
                       for plan in to_run]
            try:
                for future in futures:
                    result, found = future.result()
                    results.append(result)
                    problems += found
            except KeyboardInterrupt:
                children.stop()
                for future in futures:
                    future.cancel()
                raise
        ran = [r.path for r in results if r.status != "cached"]
        for path, change in side_effects(before, snapshot(root, opts.scale)):
            problems.append(Problem(path, 1, "notebook-side-effect", {"change": change, "notebooks": ran}))
    order = {keys.relpath(p, root): i for i, p in enumerate(notebooks)}
    results.sort(key=lambda r: order.get(r.path, len(order)))
    return RunReport(results, problems, time.monotonic() - started, jobs, threads)


def execute_one(root: Path, plan: Planned, opts: Options, threads: int, store: Store | None, children: Children,
                tmp: Path, progress: Progress) -> tuple[NotebookResult, list[Problem]]:
    key = plan.inputs.key if plan.inputs else None
    if children.stopping:
        return NotebookResult(plan.shown, "failed", 0.0, key, plan.why), []
    lock = store.lock(plan.shown, on_wait=lambda: progress.event("waiting", plan.shown)) if store else nullcontext()
    with lock:
        if store is not None and not opts.force:
            hit = store.get(plan.shown, key, plan.expected)      # stored by another run while we waited
            if hit is not None:
                progress.event("cached", plan.shown, key=key, stored_seconds=hit.seconds)
                return NotebookResult(plan.shown, "cached", 0.0, key, stored_seconds=hit.seconds), []
        progress.event("running", plan.shown, why=plan.why, threads=threads)
        data, tail, seconds = run_pytest(root, plan, opts, threads, children, tmp)
        found = judge(root, plan, data, tail, seconds, opts)
        if found:
            progress.event("failed", plan.shown, seconds=seconds, problems=found)
            return NotebookResult(plan.shown, "failed", round(seconds, 2), key, plan.why), found
        cells, outputs = [], []
        for rec in (data or {}).get("cells", []):
            if rec.get("when") == "call":
                cells.append({"cell": rec["cell"], "outcome": rec["outcome"], "seconds": rec["seconds"]})
                outputs.append(rec.get("outputs") or [])
        if opts.scale == "full" and key is not None:
            keep_executed(root, plan, key, opts.device, outputs)
        if store is not None and plan.inputs is not None:
            store.put(plan.shown, key, scale=opts.scale, device=opts.device, inputs=plan.inputs.inputs,
                      expected=plan.expected, seconds=seconds, cells=cells, outputs=outputs)
        progress.event("passed", plan.shown, seconds=seconds, key=key)
        return NotebookResult(plan.shown, "executed", round(seconds, 2), key, plan.why), []


EXECUTED_KEY = "book"   # the executed notebook's metadata: {"book": {"inputs_key", "results", ...}}


def keep_executed(root: Path, plan: Planned, key: str, device: str, outputs: list[list]) -> list[Path]:
    """A full-size run keeps the executed notebook beside each results file it wrote (the files whose
    provenance.inputs_key is this run's key): code/results/<results stem>.ipynb, the notebook with this run's outputs
    and, in its metadata, `book.inputs_key` (with the notebook, results file, scale, device and commit) for the
    site and the print to show."""
    kept = []
    for path in sorted((root / "code" / "results").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        provenance = data.get("provenance") if isinstance(data, dict) else None
        if not isinstance(provenance, dict) or provenance.get("inputs_key") != key:
            continue
        nb = json.loads(plan.text)
        code = [cell for cell in nb.get("cells", []) if cell.get("cell_type") == "code"]
        for count, cell in enumerate(code, start=1):
            outs = outputs[count - 1] if count <= len(outputs) else []
            cell["execution_count"] = count
            cell["outputs"] = [dict(out, execution_count=count) if out.get("output_type") == "execute_result"
                               else out for out in outs]
        nb.setdefault("metadata", {})[EXECUTED_KEY] = {
            "inputs_key": key, "notebook": plan.shown, "results": path.name, "scale": "full", "device": device,
            "commit": provenance.get("commit")}
        target = path.with_suffix(".ipynb")
        write_atomic(target, (json.dumps(nb, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        kept.append(target)
    return kept



def prebuild(root: Path, to_run: list[Planned], opts: Options, n_cores: int, progress: Progress) -> None:
    """Train the models the notebooks share, once, with every core, before the workers start."""
    names: list[str] = []
    for plan in to_run:
        names += [n for n in shared_models(plan.sources) if n not in names]
    if not names or not (root / "code" / "common" / "train.py").is_file():
        return
    progress.event("prebuild", "", names=names)
    env = dict(os.environ, BOOK_SCALE=opts.scale, BOOK_DEVICE=opts.device, PYTHONWARNINGS="ignore",
               PYTHONPATH=os.pathsep.join([str(root / "code"), *filter(None, [os.environ.get("PYTHONPATH")])]),
               BOOK_THREADS=str(n_cores), OMP_NUM_THREADS=str(n_cores))
    started = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-c", PREBUILD, *names], cwd=root / "code", env=env,
                              capture_output=True, text=True,
                              timeout=cell_timeout(opts.scale, opts.cell_timeout) * max(1, len(names)))
        ok, detail = proc.returncode == 0, (proc.stdout + proc.stderr).strip().splitlines()[-1:] or [""]
    except subprocess.TimeoutExpired:
        ok, detail = False, [say("progress:timed-out")]
    # Not fatal: a notebook whose model cannot be trained fails at its own cell, with its own message.
    progress.event("prebuilt", "", names=names, ok=ok, seconds=time.monotonic() - started, detail=detail[0])
