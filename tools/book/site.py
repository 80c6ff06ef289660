"""`book site`: build the site with MkDocs (strict), atomically: a failed build leaves the previous site/ untouched."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .repo import Repo


def build(repo: Repo, out: Path, draft: bool) -> tuple[int, str]:
    env = dict(os.environ, DRAFT="1" if draft else "0", NO_MKDOCS_2_WARNING="1", PYTHONWARNINGS="ignore")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(out),
                           "--config-file", str(repo.root / "mkdocs.yml")],
                          cwd=repo.root, env=env, capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr


def problems(log: str) -> list[str]:
    return [line for line in log.splitlines() if line.startswith(("WARNING", "ERROR")) or "Aborted" in line]


def main(repo: Repo, draft: bool | None = None, out: Path | None = None, keep: bool = True) -> int:
    """Build into a temporary folder next to the target; swap it in only when the build succeeded."""
    draft = os.environ.get("DRAFT", "") not in ("", "0") if draft is None else draft
    target = (out or repo.root / "site").resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=target.parent))
    kind = "draft" if draft else "release"
    print(f"building the {kind} site (mkdocs build --strict) …", flush=True)
    status, log = build(repo, staging, draft)
    if status != 0:
        shutil.rmtree(staging, ignore_errors=True)
        for line in problems(log) or log.strip().splitlines()[-20:]:
            print(f"  {line}")
        print(f"book site: failed — {target.name}/ was left as it was")
        return 1
    if not keep:
        shutil.rmtree(staging, ignore_errors=True)
        print("book site: ok — strict build passed")
        return 0
    previous = target.with_name(f".{target.name}-previous")
    shutil.rmtree(previous, ignore_errors=True)
    if target.exists():
        target.rename(previous)
    staging.rename(target)
    shutil.rmtree(previous, ignore_errors=True)
    pages = sum(1 for _ in target.rglob("index.html"))
    print(f"book site: ok — {pages} pages in {target.relative_to(repo.root) if target.is_relative_to(repo.root) else target}/ ({kind})")
    return 0
