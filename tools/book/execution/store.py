"""The store of passing notebook runs, keyed on content (the inputs key), in the spirit of jupyter-cache.

One folder per notebook under `<cache root>/notebooks/v<FORMAT>/` (the cache root: $BOOK_CACHE_DIR or .cache/), one JSON file per stored run, named by its key:

    {"format", "notebook", "key", "scale", "device", "inputs", "expected", "verdict": "passed",
     "seconds", "cells": [{"cell", "outcome", "seconds"}], "outputs": [[output, ...] per code cell],
     "created", "checksum"}

- Only passing runs are stored: a failing notebook runs again next time.
- `expected` is the hash of what nbval compares the run against (the notebook's stored outputs of compared cells, its
  nbval tags, the sanitizing patterns): a run answers for those only, so an edited reference output is a miss too.
- A run is written atomically (a unique temp file in the same folder, then os.replace), so two processes sharing the
  store never see half an entry; the last of two writers of one key wins, with identical content.
- An entry is trusted only when it parses, has the expected shape, names its own key and notebook, and its checksum
  (SHA-256 of the rest) matches: anything else is ignored (and removed), and the notebook runs again.
- The latest three entries per notebook are kept (by write time); older ones are pruned after each write.
- The folder is versioned: a change of the entry format starts a fresh folder rather than misreading an old one.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..cache import cache_dir, cache_root, write_atomic
from ..messages import say

FORMAT = 1
KEEP = 3
REQUIRED = {"format": int, "notebook": str, "key": str, "scale": str, "device": str, "inputs": dict,
            "expected": str, "verdict": str, "seconds": (int, float), "cells": list, "outputs": list,
            "created": str, "checksum": str}


def checksum(entry: dict) -> str:
    body = {k: v for k, v in entry.items() if k != "checksum"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def notebook_folder_name(notebook: str) -> str:
    """A flat, readable, collision-free folder name for a repository-relative notebook path."""
    readable = notebook.replace("/", "__")
    if len(readable) > 120 or not all(c.isalnum() or c in "._-" for c in readable):
        readable = readable[:60].encode("ascii", "replace").decode().replace("?", "_")
        readable = "".join(c if c.isalnum() or c in "._-" else "_" for c in readable)
    return f"{readable}-{hashlib.sha256(notebook.encode()).hexdigest()[:8]}"


@dataclass(frozen=True)
class Entry:
    """A stored, trusted, passing run."""
    data: dict
    path: Path

    @property
    def key(self) -> str:
        return self.data["key"]

    @property
    def inputs(self) -> dict[str, str]:
        return self.data["inputs"]

    @property
    def seconds(self) -> float:
        return float(self.data["seconds"])


class Store:
    """The store under `root/notebooks/v<FORMAT>` (root: a cache root; see for_repo)."""

    def __init__(self, root: Path):
        self.root = Path(root) / "notebooks" / f"v{FORMAT}"

    @classmethod
    def for_repo(cls, repo_root: Path) -> "Store":
        """The repository's store, in the toolchain's cache root; folders of older formats are removed."""
        store = cls(cache_root(repo_root))
        cache_dir(repo_root, "notebooks", str(FORMAT))
        return store

    def folder(self, notebook: str) -> Path:
        return self.root / notebook_folder_name(notebook)

    def entry_path(self, notebook: str, key: str) -> Path:
        return self.folder(notebook) / f"{key}.json"

    # ---------------------------------------------------------------------------------------------- reading

    def read(self, path: Path, notebook: str, key: str | None = None) -> Entry | None:
        """The entry at `path` if it can be trusted; a corrupt one is removed and None returned."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            self._discard(path)
            return None
        if not self.trusted(data, notebook, key or path.stem):
            self._discard(path)
            return None
        return Entry(data, path)

    @staticmethod
    def trusted(data, notebook: str, key: str) -> bool:
        if not isinstance(data, dict):
            return False
        for name, kind in REQUIRED.items():
            if not isinstance(data.get(name), kind) or isinstance(data.get(name), bool):
                return False
        return (data["format"] == FORMAT and data["verdict"] == "passed" and data["key"] == key
                and data["notebook"] == notebook and data["checksum"] == checksum(data)
                and all(isinstance(k, str) and isinstance(v, str) for k, v in data["inputs"].items()))

    def get(self, notebook: str, key: str, expected: str | None = None) -> Entry | None:
        """The passing run of `notebook` with inputs `key` (and, when given, the same expected outputs)."""
        entry = self.read(self.entry_path(notebook, key), notebook, key)
        if entry is not None and expected is not None and entry.data["expected"] != expected:
            return None
        return entry

    def entries(self, notebook: str) -> list[Entry]:
        """Trusted entries of a notebook, newest first."""
        folder = self.folder(notebook)
        try:
            paths = [p for p in folder.iterdir() if p.suffix == ".json"]
        except OSError:
            return []
        found = []
        for p in paths:
            entry = self.read(p, notebook)
            if entry is not None:
                found.append(entry)
        return sorted(found, key=lambda e: (e.data["created"], e.path.stat().st_mtime_ns if e.path.exists() else 0),
                      reverse=True)

    def latest(self, notebook: str, scale: str | None = None, device: str | None = None) -> Entry | None:
        """The newest passing run of a notebook, preferring one of the same scale and device."""
        entries = self.entries(notebook)
        same = [e for e in entries if e.data["scale"] == scale and e.data["device"] == device]
        return (same or entries or [None])[0]

    # ---------------------------------------------------------------------------------------------- writing

    def put(self, notebook: str, key: str, *, scale: str, device: str, inputs: dict[str, str], expected: str,
            seconds: float, cells: list[dict], outputs: list) -> Path:
        """Store a passing run atomically, then keep only the newest KEEP entries of the notebook."""
        entry = {"format": FORMAT, "notebook": notebook, "key": key, "scale": scale, "device": device,
                 "inputs": dict(sorted(inputs.items())), "expected": expected, "verdict": "passed",
                 "seconds": round(float(seconds), 3), "cells": cells, "outputs": outputs,
                 "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")}
        entry["checksum"] = checksum(entry)
        target = self.entry_path(notebook, key)
        write_atomic(target, (json.dumps(entry, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        self.prune(notebook)
        return target

    def prune(self, notebook: str, keep: int = KEEP) -> None:
        folder = self.folder(notebook)
        try:
            paths = [p for p in folder.iterdir() if p.suffix == ".json"]
        except OSError:
            return
        stamped = []
        for p in paths:
            try:
                stamped.append((p.stat().st_mtime_ns, p.name, p))
            except FileNotFoundError:     # pruned by a concurrent run
                continue
        for _, _, p in sorted(stamped, reverse=True)[keep:]:
            self._discard(p)

    def clear(self) -> int:
        """Remove every stored run (all format versions); returns how many files went."""
        import shutil
        base = self.root.parent
        count = sum(1 for p in base.rglob("*") if p.is_file()) if base.is_dir() else 0
        shutil.rmtree(base, ignore_errors=True)
        return count

    @staticmethod
    def _discard(path: Path) -> None:
        try:
            path.unlink()
        except OSError:
            pass

    # ---------------------------------------------------------------------------------------------- locking

    @contextmanager
    def lock(self, notebook: str, on_wait=None):
        """Held while a notebook executes, so that a second run sharing the store waits for it and then finds the
        result stored instead of executing it again. Advisory (flock); where unavailable, no lock (still safe)."""
        try:
            import fcntl
        except ImportError:                           # not POSIX: concurrent runs may both execute; writes stay atomic
            yield
            return
        folder = self.root / "locks"
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f"{notebook_folder_name(notebook)}.lock", "a+b") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait:
                    on_wait()
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def clean(repo_root: Path) -> list[Path]:
    """Empty the cache root (`make clean-cache`): the store of notebook runs and every other cache of the toolchain.
    Refuses a cache root that is, or holds, the repository or the home folder."""
    import shutil
    root = cache_root(repo_root).resolve()
    repo_root = Path(repo_root).resolve()
    home = Path.home().resolve()
    if root in (Path(root.anchor), home) or repo_root.is_relative_to(root) or home.is_relative_to(root):
        raise ValueError(say("store:refuse", root=root))
    removed = []
    if root.is_dir():
        for entry in sorted(root.iterdir()):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


def main(argv: list[str] | None = None) -> int:
    import sys
    args = sys.argv[1:] if argv is None else argv
    if args[:1] != ["clean"]:
        print(say("store:usage"), file=sys.stderr)
        return 2
    root = Path(args[1]) if len(args) > 1 else Path.cwd()
    try:
        removed = clean(root)
    except ValueError as exc:
        print(say("store:error", problem=exc), file=sys.stderr)
        return 2
    print(say("store:emptied", root=cache_root(root), count=len(removed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
