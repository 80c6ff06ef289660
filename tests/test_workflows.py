"""The CI and publishing workflows and the pre-commit files: valid against their schemas (offline: check-jsonschema's
bundled copy of the GitHub workflow schema, pre-commit's own validators), and doing what the README says."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent


def load(name: str) -> dict:
    doc = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    doc["on"] = doc.pop(True, doc.get("on"))  # YAML 1.1 reads the key `on` as true
    return doc


def steps(doc: dict) -> list[dict]:
    return [step for job in doc["jobs"].values() for step in job.get("steps", [])]


def runs(doc: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(doc))


def uses(doc: dict) -> list[str]:
    return [step["uses"].split("@")[0] for step in steps(doc) if "uses" in step]


def check_jsonschema(*files: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                           *map(str, files)], capture_output=True, text=True, timeout=120)


def test_workflows_validate_against_the_bundled_github_schema():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["checks.yml", "gpu.yml", "pages.yml"]
    run = check_jsonschema(*files)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_schema_check_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("name: x\non: [pull_request]\njobs:\n  a:\n    steps:\n      - run: make check\n")
    run = check_jsonschema(broken)
    assert run.returncode == 1 and "'runs-on' is a required property" in run.stdout


def test_pre_commit_files_validate():
    for command, name in (("validate-manifest", ".pre-commit-hooks.yaml"), ("validate-config", ".pre-commit-config.yaml")):
        run = subprocess.run([sys.executable, "-m", "pre_commit", command, str(ROOT / name)],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stdout + run.stderr


def test_pull_requests_run_the_readme_commands_with_cpu_torch_and_caches():
    doc = load("checks.yml")
    assert "pull_request" in doc["on"]
    assert runs(doc).split("\n")[-2:] == ["make check", "make test"]
    assert "make check" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert doc["env"]["PIP_INDEX_URL"] == "https://download.pytorch.org/whl/cpu"
    cached = [step["with"]["path"] for step in steps(doc) if step.get("uses", "").startswith("actions/cache@")]
    assert cached == ["~/.cache/pip", ".cache"]


def test_gpu_run_is_manual_a_matrix_of_chapter_groups_on_gpu_runners_joined_into_one_pull_request():
    doc = load("gpu.yml")
    assert list(doc["on"]) == ["workflow_dispatch"]
    wheels, gpu, join = doc["jobs"]["wheels"], doc["jobs"]["gpu"], doc["jobs"]["join"]
    assert "make gpu-wheels" in runs({"jobs": {"w": wheels}})
    assert "self-hosted" in gpu["runs-on"] and "gpu" in gpu["runs-on"]
    assert gpu["strategy"]["matrix"]["chapters"] == "${{ fromJSON(needs.wheels.outputs.groups) }}"
    gpu_run = runs({"jobs": {"g": gpu}})
    assert "make gpu" in gpu_run and "--no-index" in gpu_run and "PIPESTATUS" in gpu_run
    # every job at the workflow's commit; the join refuses results of different commits
    checkouts = [step for job in (gpu, join) for step in job["steps"] if step.get("uses", "").startswith("actions/checkout")]
    assert all(step["with"]["ref"] == "${{ github.sha }}" for step in checkouts)
    assert join["needs"] == "gpu" and join["if"] == "${{ !cancelled() }}"
    assert "tools/gpu/join.py" in runs({"jobs": {"j": join}})
    assert "peter-evans/create-pull-request" in uses({"jobs": {"j": join}})
    for name in ("NCCL_NVLS_ENABLE", "TORCH_SYMM_MEM_DISABLE_MULTICAST", "NVSHMEM_DISABLE_NVLS"):
        assert name in next(s["env"] for s in gpu["steps"] if s.get("name") == "make gpu")
    assert doc["permissions"] == {"contents": "write", "pull-requests": "write"}


def test_pages_publish_site_from_main():
    doc = load("pages.yml")
    assert doc["on"]["push"]["branches"] == ["main"]
    assert "make site" in runs(doc) and doc["env"]["PIP_INDEX_URL"] == "https://download.pytorch.org/whl/cpu"
    upload, = [s for s in steps(doc) if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert upload["with"]["path"].rstrip("/") == "site"
    assert "actions/deploy-pages" in uses(doc) and doc["permissions"]["pages"] == "write"
