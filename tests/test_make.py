"""The Makefile: a failed step ends with its one-line verdict; make itself exits 2 for any failed step."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

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


# ---- make for an author's first day: help, a mistyped target, make from manuscript/, the Python check, serve ----

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="no make")
CJK = re.compile(r"[\u4e00-\u9fff]")


def make(*args: str, cwd=ROOT, env: dict | None = None, timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-s", "-C", str(cwd), *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def phony_targets() -> list[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")  # continued lines joined
    return re.search(r"^\.PHONY:(.*)$", text, re.M).group(1).split()


@needs_make
def test_make_help_lists_every_target_in_one_chinese_line():
    proc = make("help", env={"BOOK_LANG": ""})
    assert proc.returncode == 0, proc.stderr
    lines = {m.group(1): m.group(2) for m in re.finditer(r"^  make (\S+)\s+(.+)$", proc.stdout, re.M)}
    assert set(phony_targets()) <= set(lines), set(phony_targets()) - set(lines)
    assert all(CJK.search(text) for text in lines.values()), lines
    english = make("help", env={"BOOK_LANG": "en"}).stdout
    assert "everything a branch must pass" in english and not CJK.search(english.replace("中文", ""))


@needs_make
@pytest.mark.parametrize("typed,nearest", [("chek", "check"), ("tset", "test"), ("sevre", "serve"), ("lnit", "lint")])
def test_a_mistyped_target_names_the_nearest(typed, nearest):
    proc = make(typed, env={"BOOK_LANG": ""})
    assert proc.returncode == 2
    assert f"make：没有这个目标“{typed}”：是不是 make {nearest}？（make help 列出全部目标）" in proc.stderr, proc.stderr
    assert "No rule to make target" not in proc.stderr


@needs_make
def test_a_target_far_from_any_names_only_make_help():
    proc = make("publish-everything", env={"BOOK_LANG": ""})
    assert proc.returncode == 2 and "make help 列出全部目标" in proc.stderr and "是不是" not in proc.stderr


@needs_make
def test_make_from_manuscript_runs_the_books_makefile():
    proc = make("todo", "FORMAT=json", "BOOK=echo", "READY=", cwd=ROOT / "manuscript", env={"BOOK_LANG": ""})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "todo --format json\n"
    assert "在仓库根目录运行 make todo" in proc.stderr


def fake_python(folder: Path, version: str, venv_fails_with: str | None = None) -> Path:
    """A `python3` that reports `version`; with `venv_fails_with`, `-m venv` prints that and fails half-way, as
    Debian's Python does without python3-venv."""
    folder.mkdir(parents=True, exist_ok=True)
    major, minor = (int(x) for x in version.split(".")[:2])
    script = folder / "python3"
    script.write_text(f"""#!/usr/bin/env bash
case "$*" in
  *"%d.%d.%d"*) echo {version} ;;
  *"sys.version_info <"*) exit {int((major, minor) < (3, 11))} ;;
  "-m venv "*) mkdir -p "$3/bin"; echo '{venv_fails_with or ""}'; exit 1 ;;
  *) exit 1 ;;
esac
""", encoding="utf-8")
    script.chmod(0o755)
    return script


def python_310(tmp_path: Path) -> str:
    """A real Python 3.10 where this machine has one (the system's or pyenv's), else a stand-in that reports 3.10."""
    candidates = [shutil.which("python3.10"), *sorted(Path.home().glob(".pyenv/versions/3.10*/bin/python3.10"))]
    for candidate in candidates:
        if candidate and subprocess.run([str(candidate), "--version"], capture_output=True).returncode == 0:
            return str(candidate)
    return str(fake_python(tmp_path / "fake", "3.10.12"))


@needs_make
def test_python_older_than_311_gets_one_chinese_line_and_no_venv(tmp_path):
    venv = tmp_path / "venv"
    proc = make("check", f"PYTHON={python_310(tmp_path)}", f"VENV={venv}", env={"BOOK_LANG": ""})
    assert proc.returncode == 2
    ours = [l for l in proc.stderr.splitlines() if not l.startswith("make")]
    assert len(ours) == 1 and "需要 Python 3.11 或更新版本" in ours[0] and "3.10" in ours[0], proc.stderr
    assert "sudo apt install python3.11" in ours[0] and "make check" in ours[0]
    assert not venv.exists() and proc.stdout == ""


def test_a_venv_left_by_an_older_python_is_made_again(tmp_path):
    """After installing 3.11+, the next try needs no clean-up: the old, incomplete .venv is replaced; and where
    python3 is still the old one, the newer python3.X beside it is taken (PYTHON left at the Makefile's default)."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.10.12\n", encoding="utf-8")
    old = fake_python(tmp_path / "old", "3.10.12")             # python3 is still 3.10 …
    (venv / "bin" / "python").symlink_to(old)
    (tmp_path / "old" / "python3.11").symlink_to(sys.executable)  # … and 3.11 was installed beside it
    path = f"{tmp_path / 'old'}{os.pathsep}{os.environ['PATH']}"
    proc = subprocess.run(["bash", str(ROOT / "tools" / "venv.sh"), "python3", str(venv), "file"],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "BOOK_LANG": "", "PATH": path})
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"python3 是 3\.10\.12，改用 python3\.1\d", proc.stderr), proc.stderr
    assert "删除上次没有建好的" in proc.stderr and "3.10.12" in proc.stderr
    made = subprocess.run([str(venv / "bin" / "python"), "-c", "import sys; print(sys.version_info >= (3, 11))"],
                          capture_output=True, text=True)
    assert made.stdout.strip() == "True" and (venv / ".venv-created").is_file()
    again = subprocess.run(["bash", str(ROOT / "tools" / "venv.sh"), sys.executable, str(venv)],
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and again.stderr == ""  # a complete one is kept as it is


def test_missing_ensurepip_names_python3_venv_and_leaves_nothing(tmp_path):
    python = fake_python(tmp_path / "debian", "3.11.2", venv_fails_with=(
        "The virtual environment was not created successfully because ensurepip is not available."))
    venv = tmp_path / "venv"
    proc = subprocess.run(["bash", str(ROOT / "tools" / "venv.sh"), str(python), str(venv)],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "BOOK_LANG": ""})
    assert proc.returncode == 2
    assert "缺少 python3-venv" in proc.stderr and "sudo apt install python3.11-venv" in proc.stderr, proc.stderr
    assert "ensurepip is not available" not in proc.stderr and not venv.exists()


def test_a_folder_that_is_not_a_venv_is_never_removed(tmp_path):
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / "notes.txt").write_text("mine", encoding="utf-8")
    proc = subprocess.run(["bash", str(ROOT / "tools" / "venv.sh"), sys.executable, str(venv)],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "BOOK_LANG": ""})
    assert proc.returncode == 2 and "不是 Python 虚拟环境" in proc.stderr
    assert (venv / "notes.txt").read_text(encoding="utf-8") == "mine"


@needs_make
def test_make_serve_prints_its_address_and_keeps_mkdocs_info_out(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    mkdocs = venv / "bin" / "mkdocs"  # stands in for MkDocs: its INFO lines, a warning, then it stops
    mkdocs.write_text("#!/usr/bin/env bash\necho \"INFO    -  Building documentation...\"\n"
                      "echo \"WARNING -  a warning\"\necho \"INFO    -  Serving on http://$3/\"\n", encoding="utf-8")
    mkdocs.chmod(0o755)
    proc = make("serve", f"VENV={venv}", "READY=", "ADDR=127.0.0.1:8", env={"BOOK_LANG": ""})
    assert proc.returncode == 0, proc.stderr
    assert "本地预览：http://127.0.0.1:8/" in proc.stderr
    assert "WARNING -  a warning" in proc.stdout and "INFO" not in proc.stdout
    shown = make("serve", f"VENV={venv}", "READY=", "ADDR=127.0.0.1:8", "V=1").stdout
    assert "INFO    -  Building documentation" in shown


@needs_make
def test_make_serve_says_when_its_address_is_taken(tmp_path):
    import socket
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = make("serve", "READY=", f"ADDR=127.0.0.1:{port}", env={"BOOK_LANG": ""})
    assert proc.returncode == 2 and f"地址 127.0.0.1:{port} 已被占用" in proc.stderr, proc.stderr


@needs_make
def test_make_verdict_lines_follow_book_lang():
    proc = make("todo", "BOOK=sh -c 'exit 1' book", "READY=", env={"BOOK_LANG": "en"})
    assert "make todo: failed — problems found, see the diagnostics above (exit status 1)" in proc.stderr
