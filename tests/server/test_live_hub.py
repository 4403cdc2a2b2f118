"""The live-update hub of one server process, and the database announcing its commits.

The hub runs on a real asyncio loop; ``publish`` is called from other threads as the
request workers and the PostgreSQL listener do. The database side uses a real SQLite
file: a commit that moved a feed is announced once, after it is visible, and a rolled
back one never.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from app.server import db
from app.server.db import Database, next_seq
from app.server.live import Change, LiveHub, StreamRefusedError, parse_payload


def test_changes_before_a_read_are_merged_into_one() -> None:
    async def scenario() -> Change | None:
        hub = LiveHub()
        hub.bind(asyncio.get_running_loop())
        subscription = hub.subscribe("ana")
        hub.publish(3, ["messages"])
        hub.publish(5, ["conversations"])
        hub.publish(4, ["messages"])  # announced late: the position stays the highest
        await asyncio.sleep(0)  # let the loop run what publish scheduled
        return await subscription.next(1.0)

    assert asyncio.run(scenario()) == Change(5, frozenset({"messages", "conversations"}))


def test_a_publish_from_another_thread_wakes_a_waiting_stream() -> None:
    async def scenario() -> Change | None:
        hub = LiveHub()
        hub.bind(asyncio.get_running_loop())
        subscription = hub.subscribe("ana")
        waiting = asyncio.ensure_future(subscription.next(5.0))
        await asyncio.sleep(0)
        worker = threading.Thread(target=hub.publish, args=(7, ["articles"]))
        worker.start()
        change = await waiting
        worker.join()
        return change

    assert asyncio.run(scenario()) == Change(7, frozenset({"articles"}))


def test_nothing_to_tell_is_none_after_the_timeout() -> None:
    async def scenario() -> Change | None:
        hub = LiveHub()
        hub.bind(asyncio.get_running_loop())
        return await hub.subscribe("ana").next(0.05)

    assert asyncio.run(scenario()) is None


def test_closing_the_hub_ends_every_stream() -> None:
    async def scenario() -> tuple[Change | None, bool, int]:
        hub = LiveHub()
        hub.bind(asyncio.get_running_loop())
        subscription = hub.subscribe("ana")
        waiting = asyncio.ensure_future(subscription.next(30.0))
        await asyncio.sleep(0)
        hub.close()
        return await asyncio.wait_for(waiting, 1.0), subscription.closed, hub.streams

    assert asyncio.run(scenario()) == (None, True, 0)


def test_before_bind_announcements_are_dropped() -> None:
    hub = LiveHub()
    hub.publish(1, ["messages"])  # no loop, no streams: nothing to do, nothing raised
    assert hub.published == 0


def test_streams_are_bounded_per_account_and_per_process() -> None:
    async def scenario() -> None:
        hub = LiveHub(max_streams=3, max_per_account=2)
        first, _second = hub.subscribe("ana"), hub.subscribe("ana")
        with pytest.raises(StreamRefusedError) as per_account:
            hub.subscribe("ana")
        assert (per_account.value.status, per_account.value.code) == (429, "rate_limited")
        hub.subscribe("ben")
        with pytest.raises(StreamRefusedError) as per_process:
            hub.subscribe("cleo")
        assert (per_process.value.status, per_process.value.code) == (503, "service_unavailable")
        assert per_process.value.retry > 0
        first.close()
        first.close()  # twice: the slot is freed once
        assert hub.streams == 2
        hub.subscribe("ana")  # ana has a slot again, the process too
        assert hub.streams == 3

    asyncio.run(scenario())


def test_a_closed_subscription_hears_nothing_more() -> None:
    async def scenario() -> Change | None:
        hub = LiveHub()
        hub.bind(asyncio.get_running_loop())
        subscription = hub.subscribe("ana")
        subscription.close()
        hub.publish(9, ["messages"])
        await asyncio.sleep(0)
        return await subscription.next(0.05)

    assert asyncio.run(scenario()) is None


@pytest.mark.parametrize(
    ("payload", "parsed"),
    [
        ("12 messages,conversations", (12, frozenset({"messages", "conversations"}))),
        ("3 training/attempts", (3, frozenset({"training/attempts"}))),
        ("x messages", None),
        ("12 ", None),
        ("", None),
    ],
)
def test_notification_payloads(payload: str, parsed: tuple[int, frozenset[str]] | None) -> None:
    assert parse_payload(payload) == parsed


# ------------------------------------------------------------------------ the database
def _database(tmp_path: Path) -> tuple[Database, list[tuple[int, frozenset[str]]]]:
    database = Database(f"sqlite:///{tmp_path / 'live.sqlite3'}")
    database.create_schema()
    heard: list[tuple[int, frozenset[str]]] = []
    database.on_commit = lambda seq, feeds: heard.append((seq, feeds))
    return database, heard


def test_a_commit_is_announced_once_with_its_feeds(tmp_path: Path) -> None:
    database, heard = _database(tmp_path)
    try:
        with database.write() as conn:
            first = next_seq(conn, "messages")
            second = next_seq(conn, "tr_attempts")  # a collection: told by its wire name
            assert heard == []  # not before the commit
        assert heard == [(second, frozenset({"messages", "training/attempts"}))]
        assert second == first + 1
        with database.write() as conn:  # a write that moved no feed is not announced
            conn.execute(select(db.meta.c.key))
        assert len(heard) == 1
    finally:
        database.dispose()


def test_a_rolled_back_write_is_never_announced(tmp_path: Path) -> None:
    database, heard = _database(tmp_path)
    try:
        with pytest.raises(RuntimeError), database.write() as conn:
            next_seq(conn, "conversations")
            raise RuntimeError("the request failed")
        with database.write() as conn:  # same pooled connection: nothing left over
            next_seq(conn, "articles")
        assert [feeds for _, feeds in heard] == [frozenset({"articles"})]
    finally:
        database.dispose()
