"""tools/gpu/: the wheels a GPU machine needs (pinned, never torch or numpy) and the join of the GPU jobs' results
(one commit, mismatches listed, never dropped)."""
from __future__ import annotations

import importlib.util
import json

import pytest

from conftest import ROOT


def load(name):
    spec = importlib.util.spec_from_file_location(f"gpu_{name}", ROOT / "tools" / "gpu" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


wheels, join = load("wheels"), load("join")


def test_every_listed_wheel_is_pinned_and_torch_and_numpy_never_are():
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    names = wheels.wanted()
    pinned = wheels.requirements(names, lock)
    assert len(pinned) == len(names) and all("==" in p for p in pinned)
    assert "nbval" in names and "ipykernel" in names and not {"torch", "numpy"} & set(names)
    with pytest.raises(ValueError, match="torch"):
        wheels.requirements(["nbval", "torch"], lock)
    with pytest.raises(ValueError, match="not-a-package"):
        wheels.requirements(["not-a-package"], lock)


def job(root, name, commit, chapters, status, log="", results=None):
    folder = root / name
    (folder / "results").mkdir(parents=True)
    (folder / "commit.txt").write_text(commit + "\n")
    (folder / "chapters.txt").write_text(chapters + "\n")
    (folder / "status.txt").write_text(f"{status}\n")
    (folder / "gpu.log").write_text(log)
    for stem, recorded in (results or {}).items():
        (folder / "results" / f"{stem}.json").write_text(json.dumps({"provenance": {"commit": recorded}}))
        (folder / "results" / f"{stem}.ipynb").write_text("{}")
    return folder


def test_jobs_of_one_commit_are_joined_and_their_mismatches_listed(tmp_path):
    mismatch = "manuscript/ch05-batching.md:42:7: error results-mismatch 数据“1.85 倍”与结果文件不一致"
    job(tmp_path / "a", "gpu-results-0", "abc", "ch02 ch03", 0, "passed\n", {"ch02-gpu-hardware": "abc"})
    job(tmp_path / "a", "gpu-results-1", "abc", "ch05", 1, f"running\n{mismatch}\n", {"ch05-batching": "abc"})
    status, body = join.join(tmp_path / "a", "abc", tmp_path / "results")
    assert status == 0
    assert sorted(p.name for p in (tmp_path / "results").iterdir()) == [
        "ch02-gpu-hardware.ipynb", "ch02-gpu-hardware.json", "ch05-batching.ipynb", "ch05-batching.json"]
    assert "| ch05 | 1 | ch05-batching.json |" in body and f"- `{mismatch}`" in body


@pytest.mark.parametrize("ran, recorded", [("abd", "abc"), ("abc", "abd")])
def test_results_of_another_commit_are_refused(tmp_path, ran, recorded):
    job(tmp_path / "a", "gpu-results-0", "abc", "ch02", 0, results={"ch02-gpu-hardware": "abc"})
    job(tmp_path / "a", "gpu-results-1", ran, "ch05", 0, results={"ch05-batching": recorded})
    status, why = join.join(tmp_path / "a", "abc", tmp_path / "results")
    assert status == 1 and "abd" in why and not (tmp_path / "results").exists()
