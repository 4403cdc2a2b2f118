"""Writing what the server sent into the local store (pull), and its acknowledgements.

The server is authoritative for a conversation's fields, except while the agent
has changes to them still queued in the outbox: those stay as the agent set them
until the server has answered (then the next pull brings the agreed state).

A page is written with ``executemany``, not sqlite-utils' ``insert_all``/``upsert_all``:
on this schema those measured slower (messages 53k rows/s against 74k; customers 114k
against 162k row by row and 230k with executemany), and ``upsert_all`` would also
overwrite ``created_at``.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

from app.domain.fields import fields_to_json
from app.domain.lang import primary_language
from app.domain.models import Channel, MessageKind, Status
from app.storage.attachments import AttachmentRepository
from app.storage.conversations import ConversationRepository
from app.storage.link import Link
from app.storage.message_removal import MessageRemoval
from app.storage.messages import MessageRepository, ReceivedMessage
from app.storage.purge import purged_versions, skips

if TYPE_CHECKING:  # pydantic: only where a server workspace syncs
    from app.contract import models as wire

# KPIs from the server's status (parameters: status, updated_at, status; SET reads the old
# row): resolved since the server's update unless already resolved; leaving it, a reopen.
_KPI_STATE = (
    "resolved_at = CASE WHEN ? = 'resolved' THEN coalesce(resolved_at, ?) END,"
    " reopen_count = reopen_count + (status = 'resolved' AND ? <> 'resolved')"
)


class RemoteMirror:
    """The server's data mirrored into the local store (store lane only)."""

    def __init__(
        self, link: Link, conversations: ConversationRepository, messages: MessageRepository
    ) -> None:
        self._link = link
        self._conn = link.conn
        self._conversations = conversations
        self._messages = messages

    def agent_ids(self) -> dict[str, int]:
        return {uid: id_ for id_, uid in self._conn.execute("SELECT id, uid FROM agents")}

    def upsert_agents(self, agents: Iterable[wire.Agent]) -> None:
        with self._link.transaction():
            for agent in agents:
                self._conversations.upsert_agent(agent.id, agent.name, None)

    def _customer_id(self, customer: wire.Customer, now: int) -> int:
        self._conn.execute(
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
        if customer.fields is not None:  # backend fields (plan, customer since)
            self._conn.execute(
                "UPDATE customers SET fields = ? WHERE uid = ?",
                (fields_to_json(customer.fields), customer.id),
            )
        return int(
            self._conn.execute("SELECT id FROM customers WHERE uid = ?", (customer.id,)).fetchone()[
                0
            ]
        )

    def upsert_conversations(
        self, conversations: Iterable[wire.Conversation], now: int
    ) -> set[int]:
        """Insert new conversations, update known ones; returns the local ids touched."""
        agents = self.agent_ids()
        touched: set[int] = set()
        with self._link.transaction():
            busy = {
                uid
                for (uid,) in self._conn.execute(
                    "SELECT DISTINCT conversation_uid FROM outbox WHERE op = 'patch'"
                )
            }
            retained_out = purged_versions(self._link)  # removed here by retention
            for conv in conversations:
                if skips(self._link, retained_out, conv.id, conv.version):
                    continue  # unchanged on the server since: not brought back
                customer_id = self._customer_id(conv.customer, now)
                assignee = agents.get(conv.assignee_id) if conv.assignee_id else None
                language = conv.language or conv.customer.language or "und"
                local = self._conversations.conversation_id_by_uid(conv.id)
                if local is None:
                    local = self._conversations.insert_conversation(
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
                    self._conn.execute(
                        "UPDATE conversations SET server_version = ?, subject = ?, customer_id = ?"
                        " WHERE id = ?",
                        (conv.version, conv.subject, customer_id, local),
                    )
                else:
                    self._conn.execute(
                        "UPDATE conversations SET server_version = ?, subject = ?, customer_id = ?,"
                        " status = ?, assignee_id = ?, snoozed_until = ?, sla_due_at = ?,"
                        " channel = ?, country = ?, language = CASE WHEN language_override IS NULL"
                        " THEN ? ELSE language END, language_primary = CASE WHEN language_override"
                        " IS NULL THEN ? ELSE language_primary END,"
                        " last_activity_at = max(last_activity_at, ?), updated_at = ?,"
                        f" {_KPI_STATE} WHERE id = ?",
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
                            conv.status,
                            conv.updated_at,
                            conv.status,
                            local,
                        ),
                    )
                    self._set_tags(local, conv.tags)
                if conv.fields is not None:  # backend fields (order details): server wins
                    self._conn.execute(
                        "UPDATE conversations SET fields = ? WHERE id = ?",
                        (fields_to_json(conv.fields), local),
                    )
                touched.add(local)
        return touched

    def _set_tags(self, conversation_id: int, tags: list[str]) -> None:
        self._conn.execute(
            "DELETE FROM conversation_tags WHERE conversation_id = ?", (conversation_id,)
        )
        for tag in dict.fromkeys(t.strip() for t in tags if t.strip()):
            self._conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (tag,))
            self._conn.execute(
                "INSERT OR IGNORE INTO conversation_tags (conversation_id, tag_id)"
                " SELECT ?, id FROM tags WHERE name = ?",
                (conversation_id, tag),
            )

    def conversation_ids(self, uids: Iterable[str]) -> dict[str, int]:
        """Local ids of the conversations with these server ids (those known here)."""
        return self._local_ids("conversations", uids)

    def _local_ids(self, table: str, uids: Iterable[str]) -> dict[str, int]:
        wanted = list(dict.fromkeys(uids))
        found: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found.update(
                self._conn.execute(
                    f"SELECT uid, id FROM {table} WHERE uid IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
            )
        return found

    def upsert_messages(
        self, messages: Iterable[wire.Message], *, defer: Collection[str] = ()
    ) -> set[str]:
        """Add the server's messages; confirm our own. Returns the conversation uids whose
        conversation is not known yet (the engine fetches them and tries again).

        The search document of each conversation given messages is rewritten, except for the
        conversation uids in ``defer``: those whose newer messages are still to come in this
        pull (see :func:`reindex_conversations`), so a conversation whose messages span many
        pages is indexed once, not once a page."""
        messages = list(messages)
        agents = self.agent_ids()
        unknown: set[str] = set()
        with self._link.transaction():
            conversations = self._local_ids("conversations", (m.conversation_id for m in messages))
            stored = set(self._local_ids("messages", (m.id for m in messages)))
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
                        author_agent_id=agents.get(message.author.id)
                        if message.author.id
                        else None,
                        language=message.language,
                        original_body=message.original_body,
                        original_language=message.original_language,
                        provenance=message.provenance.model_dump_json()
                        if message.provenance
                        else None,
                        server_seq=message.seq,
                    )
                )
            self._messages.add_received_messages(received)
            self._conn.executemany(  # the customer replied: a snooze "until they reply" ends
                "UPDATE conversations SET status = 'open', snoozed_until = NULL,"
                " snooze_until_reply = 0 WHERE id = ? AND snooze_until_reply = 1"
                " AND status = 'snoozed'",
                [(c,) for c in {r.conversation_id for r in received if r.kind == "customer"}],
            )
            self._conn.executemany(  # after the inserts: a page may hold a message twice
                "UPDATE messages SET server_seq = ?, delivery = CASE WHEN delivery IS NULL"
                " THEN NULL ELSE 'sent' END WHERE uid = ?",
                confirmed,
            )
            self._conn.executemany(  # read receipts, where the backend sends them
                "UPDATE messages SET read_at = ? WHERE uid = ?",
                [(m.read_at, m.id) for m in messages if m.read_at is not None],
            )
            AttachmentRepository(self._link).mirror_received(messages)  # their files' metadata
            deferred = {conversations[uid] for uid in defer if uid in conversations}
            for conversation_id in dict.fromkeys(m.conversation_id for m in received):
                if conversation_id not in deferred:
                    self._conversations.reindex(conversation_id)
        return unknown

    def reindex_conversations(self, uids: Iterable[str]) -> None:
        """Rewrite the search documents of these conversations (left by ``upsert_messages``
        with ``defer`` until their last message had come)."""
        with self._link.transaction():
            for conversation_id in self.conversation_ids(uids).values():
                self._conversations.reindex(conversation_id)

    def acknowledge_message(self, message: wire.Message) -> None:
        """The server stored our reply: it is sent."""
        self._conn.execute(
            "UPDATE messages SET delivery = 'sent', server_seq = ? WHERE uid = ?",
            (message.seq, message.id),
        )

    def forget_collection(self, collection: str) -> None:
        """A 410 (cursor expired): the next pull re-reads the collection from a snapshot.

        Only the cursor is reset: local rows are upserted again (nothing the agent wrote
        is lost, the outbox is untouched)."""
        self._conn.execute("DELETE FROM sync_state WHERE collection = ?", (collection,))

    def remove_conversations(self, tombstones: Iterable[wire.Tombstone]) -> int:
        """Deleted on the server, or no longer visible to this agent."""
        removed = 0
        with self._link.transaction():
            for tombstone in tombstones:
                local = self._conversations.conversation_id_by_uid(tombstone.id)
                if local is None:
                    continue
                if self._conn.execute(
                    "SELECT 1 FROM outbox WHERE conversation_uid = ? LIMIT 1", (tombstone.id,)
                ).fetchone():
                    continue  # keep it while the agent's changes to it are unsent
                self._conn.execute("DELETE FROM conversations_fts WHERE rowid = ?", (local,))
                self._conn.execute("DELETE FROM conversations WHERE id = ?", (local,))
                removed += 1
            if removed:  # an erased customer's files leave this computer too
                AttachmentRepository(self._link).sweep_files()
        return removed

    def keep_listed_conversations(self, listed: set[str]) -> int:
        """After a full re-snapshot (a 410): conversations the server no longer lists were
        deleted while their tombstones were compacted away; remove them too (except, as for
        a tombstone, while the agent's changes to them are unsent)."""
        local = self._conn.execute("SELECT uid FROM conversations").fetchall()
        gone = [uid for (uid,) in local if uid not in listed]
        from app.contract import models as wire  # pydantic: only in signed-in workspaces

        return self.remove_conversations(
            [wire.Tombstone.model_construct(id=uid, deleted_at=0) for uid in gone]
        )

    def remove_messages(self, tombstones: Iterable[wire.Tombstone]) -> set[int]:
        """Messages the server deleted (one at a time: moderation, erasure of one message);
        returns the local ids of the conversations that lost one."""
        return MessageRemoval(self._link, self._conversations).remove(t.id for t in tombstones)

    def keep_listed_messages(self, listed: set[str]) -> set[int]:
        """After a full re-snapshot of the messages feed: see ``MessageRemoval.keep_listed``."""
        return MessageRemoval(self._link, self._conversations).keep_listed(listed)

    def take_server_state(self, conversation_id: int, current: dict[str, Any]) -> None:
        """The agent dropped a conflicting change: show the server's state (``current``,
        the server's conversation record as JSON) for the fields a patch may change."""
        assignee = None
        if current.get("assignee_id"):
            found = self._conn.execute(
                "SELECT id FROM agents WHERE uid = ?", (current["assignee_id"],)
            ).fetchone()
            assignee = found[0] if found else None
        self._conn.execute(
            "UPDATE conversations SET status = ?, assignee_id = ?, snoozed_until = ?,"
            " server_version = max(coalesce(server_version, 0), ?) WHERE id = ?",
            (
                current.get("status"),
                assignee,
                current.get("snoozed_until"),
                current.get("version") or 0,
                conversation_id,
            ),
        )

    def server_version(self, conversation_uid: str) -> int | None:
        """The server version the local copy of a conversation is based on."""
        row = self._conn.execute(
            "SELECT server_version FROM conversations WHERE uid = ?", (conversation_uid,)
        ).fetchone()
        return row[0] if row else None

    def set_server_version(self, conversation_uid: str, version: int) -> None:
        self._conn.execute(
            "UPDATE conversations SET server_version = ? WHERE uid = ?",
            (version, conversation_uid),
        )
