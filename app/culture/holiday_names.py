"""Holiday names in the agent's language.

The ``holidays`` package names holidays in English for most countries and in Chinese
for a few; a data table (``resources/etiquette/holiday_names.yaml``, English name ->
Simplified Chinese) covers the rest, so a Chinese side panel shows 开斋节, not "Eid al-Fitr".
Names the package builds from a base name ("Christmas Day (observed)") are translated
part by part; a name the table lacks stays English (the completeness test lists them for
every profile country, so none is missing in the markets CrossDesk ships for).
"""

from __future__ import annotations

import re
from functools import cache

from app.config.paths import resources_dir
from app.domain.datafiles import load_table
from app.domain.lang import wants_chinese

_SUFFIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Day off \(substituted from (?P<day>[\d/.-]+)\)$"), "调休（由{day}调来）"),
    (re.compile(r"^(?P<base>.+) \(observed, estimated\)$"), "{base}（补休，日期为预计）"),
    (re.compile(r"^(?P<base>.+) \(observed\)$"), "{base}（补休）"),
    (re.compile(r"^(?P<base>.+) \(in lieu\)$"), "{base}（补休）"),
    (re.compile(r"^(?P<base>.+) \(estimated\)$"), "{base}（日期为预计）"),
    (re.compile(r"^(?P<base>.+) \(substituted from (?P<day>[\d/.-]+)\)$"), "{base}（由{day}调休）"),
)


@cache
def chinese_names() -> dict[str, str]:
    """The table; empty (names stay English) if the file is missing or broken."""
    table = load_table(resources_dir() / "etiquette" / "holiday_names.yaml")
    return {key: value for key, value in table.items() if isinstance(value, str) and value.strip()}


def holiday_name(name: str, ui_language: str) -> str:
    """``name`` (as the ``holidays`` package gives it) in ``ui_language``."""
    if not wants_chinese(ui_language):
        return name
    return "；".join(_one(part) for part in name.split("; "))


def _one(name: str) -> str:
    table = chinese_names()
    if name in table:
        return table[name]
    for pattern, template in _SUFFIXES:
        match = pattern.match(name)
        if match:
            parts = match.groupdict()
            base = parts.get("base")
            if base is not None and base not in table:
                return name
            return template.format(**{**parts, "base": table.get(base or "", "")})
    return name


def missing_names(names: set[str]) -> list[str]:
    """Names that would stay English in a Chinese UI (for the completeness test)."""
    return sorted(name for name in names if holiday_name(name, "zh_CN") == name)
