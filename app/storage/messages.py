"""Messages: the thread of a conversation, and appending to it.

Appending keeps the conversation's list columns (preview, counts, SLA) and its search
document in the same transaction as the message, so they never disagree.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.models import Channel, Message, MessageKind
from app.domain.rules import preview_of, response_due
from app.storage.conversations import ConversationRepository
from app.storage.link import Link
from app.storage.schema_steps import PAGE_ROLLUPS

# A customer message reopens a resolved conversation, and one snoozed "until the
# customer replies" (its wake-up time and flag go; every SET reads the old row).
_REOPEN_ON_REPLY = (
    "status = CASE WHEN status = 'resolved' OR (status = 'snoozed' AND snooze_until_reply = 1)"
    " THEN 'open' ELSE status END, snoozed_until = CASE WHEN status = 'snoozed'"
    " AND snooze_until_reply = 1 THEN NULL ELSE snoozed_until END, snooze_until_reply = 0,"
    # KPIs: a reopened conversation is no longer resolved, and counts one more reopen.
    " reopen_count = reopen_count + (status = 'resolved'),"
    " resolved_at = CASE WHEN status = 'resolved' THEN NULL ELSE resolved_at END"
)
# KPIs: the first reply the customer got (a held one is not sent yet; the earliest, as
# messages from a server may come in any order). Parameters: the reply's time, twice.
_FIRST_RESPONSE = "first_response_at = min(coalesce(first_response_at, ?), ?)"


@dataclass(frozen=True, slots=True)
class ReceivedMessage:
    """A message a server sent, for :meth:`MessageRepository.add_received_messages`."""

    conversation_id: int
    uid: str
    kind: MessageKind
    body: str
    created_at: int
    author_agent_id: int | None = None
    language: str | None = None
    original_body: str | None = None
    original_language: str | None = None
    provenance: str | None = None
    server_seq: int | None = None


class _Head:
    """What a page of received messages does to one conversation's list columns."""

    __slots__ = (
        "activity",
        "added",
        "channel",
        "first_response",
        "seq",
        "shown",
        "unread",
        "updated_at",
    )

    def __init__(self, channel: str, seq: int) -> None:
        self.channel = channel
        self.seq = seq  # the last local seq given
        self.added = 0
        self.activity: int | None = None  # newest non-note message time
        self.shown: ReceivedMessage | None = None  # the message the preview shows
        self.unread = 0
        self.updated_at = 0
        self.first_response: int | None = None  # the earliest agent reply in the page


def _show(assignments: list[str], params: list[Any], kind: MessageKind, body: str, at: int) -> None:
    """The list columns a message the customer sees sets: activity, preview, its kind."""
    assignments += [
        "last_activity_at = max(last_activity_at, ?)",
        "last_message_preview = ?",
        "last_message_kind = ?",
    ]
    params += [at, preview_of(body), kind.value]


class MessageRepository:
    """The messages of the inbox's conversations (store lane only)."""

    def __init__(self, link: Link, conversations: ConversationRepository) -> None:
        self._link = link
        self._conn = link.conn
        self._conversations = conversations

    def messages(self, conversation_id: int) -> tuple[Message, ...]:
        cursor = self._conn.execute(
            "SELECT m.id, m.uid, m.conversation_id, m.seq, m.kind, m.body, m.language, m.channel,"
            " m.created_at, a.name, m.author_agent_id, m.detected_language,"
            " m.detected_confidence, m.original_body, m.original_language, m.provenance,"
            " m.state, m.delivery, m.read_at, m.held_for_agent_id, h.name"
            " FROM messages m LEFT JOIN agents a ON a.id = m.author_agent_id"
            " LEFT JOIN agents h ON h.id = m.held_for_agent_id"
            " WHERE m.conversation_id = ? ORDER BY m.seq",
            (conversation_id,),
        )
        return tuple(
            Message(
                r[0],
                r[1],
                r[2],
                r[3],
                MessageKind(r[4]),
                r[5],
                r[6],
                Channel(r[7]),
                r[8],
                r[9],
                r[10],
                r[11],
                r[12],
                r[13],
                r[14],
                r[15],
                r[16] == "held",
                r[17],
                read_at=r[18],
                held_for_agent_id=r[19],
                held_for_name=r[20],
            )
            for r in cursor
        )

    def add_message(
        self,
        conversation_id: int,
        kind: MessageKind,
        body: str,
        created_at: int,
        *,
        author_agent_id: int | None = None,
        language: str | None = None,
        uid: str | None = None,
        count_unread: bool = True,
        reindex: bool = True,
        original_body: str | None = None,
        original_language: str | None = None,
        provenance: str | None = None,
        held: bool = False,
        keep_state: bool = False,
        delivery: str | None = None,
    ) -> int:
        """Append a message and keep the conversation's list columns and SLA in step.

        A held reply (waiting for a human translator) is stored but not sent: it
        changes neither the preview nor the SLA clock. ``keep_state``: a message from the
        server, whose status and SLA the server's conversation record already carries.
        ``delivery``: "queued" for a reply that will be sent to a server.
        """
        with self._link.transaction():
            conv = self._conn.execute(
                "SELECT channel, sla_due_at, message_count FROM conversations WHERE id = ?",
                (conversation_id,),
            ).fetchone()
            if conv is None:
                raise KeyError(conversation_id)
            channel = Channel(conv[0])
            seq = int(conv[2]) + 1
            cursor = self._conn.execute(
                "INSERT INTO messages (uid, conversation_id, seq, kind, author_agent_id, body,"
                " language, channel, created_at, original_body, original_language, provenance,"
                " state, delivery) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    uid or str(uuid.uuid4()),
                    conversation_id,
                    seq,
                    kind.value,
                    author_agent_id,
                    body,
                    language,
                    channel.value,
                    created_at,
                    original_body,
                    original_language,
                    provenance,
                    "held" if held else "sent",
                    delivery,
                ),
            )
            assignments = ["message_count = ?"]
            params: list[Any] = [seq]
            if held:
                pass  # not sent yet: the customer still waits for an answer
            elif kind is not MessageKind.NOTE:
                _show(assignments, params, kind, body, created_at)
            if kind is MessageKind.CUSTOMER and keep_state:
                if count_unread:
                    assignments.append("unread_count = unread_count + 1")
            elif kind is MessageKind.CUSTOMER:
                if conv[1] is None:
                    assignments.append("sla_due_at = ?")
                    params.append(response_due(channel, created_at))
                if count_unread:
                    assignments.append("unread_count = unread_count + 1")
                assignments.append(_REOPEN_ON_REPLY)
            elif kind is MessageKind.AGENT and not held and not keep_state:
                assignments.append("sla_due_at = NULL")
            if kind is MessageKind.AGENT and not held:
                assignments.append(_FIRST_RESPONSE)
                params += [created_at, created_at]
            self._conversations.touch(conversation_id, created_at, ", ".join(assignments), params)
            if reindex:
                self._conversations.reindex(conversation_id)
            return int(cursor.lastrowid or 0)

    def add_received_messages(self, messages: Sequence[ReceivedMessage]) -> None:
        """Append messages a server sent, in order (a sync page).

        The batch form of ``add_message(..., keep_state=True, count_unread=<a customer's>,
        reindex=False)`` for each message, leaving the same rows and list columns, with
        ``server_seq`` stored: one statement for the messages and one update per
        conversation, however many of its messages the page holds. The rollups the insert
        triggers keep (demand heat map, KPI counters) are added once for the page, set-wise
        (a trigger runs its program for every row, whatever its WHEN says).
        """
        if not messages:
            return
        with self._link.transaction():
            ids = sorted({m.conversation_id for m in messages})
            heads: dict[int, _Head] = {}
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                for id_, channel, count in self._conn.execute(
                    "SELECT id, channel, message_count FROM conversations"
                    f" WHERE id IN ({','.join('?' * len(chunk))})",
                    chunk,
                ):
                    heads[id_] = _Head(channel, int(count))
            missing = set(ids) - heads.keys()
            if missing:
                raise KeyError(min(missing))
            # The page's ids follow the highest one stored: its rollups are added by id range.
            after = int(
                self._conn.execute("SELECT coalesce(max(id), 0) FROM messages").fetchone()[0]
            )
            rows: list[tuple[Any, ...]] = []
            for m in messages:
                head = heads[m.conversation_id]
                head.seq += 1
                head.added += 1
                head.updated_at = m.created_at
                if m.kind is not MessageKind.NOTE:
                    head.activity = max(head.activity or 0, m.created_at)
                    head.shown = m
                if m.kind is MessageKind.CUSTOMER:
                    head.unread += 1
                elif m.kind is MessageKind.AGENT:
                    head.first_response = min(head.first_response or m.created_at, m.created_at)
                rows.append(
                    (
                        after + len(rows) + 1,
                        m.uid,
                        m.conversation_id,
                        head.seq,
                        m.kind.value,
                        m.author_agent_id,
                        m.body,
                        m.language,
                        head.channel,
                        m.created_at,
                        m.original_body,
                        m.original_language,
                        m.provenance,
                        m.server_seq,
                    )
                )
            # The insert triggers stand aside for the page and are put back as stored (inside
            # this transaction: a failure puts them back too); PAGE_ROLLUPS adds their share.
            aside = self._conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN"
                f" ({','.join('?' * len(PAGE_ROLLUPS))})",
                tuple(PAGE_ROLLUPS),
            ).fetchall()
            for name, _sql in aside:
                self._conn.execute(f'DROP TRIGGER "{name}"')
            self._conn.executemany(
                "INSERT INTO messages (id, uid, conversation_id, seq, kind, author_agent_id,"
                " body, language, channel, created_at, original_body, original_language,"
                " provenance, state, delivery, server_seq)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'sent', NULL, ?)",
                rows,
            )
            page = {"first": after + 1, "last": after + len(rows)}
            for name, definition in aside:
                self._conn.execute(definition)
                self._conn.execute(PAGE_ROLLUPS[name], page)
            self._conn.executemany(
                "UPDATE conversations SET message_count = ?,"
                " last_activity_at = max(last_activity_at, coalesce(?, last_activity_at)),"
                " last_message_preview = coalesce(?, last_message_preview),"
                " last_message_kind = coalesce(?, last_message_kind),"
                " unread_count = unread_count + ?, updated_at = ?, version = version + ?,"
                " first_response_at = min(coalesce(first_response_at, ?), coalesce(?,"
                " first_response_at))"
                " WHERE id = ?",
                [
                    (
                        head.seq,
                        head.activity,
                        None if head.shown is None else preview_of(head.shown.body),
                        None if head.shown is None else head.shown.kind.value,
                        head.unread,
                        head.updated_at,
                        head.added,
                        head.first_response,
                        head.first_response,
                        conversation_id,
                    )
                    for conversation_id, head in heads.items()
                ],
            )

    def release_held(
        self,
        message: Message,
        body: str,
        provenance: str,
        author_id: int | None,
        now: int,
        *,
        delivery: str | None = None,
    ) -> None:
        """A held reply goes out with ``body`` (a colleague's translation): the message is
        sent now, and the conversation's list columns and SLA change as for any sent reply.
        ``delivery``: "queued" for a reply that will be sent to a server."""
        with self._link.transaction():
            self._conn.execute(
                "UPDATE messages SET body = ?, provenance = ?, state = 'sent', created_at = ?,"
                " held_for_agent_id = NULL, author_agent_id = coalesce(?, author_agent_id),"
                " delivery = coalesce(?, delivery) WHERE id = ?",
                (body, provenance, now, author_id, delivery, message.id),
            )
            assignments: list[str] = []
            params: list[Any] = []
            _show(assignments, params, MessageKind.AGENT, body, now)
            assignments.append("sla_due_at = NULL")
            assignments.append(_FIRST_RESPONSE)
            params += [now, now]
            self._conversations.touch(message.conversation_id, now, ", ".join(assignments), params)
            self._conversations.reindex(message.conversation_id)
