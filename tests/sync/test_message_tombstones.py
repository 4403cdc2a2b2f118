"""A backend deleted one message (moderation, erasure of one message): its tombstone in
the messages feed removes it from the desk with everything hanging off it, the
conversation's other messages and its list columns stay right, and a full re-read
after the tombstone was compacted away removes it too (real server, real store)."""

from __future__ import annotations

import hashlib

from app.config.paths import attachments_folder
from app.ops import inbox
from tests.contract.client import Api, new_id
from tests.helpers.attachment_files import png
from tests.sync.conftest import DeskFactory, ProxyFactory
from tests.sync.harness import Desk, server_messages
from tests.sync.proxy import DropAfterForward


def _customer(admin: Api, conversation: dict, body: str) -> str:
    message_id = new_id("m")
    response = admin.inbound(
        conversation["id"],
        customer_id=conversation["customer"]["id"],
        body=body,
        message_id=message_id,
    )
    assert response.status_code == 201, response.text
    return message_id


def _agent_reply(admin: Api, conversation_id: str, body: str, original: str) -> str:
    """A reply sent translated (its original text and provenance travel with it)."""
    message = {
        "id": new_id("reply"),
        "kind": "agent",
        "body": body,
        "language": "pt-BR",
        "original_body": original,
        "original_language": "en",
        "provenance": {"kind": "mt", "route": "en->pt", "pivots": [], "confidence": 0.9},
    }
    response = admin.post(f"/v1/conversations/{conversation_id}/messages", message)
    assert response.status_code == 201, response.text
    return str(message["id"])


def _delete(admin: Api, conversation_id: str, message_id: str) -> None:
    path = f"/v1/conversations/{conversation_id}/messages/{message_id}"
    response = admin.delete(path, if_match=None)
    assert response.status_code == 204, response.text


def _messages(desk: Desk, uid: str) -> list[tuple[str, int, int | None]]:
    """(uid, local seq, server seq) of a conversation's messages, in thread order."""
    return [
        (r[0], r[1], r[2])
        for r in desk.query(
            "SELECT m.uid, m.seq, m.server_seq FROM messages m JOIN conversations c"
            " ON c.id = m.conversation_id WHERE c.uid = ? ORDER BY m.seq",
            (uid,),
        )
    ]


def _list_columns(desk: Desk, uid: str) -> tuple[object, ...]:
    (row,) = desk.query(
        "SELECT last_message_preview, last_message_kind, unread_count, first_response_at,"
        " kpi_messages, kpi_machine FROM conversations WHERE uid = ?",
        (uid,),
    )
    return tuple(row)


def _search_text(desk: Desk, uid: str) -> str:
    (row,) = desk.query(
        "SELECT f.body FROM conversations_fts f JOIN conversations c ON c.id = f.rowid"
        " WHERE c.uid = ?",
        (uid,),
    )
    return str(row[0])


def _demand(desk: Desk) -> int:
    return int(desk.query("SELECT coalesce(sum(messages), 0) FROM demand_quarters")[0][0])


def test_a_deleted_message_leaves_the_desk_and_the_rollups_follow(
    admin: Api, make_desk: DeskFactory
) -> None:
    conversation = admin.new_conversation(body="Where is my parcel?")
    uid = conversation["id"]
    reply = _agent_reply(admin, uid, "Seu pacote chega amanhã.", "Your parcel arrives tomorrow.")
    abusive = _customer(admin, conversation, "Zorglub insults everyone")
    _customer(admin, conversation, "One more question")
    desk = make_desk()
    desk.synced()
    before = _messages(desk, uid)
    assert len(before) == 4
    assert _list_columns(desk, uid)[:3] == ("One more question", "customer", 3)
    assert _list_columns(desk, uid)[3] is not None  # the reply was a first response
    assert _demand(desk) == 3
    assert "zorglub" in _search_text(desk, uid).casefold()

    _delete(admin, uid, abusive)
    _delete(admin, uid, reply)
    report = desk.synced()

    local = desk.conversation_id(uid)
    assert report.changes.names(local) and report.changes.messages
    assert _messages(desk, uid) == [before[0], before[3]]  # seqs unchanged, gaps left
    preview, kind, unread, first_response, kpi_messages, kpi_machine = _list_columns(desk, uid)
    assert (preview, kind, unread) == ("One more question", "customer", 2)
    assert first_response is None  # the only reply went
    assert (kpi_messages, kpi_machine) == (2, 2)  # two customer messages, read through MT
    assert _demand(desk) == 2
    assert "zorglub" not in _search_text(desk, uid).casefold()
    assert desk.query("SELECT count(*) FROM messages WHERE original_body IS NOT NULL") == [(0,)]
    assert desk.outbox() == []

    # the newest goes: the preview falls back to the message before it
    _delete(admin, uid, before[3][0])
    desk.synced()
    assert _list_columns(desk, uid)[:3] == ("Where is my parcel?", "customer", 1)
    assert [m[0] for m in _messages(desk, uid)] == [before[0][0]]


def test_only_unread_messages_that_went_leave_the_unread_count(
    admin: Api, make_desk: DeskFactory
) -> None:
    conversation = admin.new_conversation(body="First, already read")
    uid = conversation["id"]
    desk = make_desk()
    desk.synced()
    local = desk.conversation_id(uid)
    desk.runner.store_call(lambda repo: inbox.open_conversation(repo, local))  # read
    newest = _customer(admin, conversation, "Second, unread")
    desk.synced()
    assert _list_columns(desk, uid)[2] == 1

    _delete(admin, uid, _messages(desk, uid)[0][0])  # the one already read
    desk.synced()
    assert _list_columns(desk, uid)[:3] == ("Second, unread", "customer", 1)

    _delete(admin, uid, newest)
    desk.synced()
    assert _list_columns(desk, uid)[:3] == ("", "customer", 0)
    assert _messages(desk, uid) == []
    assert desk.conversation_id(uid) == local  # the conversation itself stays


def test_a_full_reread_removes_what_the_server_no_longer_has(
    admin: Api, make_desk: DeskFactory
) -> None:
    """The tombstone was compacted away before the desk synced: the snapshot after the
    410 is the only news, and messages it no longer lists go, except unsent ones."""
    conversation = admin.new_conversation(body="Keep me")
    uid = conversation["id"]
    gone = _customer(admin, conversation, "Zorglub was here")
    desk = make_desk()
    desk.synced()
    desk.reply(uid, "Queued, not sent yet")
    _delete(admin, uid, gone)
    assert admin.post("/v1/admin/compact").status_code == 200

    desk.engine.pull()  # the pull half only: the reply stays queued

    bodies = desk.query(
        "SELECT m.body FROM messages m JOIN conversations c ON c.id = m.conversation_id"
        " WHERE c.uid = ? ORDER BY m.seq",
        (uid,),
    )
    assert bodies == [("Keep me",), ("Queued, not sent yet",)]
    assert "zorglub" not in _search_text(desk, uid).casefold()
    assert _list_columns(desk, uid)[:3] == ("Queued, not sent yet", "agent", 1)
    assert [op.op for op in desk.outbox()] == ["send_message"]

    desk.synced()  # the reply goes out and stays
    assert [m["body"] for m in server_messages(admin, uid)] == ["Keep me", "Queued, not sent yet"]
    assert desk.agent_replies(uid)[0][1:] == ("Queued, not sent yet", "sent")


def test_a_reply_deleted_after_the_server_accepted_it_is_not_sent_again(
    admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    """The server stored the reply but every answer was lost, so it is still queued here
    when a moderator deletes it: the tombstone takes the reply and its queued send, and
    nothing brings it back."""
    conversation = admin.new_conversation()
    uid = conversation["id"]
    proxy = make_proxy()
    desk = make_desk(url=proxy.base_url)
    desk.synced()
    desk.reply(uid, "Something regrettable")
    path = f"/v1/conversations/{uid}/messages"
    proxy.on("POST", path, DropAfterForward(), times=None)
    desk.sync()
    (stored,) = [m for m in server_messages(admin, uid) if m["kind"] == "agent"]
    assert [op.op for op in desk.outbox()] == ["send_message"]  # waiting to retry
    proxy.clear()

    _delete(admin, uid, stored["id"])
    desk.engine.pull()

    assert desk.agent_replies(uid) == []
    assert desk.outbox() == []
    sent_before = len(proxy.seen("POST", path))
    desk.clock.offset += 3600  # long past any retry time
    report = desk.synced()
    assert report.pending == 0 and report.needs_attention == 0
    assert len(proxy.seen("POST", path)) == sent_before  # never posted again
    assert [m["kind"] for m in server_messages(admin, uid)] == ["customer"]
    assert desk.agent_replies(uid) == []


def test_a_tombstone_for_an_unknown_message_is_harmless(admin: Api, make_desk: DeskFactory) -> None:
    conversation = admin.new_conversation(body="Still here")
    uid = conversation["id"]
    never_seen = _customer(admin, conversation, "Deleted before any desk saw it")
    _delete(admin, uid, never_seen)
    _, deleted, _ = admin.drain("messages")
    assert never_seen in [t["id"] for t in deleted]  # the snapshot carries the tombstone

    desk = make_desk()
    report = desk.synced()

    assert report.quarantined == 0
    assert [m[0] for m in _messages(desk, uid)] == [server_messages(admin, uid)[0]["id"]]
    assert _list_columns(desk, uid)[:3] == ("Still here", "customer", 1)
    desk.synced()  # and the cursor moved past it: nothing more to do
    assert len(_messages(desk, uid)) == 1


def test_a_deleted_message_takes_its_files_off_this_computer(
    admin: Api, make_desk: DeskFactory
) -> None:
    data = png(31, 17)
    sha = hashlib.sha256(data).hexdigest()
    put = admin.http.put(
        f"/v1/attachments/{sha}", content=data, headers={"Content-Type": "image/png"}
    )
    assert put.status_code in (200, 201), put.text
    delivered = admin.inbound(attachments=[{"id": sha, "filename": "passport.png"}])
    assert delivered.status_code == 201, delivered.text
    uid = delivered.json()["conversation"]["id"]
    message_id = delivered.json()["message"]["id"]
    desk = make_desk()
    desk.synced()
    (file_id,) = desk.query("SELECT id FROM attachments")[0]
    assert desk.engine.fetch_attachment(file_id)
    assert desk.query("SELECT stored_path FROM attachments")[0][0] is not None
    on_disk = [p for p in attachments_folder(desk.path).rglob("*") if p.is_file()]
    assert [p.name for p in on_disk] == [sha], on_disk

    _delete(admin, uid, message_id)
    desk.synced()

    assert desk.query("SELECT count(*) FROM attachments") == [(0,)]
    assert not any(p.exists() for p in on_disk)
