"""A 410 (the server compacted its history) re-reads that one collection from a
snapshot; what the agent queued stays queued and is sent."""

from __future__ import annotations

from app.domain.models import Status
from tests.contract.client import Api
from tests.sync.conftest import DeskFactory, ProxyFactory
from tests.sync.harness import customer_writes, server_messages


def test_expired_cursor_resnapshots_that_collection_and_keeps_the_outbox(
    admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    """After compaction the messages cursor is too old (410) while the conversations one
    is still good: only the messages feed is re-read from scratch, nothing is duplicated,
    and the reply and tag queued before are still in the outbox, then sent."""
    first, second = admin.new_conversation()["id"], admin.new_conversation()["id"]
    proxy = make_proxy()
    desk = make_desk(url=proxy.base_url)
    desk.synced()
    desk.reply(first, "Queued before the compaction.")
    desk.add_tag(second, "priority")
    assert admin.post("/v1/admin/compact").status_code == 200
    customer_writes(admin, first, "Any news?")  # history after the compaction
    proxy.requests.clear()

    pulled = desk.engine.pull()  # the pull half of a cycle: the outbox is not pushed yet

    feeds = [(r.path, "cursor=" in r.query) for r in proxy.requests if r.path.endswith("/changes")]
    assert feeds == [
        ("/v1/conversations/changes", True),
        ("/v1/messages/changes", True),  # 410
        ("/v1/messages/changes", False),  # the snapshot, of this collection only
        ("/v1/articles/changes", True),  # 410 too: its own cursor, its own snapshot
        ("/v1/articles/changes", False),
        ("/v1/rubrics/changes", True),  # the review feeds likewise, each on its own
        ("/v1/rubrics/changes", False),
        # an agent's reviews and annotations are filtered: their cursors stand at the
        # newest change, which compaction did not pass, so they need no snapshot
        ("/v1/reviews/changes", True),
        ("/v1/annotations/changes", True),
        ("/v1/survey-answers/changes", True),
        ("/v1/survey-answers/changes", False),
        ("/v1/training/scenarios/changes", True),  # the training feeds: the same rules
        ("/v1/training/scenarios/changes", False),
        ("/v1/training/assignments/changes", True),  # filtered to the agent, like reviews
        ("/v1/training/attempts/changes", True),
    ]
    assert proxy.requests[2].path == "/v1/messages/changes"
    assert pulled[1] == 3, "the snapshot holds every message: two first ones and the new one"
    assert [(op.op, op.conversation_uid) for op in desk.outbox()] == [
        ("send_message", first),
        ("patch", second),
    ]
    assert desk.agent_replies(first)[0][1:] == ("Queued before the compaction.", "queued")
    customer_bodies = desk.query(
        "SELECT m.body FROM messages m JOIN conversations c ON c.id = m.conversation_id"
        " WHERE c.uid = ? AND m.kind = 'customer' ORDER BY m.seq",
        (first,),
    )
    assert customer_bodies == [("Hello, where is my order?",), ("Any news?",)]
    assert desk.query("SELECT count(*) FROM messages WHERE kind = 'customer'") == [(3,)]

    report = desk.synced()

    assert report.pushed == 2 and report.pending == 0
    assert desk.outbox() == []
    replies = [m["body"] for m in server_messages(admin, first) if m["kind"] == "agent"]
    assert replies == ["Queued before the compaction."]
    assert admin.conversation(second).json()["tags"] == ["priority"]
    assert desk.agent_replies(first)[0][2] == "sent"
    assert desk.query("SELECT count(*) FROM messages") == [(4,)]  # three customer, one reply


def test_conversation_erased_while_the_cursor_expired_is_gone_after_the_snapshot(
    admin: Api, make_desk: DeskFactory
) -> None:
    """An erasure (GDPR) whose tombstone was compacted away before the desk synced can
    only be learnt from the snapshot: what it no longer lists is removed locally, unless
    the agent still has unsent changes to it."""
    erased, kept, busy = (admin.new_conversation()["id"] for _ in range(3))
    desk = make_desk()
    desk.synced()
    desk.set_status(busy, Status.PENDING)  # queued, not sent yet
    for uid in (erased, busy):
        assert admin.http.delete(f"/v1/admin/conversations/{uid}").status_code == 204
    assert admin.post("/v1/admin/compact").status_code == 200

    desk.engine.pull()

    local = {uid for (uid,) in desk.query("SELECT uid FROM conversations")}
    assert local == {kept, busy}
    assert desk.query(
        "SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id"
        " WHERE c.uid = ?",
        (erased,),
    ) == [(0,)]
    assert desk.query("SELECT count(*) FROM conversations_fts") == [(2,)]
    assert [op.conversation_uid for op in desk.outbox()] == [busy]
