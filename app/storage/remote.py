"""Writing what the server sent into the local store (pull), and its acknowledgements.

The server is authoritative for a conversation's fields, except while the agent
has changes to them still queued in the outbox: those stay as the agent set them
until the server has answered (then the next pull brings the agreed state).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable

from app.contract import models as wire
from app.domain.models import Channel, MessageKind, Status
from app.storage.repository import InboxRepository, ReceivedMessage, primary_language


def agent_ids(repo: InboxRepository) -> dict[str, int]:
    return {uid: id_ for id_, uid in repo.conn.execute("SELECT id, uid FROM agents")}


def upsert_agents(repo: InboxRepository, agents: Iterable[wire.Agent]) -> None:
    with repo.transaction():
        for agent in agents:
            repo.upsert_agent(agent.id, agent.name, None)


def _customer_id(repo: InboxRepository, customer: wire.Customer, now: int) -> int:
    repo.conn.execute(
        "INSERT INTO customers (uid, name, country, language, timezone, handles, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(uid) DO UPDATE SET name = excluded.name,"
        " country = excluded.country, language = excluded.language,"
        " timezone = excluded.timezone, handles = excluded.handles",
        (
            customer.id,
            customer.name,
            customer.country or "",
            customer.language or "",
            customer.timezone or "UTC",
            json.dumps(customer.handles, ensure_ascii=False),
            now,
        ),
    )
    return int(
        repo.conn.execute("SELECT id FROM customers WHERE uid = ?", (customer.id,)).fetchone()[0]
    )


def upsert_conversations(
    repo: InboxRepository, conversations: Iterable[wire.Conversation], now: int
) -> set[int]:
    """Insert new conversations, update known ones; returns the local ids touched."""
    agents = agent_ids(repo)
    touched: set[int] = set()
    with repo.transaction():
        busy = {
            uid
            for (uid,) in repo.conn.execute(
                "SELECT DISTINCT conversation_uid FROM outbox WHERE op = 'patch'"
            )
        }
        for conv in conversations:
            customer_id = _customer_id(repo, conv.customer, now)
            assignee = agents.get(conv.assignee_id) if conv.assignee_id else None
            language = conv.language or conv.customer.language or "und"
            local = repo.conversation_id_by_uid(conv.id)
            if local is None:
                local = repo.insert_conversation(
                    uid=conv.id,
                    customer_id=customer_id,
                    channel=Channel(conv.channel),
                    subject=conv.subject,
                    status=Status(conv.status),
                    assignee_id=assignee,
                    language=language,
                    country=conv.customer.country or "",
                    created_at=conv.created_at,
                )
            if conv.id in busy:  # the agent's queued change wins locally until answered
                repo.conn.execute(
                    "UPDATE conversations SET server_version = ?, subject = ?, customer_id = ?"
                    " WHERE id = ?",
                    (conv.version, conv.subject, customer_id, local),
                )
            else:
                repo.conn.execute(
                    "UPDATE conversations SET server_version = ?, subject = ?, customer_id = ?,"
                    " status = ?, assignee_id = ?, snoozed_until = ?, sla_due_at = ?,"
                    " channel = ?, country = ?, language = CASE WHEN language_override IS NULL"
                    " THEN ? ELSE language END, language_primary = CASE WHEN language_override"
                    " IS NULL THEN ? ELSE language_primary END,"
                    " last_activity_at = max(last_activity_at, ?), updated_at = ? WHERE id = ?",
                    (
                        conv.version,
                        conv.subject,
                        customer_id,
                        conv.status,
                        assignee,
                        conv.snoozed_until,
                        conv.sla_due_at,
                        conv.channel,
                        conv.customer.country or "",
                        language,
                        primary_language(language),
                        conv.last_activity_at,
                        conv.updated_at,
                        local,
                    ),
                )
                _set_tags(repo, local, conv.tags)
            touched.add(local)
    return touched


def _set_tags(repo: InboxRepository, conversation_id: int, tags: list[str]) -> None:
    repo.conn.execute("DELETE FROM conversation_tags WHERE conversation_id = ?", (conversation_id,))
    for tag in dict.fromkeys(t.strip() for t in tags if t.strip()):
        repo.conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (tag,))
        repo.conn.execute(
            "INSERT OR IGNORE INTO conversation_tags (conversation_id, tag_id)"
            " SELECT ?, id FROM tags WHERE name = ?",
            (conversation_id, tag),
        )


def conversation_ids(repo: InboxRepository, uids: Iterable[str]) -> dict[str, int]:
    """Local ids of the conversations with these server ids (those known here)."""
    return _local_ids(repo, "conversations", uids)


def _local_ids(repo: InboxRepository, table: str, uids: Iterable[str]) -> dict[str, int]:
    wanted = list(dict.fromkeys(uids))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(
            repo.conn.execute(
                f"SELECT uid, id FROM {table} WHERE uid IN ({','.join('?' * len(chunk))})", chunk
            )
        )
    return found


def upsert_messages(
    repo: InboxRepository, messages: Iterable[wire.Message], *, defer: Collection[str] = ()
) -> set[str]:
    """Add the server's messages; confirm our own. Returns the conversation uids whose
    conversation is not known yet (the engine fetches them and tries again).

    The search document of each conversation given messages is rewritten, except for the
    conversation uids in ``defer``: those whose newer messages are still to come in this
    pull (see :func:`reindex_conversations`), so a conversation whose messages span many
    pages is indexed once, not once a page."""
    messages = list(messages)
    agents = agent_ids(repo)
    unknown: set[str] = set()
    with repo.transaction():
        conversations = _local_ids(repo, "conversations", (m.conversation_id for m in messages))
        stored = set(_local_ids(repo, "messages", (m.id for m in messages)))
        received: list[ReceivedMessage] = []
        confirmed: list[tuple[int, str]] = []
        for message in messages:
            local_conversation = conversations.get(message.conversation_id)
            if local_conversation is None:
                unknown.add(message.conversation_id)
                continue
            if message.id in stored:  # ours, acknowledged (or a replayed page)
                confirmed.append((message.seq, message.id))
                continue
            stored.add(message.id)
            received.append(
                ReceivedMessage(
                    local_conversation,
                    message.id,
                    MessageKind(message.kind),
                    message.body,
                    message.created_at,
                    author_agent_id=agents.get(message.author.id) if message.author.id else None,
                    language=message.language,
                    original_body=message.original_body,
                    original_language=message.original_language,
                    provenance=message.provenance.model_dump_json() if message.provenance else None,
                    server_seq=message.seq,
                )
            )
        repo.add_received_messages(received)
        repo.conn.executemany(  # after the inserts: a page may hold a message twice
            "UPDATE messages SET server_seq = ?, delivery = CASE WHEN delivery IS NULL"
            " THEN NULL ELSE 'sent' END WHERE uid = ?",
            confirmed,
        )
        deferred = {conversations[uid] for uid in defer if uid in conversations}
        for conversation_id in dict.fromkeys(m.conversation_id for m in received):
            if conversation_id not in deferred:
                repo.reindex(conversation_id)
    return unknown


def reindex_conversations(repo: InboxRepository, uids: Iterable[str]) -> None:
    """Rewrite the search documents of these conversations (left by ``upsert_messages``
    with ``defer`` until their last message had come)."""
    with repo.transaction():
        for conversation_id in conversation_ids(repo, uids).values():
            repo.reindex(conversation_id)


def acknowledge_message(repo: InboxRepository, message: wire.Message) -> None:
    """The server stored our reply: it is sent."""
    repo.conn.execute(
        "UPDATE messages SET delivery = 'sent', server_seq = ? WHERE uid = ?",
        (message.seq, message.id),
    )


def forget_collection(repo: InboxRepository, collection: str) -> None:
    """A 410 (cursor expired): the next pull re-reads the collection from a snapshot.

    Only the cursor is reset: local rows are upserted again (nothing the agent wrote
    is lost, the outbox is untouched)."""
    repo.conn.execute("DELETE FROM sync_state WHERE collection = ?", (collection,))


def remove_conversations(repo: InboxRepository, tombstones: Iterable[wire.Tombstone]) -> int:
    """Deleted on the server, or no longer visible to this agent."""
    removed = 0
    with repo.transaction():
        for tombstone in tombstones:
            local = repo.conversation_id_by_uid(tombstone.id)
            if local is None:
                continue
            if repo.conn.execute(
                "SELECT 1 FROM outbox WHERE conversation_uid = ? LIMIT 1", (tombstone.id,)
            ).fetchone():
                continue  # keep it while the agent's changes to it are unsent
            repo.conn.execute("DELETE FROM conversations_fts WHERE rowid = ?", (local,))
            repo.conn.execute("DELETE FROM conversations WHERE id = ?", (local,))
            removed += 1
    return removed


def keep_listed_conversations(repo: InboxRepository, listed: set[str]) -> int:
    """After a full re-snapshot (a 410): conversations the server no longer lists were
    deleted while their tombstones were compacted away; remove them too (except, as for
    a tombstone, while the agent's changes to them are unsent)."""
    local = repo.conn.execute("SELECT uid FROM conversations").fetchall()
    gone = [uid for (uid,) in local if uid not in listed]
    return remove_conversations(
        repo, [wire.Tombstone.model_construct(id=uid, deleted_at=0) for uid in gone]
    )
