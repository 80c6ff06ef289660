"""The inputs key of a notebook run: file hashes only, found without importing or executing anything.

A run of a notebook depends on
- its code cells' sources (not its Markdown, outputs or metadata: editing prose beside the code changes nothing),
- every file of `code/common/` it can import, found statically: `import common…` / `from common… import` in its
  cells, then transitively through the imports of those modules (relative ones included); a local module beside
  the notebook (`import helpers` for `helpers.py` in its folder) counts the same way,
- every file under `code/corpus/` (what the demo models train on; a file committed in parts counts once, as the
  file its parts make),
- the pins in `requirements.lock` of the distributions that code imports (torch, …), found by the same scan: one
  input `requirements.lock#<name>` each, so a pin only the toolchain uses (the site, figures, print) never makes a
  measured result stale; a third-party import the lock does not name keeps the whole lock as an input instead,
- the scale (`BOOK_SCALE`: ci or full) and the device kind (cpu or cuda).

The key is the SHA-256 of all that. `inputs` maps each file (path relative to the repository) to its SHA-256, so a
later run can say which input changed; the notebook itself appears with the hash of its code cells only.
Runtime versions (torch, CUDA, Python) are not part of the key: results measured on a GPU machine carry the same
key that a CPU machine computes from the same files.

Only the standard library is used, so that `make gpu` on a bare GPU machine can compute keys too:
`python -m book.execution.keys NOTEBOOK --scale full --device cuda` prints `{"key", "inputs"}` as JSON.

When a notebook is executed, the runner passes the key to the kernel as `BOOK_INPUTS_KEY` (hex) and the map as
`BOOK_INPUTS` (JSON); the demos' results recorder copies them into each results file's provenance.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

# Bump when the meaning of the key changes (what goes in, how it is hashed): every stored run is then re-run.
KEY_VERSION = 2                       # 2: the lock's pins of imported distributions, not the whole lock
SCALES = ("ci", "full")
DEVICES = ("cpu", "cuda")
PACKAGE = "common"                    # the shared package notebooks import, at code/common/
COMMON = Path("code") / PACKAGE
CORPUS = Path("code") / "corpus"
LOCK = Path("requirements.lock")
ENV_KEY, ENV_INPUTS = "BOOK_INPUTS_KEY", "BOOK_INPUTS"
SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints", ".cache"}
PART = re.compile(r"(?P<whole>.+)\.part\d+")      # one piece of a file committed in parts


class InputsError(ValueError):
    """A notebook whose inputs cannot be read (not JSON, not a notebook): the caller reports it."""


@dataclass(frozen=True)
class Inputs:
    """What a notebook run depends on: `inputs` maps a repository-relative path to its SHA-256."""
    notebook: str
    scale: str
    device: str
    inputs: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return inputs_key(self.inputs, self.scale, self.device)

    def env(self) -> dict[str, str]:
        """The variables the runner sets for the kernel, for the results recorder's provenance."""
        return {ENV_KEY: self.key, ENV_INPUTS: json.dumps(self.inputs, sort_keys=True, separators=(",", ":"))}


def inputs_key(inputs: dict[str, str], scale: str, device: str) -> str:
    doc = {"version": KEY_VERSION, "scale": scale, "device": device, "inputs": dict(sorted(inputs.items()))}
    return hashlib.sha256(json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


# ---------------------------------------------------------------------------------------------------- file hashes

_HASHES: dict[tuple, str] = {}


def file_sha256(*parts: Path) -> str:
    """SHA-256 of a file's bytes (or of the bytes of its parts, joined in order), remembered per (path, size, mtime,
    inode) of each within one process."""
    memo = tuple((str(p), st.st_size, st.st_mtime_ns, st.st_ino) for p in parts for st in [p.stat()])
    digest = _HASHES.get(memo)
    if digest is None:
        h = hashlib.sha256()
        for path in parts:
            with open(path, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
        digest = _HASHES[memo] = h.hexdigest()
    return digest


def joined_files(folder: Path) -> dict[Path, list[Path]]:
    """The files under `folder` as the code reads them: a file committed in parts (`corpus.txt.xz.part00`, …, each
    under the repository's size limit; `make` joins them into the file) is one entry, its parts in order, whether or
    not the joined copy is there yet."""
    files = files_under(folder)
    parted: dict[Path, list[Path]] = {}
    for path in files:
        m = PART.fullmatch(path.name)
        if m:
            parted.setdefault(path.with_name(m["whole"]), []).append(path)
    whole = {path: [path] for path in files if path not in parted and not PART.fullmatch(path.name)}
    return dict(sorted((whole | parted).items()))


def files_under(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not SKIP_PARTS.intersection(p.relative_to(folder).parts)
                  and not p.name.endswith((".pyc", ".tmp")))


# ---------------------------------------------------------------------------------------------------- notebooks

def read_notebook(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputsError(f"{path}: cannot read the notebook: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise InputsError(f"{path}: not a notebook (no list of cells)")
    return data


def cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def code_cells(nb: dict) -> list[str]:
    return [cell_source(c) for c in nb["cells"] if isinstance(c, dict) and c.get("cell_type") == "code"]


def cells_sha256(sources: list[str]) -> str:
    """Hash of the code cells in order (an added empty cell changes it: nbval counts cells)."""
    return hashlib.sha256(json.dumps(sources, separators=(",", ":")).encode()).hexdigest()


NBVAL_TAGS = {"nbval-ignore-output", "nbval-check-output", "nbval-raises-exception", "nbval-skip", "raises-exception"}
NBVAL_COMMENTS = re.compile(r"^\s*#\s*(NBVAL_\w+|PYTEST_VALIDATE_IGNORE_OUTPUT)\s*$", re.M)


def expected_sha256(nb: dict, judge: str = "") -> str:
    """What nbval judges a run against: per code cell its nbval markers, whether it has a reference run, and the
    reference outputs it compares (not those of cells whose output is ignored or skipped), plus `judge` (the
    sanitizing patterns and options). Not part of the inputs key: a passing run answers for these only."""
    cells = []
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        tags = meta.get("tags") if isinstance(meta.get("tags"), list) else []
        marks = sorted({t for t in tags if t in NBVAL_TAGS} | set(NBVAL_COMMENTS.findall(cell_source(cell))))
        ignored = any(m in ("nbval-ignore-output", "nbval-skip", "NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP",
                            "PYTEST_VALIDATE_IGNORE_OUTPUT") for m in marks)
        outputs = [] if ignored else [{k: v for k, v in o.items() if k != "execution_count"}
                                      for o in cell.get("outputs") or [] if isinstance(o, dict)]
        cells.append([marks, cell.get("execution_count") is None, outputs])
    doc = json.dumps([cells, judge], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(doc.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------------- imports

MAGIC = re.compile(r"^(\s*)(%|!)")
IMPORT_LINE = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import[ \t]+([\w \t,()*]+)|import[ \t]+([\w., \t]+))", re.M)


def parse(source: str) -> ast.Module | None:
    """The cell or module as Python; IPython line magics and shell escapes become `pass`; None if unparsable."""
    try:
        return ast.parse(source)
    except SyntaxError:
        pass
    if source.lstrip().startswith("%%"):      # a cell magic (%%time, %%capture): its body is Python, or not at all
        source = source.lstrip().partition("\n")[2]
    lines = [MAGIC.sub(r"\1pass  # ", line) for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def imported(tree: ast.Module, package: str | None) -> list[tuple[str, list[str]]]:
    """(absolute module name, names imported from it) for every import statement, anywhere in the tree.

    `package` is the package a module belongs to, for relative imports (None for notebook cells)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [alias.name for alias in node.names]
            if node.level == 0:
                found.append((node.module or "", names))
            elif package is not None:
                base = package.split(".")
                if node.level > 1:
                    base = base[: len(base) - (node.level - 1)]
                if base:
                    found.append((".".join(base + ([node.module] if node.module else [])), names))
    return found


def scan_text(source: str) -> list[tuple[str, list[str]]]:
    """Fallback for source that does not parse: import lines found by pattern (over-approximates, never misses)."""
    found = []
    for m in IMPORT_LINE.finditer(source):
        if m[1]:
            found.append((m[1], [n.strip() for n in m[2].replace("(", " ").replace(")", " ").split(",") if n.strip()]))
        else:
            found += [(n.strip().split(" ")[0], []) for n in m[3].split(",") if n.strip()]
    return found


class Resolver:
    """Maps module names to files: `common…` under code/common/, plain names to modules beside the notebook."""

    def __init__(self, root: Path, local: Path | None):
        self.root, self.local = root, local

    def module_file(self, name: str) -> Path | None:
        parts = name.split(".")
        if parts[0] == PACKAGE:
            base = self.root / COMMON
            rest = parts[1:]
        elif self.local is not None and parts[0] != PACKAGE:
            base = self.local / parts[0]
            rest = parts[1:]
            if not rest:
                single = self.local / f"{parts[0]}.py"
                if single.is_file():
                    return single
        else:
            return None
        target = base.joinpath(*rest) if rest else base
        if target.is_dir() and (target / "__init__.py").is_file():
            return target / "__init__.py"
        if target.with_suffix(".py").is_file() and rest:
            return target.with_suffix(".py")
        return None

    def files_for(self, name: str, names: list[str]) -> list[tuple[Path, str]]:
        """Files an import of `name` (with `names` taken from it) executes: each package on the way, the module,
        and any of `names` that is itself a submodule. Paired with their module names for further scanning."""
        out = []
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            mod = ".".join(parts[:i])
            f = self.module_file(mod)
            if f is not None:
                out.append((f, mod))
        if out and out[-1][1] == name:
            for n in names:
                if n == "*":
                    pkg = out[-1][0]
                    if pkg.name == "__init__.py":    # a star import may pull any submodule: count them all
                        out += [(p, f"{name}.{p.stem}") for p in sorted(pkg.parent.glob("*.py")) if p.name != "__init__.py"]
                    continue
                f = self.module_file(f"{name}.{n}")
                if f is not None:
                    out.append((f, f"{name}.{n}"))
        return out


def imported_code(root: Path, notebook: Path, sources: list[str]) -> tuple[set[Path], set[str]]:
    """Every file of code/common/ (and beside the notebook) that the code cells can import, transitively, and the
    top-level names of the other modules that the cells and those files import (stdlib and third-party)."""
    resolver = Resolver(root, notebook.parent)
    todo: list[tuple[Path, str]] = []
    outside: set[str] = set()

    def follow(imports, resolver: Resolver) -> None:
        for name, names in imports:
            files = resolver.files_for(name, names)
            if not files and name:
                outside.add(name.split(".")[0])
            todo.extend(files)

    for source in sources:
        follow(cell_imports(source), resolver)
    seen: set[Path] = set()
    while todo:
        path, module = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        imports = module_imports(path, package or None)
        if imports is None:
            continue                          # unreadable: still hashed as a file; nothing more to follow
        # A module beside the notebook imports `common` the same way the notebook does; common's own modules
        # never resolve against the notebook's folder.
        inner = resolver if not path.is_relative_to(root / COMMON) else Resolver(root, None)
        follow(imports, inner)
    return seen, outside


@cache
def cell_imports(source: str) -> list[tuple[str, list[str]]]:
    """A code cell's imports, read once per process for each text (`book check` asks at two scales)."""
    tree = parse(source)
    return imported(tree, None) if tree is not None else scan_text(source)


_IMPORTS: dict[tuple, list[tuple[str, list[str]]] | None] = {}


def module_imports(path: Path, package: str | None) -> list[tuple[str, list[str]]] | None:
    """A module's imports (None when it cannot be read), parsed once per process for each version of the file:
    every notebook of the book imports the same shared modules."""
    try:
        st = path.stat()
    except OSError:
        return None
    memo = (str(path), package, st.st_size, st.st_mtime_ns, st.st_ino)
    if memo not in _IMPORTS:
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            _IMPORTS[memo] = None
        else:
            tree = parse(source)
            _IMPORTS[memo] = imported(tree, package) if tree is not None else scan_text(source)
    return _IMPORTS[memo]


# ---------------------------------------------------------------------------------------------------- pins

PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*==\s*([^\s;#]+)")


def normalized(name: str) -> str:
    """A distribution's name as PEP 503 compares it (Jinja2, jinja2 and jinja-2 are one)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins(text: str) -> dict[str, str]:
    """normalized distribution name -> its pin as written (`torch==2.13.0`), from a pip-freeze lock."""
    pins = {}
    for line in text.splitlines():
        m = PIN.match(line)
        if m:
            pins[normalized(m[1])] = f"{m[1]}=={m[2]}"
    return pins


def distributions(modules: set[str], pins: dict[str, str]) -> tuple[set[str], bool]:
    """The pinned distributions (normalized names) that provide the third-party `modules`, and whether some
    third-party module is provided by no pin (then the whole lock counts: nothing is missed)."""
    third_party = sorted(m for m in modules if m and m not in sys.stdlib_module_names and m != PACKAGE)
    found, unknown = set(), False
    provided_by = None
    for module in third_party:
        if normalized(module) in pins:
            found.add(normalized(module))
            continue
        if provided_by is None:               # the import name differs from the distribution's (yaml: PyYAML)
            from importlib.metadata import packages_distributions
            provided_by = packages_distributions()
        names = {normalized(d) for d in provided_by.get(module, [])} & set(pins)
        found |= names
        unknown = unknown or not names
    return found, unknown


# ---------------------------------------------------------------------------------------------------- the key

def find_root(start: Path) -> Path:
    """The repository: the nearest folder above `start` with requirements.lock or code/common/."""
    env = os.environ.get("BOOK_ROOT")
    if env:
        return Path(env).resolve()
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / COMMON).is_dir() or (folder / LOCK).is_file():
            return folder
    raise InputsError(f"{start}: no repository above it (no {COMMON}/ or {LOCK})")


def relpath(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def notebook_inputs(notebook: Path, scale: str, device: str, root: Path | None = None) -> Inputs:
    """The inputs of a run of `notebook` at `scale` on `device`; raises InputsError for an unreadable notebook."""
    if scale not in SCALES:
        raise InputsError(f"scale must be one of {', '.join(SCALES)}, not {scale!r}")
    if device not in DEVICES:
        raise InputsError(f"device must be one of {', '.join(DEVICES)}, not {device!r}")
    notebook = Path(notebook).resolve()
    root = (root or find_root(notebook.parent)).resolve()
    sources = code_cells(read_notebook(notebook))
    shown = relpath(notebook, root)
    inputs = {shown: cells_sha256(sources)}
    files, modules = imported_code(root, notebook, sources)
    for path in files:
        inputs[relpath(path, root)] = file_sha256(path)
    # Data files kept beside the shared code (not Python) may be read by it: they count whenever any of it does.
    if any(p.startswith(COMMON.as_posix() + "/") for p in inputs):
        for path in files_under(root / COMMON):
            if path.suffix != ".py":
                inputs[relpath(path, root)] = file_sha256(path)
    for path, parts in joined_files(root / CORPUS).items():
        inputs[relpath(path, root)] = file_sha256(*parts)
    if (root / LOCK).is_file():
        try:
            pins = lock_pins((root / LOCK).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            pins = {}
        used, unknown = distributions(modules, pins)
        if unknown or not pins:
            inputs[LOCK.as_posix()] = file_sha256(root / LOCK)
        for name in used:
            inputs[f"{LOCK.as_posix()}#{name}"] = hashlib.sha256(pins[name].encode()).hexdigest()
    return Inputs(shown, scale, device, dict(sorted(inputs.items())))


def changed(old: dict[str, str], new: dict[str, str]) -> list[tuple[str, str]]:
    """(path, "changed" | "added" | "removed") for each input that differs, in path order."""
    out = []
    for path in sorted(set(old) | set(new)):
        if path not in old:
            out.append((path, "added"))
        elif path not in new:
            out.append((path, "removed"))
        elif old[path] != new[path]:
            out.append((path, "changed"))
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse
    parser = argparse.ArgumentParser(prog="python -m book.execution.keys",
                                     description="Print the inputs key of a notebook run as JSON {key, inputs}.")
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--scale", default=os.environ.get("BOOK_SCALE", "ci"), choices=SCALES)
    parser.add_argument("--device", default=os.environ.get("BOOK_DEVICE", "cpu"), choices=DEVICES)
    parser.add_argument("--root", type=Path, default=None, help="the repository (default: found above the notebook)")
    args = parser.parse_args(argv)
    try:
        inputs = notebook_inputs(args.notebook, args.scale, args.device, args.root)
    except InputsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"key": inputs.key, "inputs": inputs.inputs}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
