"""Snooze times are computed in real time zones, daylight saving included."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.domain.snooze import SnoozePreset, SystemZone, local_zone, next_morning, snooze_choices
from tests.helpers.zones import BERLIN, at


def test_local_zone_is_the_named_zone_from_tz(tmp_path: Path) -> None:
    assert local_zone({"TZ": "Europe/Berlin"}) == BERLIN
    assert local_zone({"TZ": ":America/Sao_Paulo"}) == ZoneInfo("America/Sao_Paulo")
    assert local_zone({"TZ": "/usr/share/zoneinfo/Asia/Tokyo"}) == ZoneInfo("Asia/Tokyo")
    assert isinstance(local_zone({"TZ": "CET-1CEST,M3.5.0,M10.5.0/3"}), SystemZone)


def test_local_zone_follows_the_system_link_then_the_timezone_file(tmp_path: Path) -> None:
    target = tmp_path / "share" / "zoneinfo" / "Asia" / "Tokyo"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"")
    link = tmp_path / "localtime"
    link.symlink_to(target)
    missing = tmp_path / "nothing"
    assert local_zone({}, link, missing) == ZoneInfo("Asia/Tokyo")
    named = tmp_path / "timezone"
    named.write_text("Australia/Sydney\n", encoding="utf-8")
    assert local_zone({}, missing, named) == ZoneInfo("Australia/Sydney")
    named.write_text("Not/AZone", encoding="utf-8")
    assert isinstance(local_zone({}, missing, named), SystemZone)


@pytest.mark.parametrize(
    ("now", "morning"),
    [
        ("2027-03-27T10:00", "2027-03-28T09:00"),  # clocks go forward that night
        ("2027-10-30T10:00", "2027-10-31T09:00"),  # clocks go back that night
    ],
)
def test_next_morning_across_a_dst_change_is_nine_local(
    now: str, morning: str, agent_in_berlin: None
) -> None:
    for zone in (BERLIN, SystemZone()):
        until = next_morning(at(now), zone)
        assert until == at(morning)
        assert datetime.fromtimestamp(until, BERLIN).hour == 9
    assert at("2027-03-28T09:00") - at("2027-03-27T10:00") == 22 * 3600  # 23 h less 1


def test_customer_morning_uses_the_customer_zone_across_their_dst() -> None:
    now = at("2027-03-13T20:00", ZoneInfo("America/New_York"))  # DST starts on the 14th
    choices = {c.preset: c.until for c in snooze_choices(now, BERLIN, "America/New_York")}
    customer = datetime.fromtimestamp(
        choices[SnoozePreset.CUSTOMER_MORNING], ZoneInfo("America/New_York")
    )
    assert (customer.day, customer.hour, customer.minute) == (14, 9, 0)
    week = datetime.fromtimestamp(choices[SnoozePreset.NEXT_WEEK], BERLIN)
    assert (week.weekday(), week.hour) == (0, 9)
