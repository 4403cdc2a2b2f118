"""Offline is a state, not an error: replies queue up and drain in order once back."""

from __future__ import annotations

from tests.contract.client import Api
from tests.sync.conftest import DeskFactory, ProxyFactory
from tests.sync.harness import server_messages


def test_two_hundred_replies_queued_offline_drain_in_order(
    admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    """200 replies written while the server is unreachable show "queued"; when it is back
    they reach it in the order the agent wrote them, per conversation, all "sent"."""
    conversations = [admin.new_conversation()["id"] for _ in range(3)]
    proxy = make_proxy()
    desk = make_desk(url=proxy.base_url)
    desk.synced()

    proxy.offline = True
    written: dict[str, list[str]] = {uid: [] for uid in conversations}
    for n in range(200):
        uid = conversations[(n * 7) % 3]  # interleaved across the conversations
        body = f"reply {n:03d}"
        desk.reply(uid, body)
        written[uid].append(body)
    report = desk.sync()

    assert not report.online
    assert "cannot be reached" in (report.error or "")
    assert report.pending == 200 and report.pushed == 0
    for uid in conversations:
        assert {d for _, _, d in desk.agent_replies(uid)} == {"queued"}
    assert all(m["kind"] != "agent" for uid in conversations for m in server_messages(admin, uid))

    proxy.offline = False
    report = desk.synced()

    assert report.pushed == 200 and report.pending == 0
    assert desk.outbox() == []
    for uid in conversations:
        on_server = [m for m in server_messages(admin, uid) if m["kind"] == "agent"]
        assert [m["body"] for m in on_server] == written[uid]  # server seq order
        seqs = [m["seq"] for m in on_server]
        assert seqs == sorted(seqs)
        local = desk.agent_replies(uid)
        assert [body for _, body, _ in local] == written[uid]
        assert [uid_ for uid_, _, _ in local] == [m["id"] for m in on_server]
        assert {delivery for _, _, delivery in local} == {"sent"}
