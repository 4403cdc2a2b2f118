"""429 and 503 carry Retry-After: the client never comes back sooner, and never sits
in a worker for an hour either (a long Retry-After reschedules the operation)."""

from __future__ import annotations

import itertools

from app.sync.client import MAX_RETRY_SECONDS
from tests.contract.client import Api
from tests.sync.conftest import DeskFactory, ProxyFactory
from tests.sync.harness import SleepLog, server_messages
from tests.sync.proxy import Answer, Reply


def _rate_limited(retry_after: str) -> Answer:
    body = (
        b'{"type":"about:blank","title":"Too Many Requests","status":429,'
        b'"code":"rate_limited","retryable":true}'
    )
    headers = {"Content-Type": "application/problem+json", "Retry-After": retry_after}
    return Answer(Reply(429, headers, body))


def test_429_is_retried_no_sooner_than_retry_after(
    admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    """Measured where it matters, on the wire: the proxy answers 429 + Retry-After: 1
    twice, and each next attempt arrives at least a second later."""
    conversation = admin.new_conversation()["id"]
    proxy = make_proxy()
    sleep = SleepLog(real=True)
    desk = make_desk(url=proxy.base_url, sleep=sleep)
    desk.synced()
    desk.reply(conversation, "Checking with the carrier now.")
    path = f"/v1/conversations/{conversation}/messages"
    proxy.on("POST", path, _rate_limited("1"), times=2)

    report = desk.synced()

    attempts = [seen.at for seen in proxy.seen("POST", path)]
    assert len(attempts) == 3
    gaps = [later - earlier for earlier, later in itertools.pairwise(attempts)]
    assert all(gap >= 1.0 for gap in gaps), gaps
    assert len(sleep.waits) == 2 and all(wait >= 1.0 for wait in sleep.waits), sleep.waits
    assert report.pushed == 1
    replies = [m["body"] for m in server_messages(admin, conversation) if m["kind"] == "agent"]
    assert replies == ["Checking with the carrier now."]


def test_503_from_the_server_waits_at_least_retry_after(admin: Api, make_desk: DeskFactory) -> None:
    """The reference server's own 503 (Retry-After: 2) on the next requests, whatever
    they are: every wait the client takes is at least 2 s, then the sync goes through."""
    conversation = admin.new_conversation()["id"]
    sleep = SleepLog()
    desk = make_desk(sleep=sleep)
    desk.synced()
    desk.reply(conversation, "Sorry for the wait.")
    armed = admin.post("/v1/admin/faults", {"kind": "unavailable", "count": 3, "retry_after": 2})
    assert armed.status_code == 200, armed.text

    report = desk.synced()

    assert len(sleep.waits) == 3 and all(wait >= 2 for wait in sleep.waits), sleep.waits
    assert report.pushed == 1
    assert desk.agent_replies(conversation)[0][2] == "sent"


def test_a_long_retry_after_reschedules_instead_of_sleeping(
    admin: Api, make_desk: DeskFactory
) -> None:
    """Retry-After: 3600 is not slept through on the sync worker: the operation is
    rescheduled for an hour later (not sooner), and sent once that hour has passed."""
    conversation = admin.new_conversation()["id"]
    sleep = SleepLog()
    desk = make_desk(sleep=sleep)
    desk.synced()
    desk.reply(conversation, "We will call you back.")
    armed = admin.post("/v1/admin/faults", {"kind": "unavailable", "count": 4, "retry_after": 3600})
    assert armed.status_code == 200, armed.text
    started = desk.clock()

    report = desk.sync()

    assert all(wait < MAX_RETRY_SECONDS for wait in sleep.waits), sleep.waits
    (operation,) = desk.outbox()
    assert operation.next_attempt_at >= started + 3600
    assert "503" in (operation.last_error or "")
    assert report.pending == 1
    assert admin.post("/v1/admin/faults", {"kind": "clear"}).status_code == 200

    desk.clock.offset = 1800  # half an hour later: still not due
    assert desk.synced().pushed == 0
    assert desk.agent_replies(conversation)[0][2] == "queued"
    desk.clock.offset = 3601
    assert desk.synced().pushed == 1
    assert desk.agent_replies(conversation)[0][2] == "sent"
    replies = [m["body"] for m in server_messages(admin, conversation) if m["kind"] == "agent"]
    assert replies == ["We will call you back."]
