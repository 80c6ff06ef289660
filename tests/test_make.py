"""The Makefile: a failed step ends with its one-line verdict; make itself exits 2 for any failed step."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from conftest import ROOT


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
@pytest.mark.parametrize("target,status,verdict", [
    ("check", 1, "make check：未通过 — 发现问题"),
    ("site", 2, "make site：未通过 — 无法运行"),
    ("todo", 1, "make todo：未通过 — 发现问题"),
])
def test_a_failed_step_ends_with_its_verdict(target, status, verdict):
    # BOOK stands in for the tool (exits with `status`); READY empty: nothing is installed, nothing written.
    proc = subprocess.run(["make", "-s", "-C", str(ROOT), target, f"BOOK=sh -c 'exit {status}' book", "READY="],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    # On stderr, as the echoed command: stdout is the tool's own (make todo FORMAT=json | …). make's line comes last.
    ours = [line for line in proc.stderr.strip().splitlines() if not re.match(r"make(\[\d+\])?: \*\*\*", line)]
    assert ours[-1].startswith(verdict) and f"（退出码 {status}）" in ours[-1], proc.stderr
    assert proc.stdout == ""


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_a_step_that_passes_says_nothing_more():
    proc = subprocess.run(["make", "-s", "-C", str(ROOT), "todo", "BOOK=true", "READY="],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "未通过" not in proc.stdout + proc.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_stdout_is_the_tools_own_output():
    proc = subprocess.run(["make", "-s", "-C", str(ROOT), "todo", "FORMAT=json", "BOOK=echo", "READY="],
                          capture_output=True, text=True, timeout=60)
    assert proc.stdout == "todo --format json\n"  # what the tool printed, not the command make ran
