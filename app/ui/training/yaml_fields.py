"""The scenario editor's text work, Qt-free: the form writes into the YAML text in place
(a field's value replaces only its own scalar, or is inserted where its mapping ends, so
the author's comments, order and layout survive every edit made through the form), and
the text is checked as the engine would load it (compute lane)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from app.config.paths import resources_dir

if TYPE_CHECKING:
    from app.training.intents import IntentIndex
    from app.training.schema import Scenario

FieldPath = tuple[str, ...]

# The main fields the form shows, in the form's order.
FIELDS: tuple[FieldPath, ...] = (
    ("id",),
    ("title", "en"),
    ("title", "zh_CN"),
    ("country",),
    ("language",),
    ("channel",),
    ("moment",),
    ("difficulty",),
    ("persona", "name"),
    ("persona", "mood"),
    ("persona", "patience"),
    ("persona", "leaves_after"),
)
VERSION: FieldPath = ("version",)

_PLAIN = re.compile(r"[a-z][a-z0-9_-]*")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


class FieldEditError(ValueError):
    """The text is not a YAML mapping the form can write into (fix the text first)."""


def read_fields(text: str) -> dict[FieldPath, Any] | None:
    """The form's fields as the text has them (missing: absent); None when the text is
    not a YAML mapping."""
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    if not isinstance(data, Mapping):
        return None
    out: dict[FieldPath, Any] = {}
    for path in (*FIELDS, VERSION):
        node: Any = data
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if node is not None:
            out[path] = node
    return out


def scalar(value: str | int) -> str:
    """``value`` as a YAML scalar: numbers and safe lower-case words plain, the rest in
    double quotes (JSON's escapes are YAML's), so "NO" stays Norway, not false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if _PLAIN.fullmatch(value) and value not in _YAML_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)


def set_field(text: str, path: FieldPath, value: str | int) -> str:
    """``text`` with the field at ``path`` set to ``value`` (inserted when missing)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise FieldEditError(str(exc)) from exc
    if root is None:
        raw = scalar(value) if len(path) == 1 else _flow(path[1:], value)
        return f"{path[0]}: {raw}\n" + text
    if not isinstance(root, yaml.MappingNode):
        raise FieldEditError("not a mapping")
    node: yaml.Node = root
    for depth, key in enumerate(path):
        if not isinstance(node, yaml.MappingNode):
            raise FieldEditError(".".join(path[:depth]))
        child = _child(node, key)
        if child is None:
            raw = scalar(value) if depth == len(path) - 1 else _flow(path[depth + 1 :], value)
            return _insert(text, node, key, raw)
        node = child
    if not isinstance(node, yaml.ScalarNode):
        raise FieldEditError(".".join(path))
    return text[: node.start_mark.index] + scalar(value) + text[node.end_mark.index :]


def _child(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    for key_node, value_node in mapping.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node
    return None


def _flow(path: FieldPath, value: str | int) -> str:
    """A flow mapping holding ``value`` at ``path``: ``{name: "x"}``."""
    raw = scalar(value)
    for key in reversed(path):
        raw = f"{{{key}: {raw}}}"
    return raw


def _insert(text: str, mapping: yaml.MappingNode, key: str, raw: str) -> str:
    """Add ``key: raw`` as the mapping's last entry, in its own style."""
    if mapping.flow_style:
        if not mapping.value:
            at = text.index("{", mapping.start_mark.index) + 1
            return text[:at] + f"{key}: {raw}" + text[at:]
        at = mapping.value[-1][1].end_mark.index
        return text[:at] + f", {key}: {raw}" + text[at:]
    if not mapping.value:  # an empty block mapping cannot exist; be safe anyway
        return text + f"\n{key}: {raw}\n"
    column = mapping.value[0][0].start_mark.column
    end = mapping.value[-1][1].end_mark.index
    while end > 0 and text[end - 1] in " \t\r\n":
        end -= 1
    newline = text.find("\n", end)
    line = " " * column + f"{key}: {raw}\n"
    if newline < 0:
        return text + "\n" + line
    return text[: newline + 1] + line + text[newline + 1 :]


@dataclass
class Checked:
    """One check of the text: the form's fields, the scenario when valid, the problems."""

    text: str
    fields: dict[FieldPath, Any] | None
    scenario: Scenario | None = None
    errors: list[tuple[int | None, str]] = field(default_factory=list)


def check_text(text: str, label: str, intents: IntentIndex) -> Checked:
    """Compute lane: parse and validate ``text`` as the engine would load it."""
    from app.training.schema import scenario_problems

    checked = Checked(text, read_fields(text))
    checked.scenario, problems = scenario_problems(text, label, intents)
    checked.errors = [(error.line, error.problem) for error in problems]
    return checked


def country_codes(team_etiquette: Path) -> list[str]:
    """Countries with an etiquette profile (built-in or the team's)."""
    folders = (resources_dir() / "etiquette" / "profiles", team_etiquette / "profiles")
    codes = {p.stem.upper() for f in folders if f.is_dir() for p in f.glob("*.yaml")}
    return sorted(c for c in codes if len(c) == 2 and c.isalpha())
