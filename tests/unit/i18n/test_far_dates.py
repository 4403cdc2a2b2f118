"""No date in the UI can overflow: timestamps from a server, a file or the pretend clock at
year 1 or 9999 are shown (clamped to the nearest day datetime can hold), never raised."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app.config.paths import translations_dir
from app.domain.snooze import snooze_choices
from app.i18n import I18n
from tests.helpers.builders import NOW

FAR = [
    int(datetime(9999, 12, 31, 23, 59, tzinfo=UTC).timestamp()),
    int(datetime(1, 1, 1, tzinfo=UTC).timestamp()),
    10**15,
    -(10**15),
]
ZONES = [None, "Asia/Riyadh", "Pacific/Kiritimati", "America/Los_Angeles", "Etc/GMT+12"]


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
@pytest.mark.parametrize("timestamp", FAR)
def test_far_timestamps_format_in_every_zone(locale: str, timestamp: int) -> None:
    i18n = I18n(locale, translations_dir())
    for zone in ZONES:
        for text in (
            i18n.time(timestamp, zone),
            i18n.datetime(timestamp, zone),
            i18n.day(timestamp, zone),
            i18n.day_and_time(timestamp, NOW, zone),
            i18n.day_and_time(NOW, timestamp, zone),
        ):
            assert text
    assert "9999" in i18n.datetime(FAR[0], "Pacific/Kiritimati")


@pytest.mark.parametrize("now", FAR)
def test_the_snooze_menu_survives_a_far_clock(now: int) -> None:
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12"):
        choices = snooze_choices(now, ZoneInfo(zone), "Asia/Tokyo")
        assert len(choices) == 5
        for choice in choices:
            datetime.fromtimestamp(choice.until, UTC)  # every time is a real date
