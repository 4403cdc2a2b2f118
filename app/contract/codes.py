"""Validated codes for data files: ISO countries, CLDR language tags, IANA time zones.

Shared by every schema that names a place, a language or a zone (the demo workspace,
the etiquette profiles), so a code is checked the same way everywhere.
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Annotated

from babel import Locale, UnknownLocaleError
from pydantic import AfterValidator


@cache
def territories() -> frozenset[str]:
    return frozenset(
        code for code in Locale("en").territories if isinstance(code, str) and code.isalpha()
    )


def check_country(code: str) -> str:
    if code not in territories():
        raise ValueError(f"'{code}' is not an ISO 3166-1 alpha-2 country code (e.g. 'BR', 'JP')")
    return code


def check_language(tag: str) -> str:
    try:
        Locale.parse(tag, sep="-")
    except (ValueError, UnknownLocaleError) as exc:
        raise ValueError(f"'{tag}' is not a BCP 47 language tag known to CLDR: {exc}") from exc
    return tag


def check_timezone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"'{name}' is not an IANA time zone (e.g. 'Asia/Tokyo')") from exc
    return name


Country = Annotated[str, AfterValidator(check_country)]
Language = Annotated[str, AfterValidator(check_language)]
TimeZone = Annotated[str, AfterValidator(check_timezone)]
