"""Writing what the server sent into the local store (pull), and its acknowledgements.

The server is authoritative for a conversation's fields, except while the agent
has changes to them still queued in the outbox: those stay as the agent set them
until the server has answered (then the next pull brings the agreed state).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from app.contract import models as wire
from app.domain.models import Channel, MessageKind, Status
from app.storage.repository import InboxRepository, primary_language


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


def upsert_messages(repo: InboxRepository, messages: Iterable[wire.Message]) -> set[str]:
    """Add the server's messages; confirm our own. Returns the conversation uids whose
    conversation is not known yet (the engine fetches them and tries again)."""
    agents = agent_ids(repo)
    unknown: set[str] = set()
    touched: set[int] = set()
    with repo.transaction():
        for message in messages:
            local_conversation = repo.conversation_id_by_uid(message.conversation_id)
            if local_conversation is None:
                unknown.add(message.conversation_id)
                continue
            existing = repo.conn.execute(
                "SELECT id FROM messages WHERE uid = ?", (message.id,)
            ).fetchone()
            if existing is not None:  # ours, acknowledged (or a replayed page)
                repo.conn.execute(
                    "UPDATE messages SET server_seq = ?, delivery = CASE WHEN delivery IS NULL"
                    " THEN NULL ELSE 'sent' END WHERE id = ?",
                    (message.seq, existing[0]),
                )
                continue
            provenance = message.provenance.model_dump_json() if message.provenance else None
            author = agents.get(message.author.id) if message.author.id else None
            repo.add_message(
                local_conversation,
                MessageKind(message.kind),
                message.body,
                message.created_at,
                author_agent_id=author,
                language=message.language,
                uid=message.id,
                reindex=False,
                original_body=message.original_body,
                original_language=message.original_language,
                provenance=provenance,
                count_unread=message.kind == "customer",
                keep_state=True,
            )
            repo.conn.execute(
                "UPDATE messages SET server_seq = ? WHERE uid = ?", (message.seq, message.id)
            )
            touched.add(local_conversation)
        for conversation_id in touched:
            repo.reindex(conversation_id)
    return unknown


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
