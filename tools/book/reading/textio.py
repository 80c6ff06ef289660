"""Reading author files: UTF-8 text and YAML, with any problem as a located finding, never a traceback."""
from __future__ import annotations

from pathlib import Path

import yaml

from ..findings import ERROR, Finding
from ..messages import finding, say


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
    so that its line numbers are the text's); a missing, unreadable or non-UTF-8 file raises FileProblem."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise FileProblem(finding(shown, 1, 1, ERROR, "file:not-found", code)) from None
    except IsADirectoryError:
        raise FileProblem(finding(shown, 1, 1, ERROR, "file:is-folder", code)) from None
    except OSError as exc:
        raise FileProblem(finding(shown, 1, 1, ERROR, "file:unreadable", code, reason=exc.strerror)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = position_of_offset(data, exc.start)
        raise FileProblem(finding(shown, line, col, ERROR, "file:not-utf8", code, byte=f"{data[exc.start]:02x}")) from None
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


class YamlProblem(Exception):
    """A YAML text that cannot be read: where (0-based line and column of the text) and why."""

    def __init__(self, line: int, col: int, problem: str):
        super().__init__(problem)
        self.line, self.col, self.problem = line, col, problem


BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
                    raise yaml.constructor.ConstructorError(
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
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise YamlProblem(mark.line if mark else 0, mark.column if mark else 0, problem) from None
    finally:
        if loader is not None:
            loader.dispose()


def node_line(root, path: list) -> int:
    """1-based line of the node at `path` (keys and indices) in a composed YAML tree, or of its nearest ancestor."""
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
