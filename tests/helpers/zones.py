"""The agent's machine in a real time zone (registered from tests/conftest.py): snooze
times must land on the promised local hour, daylight saving included."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str, zone: ZoneInfo = BERLIN) -> int:
    """The epoch second of a wall-clock time ("2026-03-29 09:00") in ``zone``."""
    return int(datetime.fromisoformat(text).replace(tzinfo=zone).timestamp())


@pytest.fixture
def agent_in_berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local zone is Europe/Berlin (restored afterwards)."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
