"""The KPI columns are kept by the writes themselves: first_response_at (the first sent
agent reply), resolved_at (set on resolving, cleared on reopening) and reopen_count, for
the agent's own actions, a customer's reply and the server's data."""

from __future__ import annotations

from typing import Literal

from app.contract import models as wire
from app.domain.models import MessageKind, Status
from app.ops import inbox, reply
from app.ops.reply import Reply, ReplyDraft
from app.storage.store import Store
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.helpers.sql import sql


def kpis(repo: Store, cid: int) -> tuple[int | None, int | None, int, str]:
    row = (
        sql(repo)
        .execute(
            "SELECT first_response_at, resolved_at, reopen_count, status FROM conversations"
            " WHERE id = ?",
            (cid,),
        )
        .fetchone()
    )
    return row[0], row[1], row[2], row[3]


def unanswered(repo: Store) -> int:
    return add_conversation(
        repo, Conv(messages=[(MessageKind.CUSTOMER, "Where is my parcel?")]), add_agents(repo)
    )


def test_the_first_sent_reply_is_the_first_response_and_a_held_one_is_not(repo: Store) -> None:
    cid = unanswered(repo)
    reply.send(repo, cid, reply.note("checking with the warehouse"), None, NOW)
    assert kpis(repo, cid)[0] is None  # a note is not a response
    held = ReplyDraft("en", True).held("we will refund you", "es-MX")
    reply.send(repo, cid, held, None, NOW + 10)
    assert kpis(repo, cid)[0] is None  # held for a translator: the customer has nothing yet
    waiting = repo.messages.messages(cid)[-1]
    reply.release_held(repo, waiting, "Le reembolsaremos", None, NOW + 60)
    assert kpis(repo, cid)[0] == NOW + 60
    reply.send(repo, cid, Reply(MessageKind.AGENT, "Anything else?"), None, NOW + 120)
    assert kpis(repo, cid)[0] == NOW + 60  # the first stays the first


def test_resolving_sets_resolved_at_and_leaving_it_counts_a_reopen(repo: Store) -> None:
    cid = unanswered(repo)
    reply.send(repo, cid, Reply(MessageKind.AGENT, "Shipped today"), None, NOW)
    inbox.set_status(repo, cid, Status.PENDING, NOW + 5)
    assert kpis(repo, cid)[1:] == (None, 0, "pending")  # pending is not a reopen
    inbox.set_status(repo, cid, Status.RESOLVED, NOW + 10)
    assert kpis(repo, cid)[1:] == (NOW + 10, 0, "resolved")
    inbox.set_status(repo, cid, Status.RESOLVED, NOW + 20)
    assert kpis(repo, cid)[1] == NOW + 10  # resolved once, not again
    inbox.set_status(repo, cid, Status.OPEN, NOW + 30)
    assert kpis(repo, cid)[1:] == (None, 1, "open")
    inbox.set_status(repo, cid, Status.OPEN, NOW + 35)
    assert kpis(repo, cid)[2] == 1  # open to open is nothing


def test_a_customer_writing_after_resolution_reopens_and_counts(repo: Store) -> None:
    cid = unanswered(repo)
    reply.send(repo, cid, Reply(MessageKind.AGENT, "Refunded"), None, NOW, then=Status.RESOLVED)
    assert kpis(repo, cid) == (NOW, NOW, 0, "resolved")
    repo.messages.add_message(cid, MessageKind.CUSTOMER, "It did not arrive", NOW + 100)
    assert kpis(repo, cid) == (NOW, None, 1, "open")
    repo.messages.add_message(cid, MessageKind.CUSTOMER, "Hello?", NOW + 200)
    assert kpis(repo, cid)[2] == 1  # already open: no second reopen
    inbox.set_status(repo, cid, Status.RESOLVED, NOW + 300)
    repo.messages.add_message(cid, MessageKind.CUSTOMER, "Still nothing", NOW + 400)
    assert kpis(repo, cid)[1:] == (None, 2, "open")


def test_an_imported_resolved_conversation_has_a_resolution_time(repo: Store) -> None:
    cid = add_conversation(
        repo,
        Conv(
            status=Status.RESOLVED,
            messages=[(MessageKind.CUSTOMER, "Hi"), (MessageKind.AGENT, "Hello!")],
        ),
        add_agents(repo),
    )
    first, resolved, reopens, _status = kpis(repo, cid)
    assert first is not None and resolved is not None and resolved >= first and reopens == 0


def _conversation(
    status: Literal["open", "resolved"], version: int, updated_at: int
) -> wire.Conversation:
    return wire.Conversation(
        id="srv-1",
        version=version,
        customer=wire.Customer(id="cus-1", name="Ana", country="BR", language="pt-BR"),
        channel="whatsapp",
        status=status,
        last_message_seq=0,
        last_activity_at=updated_at,
        created_at=NOW - 3600,
        updated_at=updated_at,
    )


def _message(seq: int, kind: Literal["customer", "agent"], at: int) -> wire.Message:
    author = wire.Author(type="agent", id="agent-1") if kind == "agent" else wire.Author(type=kind)
    return wire.Message(
        id=f"srv-m{seq}",
        conversation_id="srv-1",
        seq=seq,
        kind=kind,
        author=author,
        body=f"message {seq}",
        created_at=at,
    )


def test_the_servers_data_keeps_the_same_columns(repo: Store) -> None:
    add_agents(repo)
    (cid,) = repo.remote.upsert_conversations([_conversation("open", 1, NOW - 3000)], NOW)
    # A page whose agent messages are not in time order: the earliest is the first response.
    repo.remote.upsert_messages(
        [
            _message(1, "customer", NOW - 3600),
            _message(2, "agent", NOW - 1000),
            _message(3, "agent", NOW - 2000),
        ]
    )
    assert kpis(repo, cid)[0] == NOW - 2000
    repo.remote.upsert_conversations([_conversation("resolved", 2, NOW - 500)], NOW)
    assert kpis(repo, cid)[1:] == (NOW - 500, 0, "resolved")
    repo.remote.upsert_conversations([_conversation("resolved", 3, NOW - 400)], NOW)
    assert kpis(repo, cid)[1] == NOW - 500  # still the first resolution
    repo.remote.upsert_conversations([_conversation("open", 4, NOW - 300)], NOW)
    assert kpis(repo, cid)[1:] == (None, 1, "open")


def test_a_conversation_first_seen_resolved_from_the_server(repo: Store) -> None:
    add_agents(repo)
    (cid,) = repo.remote.upsert_conversations([_conversation("resolved", 5, NOW - 100)], NOW)
    assert kpis(repo, cid)[1:] == (NOW - 100, 0, "resolved")


def test_undoing_a_resolve_or_a_reopen_leaves_no_reopen_behind(repo: Store) -> None:
    cid = unanswered(repo)
    open_before = inbox.Before.of(repo.conversations.conversation_row(cid))
    inbox.set_status(repo, cid, Status.RESOLVED, NOW)
    inbox.undo(repo, cid, open_before, NOW + 3)  # "Resolved · Undo"
    assert kpis(repo, cid)[1:] == (None, 0, "open")
    inbox.set_status(repo, cid, Status.RESOLVED, NOW + 10)
    resolved_before = inbox.Before.of(repo.conversations.conversation_row(cid))
    inbox.set_status(repo, cid, Status.OPEN, NOW + 20)
    assert kpis(repo, cid)[2] == 1
    inbox.undo(repo, cid, resolved_before, NOW + 23)  # "Reopened · Undo"
    assert kpis(repo, cid)[1:] == (NOW + 23, 0, "resolved")
