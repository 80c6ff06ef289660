"""Reading author files: UTF-8 text and YAML, with any problem as a located finding, never a traceback."""
from __future__ import annotations

import json
import os
from pathlib import Path

import yaml

from ..findings import ERROR, Finding
from ..messages import finding, os_reason, say


class FileProblem(Exception):
    def __init__(self, finding: Finding):
        super().__init__(finding.render())
        self.finding = finding


def position_of_offset(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in code points) of a byte offset in UTF-8 data."""
    before = data[:offset]
    line = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    col = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return line, col


def read_text(path: Path, shown: str, code: str) -> str:
    """The file's text (BOM dropped; CRLF and a lone CR read as LF, NUL as U+FFFD, as the Markdown parser reads them,
    so that its line numbers are the text's); a missing, unreadable or non-UTF-8 file raises FileProblem.

    A missing file is the reading check's `code` (a missing TOC is a TOC problem); a file that is there but cannot be
    read (a symbolic link loop, a folder, no permission) is `file-unreadable`, and one that is not UTF-8 is
    `file-encoding`, whichever command read it."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if path.is_symlink():
            raise FileProblem(finding(shown, 1, 1, ERROR, "file-unreadable:dangling-link",
                                      target=os.readlink(path))) from None
        raise FileProblem(finding(shown, 1, 1, ERROR, "file:not-found", code)) from None
    except OSError as exc:
        raise FileProblem(finding(shown, 1, 1, ERROR, "file-unreadable", reason=os_reason(exc))) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = position_of_offset(data, exc.start)
        raise FileProblem(finding(shown, line, col, ERROR, "file-encoding", byte=f"{data[exc.start]:02x}")) from None
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


class YamlProblem(Exception):
    """A YAML text that cannot be read: where (0-based line and column of the text), why in the author's terms, and
    what PyYAML said (`detail`, shown under -v)."""

    def __init__(self, line: int, col: int, problem: str, detail: str = ""):
        super().__init__(problem)
        self.line, self.col, self.problem, self.detail = line, col, problem, detail


def explain_yaml(exc: yaml.YAMLError, text: str) -> YamlProblem:
    """PyYAML's error as the author would fix it, at the line where the fix goes: an unclosed bracket or quote at the
    line that opened it, a missing colon at the key that lacks it, a misplaced line at that line."""
    mark = getattr(exc, "problem_mark", None)
    opened = getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None) or ""
    detail = f"{context} {problem}".strip()
    line, col = (mark.line, mark.column) if mark else (0, 0)
    lines = text.split("\n")

    def at(where, message_id, **params):
        spot = where or mark
        return YamlProblem(spot.line if spot else line, spot.column if spot else col, say(message_id, **params), detail)

    if "flow sequence" in context:
        return at(opened, "yaml:unclosed-bracket")
    if "flow mapping" in context:
        return at(opened, "yaml:unclosed-brace")
    if "flow node" in context and mark is not None:  # `[` or `{` and then nothing: the last one opened is unclosed
        before = "\n".join(lines[:mark.line] + [lines[mark.line][:mark.column] if mark.line < len(lines) else ""])
        at_bracket = max(before.rfind("["), before.rfind("{"))
        if at_bracket >= 0:
            row = before.count("\n", 0, at_bracket)
            column = at_bracket - (before.rfind("\n", 0, at_bracket) + 1)
            unclosed = "yaml:unclosed-bracket" if before[at_bracket] == "[" else "yaml:unclosed-brace"
            return YamlProblem(row, column, say(unclosed), detail)
    if "quoted scalar" in context and "end of stream" in problem:
        return at(opened, "yaml:unclosed-quote")
    if "unknown escape character" in problem:
        return at(mark, "yaml:escape", char=problem.rsplit("'", 2)[-2] if problem.count("'") >= 2 else "?")
    if "simple key" in context and "could not find expected ':'" in problem:
        return at(opened, "yaml:missing-colon")
    if "mapping values are not allowed" in problem:
        here = lines[line] if line < len(lines) else ""
        if ": " in here[:col] or here[:col].rstrip().endswith(":"):  # a second ': ' on one line: inside the value
            return at(mark, "yaml:colon-in-value")
        before = next((i for i in range(line - 1, -1, -1) if lines[i].strip() and not lines[i].lstrip().startswith("#")), None)
        if before is not None and ":" not in lines[before]:  # the line above ran on into this one: it lacks its colon
            return YamlProblem(before, len(lines[before]) - len(lines[before].lstrip()), say("yaml:missing-colon"), detail)
        return at(mark, "yaml:indentation")
    if "expected <block end>" in problem:
        if "block sequence start" in problem:
            return at(mark, "yaml:list-indentation")
        if problem.endswith("'-'"):
            return at(mark, "yaml:list-in-mapping")
        return at(mark, "yaml:indentation")
    if "did not find expected '-' indicator" in problem:
        return at(mark, "yaml:list-indentation")
    if "did not find expected key" in problem:
        return at(mark, "yaml:indentation")
    if "that cannot start any token" in problem:
        char = problem.split("'")[1] if problem.count("'") >= 2 else "?"
        if char == "\\t":
            return at(mark, "yaml:tab")
        return at(mark, "yaml:reserved-start", char=char)
    if "scanning an alias" in context or "undefined alias" in problem:
        return at(mark, "yaml:alias")
    if "constructor for the tag" in problem:
        return at(mark, "yaml:tag", tag=problem.rsplit(" ", 1)[-1].strip("'"))
    if "single document" in context:
        return at(mark, "yaml:documents")
    return at(mark, "yaml:syntax")


class DuplicateKey(yaml.constructor.ConstructorError):
    pass


class UniqueKeyLoader(yaml.SafeLoader):
    """The safe loader, except that a key given twice in one mapping is an error at its second line (plain YAML keeps
    the last value silently)."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for key_node, _ in node.value:
                try:
                    key = self.construct_object(key_node, deep=True)
                    hash(key)
                except (TypeError, yaml.YAMLError):
                    continue
                if key in seen:
                    raise DuplicateKey(
                        None, None, say("yaml:duplicate-key", key=key, first=seen[key] + 1), key_node.start_mark)
                seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)


def read_yaml(text: str):
    """(root node, data) of a YAML text, loaded safely: the node tree gives the line of each value. Raises
    YamlProblem for a syntax error or a duplicate key."""
    loader = None
    try:
        loader = UniqueKeyLoader(text)  # the reader refuses control characters here already
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    except yaml.reader.ReaderError as exc:  # no mark: a character position in the text
        before = text[:exc.position]
        line, column = before.count("\n"), exc.position - (before.rfind("\n") + 1)
        raise YamlProblem(line, column, say("yaml:bad-character", code=f"{exc.character:04X}")) from None
    except DuplicateKey as exc:  # already in the catalogue's words
        raise YamlProblem(exc.problem_mark.line, exc.problem_mark.column, exc.problem) from None
    except yaml.YAMLError as exc:
        raise explain_yaml(exc, text) from None
    finally:
        if loader is not None:
            loader.dispose()


def node_line(root, path: list) -> int:
    """1-based line of the node at `path` (keys and indices) in a composed YAML tree, or of its nearest ancestor."""
    return node_position(root, path)[0]


def node_position(root, path: list) -> tuple[int, int]:
    """1-based line and column of the node at `path` (a key where the step is a key), or of its nearest ancestor."""
    node, mark = root, root.start_mark
    for step in path:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == step:
                    mark, node = key.start_mark, value
                    break
            else:
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            mark = node.start_mark
        else:
            break
    return mark.line + 1, mark.column + 1


JSON_PROBLEMS = (  # the decoder's message (its start) → the catalogue's
    ("Unterminated string", "json:unterminated-string"),
    ("Expecting ',' delimiter", "json:missing-comma"),
    ("Expecting ':' delimiter", "json:missing-colon"),
    ("Expecting property name", "json:key-quotes"),
    ("Invalid control character", "json:control-character"),
    ("Invalid \\escape", "json:escape"),
    ("Invalid \\uXXXX escape", "json:escape"),
    ("Extra data", "json:extra-data"),
    ("Expecting value", "json:missing-value"),
)


def explain_json(exc: json.JSONDecodeError) -> tuple[int, int, str]:
    """The JSON decoder's error as (line, column, message in the author's terms); the decoder's own words are
    `exc.msg` (the detail under -v). A file that ends where a value or a closing mark is still owed is truncated."""
    ended = exc.pos >= len(exc.doc.rstrip())
    if ended and not exc.msg.startswith("Extra data"):
        return exc.lineno, exc.colno, say("json:truncated")
    message_id = next((mid for start, mid in JSON_PROBLEMS if exc.msg.startswith(start)), "json:syntax")
    return exc.lineno, exc.colno, say(message_id)
