"""Data-subject requests (issue 17): what a customer asked, under which law, and by when.

Pure values and date arithmetic. The deadline is counted in the customer's time zone from
the day the request was received, and a request is due at the END of its last day (the
law gives the whole day). Calendar months keep the day number and are clamped to the
month's end (31 January + 1 month = 28/29 February); business days skip the country's
weekend and public holidays, which the caller passes in (the domain knows no calendars).
A law that sets no fixed period gets the team default of :data:`TEAM_DEFAULT_DAYS`, and
the rule says so (``statutory`` is false) so nothing pretends the law set it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.domain.errors import N_, LocalizedError

TEAM_DEFAULT_DAYS = 30  # what the team allows itself where the law says "without undue delay"
NOTE_MAX_CHARS = 2000  # an agent's note on a request
MAX_RULE_JSON = 500  # a stored rule is a handful of numbers
_BUSINESS_DAY_WALK = 3 * 366  # a calendar with no working day is a data error, not a loop


class RequestKind(StrEnum):
    """What the customer asked for."""

    ACCESS = "access"
    CORRECT = "correct"
    EXPORT = "export"
    ERASE = "erase"


class RequestStatus(StrEnum):
    OPEN = "open"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"


KIND_LABELS: dict[RequestKind, str] = {
    RequestKind.ACCESS: N_("Access"),
    RequestKind.CORRECT: N_("Correct"),
    RequestKind.EXPORT: N_("Export"),
    RequestKind.ERASE: N_("Erase"),
}


class DataRequestError(LocalizedError):
    """A request operation that cannot be done; the message says why (shown to the agent)."""


def never(_day: dt.date) -> bool:
    """No public holidays (a country the holiday library does not know)."""
    return False


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """The period a law gives to answer (a plain copy of the profile's ``RequestDeadline``).

    At most one of ``days``/``months``; neither only in :data:`TEAM_DEFAULT` (no
    statutory period). The extension is added to the period, never replaces it.
    """

    days: int | None = None
    months: int | None = None
    business_days: bool = False
    extension_days: int | None = None
    extension_months: int | None = None
    statutory: bool = True

    @property
    def extendable(self) -> bool:
        return bool(self.extension_days or self.extension_months)

    def to_json(self) -> str:
        return json.dumps(
            {
                "days": self.days,
                "months": self.months,
                "business_days": self.business_days,
                "extension_days": self.extension_days,
                "extension_months": self.extension_months,
                "statutory": self.statutory,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> DeadlineRule:
        """The stored rule; a damaged one reads as the team default (never a crash)."""
        try:
            data = json.loads(text[:MAX_RULE_JSON])
            rule = cls(
                days=_count(data.get("days"), 365),
                months=_count(data.get("months"), 12),
                business_days=bool(data.get("business_days")),
                extension_days=_count(data.get("extension_days"), 365),
                extension_months=_count(data.get("extension_months"), 12),
                statutory=bool(data.get("statutory", True)),
            )
        except (ValueError, TypeError, AttributeError):
            return TEAM_DEFAULT
        return rule if rule.days or rule.months else TEAM_DEFAULT


def _count(value: object, most: int) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= most:
        raise ValueError(value)
    return value


TEAM_DEFAULT = DeadlineRule(days=TEAM_DEFAULT_DAYS, statutory=False)


def zone(name: str | None) -> dt.tzinfo:
    """The customer's zone; UTC when it is missing or unknown (a bad record, not a crash)."""
    try:
        return ZoneInfo(name) if name else dt.UTC
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day number ``months`` later, clamped to that month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_business_days(
    day: dt.date, count: int, weekend: tuple[int, ...], is_holiday: Callable[[dt.date], bool]
) -> dt.date:
    """The ``count``-th working day after ``day`` (the day received does not count)."""
    found = 0
    for _ in range(_BUSINESS_DAY_WALK):
        day += dt.timedelta(days=1)
        if day.weekday() not in weekend and not is_holiday(day):
            found += 1
            if found == count:
                return day
    raise DataRequestError(N_("The calendar of this country has no working days."))


def _add_days(
    day: dt.date,
    count: int,
    business: bool,
    weekend: tuple[int, ...],
    is_holiday: Callable[[dt.date], bool],
) -> dt.date:
    if business:
        return add_business_days(day, count, weekend, is_holiday)
    return day + dt.timedelta(days=count)


def end_of_day(day: dt.date, tz: dt.tzinfo) -> int:
    """The last second of ``day`` in ``tz`` (epoch seconds), daylight saving included."""
    following = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return int(following.timestamp()) - 1


def received_day(moment: int, timezone: str | None) -> dt.date:
    """The customer's calendar day at ``moment``."""
    return dt.datetime.fromtimestamp(moment, zone(timezone)).date()


def due_day(
    opened: dt.date,
    rule: DeadlineRule,
    *,
    weekend: tuple[int, ...] = (5, 6),
    is_holiday: Callable[[dt.date], bool] = never,
) -> dt.date:
    """The last day of the period (before any extension)."""
    if rule.months:
        return add_months(opened, rule.months)
    return _add_days(
        opened, rule.days or TEAM_DEFAULT_DAYS, rule.business_days, weekend, is_holiday
    )


def extended_day(
    opened: dt.date,
    rule: DeadlineRule,
    *,
    weekend: tuple[int, ...] = (5, 6),
    is_holiday: Callable[[dt.date], bool] = never,
) -> dt.date | None:
    """The last day with the extension the law allows (None: it allows none).

    Months on months are counted from the day received (1 + 2 months from 31 January is
    30 April, not 28 April); otherwise the extension runs on from the first due day.
    """
    if not rule.extendable:
        return None
    if rule.months and rule.extension_months:
        return add_months(opened, rule.months + rule.extension_months)
    first = due_day(opened, rule, weekend=weekend, is_holiday=is_holiday)
    if rule.extension_months:
        return add_months(first, rule.extension_months)
    return _add_days(first, rule.extension_days or 0, rule.business_days, weekend, is_holiday)


def due_moment(
    opened_at: int,
    rule: DeadlineRule,
    timezone: str | None,
    *,
    weekend: tuple[int, ...] = (5, 6),
    is_holiday: Callable[[dt.date], bool] = never,
) -> int:
    """When a request received at ``opened_at`` is due: the end of its last day, in the
    customer's zone."""
    opened = received_day(opened_at, timezone)
    return end_of_day(due_day(opened, rule, weekend=weekend, is_holiday=is_holiday), zone(timezone))


def extended_moment(
    opened_at: int,
    rule: DeadlineRule,
    timezone: str | None,
    *,
    weekend: tuple[int, ...] = (5, 6),
    is_holiday: Callable[[dt.date], bool] = never,
) -> int | None:
    """When it is due once extended (None: the law allows no extension)."""
    opened = received_day(opened_at, timezone)
    day = extended_day(opened, rule, weekend=weekend, is_holiday=is_holiday)
    return None if day is None else end_of_day(day, zone(timezone))


@dataclass(frozen=True, slots=True)
class DataRequest:
    """One recorded request. After an erasure it holds no personal data of the customer:
    ``customer_id`` is gone, the opaque ``customer_uid``, law, dates and counts remain."""

    id: int
    uid: str
    kind: RequestKind
    customer_id: int | None
    customer_uid: str | None
    country: str
    law_en: str
    law_zh: str
    source_url: str | None
    rule: DeadlineRule
    opened_at: int
    due_at: int
    extended_due_at: int | None
    status: RequestStatus
    fulfilled_at: int | None
    fulfilled_by: int | None
    note: str
    outcome: dict[str, int]
    timezone: str

    @property
    def current_due_at(self) -> int:
        """The deadline that applies now (the extended one once extended)."""
        return self.extended_due_at or self.due_at


MIN_NEEDLE = 4  # shorter names/handles would match unrelated text ("Li", "Bo")
MIN_PHONE_DIGITS = 7
_PHONE_RUN = re.compile(r"\+?\d[\d\s().\-]{5,}\d")


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


@dataclass(frozen=True, slots=True)
class PersonalData:
    """The strings that identify one customer (names, e-mail addresses, phone numbers,
    handles), to find the texts outside their conversations that still carry them.

    Matching ignores case; a phone number also matches however it is spaced
    ("+55 11 98765-4321" in "(11) 987654321"); strings shorter than :data:`MIN_NEEDLE`
    are not looked for (they would match other people's text).
    """

    needles: tuple[str, ...]
    phones: tuple[str, ...]

    @classmethod
    def of(cls, names: Iterable[str], handles: Iterable[str]) -> PersonalData:
        needles: list[str] = []
        phones: list[str] = []
        for value in (*names, *handles):
            text = " ".join(value.split()).casefold()
            if len(text) >= MIN_NEEDLE and text not in needles:
                needles.append(text)
            digits = _digits(value)
            if len(digits) >= MIN_PHONE_DIGITS and len(digits) * 2 >= len(value.strip()):
                phones.append(digits[-9:])  # the subscriber part, without country/area codes
        return cls(tuple(needles), tuple(dict.fromkeys(phones)))

    def carried_by(self, text: str) -> bool:
        """Whether ``text`` names this customer."""
        if not text:
            return False
        folded = " ".join(text.split()).casefold()
        if any(needle in folded for needle in self.needles):
            return True
        if self.phones:
            for run in _PHONE_RUN.findall(text):
                digits = _digits(run)
                if any(phone in digits for phone in self.phones):
                    return True
        return False

    def scrub(self, text: str, mark: str = "[erased]") -> str:
        """``text`` with every occurrence of this customer's strings replaced by ``mark``."""
        for needle in sorted(self.needles, key=len, reverse=True):
            text = re.sub(re.escape(needle).replace(r"\ ", r"\s+"), mark, text, flags=re.IGNORECASE)
        if self.phones:

            def phone(match: re.Match[str]) -> str:
                digits = _digits(match.group(0))
                return mark if any(p in digits for p in self.phones) else match.group(0)

            text = _PHONE_RUN.sub(phone, text)
        return text
