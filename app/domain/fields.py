"""Backend fields on a customer or a conversation (order number, order status, plan...).

They come from a team's server, so they are bounded and checked here once, for the
contract, the store and the side panel alike: at most :data:`MAX_FIELDS` pairs, keys and
values cut to a length, values a string, number or boolean; anything else is dropped.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

MAX_FIELDS = 30
MAX_KEY_CHARS = 64
MAX_VALUE_CHARS = 500
MAX_JSON_CHARS = 64_000  # a stored document longer than this is not even parsed

FieldValue = str | int | float | bool
Fields = dict[str, FieldValue]


def clean_fields(raw: object) -> Fields:
    """The usable part of ``raw`` (a mapping, normally): bounded, scalar values only.

    Hostile input (not a mapping, nested objects, NaN, huge strings, too many keys) never
    raises: what cannot be shown safely is left out.
    """
    if not isinstance(raw, Mapping):
        return {}
    cleaned: Fields = {}
    for key, value in raw.items():
        if len(cleaned) >= MAX_FIELDS:
            break
        if not isinstance(key, str) or not key.strip():
            continue
        name = key.strip()[:MAX_KEY_CHARS]
        if isinstance(value, bool):
            cleaned[name] = value
        elif isinstance(value, int):
            if abs(value) < 10**18:
                cleaned[name] = value
        elif isinstance(value, float):
            if math.isfinite(value):
                cleaned[name] = value
        elif isinstance(value, str):
            cleaned[name] = value[:MAX_VALUE_CHARS]
    return cleaned


def fields_from_json(text: str | None) -> Fields:
    """Fields stored as JSON text; a broken or oversized document gives no fields."""
    if not text or len(text) > MAX_JSON_CHARS:
        return {}
    try:
        return clean_fields(json.loads(text))
    except (ValueError, RecursionError):
        return {}


def fields_to_json(fields: Mapping[str, object]) -> str:
    """The stored form (cleaned first, so the store never holds what would be dropped)."""
    return json.dumps(clean_fields(fields), ensure_ascii=False, sort_keys=True)


def field_label(key: str) -> str:
    """``order_number`` -> ``Order number``: keys as an agent reads them."""
    words = key.replace("_", " ").replace("-", " ").split()
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def field_text(value: FieldValue, yes: str, no: str) -> str:
    """A value as plain text (``yes``/``no``: the UI's words for booleans)."""
    if isinstance(value, bool):
        return yes if value else no
    return str(value)
