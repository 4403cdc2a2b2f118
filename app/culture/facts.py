"""Live facts for the customer beside a conversation, computed for "now".

Local time and business hours, the local weekend (CLDR via babel), public holidays
(the ``holidays`` package), Islamic observances (Umm al-Qura via ``hijridate``) and
the customer's currency, number and date formats (babel), with short advice.

Everything comes from maintained data, not hand tables, so a change such as the
UAE's 2022 move to a Saturday–Sunday weekend arrives with a library update. Bad
input never raises: what cannot be computed is named in ``problems`` and the rest is
still computed. Holiday tables are cached per (country, year) because building them
is slow; a warm call takes well under a millisecond.

Advice is an English template marked with ``N_`` plus already-formatted values; the
UI translates the template. Values are locale-neutral (ISO dates, 24-hour times,
English country and holiday names) because the UI language is not known here.
Holidays and observances themselves live in :mod:`app.culture.calendar`.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date
from babel.numbers import (
    format_currency,
    format_decimal,
    get_decimal_symbol,
    get_territory_currencies,
)

from app.culture.calendar import (
    ISLAMIC_OBSERVANCES,
    OBSERVANCE_NAMES,
    Holiday,
    HolidayKind,
    holiday_runs,
    islamic_observances,
    public_holidays,
)
from app.i18n import N_

if TYPE_CHECKING:
    from app.contract.localized import Localized

DEFAULT_HOURS = ("09:00", "18:00")
UPCOMING_DAYS = 30  # the panel lists holidays up to this many days ahead
SOON_DAYS = 7  # ... and advises on those starting within this many days

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_QUOTED = re.compile(r"'[^']*'")
_EXAMPLE_AMOUNT = 1234.56


class AdviceKind(Enum):
    """What a line of advice is about (tests and the panel pick lines by it)."""

    AFTER_HOURS = "after_hours"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    OBSERVANCE = "observance"
    UPCOMING = "upcoming"
    FORMATS = "formats"


@dataclass(frozen=True, slots=True)
class Advice:
    """One line of advice: an ``N_`` template and the values to fill it with."""

    kind: AdviceKind
    template: str
    params: dict[str, str]

    def text(self) -> str:
        """The English text (logs, tests); the UI shows ``_(template)`` filled instead."""
        return self.template.format(**self.params)


@dataclass(frozen=True, slots=True)
class LocalFacts:
    """What the side panel shows about the customer's "now"; ``None`` means unknown."""

    country: str | None
    timezone: str | None
    local_time: datetime | None  # aware, in the customer's zone
    in_business_hours: bool | None
    business_hours: tuple[str, str] | None
    weekend: tuple[int, ...]  # weekday numbers, Monday = 0
    weekend_regions: tuple[tuple[Localized, tuple[int, ...]], ...]  # regions resting otherwise
    is_weekend: bool | None
    holidays_today: tuple[Holiday, ...]
    upcoming: tuple[Holiday, ...]  # the next 30 days (after today), sorted
    observances_now: frozenset[str]  # e.g. {"ramadan"}, for the draft checker
    currency: str | None  # ISO 4217
    currency_example: str | None  # e.g. "R$ 1.234,56" for pt_BR
    date_example: str | None  # today's date in the customer's short format
    day_first: bool | None  # whether the customer's locale writes the day before the month
    advice: tuple[Advice, ...]
    problems: tuple[str, ...]  # shown to the agent, never raised


# --- cached look-ups (each is slow the first time, microseconds afterwards) ---------


@lru_cache(maxsize=1)
def _english() -> Locale:
    return Locale("en")


@lru_cache(maxsize=1)
def _territories() -> frozenset[str]:
    return frozenset(
        code for code in _english().territories if isinstance(code, str) and code.isalpha()
    )


def _country_name(code: str) -> str:
    return _english().territories.get(code, code)


@lru_cache(maxsize=512)
def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder name
        return None


@lru_cache(maxsize=512)
def _locale(tag: str) -> Locale | None:
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


@lru_cache(maxsize=512)
def _region_locale(country: str) -> Locale | None:
    """The locale CLDR considers likeliest for a territory (``und_SA`` -> ``ar_SA``).

    Week data (the weekend) is per territory in CLDR, and babel exposes it through a
    locale of that territory; this is also the format fallback when no locale is given.
    """
    found = _locale(f"und_{country}")
    if found is not None:
        return found
    for language in get_global("territory_languages").get(country, {}):
        found = _locale(f"{language}_{country}")
        if found is not None:
            return found
    return None


@lru_cache(maxsize=512)
def _format_locale(tag: str, country: str | None) -> Locale | None:
    """The customer's locale; a bare language gets the country's region if CLDR has it
    (``pt`` in Portugal formats as ``pt_PT``, not as Brazilian ``pt``)."""
    found = _locale(tag)
    if found is None or found.territory or country is None:
        return found
    return _locale(f"{found.language}_{country}") or found


@lru_cache(maxsize=512)
def _cldr_weekend(country: str) -> tuple[int, ...]:
    """Weekend weekdays (Monday = 0) as CLDR has them: only a fallback, as CLDR gives
    Saturday–Sunday to a territory it lacks and cannot say "Friday and Sunday"."""
    region = _region_locale(country) or _english()
    start, end = region.weekend_start, region.weekend_end
    return tuple((start + offset) % 7 for offset in range((end - start) % 7 + 1))


@lru_cache(maxsize=512)
def _day_first(locale: Locale) -> bool | None:
    pattern = _QUOTED.sub("", locale.date_formats["short"].pattern)
    day = pattern.find("d")
    month = min((i for i in (pattern.find("M"), pattern.find("L")) if i >= 0), default=-1)
    if day < 0 or month < 0:
        return None
    return day < month


@lru_cache(maxsize=512)
def _amount_examples(locale: Locale, currency: str | None) -> tuple[str | None, str, bool]:
    """1234.56 as a price and as a number in the locale, and whether it uses a decimal comma."""
    amount = None
    if currency is not None:
        amount = format_currency(_EXAMPLE_AMOUNT, currency, locale=locale)
    number = format_decimal(_EXAMPLE_AMOUNT, locale=locale)
    return amount, number, get_decimal_symbol(locale) == ","


@lru_cache(maxsize=512)
def _currency(country: str, day: date) -> str | None:
    """The country's main legal tender on that day (CLDR lists the current one first)."""
    currencies = get_territory_currencies(country, day)
    return currencies[0] if currencies else None


# --- small helpers -------------------------------------------------------------------


def _clock(value: object) -> time | None:
    match = _HHMM.match(value) if isinstance(value, str) else None
    return time(int(match[1]), int(match[2])) if match else None


def _within(moment: time, start: time, end: time) -> bool:
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end  # hours that run past midnight


def _days_label(days: tuple[int, ...]) -> str:
    names = _english().days["format"]["abbreviated"]
    if not days:
        return ""
    if len(days) == 1:
        return names[days[0]]
    if any(b - a != 1 for a, b in pairwise(days)):  # Brunei: Fri, Sun
        return ", ".join(names[day] for day in days)
    return f"{names[days[0]]}–{names[days[-1]]}"


def _iso(day: date) -> str:
    return day.isoformat()


# --- the computation -----------------------------------------------------------------


def _timing_advice(
    *,
    local_time: datetime | None,
    hours: tuple[time, time],
    place: str,
    weekend: tuple[int, ...],
    is_weekend: bool | None,
    public: list[Holiday],
    today: date,
) -> list[Advice]:
    """After hours, weekend, a public holiday today, a break starting within a week."""
    advice: list[Advice] = []
    if local_time is not None and not _within(local_time.time(), *hours):
        template = N_(
            "It is {time} for this customer: a short reply now, the full answer in their morning."
        )
        advice.append(
            Advice(AdviceKind.AFTER_HOURS, template, {"time": local_time.strftime("%H:%M")})
        )
    if is_weekend:
        template = N_("It is the weekend in {country} ({days}): banks and carriers are slower.")
        advice.append(
            Advice(AdviceKind.WEEKEND, template, {"country": place, "days": _days_label(weekend)})
        )
    runs = holiday_runs(public, weekend)
    if runs and runs[0][0] == today:
        _first, last, names = runs.pop(0)
        params = {"holiday": names, "country": place}
        if last > today:
            template = N_("Today is {holiday}, a public holiday in {country}, off until {end}.")
            advice.append(Advice(AdviceKind.HOLIDAY, template, {**params, "end": _iso(last)}))
        else:
            template = N_("Today is {holiday}, a public holiday in {country}.")
            advice.append(Advice(AdviceKind.HOLIDAY, template, params))
    for first, last, names in runs:
        if (first - today).days > SOON_DAYS:
            break
        if first == last:
            template = N_("{holiday} on {date}: set delivery expectations now.")
            advice.append(
                Advice(AdviceKind.UPCOMING, template, {"holiday": names, "date": _iso(first)})
            )
        else:
            template = N_("{holiday}, {start} to {end}: set delivery expectations now.")
            params = {"holiday": names, "start": _iso(first), "end": _iso(last)}
            advice.append(Advice(AdviceKind.UPCOMING, template, params))
    return advice


def _observance_advice(
    now: set[str], ramadan: tuple[date, date] | None, starting: list[Holiday], today: date
) -> list[Advice]:
    """Ramadan under way or about to begin, and Eid greetings."""
    advice: list[Advice] = []
    if ramadan is not None:
        template = N_(
            "Ramadan ({start} – {end}, ±1 day depending on the moon sighting): offers are "
            "welcome, but keep the tone calm: no hard-sell urgency (“buy now”, “last chance”) "
            "and no food or drink imagery in fasting hours; greet with “Ramadan Kareem” "
            "(رمضان كريم)."
        )
        params = {"start": _iso(ramadan[0]), "end": _iso(ramadan[1])}
        advice.append(Advice(AdviceKind.OBSERVANCE, template, params))
    for holiday in starting:
        soon = 0 < (holiday.day - today).days <= SOON_DAYS
        if holiday.name == OBSERVANCE_NAMES["ramadan"] and soon:
            template = N_(
                "Ramadan is expected to begin on {date} (±1 day, depending on the moon "
                "sighting): plan offers and deliveries around it."
            )
            advice.append(Advice(AdviceKind.UPCOMING, template, {"date": _iso(holiday.day)}))
    if "eid_al_fitr" in now:
        template = N_("Eid al-Fitr: greet with “Eid Mubarak” (عيد مبارك).")
        advice.append(Advice(AdviceKind.OBSERVANCE, template, {}))
    if "eid_al_adha" in now:
        template = N_("Eid al-Adha: greet with “Eid Mubarak” (عيد مبارك).")
        advice.append(Advice(AdviceKind.OBSERVANCE, template, {}))
    return advice


def _format_advice(number: str, decimal_comma: bool, day_first: bool | None) -> list[Advice]:
    """Formats a Chinese agent may misread; the examples themselves are shown as facts."""
    advice: list[Advice] = []
    if decimal_comma:
        template = N_("The comma is the decimal mark here: {number} means 1234.56.")
        advice.append(Advice(AdviceKind.FORMATS, template, {"number": number}))
    if day_first:
        template = N_("Dates are written day first here: 03/04 means 3 April.")
        advice.append(Advice(AdviceKind.FORMATS, template, {}))
    return advice


def compute_facts(
    *,
    country: str | None,
    timezone: str | None,
    locale: str | None,
    now: datetime,
    business_hours: tuple[str, str] | None = None,
    observances: frozenset[str] = frozenset(),
    weekend: tuple[int, ...] | None = None,
    weekend_regions: tuple[tuple[Localized, tuple[int, ...]], ...] = (),
) -> LocalFacts:
    """Facts about the customer's "now" for the side panel; never raises on bad input.

    ``now`` is an aware instant (tests and trainers pass a fixed one). ``business_hours``
    and ``observances`` come from the customer's etiquette profile; ``weekend`` and
    ``weekend_regions`` (name, days) from the verified weekend table: without them CLDR's
    weekend is used and the problems say it is unverified.
    """
    problems: list[str] = []

    code = (country or "").strip().upper() or None
    if code is not None and code not in _territories():
        problems.append(f"unknown country '{country}'")
        code = None
    elif code is None:
        problems.append("no country: weekend, public holidays and currency unknown")

    if now.tzinfo is None or now.utcoffset() is None:
        problems.append("'now' has no time zone; read as UTC")
        now = now.replace(tzinfo=UTC)
    zone = _zone(timezone) if timezone else None
    local_time = now.astimezone(zone) if zone is not None else None
    if local_time is not None:
        today = local_time.date()
    else:
        if timezone:
            problems.append(f"unknown time zone '{timezone}': local time unknown")
        else:
            problems.append("no time zone: local time and business hours unknown")
        today = now.astimezone(UTC).date()
        if code is not None:
            problems.append("'today' is taken as the UTC date")

    hours, start, end = DEFAULT_HOURS, time(9), time(18)
    if business_hours:
        given = tuple(business_hours)
        first, last = (_clock(given[0]), _clock(given[1])) if len(given) == 2 else (None, None)
        if first is None or last is None or first == last:
            shown = "–".join(map(str, given))
            problems.append(f"business hours '{shown}' unreadable; using 09:00–18:00")
        else:
            hours, start, end = (given[0], given[1]), first, last

    days_off: tuple[int, ...] = ()
    is_weekend: bool | None = None
    horizon = today + timedelta(days=UPCOMING_DAYS)
    public: list[Holiday] = []
    if code is not None:
        if weekend:
            days_off = tuple(sorted(weekend))
        else:
            days_off = _cldr_weekend(code)
            problems.append(
                f"no verified weekend for {_country_name(code)}: CLDR's "
                f"{_days_label(days_off)} shown, unchecked"
            )
        is_weekend = today.weekday() in days_off
        for year in range(today.year, horizon.year + 1):  # the window may cross New Year
            table = public_holidays(code, year)
            if table is None:
                problems.append(f"no public-holiday data for {_country_name(code)} ({code})")
                break
            public += [h for h in table if today <= h.day <= horizon]

    observances = frozenset(observances)
    unknown = sorted(observances - ISLAMIC_OBSERVANCES)
    if unknown:
        problems.append(f"unknown observance(s): {', '.join(unknown)}")
    starting: list[Holiday] = []
    observances_now: set[str] = set()
    ramadan: tuple[date, date] | None = None
    wanted = frozenset(observances & ISLAMIC_OBSERVANCES)
    if wanted:
        starting, observances_now, ramadan, covered = islamic_observances(
            wanted, today, horizon, public
        )
        if not covered:
            problems.append("Islamic calendar (Umm al-Qura) has no dates for today")

    every = sorted(
        public + starting, key=lambda h: (h.day, h.kind is not HolidayKind.PUBLIC, h.name)
    )
    holidays_today = tuple(h for h in every if h.day == today)
    public_today = any(h.kind is HolidayKind.PUBLIC for h in holidays_today)
    in_hours = None
    if local_time is not None:
        on_clock = _within(local_time.time(), start, end)
        in_hours = on_clock and not is_weekend and not public_today

    currency = _currency(code, today) if code is not None else None
    fmt: Locale | None = None
    if locale:
        fmt = _format_locale(locale, code)
        if fmt is None:
            problems.append(f"unknown locale '{locale}'")
    if fmt is None and code is not None:
        fmt = _region_locale(code)
        if fmt is not None:
            missing = "" if locale else "no locale: "
            problems.append(f"{missing}formats assumed from the country ({fmt})")
    if fmt is None and not locale:
        problems.append("no locale: number and date formats unknown")
    amount = date_example = None
    day_first: bool | None = None

    place = _country_name(code) if code else ""
    advice = _timing_advice(
        local_time=local_time,
        hours=(start, end),
        place=place,
        weekend=days_off,
        is_weekend=is_weekend,
        public=public,
        today=today,
    )
    advice += _observance_advice(observances_now, ramadan, starting, today)
    if fmt is not None:
        amount, number, decimal_comma = _amount_examples(fmt, currency)
        date_example = format_date(today, "short", locale=fmt)
        day_first = _day_first(fmt)
        advice += _format_advice(number, decimal_comma, day_first)

    return LocalFacts(
        country=code,
        timezone=timezone if local_time is not None else None,
        local_time=local_time,
        in_business_hours=in_hours,
        business_hours=hours,
        weekend=days_off,
        weekend_regions=weekend_regions if code is not None else (),
        is_weekend=is_weekend,
        holidays_today=holidays_today,
        upcoming=tuple(h for h in every if h.day > today),
        observances_now=frozenset(observances_now),
        currency=currency,
        currency_example=amount,
        date_example=date_example,
        day_first=day_first,
        advice=tuple(advice),
        problems=tuple(problems),
    )
