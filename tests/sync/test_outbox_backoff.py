"""A failed outbox operation is tried again on the sync's one backoff policy: growing,
fully jittered delays, capped at half an hour, never sooner than Retry-After; its tries
and next try are in the sync report (the status bar's "Retrying in 4m (attempt 5)")."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from app.sync.client import BACKOFF_CAP_SECONDS, MAX_RETRY_AFTER_SECONDS, retry_delay
from app.sync.engine import OUTBOX_BACKOFF_BASE_SECONDS, OUTBOX_BACKOFF_CAP_SECONDS
from tests.contract.client import Api
from tests.sync.conftest import DeskFactory, ProxyFactory
from tests.sync.harness import Desk
from tests.sync.proxy import Answer, Reply

START = 1_900_000_000


def _unavailable(retry_after: str | None = None) -> Answer:
    body = (
        b'{"type":"about:blank","title":"Service Unavailable","status":503,'
        b'"code":"unavailable","retryable":true}'
    )
    headers = {"Content-Type": "application/problem+json"}
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    return Answer(Reply(503, headers, body))


class Time:
    """The engine's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> int:
        return self.now


def _failing_reply(
    admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory, answer: Answer
) -> tuple[Desk, Time, str, int]:
    """A desk whose reply the server keeps failing (503): returns the desk, its clock,
    the message path and how many POSTs one sync cycle makes (the client's own retries)."""
    conversation = admin.new_conversation()["id"]
    proxy = make_proxy()
    desk = make_desk(url=proxy.base_url)
    desk.synced()
    clock = Time()
    desk.engine.clock = clock
    desk.reply(conversation, "Your replacement is on its way.")
    path = f"/v1/conversations/{conversation}/messages"
    proxy.on("POST", path, answer, times=None)
    desk.sync()
    per_cycle = len(proxy.seen("POST", path))
    assert per_cycle >= 1
    return desk, clock, path, per_cycle


def test_a_failing_operation_backs_off_with_growing_jittered_delays(
    admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    jitter = [0.9, 0.4, 0.75, 0.2, 0.95, 0.6, 0.5, 0.99, 0.3, 0.8]
    draws: Iterator[float] = iter(jitter)
    conversation = admin.new_conversation()["id"]
    proxy = make_proxy()
    desk = make_desk(url=proxy.base_url)
    desk.synced()
    clock = Time()
    desk.engine.clock = clock
    desk.engine.rand = lambda: next(draws)
    desk.reply(conversation, "Your replacement is on its way.")
    path = f"/v1/conversations/{conversation}/messages"
    proxy.on("POST", path, _unavailable(), times=None)

    delays = []
    for tried, draw in enumerate(jitter, start=1):
        report = desk.sync()
        (operation,) = desk.outbox()
        delay = operation.next_attempt_at - clock.now
        ceiling = min(OUTBOX_BACKOFF_CAP_SECONDS, OUTBOX_BACKOFF_BASE_SECONDS * 2 ** (tried - 1))
        assert delay == max(1, math.ceil(draw * ceiling)), (tried, delay)
        assert operation.attempts == tried and "503" in (operation.last_error or "")
        assert (report.retrying, report.retry_attempts) == (1, tried)
        assert report.next_retry_at == operation.next_attempt_at
        delays.append(delay)

        posts = len(proxy.seen("POST", path))
        clock.now += delay - 1  # a second early: not tried
        desk.sync()
        assert len(proxy.seen("POST", path)) == posts
        clock.now += 1

    # the jitter's ceiling doubles (30 s, 1 min, 2 min...) up to half an hour, and the
    # draws spread the delays under it: not the old fixed 60 s, not a fixed ladder either
    assert delays == [27, 24, 90, 48, 456, 576, 900, 1782, 540, 1440]
    assert max(delays) <= OUTBOX_BACKOFF_CAP_SECONDS
    assert desk.agent_replies(conversation)[0][2] == "queued"

    proxy.clear()  # the server is back: the next due try goes through, nothing is retrying
    report = desk.synced()
    assert report.pushed == 1 and report.retrying == 0 and report.next_retry_at is None
    assert desk.outbox() == []


def test_the_backoff_never_comes_back_before_retry_after(
    admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    desk, clock, _path, _per_cycle = _failing_reply(
        admin, make_desk, make_proxy, _unavailable("600")
    )
    (operation,) = desk.outbox()
    assert operation.next_attempt_at - clock.now >= 600


@pytest.mark.parametrize(
    ("attempt", "retry_after", "draw", "expected"),
    [
        (1, None, 1.0, 0.5),  # the client's in-request retries: 0.5 s, 1 s, 2 s...
        (3, None, 1.0, 2.0),
        (40, None, 1.0, BACKOFF_CAP_SECONDS),  # capped, and no overflow on a huge attempt
        (10**9, None, 0.5, BACKOFF_CAP_SECONDS / 2),
        (1, 3.0, 0.1, 3.0),  # never sooner than Retry-After
        (1, 10.0**12, 0.1, MAX_RETRY_AFTER_SECONDS),  # a Retry-After of 30,000 years: a day
        (1, float("inf"), 0.5, 0.25),  # not a number of seconds: ignored
        (1, float("nan"), 0.5, 0.25),
        (1, -5.0, 0.5, 0.25),
        (0, None, 1.0, 0.5),
    ],
)
def test_one_policy_bounded_in_every_direction(
    attempt: int, retry_after: float | None, draw: float, expected: float
) -> None:
    assert retry_delay(attempt, retry_after, rand=lambda: draw) == expected
