"""Snooze presets, computed in the right time zones.

"Until their morning" is the cross-border one: it wakes the conversation at
09:00 in the customer's zone, when a reply will be read.
"""

from __future__ import annotations

import os
import time as clock
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MORNING = time(9, 0)


class SnoozePreset(StrEnum):
    ONE_HOUR = "one_hour"
    THREE_HOURS = "three_hours"
    TOMORROW_MORNING = "tomorrow_morning"
    CUSTOMER_MORNING = "customer_morning"
    NEXT_WEEK = "next_week"


@dataclass(frozen=True, slots=True)
class SnoozeChoice:
    preset: SnoozePreset
    until: int  # epoch seconds


# 0001-01-02 and 9999-12-20 (UTC): "now" is kept inside them, so adding a week and
# shifting to any time zone stays within datetime's range (a clock or data at year 9999
# must not break the snooze menu).
_EARLIEST = -62135510400
_LATEST = 253401264000


def next_morning(now: int, zone: tzinfo, *, monday: bool = False) -> int:
    """09:00 after ``now`` in ``zone`` (the next Monday's if ``monday``)."""
    local = datetime.fromtimestamp(min(max(now, _EARLIEST), _LATEST), UTC).astimezone(zone)
    day = local.date()
    if monday:
        day += timedelta(days=(7 - local.weekday()) % 7 or 7)
    elif local.time() >= MORNING:
        day += timedelta(days=1)
    return int(datetime.combine(day, MORNING, tzinfo=zone).timestamp())


def _zone(name: str, fallback: tzinfo) -> tzinfo:
    """The customer's zone; the agent's when the customer's is unknown (bad data)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return fallback


def snooze_choices(now: int, agent_zone: tzinfo, customer_zone: str) -> list[SnoozeChoice]:
    """The snooze menu, in the order it is shown."""
    now = min(max(now, _EARLIEST), _LATEST)
    return [
        SnoozeChoice(SnoozePreset.ONE_HOUR, now + 3600),
        SnoozeChoice(SnoozePreset.THREE_HOURS, now + 3 * 3600),
        SnoozeChoice(SnoozePreset.TOMORROW_MORNING, next_morning(now, agent_zone)),
        SnoozeChoice(
            SnoozePreset.CUSTOMER_MORNING, next_morning(now, _zone(customer_zone, agent_zone))
        ),
        SnoozeChoice(SnoozePreset.NEXT_WEEK, next_morning(now, agent_zone, monday=True)),
    ]


class SystemZone(tzinfo):
    """The operating system's local zone, asked instant by instant (so it follows the
    zone's daylight-saving rules, unlike ``datetime.now().astimezone().tzinfo``, which
    is today's offset frozen). Used when the zone has no tz database name."""

    @staticmethod
    def _local(dt: datetime | None) -> clock.struct_time:
        if dt is None:
            return clock.localtime()
        wall = (dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, 0, 0, -1)
        return clock.localtime(clock.mktime(wall))

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(seconds=self._local(dt).tm_gmtoff)

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(hours=1) if self._local(dt).tm_isdst > 0 else timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        return self._local(dt).tm_zone

    def fromutc(self, dt: datetime) -> datetime:
        stamp = int((dt.replace(tzinfo=None) - datetime(1970, 1, 1)).total_seconds())
        local = clock.localtime(stamp)
        return datetime(*local[:6], dt.microsecond, tzinfo=self)


def _named_zone(name: str) -> ZoneInfo | None:
    name = name.strip().lstrip(":")
    if name.startswith("/"):
        name = name.partition("/zoneinfo/")[2]
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_zone(
    environ: Mapping[str, str] = os.environ,
    localtime: Path = Path("/etc/localtime"),
    timezone_file: Path = Path("/etc/timezone"),
) -> tzinfo:
    """The agent's real time zone, with its daylight-saving rules: ``TZ``, then the
    system's ``/etc/localtime`` link, then ``/etc/timezone``; the operating system's
    own rules when none of them names a zone (Windows, a POSIX ``TZ`` string)."""
    if "TZ" in environ:
        return _named_zone(environ["TZ"]) or SystemZone()
    try:
        target = str(localtime.resolve()) if localtime.is_symlink() else ""
    except OSError:
        target = ""
    if "/zoneinfo/" in target and (zone := _named_zone(target)):
        return zone
    try:
        name = timezone_file.read_text(encoding="utf-8")[:100]
    except (OSError, UnicodeDecodeError):
        name = ""
    return _named_zone(name) or SystemZone()


# ---------------------------------------------------------------------- the snooze dialog
LATER_TODAY_HOURS = 3
LATEST_TODAY = time(21, 0)  # "later today" is offered until a reply at this hour still fits


def _local(now: int, zone: tzinfo) -> datetime:
    return datetime.fromtimestamp(min(max(now, _EARLIEST), _LATEST), UTC).astimezone(zone)


def later_today(now: int, zone: tzinfo) -> int | None:
    """A few hours from now, on the hour, if that is still today (by 21:00) in ``zone``."""
    local = _local(now, zone)
    later = (local + timedelta(hours=LATER_TODAY_HOURS)).replace(minute=0, second=0, microsecond=0)
    if later.date() != local.date() or later.time() > LATEST_TODAY:
        return None
    return int(later.timestamp())


def tomorrow_at(now: int, zone: tzinfo, at: time = MORNING) -> int:
    """``at`` tomorrow in ``zone`` (tomorrow by that zone's calendar)."""
    day = _local(now, zone).date() + timedelta(days=1)
    return int(datetime.combine(day, at, tzinfo=zone).timestamp())


def next_monday(now: int, zone: tzinfo) -> int:
    """09:00 next Monday in ``zone`` (a week on if today is Monday)."""
    return next_morning(now, zone, monday=True)


def customer_zone(name: str, fallback: tzinfo) -> tzinfo:
    """The customer's zone by its tz database name; ``fallback`` if unknown."""
    return _zone(name, fallback)


def wall_time(year: int, month: int, day: int, hour: int, minute: int, zone: tzinfo) -> int | None:
    """The instant of a wall-clock time in ``zone`` (None if it is not a real date). A time
    skipped by a daylight-saving change lands on the instant just after the gap."""
    try:
        return int(datetime(year, month, day, hour, minute, tzinfo=zone).timestamp())
    except (ValueError, OverflowError):
        return None


def zone_label(zone: tzinfo, at: int) -> str:
    """A zone's tz database name (``Asia/Shanghai``), else its abbreviation at ``at``."""
    key = getattr(zone, "key", None)
    if isinstance(key, str) and key:
        return key
    return _local(at, zone).tzname() or "UTC"
