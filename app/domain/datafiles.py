"""Data files (YAML) loaded with line numbers, so an error can name file and line.

Validation (pydantic) reports a path such as ``conversations.3.messages.1.at``;
:func:`line_of` walks the loaded data along that path and returns the line of the
deepest node it reaches.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml


class LineDict(dict[Any, Any]):
    """A mapping that knows the line it starts on and the line of each value."""

    line: int
    value_lines: dict[Any, int]


class LineList(list[Any]):
    """A sequence that knows the line it starts on and the line of each item."""

    line: int
    item_lines: list[int]


# libyaml's parser when PyYAML was built with it (every wheel is): 10x faster than the
# pure-Python one, and it gives nodes the same marks, so line numbers still work.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[valid-type, misc]
    """SafeLoader whose mappings and sequences carry 1-based line numbers."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        plain = super().construct_mapping(node, deep=True)
        result = LineDict(plain)
        result.line = node.start_mark.line + 1
        result.value_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            result.value_lines[key] = value_node.start_mark.line + 1
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LineList:
        result = LineList(super().construct_sequence(node, deep=True))
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
)
_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _LineLoader.construct_sequence
)


class DataFileError(Exception):
    """A data file that cannot be used; the message names the file and line."""

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {problem}")


def load_yaml(path: Path) -> Any:
    """Parse one YAML file, turning syntax errors into a :class:`DataFileError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, None, f"cannot be read: {exc}") from exc
    return parse_yaml(text, path)


def load_table(path: Path) -> dict[str, Any]:
    """A mapping file used as a lookup table (names per slug...): empty when the file is
    missing, broken or not a mapping, so a lookup falls back instead of failing."""
    try:
        data = load_yaml(path)
    except DataFileError:
        return {}
    return {str(key): value for key, value in data.items()} if isinstance(data, dict) else {}


_ANCHOR = re.compile(r"(?:^|[\s\[{,:-])&[^\s]")  # a YAML anchor: aliases need one


def _has_alias(text: str) -> bool:
    return any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=_LineLoader))


def parse_yaml(text: str, path: Path, *, aliases: bool = True) -> Any:
    """Parse YAML text that knows its lines; ``aliases=False`` refuses ``*name`` (text from
    outside - an imported scenario - must not expand into a billion laughs)."""
    try:
        if not aliases and _ANCHOR.search(text) and _has_alias(text):
            raise DataFileError(path, None, "YAML aliases (*name) are not allowed")
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise DataFileError(path, line, f"YAML syntax error: {exc.problem}") from exc
    except yaml.YAMLError as exc:
        raise DataFileError(path, None, f"YAML error: {exc}") from exc


def line_of(data: Any, loc: Sequence[int | str]) -> int | None:
    """Return the line of the deepest node reached by following ``loc`` into ``data``."""
    line = getattr(data, "line", None)
    node = data
    for key in loc:
        if isinstance(node, LineDict) and key in node:
            line = node.value_lines.get(key, line)
            node = node[key]
        elif isinstance(node, LineList) and isinstance(key, int) and 0 <= key < len(node):
            line = node.item_lines[key]
            node = node[key]
        else:
            break
        line = getattr(node, "line", line)
    return line
