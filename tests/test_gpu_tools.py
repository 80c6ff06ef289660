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


def test_a_continuous_run_survives_calls_and_hands_back_what_it_has(tmp_path):
    """tools/gpu/continuous.sh with stand-ins for pip, nvidia-smi and make: the first call starts one run on a private
    copy and returns while it still runs; a later call waits on the same run (never a second one) and hands back the
    log and the results written so far as one tarball; the checkout's own code/results is never written."""
    import os
    import subprocess
    import tarfile
    bin_dir, repo, state, out = (tmp_path / n for n in ("bin", "repo", "state", "out"))
    for folder in (bin_dir, repo / ".whl", repo / "code" / "results", state, out):
        folder.mkdir(parents=True)
    (repo / ".whl" / "x-1-py3-none-any.whl").write_bytes(b"")
    fakes = {"python3": "echo fake-python $@",
             "nvidia-smi": "echo NVIDIA H200",
             "make": f'echo started >> {state}/make-calls; sleep 2; mkdir -p code/results; '
                     f'echo "{{\\"commit\\": \\"$BOOK_COMMIT\\"}}" > code/results/ch02.json; echo "make $@"'}
    for name, body in fakes.items():
        (bin_dir / name).write_text(f"#!/bin/bash\n{body}\n")
        (bin_dir / name).chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "OUT": str(out),
           "GPU_RUN_DIR": str(tmp_path / "run"), "GPU_STATE_DIR": str(state)}
    script = str(ROOT / "tools" / "gpu" / "continuous.sh")

    def call(wait: int) -> str:
        return subprocess.run(["bash", script, str(wait), "abc123", "ch02", "ch05"], cwd=repo, env=env,
                              capture_output=True, text=True, timeout=60).stdout

    assert "still running" in call(0)
    assert "exit 0" in call(20)
    assert (state / "make-calls").read_text().count("started") == 1
    log = (out / "gpu.log").read_text()
    assert "NVIDIA H200" in log and "make gpu CHAPTERS=ch02 ch05" in log
    with tarfile.open(out / "results.tgz") as tar:
        assert json.load(tar.extractfile("code/results/ch02.json")) == {"commit": "abc123"}
    assert not list((repo / "code" / "results").iterdir())
