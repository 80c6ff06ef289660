"""The toolchain's layers: base (findings, messages, cache) ← reading ← execution ← checks ← commands, site, print.
Nothing imports upward, and commands, the site and print do not import each other."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "tools" / "book"
RANK = {"base": 0, "reading": 1, "execution": 2, "checks": 3, "commands": 4, "site": 4, "print": 4}


def layer(module: str) -> str:
    """`book.reading.toc` and `book.reading` → reading; `book.findings` and `book` → base."""
    if module == "book.__main__":  # `python -m book`: the command itself
        return "commands"
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in RANK else "base"


def imports(path: Path, package_dir: Path) -> set[str]:
    """Every module of the package that a file names in an import, in any form: `import book.checks.x`,
    `from book.checks import x`, `from ..checks import x`, `from .. import checks` (each name imported from a
    package may be a module of it, so it counts as one)."""
    module = ".".join(path.relative_to(package_dir.parent).with_suffix("").parts)
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                target = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found |= {n for n in [target, *(f"{target}.{a.name}" for a in node.names)] if n.split(".")[0] == "book"}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "book"}
    return found


def upward_imports(package_dir: Path) -> list[str]:
    upward = []
    for path in sorted(package_dir.rglob("*.py")):
        module = ".".join(path.relative_to(package_dir.parent).with_suffix("").parts)
        here = layer(module)
        for target in sorted(imports(path, package_dir)):
            there = layer(target)
            if RANK[there] > RANK[here] or (RANK[there] == RANK[here] and there != here):
                upward.append(f"{module} ({here}) imports {target} ({there})")
    return upward


def test_imports_point_down():
    upward = upward_imports(PACKAGE)
    assert not upward, "\n".join(upward)


@pytest.mark.parametrize("line", [
    "from ..checks import claims", "from .. import checks", "from ..checks.claims import Claim",
    "import book.checks.claims", "import book.checks", "from book import checks", "from book.checks import claims",
    "from ..commands import cli", "from ..site import render"])
def test_every_form_of_an_upward_import_is_caught(tmp_path, line):
    package = tmp_path / "book"
    for folder in ("reading", "checks", "commands", "site"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "findings.py").write_text("ERROR = 'error'\n")
    (package / "reading" / "prose.py").write_text("from ..findings import ERROR\nfrom . import prose\n")
    assert upward_imports(package) == []
    (package / "reading" / "prose.py").write_text(f"from ..findings import ERROR\n{line}\n")
    found = upward_imports(package)
    assert found and all(f.startswith("book.reading.prose (reading) imports book.") for f in found), found


def test_commands_and_site_do_not_import_each_other(tmp_path):
    package = tmp_path / "book"
    for folder in ("commands", "site"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "site" / "plugin.py").write_text("from ..commands import cli\n")
    assert upward_imports(package) == ["book.site.plugin (site) imports book.commands (commands)",
                                       "book.site.plugin (site) imports book.commands.cli (commands)"]


def test_no_hooks_file_and_no_path_edits():
    assert not list(PACKAGE.rglob("*hooks*.py"))
    for path in PACKAGE.rglob("*.py"):
        assert "sys.path" not in path.read_text(encoding="utf-8"), path
    assert "- book:" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "hooks:" not in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
