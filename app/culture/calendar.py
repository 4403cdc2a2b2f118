"""The customer's calendar: public holidays and Islamic observances, grouped into breaks.

Public holidays come from the ``holidays`` package, observances from the Umm al-Qura
tables of ``hijridate``; both are cached per year because building them is slow. Kept
apart from :mod:`app.culture.facts` (which assembles the side panel's live facts) so
each file says one thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from functools import lru_cache

from hijridate import Gregorian, Hijri

from app.i18n import N_

ISLAMIC_OBSERVANCES = frozenset({"ramadan", "eid_al_fitr", "eid_al_adha", "islamic_new_year"})

# Observance names shown in the holiday list (the UI may translate them).
OBSERVANCE_NAMES = {
    "ramadan": N_("Ramadan begins"),
    "eid_al_fitr": N_("Eid al-Fitr"),
    "eid_al_adha": N_("Eid al-Adha"),
    "islamic_new_year": N_("Islamic New Year"),
}
# Public-holiday names that already stand for an observance (so it is not listed twice).
_SAME_AS_PUBLIC = {
    "ramadan": "ramadan",
    "eid_al_fitr": "eid al-fitr",
    "eid_al_adha": "eid al-adha",
    "islamic_new_year": "islamic new year",
}


class HolidayKind(Enum):
    PUBLIC = "public"  # a day off by law (``holidays`` package)
    OBSERVANCE = "observance"  # a religious period (Umm al-Qura), not necessarily a day off


@dataclass(frozen=True, slots=True)
class Holiday:
    """A public holiday (``holidays`` package) or an Islamic observance (Umm al-Qura)."""

    day: date
    name: str
    kind: HolidayKind


@lru_cache(maxsize=256)
def _holiday_language(country: str) -> str | None:
    """English names where the country class has them (``en_US``, else any ``en``)."""
    import holidays  # ~70 ms to import: on the compute lane at first use, not at start-up

    supported = holidays.country_holidays(country).supported_languages
    if "en_US" in supported:
        return "en_US"
    return next((lang for lang in supported if lang.startswith("en")), None)


@lru_cache(maxsize=512)
def public_holidays(country: str, year: int) -> tuple[Holiday, ...] | None:
    """One country's public holidays in one year; ``None`` if the library lacks it."""
    import holidays

    try:
        language = _holiday_language(country)
        table = holidays.country_holidays(country, years=year, language=language)
    except NotImplementedError:  # what the library raises for a country it lacks
        return None
    return tuple(
        Holiday(day, name, HolidayKind.PUBLIC)
        for day in sorted(table)
        for name in table.get_list(day)
    )


@lru_cache(maxsize=4096)
def hijri_date(day: date) -> tuple[int, int, int] | None:
    """(year, month, day) in the Umm al-Qura calendar; ``None`` outside its tables."""
    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    except OverflowError:  # Umm al-Qura tables cover 1924-08-01 .. 2077-11-16
        return None
    return hijri.year, hijri.month, hijri.day


@lru_cache(maxsize=64)
def islamic_year(year: int) -> dict[str, tuple[date, date]] | None:
    """Gregorian dates of one Hijri year's observances as (first day, last day)."""

    def gregorian(month: int, day: int) -> date:
        converted = Hijri(year, month, day).to_gregorian()
        return date(converted.year, converted.month, converted.day)

    try:
        ramadan_days = Hijri(year, 9, 1).month_length()
        return {
            "islamic_new_year": (gregorian(1, 1), gregorian(1, 1)),
            "ramadan": (gregorian(9, 1), gregorian(9, ramadan_days)),
            # Eid al-Fitr is kept three days and Eid al-Adha four; greetings fit all of them.
            "eid_al_fitr": (gregorian(10, 1), gregorian(10, 3)),
            "eid_al_adha": (gregorian(12, 10), gregorian(12, 13)),
        }
    except (OverflowError, ValueError):  # outside the tables (AH 1343-1500)
        return None


# --- grouping -----------------------------------------------------------------------


def holiday_runs(days: list[Holiday], weekend: tuple[int, ...]) -> list[tuple[date, date, str]]:
    """Group public-holiday days into breaks: (first day, last day, first day's names).

    Days one apart, or separated only by weekend days, belong to the same break, so a
    week-long holiday (Chinese New Year, Eid) is one line of advice, not six.
    """
    by_day: dict[date, list[str]] = {}
    for holiday in days:
        by_day.setdefault(holiday.day, []).append(holiday.name)
    runs: list[tuple[date, date, str]] = []
    for day in sorted(by_day):
        if runs:
            first, last, names = runs[-1]
            gap = (last + timedelta(days=i) for i in range(1, (day - last).days))
            if all(d.weekday() in weekend for d in gap):
                runs[-1] = (first, day, names)
                continue
        runs.append((day, day, " / ".join(dict.fromkeys(by_day[day]))))
    return runs


def islamic_observances(
    wanted: frozenset[str], today: date, horizon: date, public: list[Holiday]
) -> tuple[list[Holiday], set[str], tuple[date, date] | None, bool]:
    """Observances starting in [today, horizon], those under way today, this Ramadan.

    The last value is False when today is outside the Umm al-Qura tables.
    """
    hijri = hijri_date(today)
    if hijri is None:
        return [], set(), None, False
    starting: list[Holiday] = []
    now: set[str] = set()
    ramadan: tuple[date, date] | None = None
    for hijri_year in (hijri[0] - 1, hijri[0], hijri[0] + 1):
        spans = islamic_year(hijri_year) or {}
        for name in sorted(wanted & spans.keys()):
            first, last = spans[name]
            if first <= today <= last:
                now.add(name)
                if name == "ramadan":
                    ramadan = (first, last)
            already_public = any(
                h.day == first and _SAME_AS_PUBLIC[name] in h.name.casefold() for h in public
            )
            if today <= first <= horizon and not already_public:
                starting.append(Holiday(first, OBSERVANCE_NAMES[name], HolidayKind.OBSERVANCE))
    return starting, now, ramadan, True
