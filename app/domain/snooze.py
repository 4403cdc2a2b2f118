"""Snooze presets, computed in the right time zones.

"Until their morning" is the cross-border one: it wakes the conversation at
09:00 in the customer's zone, when a reply will be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from enum import StrEnum
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


def next_morning(now: int, zone: tzinfo, *, monday: bool = False) -> int:
    """09:00 after ``now`` in ``zone`` (the next Monday's if ``monday``)."""
    local = datetime.fromtimestamp(now, UTC).astimezone(zone)
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
    return [
        SnoozeChoice(SnoozePreset.ONE_HOUR, now + 3600),
        SnoozeChoice(SnoozePreset.THREE_HOURS, now + 3 * 3600),
        SnoozeChoice(SnoozePreset.TOMORROW_MORNING, next_morning(now, agent_zone)),
        SnoozeChoice(
            SnoozePreset.CUSTOMER_MORNING, next_morning(now, _zone(customer_zone, agent_zone))
        ),
        SnoozeChoice(SnoozePreset.NEXT_WEEK, next_morning(now, agent_zone, monday=True)),
    ]
