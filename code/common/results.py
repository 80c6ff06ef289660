"""Recording a notebook's measured figures with their provenance
(schemas/results.schema.json).

Full-size runs (BOOK_SCALE=full) write to code/results/, which is
committed: every number the book prints about its own demos comes from
there. CI-scale runs write to code/.cache/results/, which is not.

Provenance: device, versions, scale, the commit of the code (BOOK_COMMIT,
else `git rev-parse HEAD`), the date, the corpus hash, and, where the
notebook runner sets them, the execution store's key of this run
(BOOK_INPUTS_KEY) and the hash of each input it covers (BOOK_INPUTS, a
JSON object path -> sha256).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
import secrets
import statistics
import subprocess
from pathlib import Path

import torch

from .data import corpus_sha256
from .measure import device_name
from .runtime import scale

CODE = Path(__file__).resolve().parents[1]


def results_dir() -> Path:
    override = os.environ.get("BOOK_RESULTS_DIR")
    if override:
        return Path(override)
    if scale() == "full":
        return CODE / "results"
    return CODE / ".cache" / "results"


def commit() -> str:
    if os.environ.get("BOOK_COMMIT"):
        return os.environ["BOOK_COMMIT"]
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=CODE,
                              capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def inputs_from_environment() -> dict:
    """`inputs_key` and `inputs` as the notebook runner passes them; {}
    when it does not (or passes nonsense)."""
    key = os.environ.get("BOOK_INPUTS_KEY")
    if not key:
        return {}
    found = {"inputs_key": key}
    try:
        inputs = json.loads(os.environ.get("BOOK_INPUTS") or "{}")
    except json.JSONDecodeError:
        inputs = None
    if isinstance(inputs, dict) and all(
            isinstance(k, str) and isinstance(v, str)
            for k, v in inputs.items()):
        found["inputs"] = inputs
    return found


def provenance(device: torch.device) -> dict:
    now = dt.datetime.now(dt.timezone.utc)
    return {
        "device": device.type,
        "device_name": device_name(device),
        "torch": torch.__version__,
        "cuda": torch.version.cuda if device.type == "cuda" else None,
        "python": platform.python_version(),
        "scale": scale(),
        "commit": commit(),
        "date": now.isoformat(timespec="seconds"),
        "corpus_sha256": corpus_sha256(),
        **inputs_from_environment(),
    }


def write_atomic(path: Path, text: str) -> None:
    """Write `text` through a unique temporary file in the target folder,
    then rename it into place: a reader sees the old file or the new one,
    never half. An existing file keeps its mode; a new one gets the
    umask's (0644 under the usual 022), as any file the user creates
    would, not mkstemp's private 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(
        f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
    # 0o666 less the umask, as for any new file
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def record(chapter: str, notebook: str, device: torch.device,
           metrics: dict[str, dict], config: dict | None = None,
           stem: str | None = None, hardware: dict | None = None) -> Path:
    """Write {stem}.json (by default {chapter}.json; a chapter's second
    notebook names its own stem, such as "ch06-fp8"): metrics as
    {name: {"value", "unit", "description"[, "runs"]}}; returns the
    path. `hardware` adds to the provenance what a run on several
    devices used (gpu_count, interconnect)."""
    doc = {"chapter": chapter, "notebook": notebook,
           "provenance": {**provenance(device), **(hardware or {})},
           "config": config or {}, "metrics": metrics}
    path = results_dir() / f"{stem or chapter}.json"
    write_atomic(path,
                 json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    return path


def metric(value, unit: str, description: str,
           runs: list | None = None) -> dict:
    """One figure. A timing passes its runs; its value must then be
    their median (as printed, rounded)."""
    found = {"value": value, "unit": unit, "description": description}
    if runs is not None:
        found["runs"] = list(runs)
    return found


def timing(runs: list[float], unit: str, description: str,
           digits: int = 1, scale_by: float = 1.0) -> dict:
    """A metric whose value is the median of `runs` (each multiplied by
    scale_by), rounded to `digits`."""
    scaled = [r * scale_by for r in runs]
    return metric(round(statistics.median(scaled), digits), unit,
                  description, [round(r, digits + 2) for r in scaled])
