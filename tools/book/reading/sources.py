"""The source registry, manuscript/sources.yaml: read safely (a key given twice is an error at its line), validated by
its schema, every problem a `source-registry` finding at its line.

A registry read without a problem is remembered by everything its reading depends on (its text, the schema, this
reading's code, the YAML and JSON Schema libraries' versions): the next command takes its sources from the memo
without parsing the YAML or importing the validator (whose import alone takes longer than all the rest of `book
claims` but the Markdown parse, on a book of one chapter). Only the files its sources name are looked at again; a
registry with a problem is read in full every time, for its findings' lines."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..cache import cache_dir, read_json, write_json
from ..findings import ERROR, Finding, rel
from ..messages import detailed, finding
from .repo import Repo
from .textio import FileProblem, YamlProblem, node_line, node_position, read_text, read_yaml

CODE = "source-registry"


@dataclass
class Registry:
    sources: dict[str, dict] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        """Whether citations can be read against it: it loaded (its own findings are reported either way)."""
        return not (self.findings and not self.sources)

    def alias_map(self) -> dict[str, str]:
        """Each registered alias (spaces and case folded) → its key."""
        return {fold(alias): key for key, src in self.sources.items() for alias in src.get("aliases", [])}

    def aliases(self) -> list[str]:
        return [alias for src in self.sources.values() for alias in src.get("aliases", [])]


def fold(name: str) -> str:
    return "".join(name.split()).casefold()


def load(repo: Repo) -> Registry:
    path = repo.sources
    shown = rel(path, repo.root)
    try:
        text = read_text(path, shown, CODE)
    except FileProblem as problem:
        return Registry(findings=[problem.finding])
    memo, key = cache_dir(repo.root, "registry", "1") / "registry.json", reading_key(repo, text)
    stored = read_json(memo) if key is not None else None
    if isinstance(stored, dict) and stored.get("key") == key and isinstance(stored.get("sources"), dict) and all(
            (repo.root / src["path"]).is_file() for src in stored["sources"].values() if "path" in src):
        return Registry(sources=stored["sources"])
    registry = read(repo, text, shown)
    if key is not None and not registry.findings:
        try:
            if json.loads(json.dumps(registry.sources)) == registry.sources:  # a number as a key would come back text
                write_json(memo, {"key": key, "sources": registry.sources})
        except (TypeError, ValueError):
            pass
    return registry


def reading_key(repo: Repo, text: str) -> str | None:
    """A hash of all that reading the registry depends on: its text, the schema, the code that reads it (this module,
    the schema checks, the YAML reader), the YAML and JSON Schema libraries' versions. None when the validator's
    version cannot be told (the registry is then read in full)."""
    spec = importlib.util.find_spec("jsonschema")  # found, not imported
    site = Path(spec.origin).parent.parent if spec is not None and spec.origin else None
    validator = sorted(p.name for p in site.glob("jsonschema-*.dist-info")) if site is not None else []
    schema = repo.schemas / "sources.schema.json"
    if not validator or not schema.is_file():
        return None
    here = Path(__file__).parent
    inputs = {"registry": text, "schema": schema.read_text(encoding="utf-8", errors="replace"),
              "code": [(here / name).read_text(encoding="utf-8") for name in ("sources.py", "schemas.py", "textio.py")],
              "validator": validator, "yaml": yaml.__version__, "python": list(sys.version_info[:3])}
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def read(repo: Repo, text: str, shown: str) -> Registry:
    """The registry read in full: the YAML parsed, validated by the schema, the files it names looked at."""
    from .schemas import describe, error_path, errors  # the validator: imported only when the memo cannot answer
    try:
        root, data = read_yaml(text)
    except YamlProblem as exc:
        return Registry(findings=[detailed(finding(shown, exc.line + 1, exc.col + 1, ERROR, "source-registry:yaml",
                                                   problem=exc.problem), exc.detail)])
    if not isinstance(data, dict) or root is None:
        return Registry(findings=[finding(shown, 1, 1, ERROR, "source-registry:not-mapping")])
    found = [finding(shown, *node_position(root, error_path(e)), ERROR, "source-registry:schema", problem=describe(e))
             for e in errors(repo.schemas / "sources.schema.json", data)]
    if found:
        return Registry(findings=found)
    registry = Registry(sources=data)
    seen: dict[str, str] = {}
    for key, src in data.items():
        if "path" in src and not (repo.root / src["path"]).is_file():
            registry.findings.append(finding(shown, node_line(root, [key, "path"]), 1, ERROR,
                                             "source-registry:missing-path", key=key, path=src["path"]))
        for i, alias in enumerate(src.get("aliases", [])):
            if fold(alias) in seen and seen[fold(alias)] != key:
                registry.findings.append(finding(shown, node_line(root, [key, "aliases", i]), 1, ERROR,
                                                 "source-registry:alias-taken", alias=alias, other=seen[fold(alias)]))
            seen[fold(alias)] = key
    return registry
