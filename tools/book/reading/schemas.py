"""JSON Schema validation (draft 2020-12) with each error placed at the source line of its node."""
from __future__ import annotations

import difflib
import json
import re
from functools import cache
from pathlib import Path
from typing import Callable, Iterator

from jsonschema import Draft202012Validator

from ..findings import ToolError
from ..messages import MESSAGES, say


@cache
def validator(schema_path: Path) -> Draft202012Validator:
    try:
        schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
    except (OSError, ValueError) as exc:
        raise ToolError(say("schema:unusable", path=schema_path, problem=exc)) from None
    except Exception as exc:  # jsonschema.SchemaError: the schema itself is broken
        raise ToolError(say("schema:invalid", path=schema_path, problem=getattr(exc, 'message', exc))) from None
    return Draft202012Validator(schema)


KEY_PATTERN = "^[a-z0-9][a-z0-9-]*$"  # the registry's source keys (and any key the schemas restrict so)


def shown_value(value) -> str:
    """A value as the author wrote it: text in quotes, true/false/null as YAML and JSON write them."""
    if isinstance(value, str):
        return f"“{value}”"
    return f"“{json.dumps(value, ensure_ascii=False, default=str)}”"


def unknown_keys(error) -> list[str]:
    allowed = set(error.schema.get("properties", {}))
    return [k for k in error.instance if k not in allowed] if isinstance(error.instance, dict) else []


def is_key_error(error) -> bool:
    """An error about a key's name (propertyNames), reported at the key."""
    return "propertyNames" in error.schema_path


def describe(error) -> str:
    """A validation error in the author's terms, per JSON Schema keyword (never jsonschema's English sentence)."""
    where = "/".join(str(p) for p in error.absolute_path) or say("schema:where-root")
    kind, instance, expected = error.validator, error.instance, error.validator_value
    if is_key_error(error) and kind == "pattern" and expected == KEY_PATTERN:
        example = re.sub(r"[^a-z0-9]+", "-", str(instance).lower()).strip("-") or "source-2024"
        return say("schema:key-pattern", key=instance, example=example)
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = unknown_keys(error)[0] if unknown_keys(error) else "?"
        near = difflib.get_close_matches(str(extra), allowed, n=1, cutoff=0.6)
        hint = say("schema:did-you-mean", name=near[0]) if near else say("schema:allowed-keys", keys=", ".join(allowed))
        return say("schema:unknown-key", where=where, key=extra, hint=hint)
    if kind == "required":
        missing = next((k for k in expected if isinstance(instance, dict) and k not in instance), expected[0])
        return say("schema:required", where=where, key=missing)
    if kind == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = say("schema:type-or").join(say(f"schema:type-{n}") for n in names if f"schema:type-{n}" in MESSAGES)
        return say("schema:type", where=where, expected=wanted, value=shown_value(instance))
    if kind == "enum":
        allowed = ", ".join(map(str, expected))
        return say("schema:not-one-of", where=where, value=shown_value(instance), allowed=allowed)
    if kind in ("minLength", "pattern", "minItems", "minProperties") and (
            not instance or (isinstance(instance, str) and not instance.strip())):
        return say("schema:empty", where=where)
    if kind == "pattern" and expected.startswith("^https?"):
        return say("schema:url", where=where, value=shown_value(instance))
    if kind == "pattern":
        return say("schema:pattern", where=where, value=shown_value(instance), pattern=expected)
    if kind in ("minimum", "exclusiveMinimum"):
        return say("schema:minimum", where=where, value=shown_value(instance), limit=expected)
    if kind in ("maximum", "exclusiveMaximum"):
        return say("schema:maximum", where=where, value=shown_value(instance), limit=expected)
    if kind == "uniqueItems" and isinstance(instance, list):
        twice = next((x for i, x in enumerate(instance) if x in instance[:i]), instance[0] if instance else "")
        return say("schema:unique", where=where, item=shown_value(twice))
    return say("schema:other", where=where, keyword=kind, value=shown_value(instance))


def suggested_keys(errors_found: list) -> set[tuple[tuple, str]]:
    """(object path, key) for each required key that an unknown key nearby is probably a misspelling of: the
    unknown key's "did you mean" says it, so its "required" error would only repeat it."""
    pairs = set()
    for e in errors_found:
        if e.validator == "additionalProperties":
            allowed = sorted(e.schema.get("properties", {}))
            for extra in unknown_keys(e):
                for near in difflib.get_close_matches(str(extra), allowed, n=1, cutoff=0.6):
                    pairs.add((tuple(e.absolute_path), near))
    return pairs


def error_path(error) -> list:
    """Where an error is: for an unexpected key or a badly named one, the key itself (so its line is reported), else
    the node."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties":
        path += unknown_keys(error)[:1]
    elif is_key_error(error):
        path.append(error.instance)
    return path


def errors(schema_path: Path, instance) -> Iterator:
    found = sorted(validator(schema_path).iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
    repeated = suggested_keys(found)
    yield from (e for e in found if not (e.validator == "required" and
                                         any((tuple(e.absolute_path), k) in repeated for k in e.validator_value
                                             if isinstance(e.instance, dict) and k not in e.instance)))


def nearest_line(instance, path, line_of: Callable[[list, object], int | None]) -> int:
    """The line of the deepest node on `path` that knows its line."""
    best, node, walked = 1, instance, []
    for step in [None, *path]:
        if step is not None:
            walked.append(step)
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                break
        found = line_of(walked, node)
        if found:
            best = found
    return best
