"""A broken or hostile server cannot crash the desk nor poison its store: bad records
are quarantined with a log line, bad pages rejected, and the good data still lands."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest

from tests.contract.client import Api, new_id
from tests.sync.conftest import DeskFactory, ProxyFactory
from tests.sync.harness import Desk, customer_writes
from tests.sync.proxy import Reply, Rewrite

BIDI = "order \u202eLM-2026-1\u202c ok \u2067שלום\u2069"
TEN_MB = "x" * 10_000_000


def _edit_page(change: Callable[[dict[str, Any]], object]) -> Rewrite:
    """Rewrite the server's feed page: ``change`` edits the decoded body in place."""

    def edit(reply: Reply) -> Reply:
        assert reply.status == 200, reply.body[:500]
        body = json.loads(reply.body)
        change(body)
        return Reply(200, reply.headers, json.dumps(body).encode())

    return Rewrite(edit)


def _raw(status: int, content_type: str, body: bytes) -> Rewrite:
    return Rewrite(lambda _reply: Reply(status, {"Content-Type": content_type}, body))


def _quarantined(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("quarantined")]


def _no_nul_anywhere(desk: Desk) -> None:
    """No text column of any table holds a NUL (nor could an unpaired surrogate get in)."""
    tables = [t for (t,) in desk.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        if table.startswith("conversations_fts"):
            continue  # the FTS shadow tables hold binary index data
        columns = [c[1] for c in desk.query(f"PRAGMA table_info({table})")]
        for column in columns:
            hits = desk.query(
                f'SELECT count(*) FROM "{table}" WHERE typeof("{column}") = \'text\''
                f' AND instr("{column}", char(0)) > 0'
            )
            assert hits == [(0,)], f"NUL stored in {table}.{column}"


def test_hostile_records_are_quarantined_and_the_rest_lands(
    admin: Api,
    make_desk: DeskFactory,
    make_proxy: ProxyFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Wrong types, a 10 MB string, HTML, NUL, an unpaired surrogate, duplicate ids and a
    message of a conversation the server does not know, mixed into real feed pages."""
    caplog.set_level(logging.WARNING)
    first = admin.new_conversation(body="My order is late")["id"]
    second = admin.new_conversation(body="Wrong size delivered")["id"]
    customer_writes(admin, first, "Any news?")
    proxy = make_proxy()
    desk = make_desk(url=proxy.base_url)

    def hostile_conversations(body: dict[str, Any]) -> None:
        real = body["items"][0]
        body["items"] += [
            {**real, "id": new_id("conv"), "version": "two", "tags": "vip"},  # wrong types
            {**real, "id": new_id("conv"), "subject": TEN_MB},  # 10 MB
            "<html><body><h1>502 Bad Gateway</h1></body></html>",  # HTML as a record
            {**real, "id": new_id("conv"), "customer": {**real["customer"], "name": "Eve\x00"}},
            {**real, "id": "conv with spaces/../../etc"},
            None,
        ]
        body["deleted"] = [{"id": 5}, "gone"]

    home: dict[str, str] = {}

    def hostile_messages(body: dict[str, Any]) -> None:
        real = body["items"][0]
        home["bidi"] = real["conversation_id"]
        body["items"] += [
            {**real, "id": new_id("m"), "seq": "three", "author": 5},  # wrong types
            {**real, "id": new_id("m"), "body": TEN_MB},  # 10 MB
            "<html>oops</html>",
            {**real, "id": new_id("m"), "body": "before\x00after"},  # NUL
            {**real, "id": new_id("m"), "body": "half a pair \ud800"},  # unpaired surrogate
            {**real, "id": "bidi-message", "body": BIDI},  # valid: kept, verbatim
            {**real, "body": "a forged copy under a known id"},  # duplicate id
            {**real, "id": new_id("m"), "conversation_id": "conv-nowhere"},  # unknown
            [[[[[]]]]],
        ]

    proxy.on("GET", "/v1/conversations/changes", _edit_page(hostile_conversations))
    proxy.on("GET", "/v1/messages/changes", _edit_page(hostile_messages))

    report = desk.synced()

    warnings = _quarantined(caplog)
    assert report.quarantined == len(warnings) == 6 + 2 + 6, warnings
    assert all("(request " in line and "None)" not in line for line in warnings)
    assert any("conv-nowhere" in r.getMessage() for r in caplog.records)  # skipped, logged
    local = {uid for (uid,) in desk.query("SELECT uid FROM conversations")}
    assert local == {first, second}
    bodies = desk.query(
        "SELECT c.uid, m.body FROM messages m JOIN conversations c ON c.id = m.conversation_id"
        " ORDER BY c.uid, m.seq"
    )
    expected = sorted(
        [(first, "My order is late"), (first, "Any news?"), (second, "Wrong size delivered")]
    )
    assert sorted(b for b in bodies if b[1] != BIDI) == expected
    assert [b for b in bodies if b[1] == BIDI] == [(home["bidi"], BIDI)], "kept verbatim"
    assert desk.query("SELECT count(*) FROM messages WHERE body LIKE '%forged%'") == [(0,)]
    assert desk.query("SELECT max(length(body)) FROM messages") < [(10_000,)]
    assert desk.query("SELECT max(length(subject)) FROM conversations") < [(10_000,)]
    _no_nul_anywhere(desk)
    assert desk.synced().quarantined == 0  # the next cycle goes on from the cursor


@pytest.mark.parametrize(
    "answer",
    [
        _raw(200, "text/html", b"<html><body>Welcome to the captive portal</body></html>"),
        _raw(200, "application/json", b'{"items": 5, "next_cursor": "abc", "has_more": false}'),
        _raw(200, "application/json", b'{"items": [], "next_cursor": 7, "has_more": "yes"}'),
        _raw(200, "application/json", b"[" * 100_000 + b"]" * 100_000),
        _raw(
            200,
            "application/json",
            json.dumps({"items": [], "next_cursor": "a\x00b", "has_more": False}).encode(),
        ),
    ],
    ids=["html", "items-not-a-list", "wrong-page-types", "deep-nesting", "nul-cursor"],
)
def test_unreadable_page_is_rejected_without_moving_the_cursor(
    admin: Api,
    make_desk: DeskFactory,
    make_proxy: ProxyFactory,
    caplog: pytest.LogCaptureFixture,
    answer: Rewrite,
) -> None:
    """A page that is not a page fails the cycle with a logged, named error (no crash, no
    cursor moved past data never read); the next cycle reads the real page."""
    caplog.set_level(logging.WARNING)
    proxy = make_proxy()
    desk = make_desk(url=proxy.base_url)
    desk.synced()
    cursor_before = desk.query("SELECT cursor FROM sync_state WHERE collection = 'messages'")
    uid = admin.new_conversation(body="Is anyone there?")["id"]
    proxy.on("GET", "/v1/messages/changes", answer)

    report = desk.sync()

    assert report.error is not None
    assert "502" in report.error
    assert desk.query("SELECT cursor FROM sync_state WHERE collection = 'messages'") == (
        cursor_before
    )
    assert any("malformed" in r.getMessage() for r in caplog.records), caplog.text
    report = desk.synced()
    assert report.pulled_messages == 1
    assert desk.query(
        "SELECT m.body FROM messages m JOIN conversations c ON c.id = m.conversation_id"
        " WHERE c.uid = ?",
        (uid,),
    ) == [("Is anyone there?",)]


def test_a_feed_that_never_advances_is_stopped(
    admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    """has_more forever with the same cursor would spin the sync worker: it is refused
    after one page."""
    proxy = make_proxy()
    desk = make_desk(url=proxy.base_url)
    desk.synced()
    admin.new_conversation()
    cursor = desk.query("SELECT cursor FROM sync_state WHERE collection = 'messages'")[0][0]

    def stuck(body: dict[str, Any]) -> None:
        body.update(items=[], deleted=[], next_cursor=cursor, has_more=True)

    proxy.on("GET", "/v1/messages/changes", _edit_page(stuck), times=50)

    report = desk.sync()

    assert report.error is not None and "stuck_feed" in report.error
    assert len(proxy.seen("GET", "/v1/messages/changes")) == 1 + 1  # the first sync's, then one
