"""The toolchain's layers: base (findings, messages, cache) ← reading ← execution ← checks ← commands, site, print.
Nothing imports upward, and commands, the site and print do not import each other."""
from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "tools" / "book"
RANK = {"base": 0, "reading": 1, "execution": 2, "checks": 3, "commands": 4, "site": 4, "print": 4}


def layer(module: str) -> str:
    """`book.reading.toc` → reading; `book.findings` → base."""
    if module == "book.__main__":  # `python -m book`: the command itself
        return "commands"
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in RANK else "base"


def imports(path: Path) -> set[str]:
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                names = [target] if node.module else [f"{target}.{a.name}" for a in node.names]
            else:
                names = [node.module or ""]
            found |= {n for n in names if n.startswith("book")}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("book")}
    return found


def test_imports_point_down():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        here = layer(module)
        for target in imports(path):
            there = layer(target)
            if RANK[there] > RANK[here] or (RANK[there] == RANK[here] and there != here):
                upward.append(f"{module} ({here}) imports {target} ({there})")
    assert not upward, "\n".join(upward)


def test_no_hooks_file_and_no_path_edits():
    assert not list(PACKAGE.rglob("*hooks*.py"))
    for path in PACKAGE.rglob("*.py"):
        assert "sys.path" not in path.read_text(encoding="utf-8"), path
    assert "- book:" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "hooks:" not in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
