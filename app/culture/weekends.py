"""The verified weekend table (``resources/etiquette/weekends.yaml``).

CLDR's week data (via babel) is not enough on its own: a territory it lacks silently
gets Saturday–Sunday, it cannot say "Friday and Sunday" (Brunei) and it has no regions
(Malaysia's Kedah, Kelantan and Terengganu rest Friday–Saturday; the UAE's Sharjah
Friday–Sunday). So every country CrossDesk has a profile for has an entry here, with the
page that states it and the date someone checked it; CLDR is only the fallback for other
countries, and the panel says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError

from app.contract.codes import Country
from app.contract.datafile import Strict, problem_text
from app.contract.localized import Localized, LocalText, is_deep_link
from app.culture.profile_schema import WEEKDAYS, Weekday
from app.domain.datafiles import DataFileError, load_yaml


class WeekendSource(Strict):
    title: Annotated[str, Field(min_length=1, max_length=300)]
    url: Annotated[str, Field(pattern=r"^https://\S+$")]


class RegionWeekend(Strict):
    code: Annotated[str, Field(pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$")]
    name: LocalText
    days: list[Weekday] = Field(min_length=1, max_length=3)


class WeekendEntry(Strict):
    country: Country
    days: list[Weekday] = Field(min_length=1, max_length=3)
    source: WeekendSource
    verified: dt.date
    regions: list[RegionWeekend] = Field(default_factory=list)
    note: Annotated[str, Field(max_length=500)] | None = None


@dataclass(frozen=True, slots=True)
class VerifiedWeekend:
    """One country's weekend (weekday numbers, Monday = 0) and its regional exceptions."""

    country: str
    days: tuple[int, ...]
    regions: tuple[tuple[str, Localized, tuple[int, ...]], ...]  # (code, name, days)
    source_url: str
    verified: dt.date

    @property
    def region_days(self) -> tuple[tuple[Localized, tuple[int, ...]], ...]:
        """(name, days) of each region resting on other days, as the live facts take them."""
        return tuple((name, days) for _code, name, days in self.regions)


def _days(names: Sequence[str]) -> tuple[int, ...]:
    return tuple(sorted(WEEKDAYS.index(name) for name in names))


def load_weekends(path: Path) -> tuple[dict[str, VerifiedWeekend], list[DataFileError]]:
    """Every valid entry; a bad one is named (file, entry) and the others still load."""
    try:
        data = load_yaml(path)
    except DataFileError as error:
        return {}, [error]
    entries = data.get("weekends") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return {}, [DataFileError(path, 1, "the file needs a 'weekends' list")]
    table: dict[str, VerifiedWeekend] = {}
    errors: list[DataFileError] = []
    for n, raw in enumerate(entries):
        try:
            entry = WeekendEntry.model_validate(raw)
        except ValidationError as exc:
            errors.append(
                DataFileError(path, None, f"entry {n + 1}: {problem_text(exc.errors()[0])}")
            )
            continue
        if not is_deep_link(entry.source.url):
            errors.append(DataFileError(path, None, f"{entry.country}: the source is a home page"))
            continue
        regions = tuple((r.code, r.name, _days(r.days)) for r in entry.regions)
        table[entry.country] = VerifiedWeekend(
            entry.country, _days(entry.days), regions, entry.source.url, entry.verified
        )
    return table, errors
