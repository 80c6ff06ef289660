"""The source registry, manuscript/sources.yaml: read safely (a key given twice is an error at its line), validated by
its schema, every problem a `source-registry` finding at its line."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..findings import ERROR, Finding, rel
from ..messages import detailed, finding
from .repo import Repo
from .schemas import describe, error_path, errors
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
