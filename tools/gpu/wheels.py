"""`make gpu-wheels`: binary wheels, for a GPU machine without internet, of the pinned packages its CUDA image lacks.

Reads the names in tools/gpu/wheels.txt, takes each one's version from requirements.lock, and downloads the wheels
for CPython 3.12 on x86-64 manylinux (the GPU image's Python, not this machine's) into a git-ignored folder, one
version of each, no dependencies (the list is closed). Refuses torch and numpy, names that are not pinned, and a
folder over the 64 MiB that a GPU machine's working tree may carry.

On the GPU machine: python3 -m pip install -q --no-index --no-deps --target /tmp/site .whl/*.whl, then
PYTHONPATH=/tmp/site make gpu ...
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIST = Path(__file__).with_name("wheels.txt")
LIMIT = 64 * 2 ** 20
NEVER = {"torch", "numpy"}
PLATFORMS = ["manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64",
             "manylinux1_x86_64"]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def wanted(listing: str = None) -> list[str]:
    text = LIST.read_text(encoding="utf-8") if listing is None else listing
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def pins(lock: str) -> dict[str, str]:
    found = {}
    for line in lock.splitlines():
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)", line.strip())
        if m:
            found[canonical(m[1])] = m[2]
    return found


def requirements(names: list[str], lock: str) -> list[str]:
    """NAME==VERSION for each name, or ValueError naming what cannot be downloaded."""
    pinned = pins(lock)
    refused = sorted(n for n in names if canonical(n) in NEVER)
    if refused:
        raise ValueError(f"tools/gpu/wheels.txt 不能列出 {', '.join(refused)}：GPU 机器用它自带的 CUDA 版")
    missing = sorted(n for n in names if canonical(n) not in pinned)
    if missing:
        raise ValueError(f"tools/gpu/wheels.txt 中的 {', '.join(missing)} 没有在 requirements.lock 中固定版本")
    return [f"{n}=={pinned[canonical(n)]}" for n in names]


def main(folder: Path) -> int:
    try:
        wanted_pins = requirements(wanted(), (ROOT / "requirements.lock").read_text(encoding="utf-8"))
    except ValueError as exc:
        print(f"make gpu-wheels：{exc}", file=sys.stderr)
        return 2
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.whl"):
        old.unlink()
    platforms = [arg for p in PLATFORMS for arg in ("--platform", p)]
    command = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
               "--python-version", "3.12", "--implementation", "cp", *platforms, "-d", str(folder), *wanted_pins]
    if subprocess.run(command).returncode != 0:
        print("make gpu-wheels：pip download 失败，见上方的说明", file=sys.stderr)
        return 1
    size = sum(p.stat().st_size for p in folder.glob("*.whl"))
    print(f"make gpu-wheels：{len(wanted_pins)} 个 wheel，共 {size / 2 ** 20:.1f} MiB，在 {folder}/")
    if size > LIMIT:
        print(f"make gpu-wheels：超过 {LIMIT // 2 ** 20} MiB，GPU 机器带不过去", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".whl"))
