"""The live-update stream's wire, without a connection: its events decoded within bounds,
the reconnect delay, the sleep detector. Pure, so each is tested on its own
(:mod:`app.sync.live` holds the connection)."""

from __future__ import annotations

import email.utils
import json
import math
import random
import time
from collections.abc import Callable

from httpx_sse import ServerSentEvent

from app.sync.client import retry_delay

MAX_EVENT_BYTES = 64 * 1024  # a line, or an event's data, longer than this is dropped
MAX_FEEDS = 64
MAX_FEED_CHARS = 64
MAX_ID_CHARS = 256
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 60.0
HEARTBEAT_BOUNDS = (0.5, 300.0)  # a server's heartbeat is believed within these
CLOCK_JUMP_SECONDS = 20.0  # wall clock moved this much more than the monotonic one: slept
MAX_RETRY_AFTER_SECONDS = 3600.0  # meanwhile the window polls anyway


def reconnect_delay(
    failures: int,
    retry_after: float | None = None,
    *,
    base: float = BACKOFF_BASE_SECONDS,
    cap: float = BACKOFF_CAP_SECONDS,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds before reconnecting after ``failures`` failed tries in a row (0: at once).

    Full jitter (uniform in 0 .. min(cap, base * 2**(failures - 1))), the policy of every
    retry in sync (:func:`app.sync.client.retry_delay`), so desks that lost the server
    together do not come back together; never sooner than Retry-After (at most an hour)."""
    if failures <= 0:
        return 0.0
    bounded = None
    if retry_after is not None and math.isfinite(retry_after):
        bounded = min(max(retry_after, 0.0), MAX_RETRY_AFTER_SECONDS)
    return retry_delay(failures, bounded, base=base, cap=cap, rand=rand)


def clock_jumped(
    wall_before: float,
    mono_before: float,
    wall_now: float,
    mono_now: float,
    tolerance: float = CLOCK_JUMP_SECONDS,
) -> bool:
    """The machine slept (the monotonic clock stands still meanwhile, the wall clock does
    not), or the wall clock was set: a connection may have died unnoticed."""
    return abs((wall_now - wall_before) - (mono_now - mono_before)) > tolerance


def parse_retry_after(value: str | None) -> float | None:
    """Seconds, or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()[:64]
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def json_object(data: str) -> dict[str, object] | None:
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def parse_heartbeat(data: str) -> float | None:
    """The ``ready`` event's heartbeat in seconds (bounded), or None."""
    body = json_object(data)
    beat = body.get("heartbeat") if body else None
    if isinstance(beat, bool) or not isinstance(beat, int | float) or not math.isfinite(beat):
        return None
    return min(max(float(beat), HEARTBEAT_BOUNDS[0]), HEARTBEAT_BOUNDS[1])


def parse_feeds(data: str) -> tuple[str, ...] | None:
    """The feed names of a ``changes`` event (well-formed names only), or None if the
    event is unreadable."""
    body = json_object(data)
    feeds = body.get("feeds") if body else None
    if not isinstance(feeds, list):
        return None
    names = []
    for name in feeds[:MAX_FEEDS]:
        if (
            isinstance(name, str)
            and 0 < len(name) <= MAX_FEED_CHARS
            and name.isascii()
            and name.replace("/", "").replace("-", "").replace("_", "").isalnum()
        ):
            names.append(name)
    return tuple(dict.fromkeys(names))


class EventReader:
    """A bounded server-sent-events decoder (httpx-sse's own buffers a line of any size).

    ``feed`` takes bytes as they arrive and returns the complete events; a line longer
    than ``limit`` is skipped to its end, and an event whose data outgrows ``limit`` is
    dropped whole. Comment lines (the heartbeat) and unknown fields are ignored."""

    def __init__(self, limit: int = MAX_EVENT_BYTES) -> None:
        self.limit = limit
        self._pending = bytearray()
        self._skipping = False  # inside an over-long line
        self._event = ""
        self._data: list[str] = []
        self._size = 0
        self._dropped = False  # the current event is over the limit
        self.last_id = ""
        self.dropped = 0  # events dropped for size (tests and logs)

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        events: list[ServerSentEvent] = []
        start = 0
        while True:
            end = _line_end(chunk, start)
            if end < 0:
                break
            self._take(chunk[start:end], events, complete=True)
            start = end + 1
            if chunk[end : end + 1] == b"\r" and chunk[start : start + 1] == b"\n":
                start += 1
        self._take(chunk[start:], events, complete=False)
        return events

    def _take(self, piece: bytes, events: list[ServerSentEvent], *, complete: bool) -> None:
        if self._skipping:
            if complete:
                self._skipping = False
                self._dropped = True
            return
        if not complete:
            self._pending += piece
            if len(self._pending) > self.limit:
                self._pending.clear()
                self._skipping = True
            return
        line = bytes(self._pending) + piece
        self._pending.clear()
        if len(line) > self.limit:
            self._dropped = True
            return
        self._line(line.decode("utf-8", "replace"), events)

    def _line(self, line: str, events: list[ServerSentEvent]) -> None:
        if not line:
            self._dispatch(events)
            return
        if line.startswith(":"):
            return
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "event":
            self._event = value
        elif name == "data":
            self._size += len(value) + 1
            if self._size > self.limit:
                self._dropped = True
                self._data.clear()
            elif not self._dropped:
                self._data.append(value)
        elif name == "id" and "\0" not in value and len(value) <= MAX_ID_CHARS:
            self.last_id = value

    def _dispatch(self, events: list[ServerSentEvent]) -> None:
        if self._dropped:
            self.dropped += 1
        elif self._event or self._data:
            events.append(ServerSentEvent(self._event, "\n".join(self._data), self.last_id))
        self._event, self._data, self._size, self._dropped = "", [], 0, False


def _line_end(chunk: bytes, start: int) -> int:
    """Index of the next CR or LF at or after ``start``, or -1."""
    lf = chunk.find(b"\n", start)
    cr = chunk.find(b"\r", start, lf if lf >= 0 else len(chunk))
    return cr if cr >= 0 else lf
