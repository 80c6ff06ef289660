"""Recording a notebook's measured figures with their provenance (schemas/results.schema.json).

Full-size runs (BOOK_SCALE=full) write to code/results/, which is committed: every number the book prints about its
own demos comes from there. CI-scale runs write to code/.cache/results/, which is not.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
from pathlib import Path

import torch

from .measure import device_name
from .runtime import scale

CODE = Path(__file__).resolve().parents[1]


def results_dir() -> Path:
    override = os.environ.get("BOOK_RESULTS_DIR")
    if override:
        return Path(override)
    return CODE / "results" if scale() == "full" else CODE / ".cache" / "results"


def commit() -> str:
    if os.environ.get("BOOK_COMMIT"):
        return os.environ["BOOK_COMMIT"]
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=CODE, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def provenance(device: torch.device) -> dict:
    return {
        "device": device.type,
        "device_name": device_name(device),
        "torch": torch.__version__,
        "cuda": torch.version.cuda if device.type == "cuda" else None,
        "python": platform.python_version(),
        "scale": scale(),
        "commit": commit(),
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def record(chapter: str, notebook: str, device: torch.device, metrics: dict[str, dict], config: dict | None = None) -> Path:
    """Write {chapter}.json: metrics as {name: {"value": v, "unit": u, "description": d}}; returns the path."""
    doc = {"chapter": chapter, "notebook": notebook, "provenance": provenance(device),
           "config": config or {}, "metrics": metrics}
    folder = results_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{chapter}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def metric(value, unit: str, description: str) -> dict:
    return {"value": value, "unit": unit, "description": description}
