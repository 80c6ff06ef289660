"""The source registry, manuscript/sources.yaml: loaded safely, validated by its schema, errors located.

yaml and jsonschema are imported by `load` itself: `book claims` starts its helper processes before it loads the
registry, and they need neither.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .diagnostics import ERROR, Finding, rel
from .repo import Repo
from .textio import FileProblem, read_text

CODE = "source-registry"


@dataclass
class Registry:
    sources: dict[str, dict] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def alias_map(self) -> dict[str, str]:
        """Each registered alias (spaces and case folded) → its key."""
        return {fold(alias): key for key, src in self.sources.items() for alias in src.get("aliases", [])}

    def aliases(self) -> list[str]:
        return [alias for src in self.sources.values() for alias in src.get("aliases", [])]


def fold(name: str) -> str:
    return "".join(name.split()).casefold()


def fingerprint(repo: Repo) -> str:
    """A digest of the registry file as it is on disk: what the checker's verdicts depend on, known before loading."""
    try:
        return hashlib.sha256(repo.sources.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def node_line(root, path: list) -> int:
    import yaml
    node, line = root, root.start_mark.line + 1
    for step in path:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == step:
                    line, node = key.start_mark.line + 1, value
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def read_yaml(text: str):
    """The node tree (for line numbers) and the data built from it, loaded safely. libyaml reads it ten times
    faster; a file it rejects is read again by the pure-Python parser, whose error positions are the more precise."""
    import yaml
    try:
        return compose_and_construct(text, getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return compose_and_construct(text, yaml.SafeLoader)


def compose_and_construct(text: str, loader_class):
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


def load(repo: Repo) -> Registry:
    import yaml

    from .schemas import describe, error_path, errors
    path = repo.sources
    shown = rel(path, repo.root)
    try:
        text = read_text(path, shown, CODE)
    except FileProblem as problem:
        return Registry(findings=[problem.finding])
    try:
        root, data = read_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return Registry(findings=[Finding(shown, line, col, ERROR, CODE,
                                          f"not valid YAML: {getattr(exc, 'problem', None) or exc}")])
    if not isinstance(data, dict) or root is None:
        return Registry(findings=[Finding(shown, 1, 1, ERROR, CODE, "the registry must map source keys to sources")])
    found = [Finding(shown, node_line(root, error_path(e)), 1, ERROR, CODE, describe(e))
             for e in errors(repo.schemas / "sources.schema.json", data)]
    if found:
        return Registry(findings=found)
    registry = Registry(sources=data)
    seen: dict[str, str] = {}
    for key, src in data.items():
        if "path" in src and not (repo.root / src["path"]).is_file():
            registry.findings.append(Finding(shown, node_line(root, [key, "path"]), 1, ERROR, CODE,
                                             f"{key}: {src['path']} does not exist in the repository"))
        for i, alias in enumerate(src.get("aliases", [])):
            if fold(alias) in seen and seen[fold(alias)] != key:
                registry.findings.append(Finding(shown, node_line(root, [key, "aliases", i]), 1, ERROR, CODE,
                                                 f"alias '{alias}' is already used by {seen[fold(alias)]}"))
            seen[fold(alias)] = key
    return registry
