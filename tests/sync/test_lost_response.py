"""A reply whose answer is lost after the server stored it must not be sent twice."""

from __future__ import annotations

import json

import pytest

from tests.contract.client import Api
from tests.sync.conftest import DeskFactory, ProxyFactory
from tests.sync.harness import server_messages
from tests.sync.proxy import Answer, DropAfterForward, Reply


@pytest.mark.parametrize("reset", [True, False], ids=["reset", "closed"])
def test_retry_after_a_lost_response_leaves_one_message(
    reset: bool, admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    """The connection is reset (or closed) after the server committed the POST: the
    client's retry carries the same Idempotency-Key and body, so the server stores one
    message, not two, and the desk one reply, "sent"."""
    conversation = admin.new_conversation()["id"]
    proxy = make_proxy()
    desk = make_desk(url=proxy.base_url)
    desk.synced()
    desk.reply(conversation, "Your parcel left the warehouse today.")
    path = f"/v1/conversations/{conversation}/messages"
    proxy.on("POST", path, DropAfterForward(reset=reset))

    report = desk.synced()

    posts = proxy.seen("POST", path)
    assert len(posts) == 2, "the lost answer was retried once"
    assert posts[0].headers["idempotency-key"] == posts[1].headers["idempotency-key"]
    assert json.loads(posts[0].body) == json.loads(posts[1].body)
    on_server = [m for m in server_messages(admin, conversation) if m["kind"] == "agent"]
    assert [m["body"] for m in on_server] == ["Your parcel left the warehouse today."]
    local = desk.agent_replies(conversation)
    assert local == [(on_server[0]["id"], "Your parcel left the warehouse today.", "sent")]
    assert desk.outbox() == []
    assert report.pushed == 1 and report.pending == 0
    server_seq = desk.query("SELECT server_seq FROM messages WHERE uid = ?", (local[0][0],))
    assert server_seq == [(on_server[0]["seq"],)]


def test_a_retryable_409_is_retried_with_the_same_key(
    admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    """The server's 409 ``conflict`` (retryable: a concurrent request changed the same
    rows) says "retry with the same key": the reply is retried and lands, instead of
    being parked as needing the agent's attention."""
    conversation = admin.new_conversation()["id"]
    proxy = make_proxy()
    desk = make_desk(url=proxy.base_url)
    desk.synced()
    desk.reply(conversation, "Retried after a collision.")
    path = f"/v1/conversations/{conversation}/messages"
    problem = {
        "type": "about:blank",
        "title": "Conflict",
        "status": 409,
        "code": "conflict",
        "detail": "A concurrent request changed the same data; retry with the same key.",
        "retryable": True,
    }
    headers = {"Content-Type": "application/problem+json"}
    proxy.on("POST", path, Answer(Reply(409, headers, json.dumps(problem).encode())))

    report = desk.synced()

    posts = proxy.seen("POST", path)
    assert len(posts) == 2
    assert posts[0].headers["idempotency-key"] == posts[1].headers["idempotency-key"]
    assert report.pushed == 1 and report.needs_attention == 0
    replies = [m["body"] for m in server_messages(admin, conversation) if m["kind"] == "agent"]
    assert replies == ["Retried after a collision."]
    assert desk.agent_replies(conversation)[0][2] == "sent"
