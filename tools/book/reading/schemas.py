"""JSON Schema validation (draft 2020-12) with each error placed at the source line of its node."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Callable, Iterator

from jsonschema import Draft202012Validator

from ..findings import ToolError
from ..messages import say


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


def describe(error) -> str:
    where = "/".join(str(p) for p in error.absolute_path)
    if error.validator == "additionalProperties":
        return f"{error.message}"
    if error.validator == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return say("schema:not-one-of", where=where or say("schema:value"), value=repr(error.instance), allowed=allowed)
    if error.validator in ("minLength", "pattern") and isinstance(error.instance, str) and not error.instance.strip():
        return say("schema:empty", where=where)
    return f"{where}: {error.message}" if where else error.message


def error_path(error) -> list:
    """Where an error is: for an unexpected key, the key itself (so its line is reported), else the node."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        path += extra[:1]
    return path


def errors(schema_path: Path, instance) -> Iterator:
    yield from sorted(validator(schema_path).iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))


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
