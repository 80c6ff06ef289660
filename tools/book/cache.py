"""Where caches live, and how an entry is written and read: JSON only, atomically, a damaged entry ignored.

`cache_root(root)` is `$BOOK_CACHE_DIR` when set (the tests point it at a temporary folder), else `<repo>/.cache`.
Each cache takes a versioned subfolder (`cache_dir(root, "name", version)`): a new version starts empty and the old
folders are removed, so no entry outlives the code that wrote it.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path


UMASK = os.umask(0)  # read once (setting it is the only way to read it) and put back at once
os.umask(UMASK)

def cache_root(root: Path) -> Path:
    env = os.environ.get("BOOK_CACHE_DIR")
    return Path(env).resolve() if env else Path(root) / ".cache"


def cache_dir(root: Path, name: str, version: str) -> Path:
    """`<cache root>/<name>/v<version>`; sibling folders of other versions are removed."""
    base = cache_root(root) / name
    folder = base / f"v{version}"
    if base.is_dir():
        for old in base.iterdir():
            if old.is_dir() and old.name.startswith("v") and old != folder:
                shutil.rmtree(old, ignore_errors=True)
    return folder


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a unique temporary file in the target folder, then rename it over the target: a reader sees the
    old file or the new one, never half. A file keeps its permissions; a new one gets the umask's (mkstemp's 0600
    would make a cache, or an author's chapter, private to whoever wrote it last)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:  # new, or removed by another process since: asking first would race with it
        mode = 0o666 & ~UMASK
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, value) -> bool:
    """Store a JSON value; a cache that cannot be written is simply not used (False)."""
    try:
        write_atomic(path, json.dumps(value, ensure_ascii=False).encode("utf-8"))
        return True
    except (OSError, TypeError, ValueError):
        return False


def read_json(path: Path):
    """The stored value, or None when the entry is missing or unreadable (it is then rebuilt)."""
    try:
        return json.loads(Path(path).read_bytes())
    except (OSError, ValueError):
        return None
