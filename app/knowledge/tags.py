"""Tag names in the UI language (``resources/knowledge/tags.yaml``: slug -> names).

Tags are stored and synced as slugs (``refund``, ``cash-on-delivery``): the same in every
language, so a filter or a report counts them alike. Only their display follows the UI
language; a slug the table lacks (a team's own tag) is shown as written.
"""

from __future__ import annotations

from functools import cache

from app.config.paths import resources_dir
from app.domain.datafiles import load_table
from app.domain.lang import wants_chinese


@cache
def _names() -> dict[str, str]:
    """slug -> Simplified Chinese name; empty if the table is missing or broken."""
    names: dict[str, str] = {}
    for slug, entry in load_table(resources_dir() / "knowledge" / "tags.yaml").items():
        name = entry.get("zh_CN") if isinstance(entry, dict) else None
        if isinstance(name, str) and name.strip():
            names[slug] = name.strip()
    return names


def tag_name(slug: str, ui_language: str) -> str:
    """How ``slug`` reads in ``ui_language`` (the slug itself where no name is known)."""
    if wants_chinese(ui_language):
        return _names().get(slug, slug)
    return slug


def known_slugs() -> frozenset[str]:
    """Slugs with a Chinese name (for the completeness test)."""
    return frozenset(_names())
