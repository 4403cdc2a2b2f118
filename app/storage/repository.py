"""Reads and writes of the inbox over one sqlite-utils Database.

Every write goes through here, in one transaction, so the denormalised columns
(preview, counts, SLA) and the full-text document of a conversation never
disagree with its messages.
"""

from __future__ import annotations

import json
import uuid
from array import array
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from app.domain.filters import DUE_SOON_SECONDS, AssigneeFilter, InboxQuery, SlaFilter, SortOrder
from app.domain.models import (
    Agent,
    Channel,
    ConversationDetail,
    ConversationRow,
    Customer,
    Draft,
    Message,
    MessageKind,
    Status,
)
from app.domain.rules import preview_of, response_due
from app.storage.fts import conversation_document, is_blank, match_expression
from app.storage.migrations import NO_SLA

_ROW_SELECT = """
SELECT c.id, c.uid, c.channel, c.status, c.subject, cu.name AS customer_name, c.country,
       c.language, cu.timezone, c.assignee_id, a.name AS assignee_name, c.sla_due_at,
       c.snoozed_until, c.last_activity_at, c.last_message_preview, c.last_message_kind,
       c.unread_count, c.message_count,
       (SELECT group_concat(t.name, char(31)) FROM conversation_tags ct
          JOIN tags t ON t.id = ct.tag_id WHERE ct.conversation_id = c.id) AS tag_names
FROM conversations c
JOIN customers cu ON cu.id = c.customer_id
LEFT JOIN agents a ON a.id = c.assignee_id
"""

_SLA_KEY = f"coalesce(c.sla_due_at, {NO_SLA})"  # the expression conversations_by_sla starts with
_FEW_HITS = 2000
_ORDER = {
    SortOrder.SLA_DUE: f"{_SLA_KEY}, c.last_activity_at",
    SortOrder.LAST_ACTIVITY: "c.last_activity_at DESC",
}


def primary_language(tag: str) -> str:
    """The language subtag of a BCP 47 tag, lower-cased: ``pt-BR`` -> ``pt``."""
    return tag.replace("_", "-").split("-")[0].lower()


@dataclass(frozen=True, slots=True)
class ReceivedMessage:
    """A message a server sent, for :meth:`InboxRepository.add_received_messages`."""

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

    __slots__ = ("activity", "added", "channel", "seq", "shown", "unread", "updated_at")

    def __init__(self, channel: str, seq: int) -> None:
        self.channel = channel
        self.seq = seq  # the last local seq given
        self.added = 0
        self.activity: int | None = None  # newest non-note message time
        self.shown: ReceivedMessage | None = None  # the message the preview shows
        self.unread = 0
        self.updated_at = 0


def _row(record: tuple[Any, ...]) -> ConversationRow:
    tags = tuple(sorted(record[18].split("\x1f"))) if record[18] else ()
    return ConversationRow(
        id=record[0],
        uid=record[1],
        channel=Channel(record[2]),
        status=Status(record[3]),
        subject=record[4],
        customer_name=record[5],
        country=record[6],
        language=record[7],
        timezone=record[8],
        assignee_id=record[9],
        assignee_name=record[10],
        sla_due_at=record[11],
        snoozed_until=record[12],
        last_activity_at=record[13],
        last_message_preview=record[14],
        last_message_kind=MessageKind(record[15]),
        unread_count=record[16],
        message_count=record[17],
        tags=tags,
    )


class InboxRepository:
    """The inbox's data access; one instance per connection (per thread)."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.conn = db.conn
        self._hits_for: str | None = None  # the search whose matches are in temp.search_hits
        self._hit_count = 0

    # ----------------------------------------------------------------- transactions
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.rollback()
            raise
        self.conn.execute("COMMIT")

    # ----------------------------------------------------------------- meta
    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # ----------------------------------------------------------------- queries
    def _filters(self, query: InboxQuery, me_id: int | None, now: int) -> tuple[str, list[Any]]:
        """The WHERE clause of an inbox query (search included, see _search_hits)."""
        where: list[str] = []
        params: list[Any] = []
        if query.statuses and len(query.statuses) < len(Status):
            where.append(f"c.status IN ({','.join('?' * len(query.statuses))})")
            params.extend(sorted(query.statuses))
        if query.channel is not None:
            where.append("c.channel = ?")
            params.append(query.channel.value)
        if query.language:
            where.append("c.language_primary = ?")
            params.append(query.language.lower())
        if query.country:
            where.append("c.country = ?")
            params.append(query.country)
        if query.assignee == AssigneeFilter.ME:
            where.append("c.assignee_id = ?")
            params.append(me_id if me_id is not None else -1)
        elif query.assignee == AssigneeFilter.UNASSIGNED:
            where.append("c.assignee_id IS NULL")
        elif isinstance(query.assignee, int) and not isinstance(query.assignee, AssigneeFilter):
            where.append("c.assignee_id = ?")
            params.append(query.assignee)
        # SLA conditions are written on the indexed expression so they seek, not scan.
        if query.sla == SlaFilter.BREACHED:
            where.append(f"{_SLA_KEY} < ? AND c.status IN ('open', 'pending')")
            params.append(now)
        elif query.sla == SlaFilter.DUE_SOON:
            where.append(f"{_SLA_KEY} >= ? AND {_SLA_KEY} < ? AND c.status IN ('open', 'pending')")
            params.extend((now, now + DUE_SOON_SECONDS))
        if query.tag:
            where.append(
                "c.id IN (SELECT ct.conversation_id FROM conversation_tags ct "
                "JOIN tags t ON t.id = ct.tag_id WHERE t.name = ?)"
            )
            params.append(query.tag)
        hits = self._search_hits(query.search)
        if hits is not None:
            # Few hits: look each one up. Many: walk the (small) list index and probe
            # the hits, rather than fetch tens of thousands of wide rows by id.
            column = "c.id" if hits < _FEW_HITS else "+c.id"
            where.append(f"{column} IN (SELECT id FROM temp.search_hits)")
        return (" WHERE " + " AND ".join(where)) if where else "", params

    def _search_hits(self, text: str) -> int | None:
        """Put the ids matching ``text`` in ``temp.search_hits`` and return how many
        (None when there is nothing to search for).

        Materialised once per search (the count, the first page and the full id
        list all reuse it) and dropped as soon as a message or name changes.
        """
        if is_blank(text):
            return None
        # Text with nothing searchable in it (only punctuation) matches nothing, rather
        # than silently showing every conversation.
        expression = match_expression(text) or ""
        if self._hits_for != expression:
            self.conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS search_hits (id INTEGER PRIMARY KEY)"
            )
            self.conn.execute("DELETE FROM temp.search_hits")
            if expression:
                self.conn.execute(
                    "INSERT INTO temp.search_hits (id) SELECT rowid FROM conversations_fts"
                    " WHERE conversations_fts MATCH ?",
                    (expression,),
                )
            self._hits_for = expression
            self._hit_count = int(
                self.conn.execute("SELECT count(*) FROM temp.search_hits").fetchone()[0]
            )
        return self._hit_count

    def first_page(
        self, query: InboxQuery, me_id: int | None, now: int, limit: int
    ) -> tuple[int, array[int]]:
        """How many conversations match, and the ids of the first ``limit`` in order.

        This is what a filter change waits for; the full id list follows.
        """
        where, params = self._filters(query, me_id, now)
        count = int(
            self.conn.execute(f"SELECT count(*) FROM conversations c{where}", params).fetchone()[0]
        )
        cursor = self.conn.execute(
            f"SELECT c.id FROM conversations c{where} ORDER BY {_ORDER[query.sort]} LIMIT ?",
            [*params, limit],
        )
        return count, array("q", (r[0] for r in cursor))

    def conversation_ids(self, query: InboxQuery, me_id: int | None, now: int) -> array[int]:
        """Ids of the conversations matching ``query``, in display order.

        Only ids are materialised (8 bytes each); the list fetches rows by page.
        """
        where, params = self._filters(query, me_id, now)
        sql = f"SELECT c.id FROM conversations c{where} ORDER BY {_ORDER[query.sort]}"
        ids: array[int] = array("q")
        cursor = self.conn.execute(sql, params)
        while chunk := cursor.fetchmany(4096):
            ids.extend(r[0] for r in chunk)
        return ids

    def conversation_rows(self, ids: Sequence[int]) -> dict[int, ConversationRow]:
        """Rows for the given ids (one list page), keyed by id."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        cursor = self.conn.execute(f"{_ROW_SELECT} WHERE c.id IN ({marks})", list(ids))
        return {r.id: r for r in map(_row, cursor)}

    def conversation_row(self, conversation_id: int) -> ConversationRow:
        rows = self.conversation_rows([conversation_id])
        if conversation_id not in rows:
            raise KeyError(conversation_id)
        return rows[conversation_id]

    def customer(self, customer_id: int) -> Customer:
        r = self.conn.execute(
            "SELECT id, uid, name, country, language, timezone, handles FROM customers"
            " WHERE id = ?",
            (customer_id,),
        ).fetchone()
        return Customer(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]))

    def messages(self, conversation_id: int) -> tuple[Message, ...]:
        cursor = self.conn.execute(
            "SELECT m.id, m.uid, m.conversation_id, m.seq, m.kind, m.body, m.language, m.channel,"
            " m.created_at, a.name, m.author_agent_id, m.detected_language,"
            " m.detected_confidence, m.original_body, m.original_language, m.provenance,"
            " m.state, m.delivery FROM messages m LEFT JOIN agents a ON a.id = m.author_agent_id"
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
            )
            for r in cursor
        )

    def draft(self, conversation_id: int) -> Draft | None:
        r = self.conn.execute(
            "SELECT kind, body, updated_at FROM drafts WHERE conversation_id = ?",
            (conversation_id,),
        ).fetchone()
        return Draft(conversation_id, MessageKind(r[0]), r[1], r[2]) if r else None

    def conversation_detail(self, conversation_id: int) -> ConversationDetail:
        row = self.conversation_row(conversation_id)
        customer_id = self.conn.execute(
            "SELECT customer_id FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()[0]
        override = self.conn.execute(
            "SELECT language_override FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()[0]
        return ConversationDetail(
            row=row,
            customer=self.customer(customer_id),
            messages=self.messages(conversation_id),
            draft=self.draft(conversation_id),
            language_override=override,
        )

    def agents(self) -> tuple[Agent, ...]:
        return tuple(
            Agent(r[0], r[1], r[2], r[3])
            for r in self.conn.execute("SELECT id, uid, name, email FROM agents ORDER BY name")
        )

    def agent_by_uid(self, uid: str) -> Agent | None:
        r = self.conn.execute(
            "SELECT id, uid, name, email FROM agents WHERE uid = ?", (uid,)
        ).fetchone()
        return Agent(r[0], r[1], r[2], r[3]) if r else None

    def distinct_values(self) -> dict[str, tuple[str, ...]]:
        """Values present in the store, for the filter menus (channels, languages, ...)."""

        def column(sql: str) -> tuple[str, ...]:
            return tuple(r[0] for r in self.conn.execute(sql) if r[0])

        return {
            "channel": column("SELECT DISTINCT channel FROM conversations ORDER BY 1"),
            "language": column("SELECT DISTINCT language_primary FROM conversations ORDER BY 1"),
            "country": column("SELECT DISTINCT country FROM conversations ORDER BY 1"),
            "tag": column("SELECT name FROM tags ORDER BY name"),
        }

    def conversation_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM conversations").fetchone()[0])

    # ----------------------------------------------------------------- writes
    def _bump(
        self, conversation_id: int, now: int, assignments: str = "", params: Sequence[Any] = ()
    ) -> None:
        """Apply ``assignments`` and record the change (updated_at, version)."""
        prefix = f"{assignments}, " if assignments else ""
        cursor = self.conn.execute(
            f"UPDATE conversations SET {prefix}updated_at = ?, version = version + 1 WHERE id = ?",
            (*params, now, conversation_id),
        )
        if cursor.rowcount != 1:
            raise KeyError(conversation_id)

    def set_status(self, conversation_id: int, status: Status, now: int) -> None:
        """Change status; leaving 'snoozed' clears the wake-up time, resolving clears the SLA."""
        with self.transaction():
            if status is Status.RESOLVED:
                self._bump(
                    conversation_id,
                    now,
                    "status = ?, snoozed_until = NULL, sla_due_at = NULL",
                    (status.value,),
                )
            elif status is Status.SNOOZED:
                raise ValueError("use snooze() to snooze a conversation")
            else:
                self._bump(
                    conversation_id, now, "status = ?, snoozed_until = NULL", (status.value,)
                )

    def snooze(self, conversation_id: int, until: int, now: int) -> None:
        if until <= now:
            raise ValueError("a snooze must end in the future")
        with self.transaction():
            self._bump(conversation_id, now, "status = 'snoozed', snoozed_until = ?", (until,))

    def wake_snoozed(self, now: int) -> int:
        """Reopen snoozed conversations whose time has come; return how many."""
        with self.transaction():
            cursor = self.conn.execute(
                "UPDATE conversations SET status = 'open', snoozed_until = NULL, updated_at = ?,"
                " version = version + 1 WHERE status = 'snoozed' AND snoozed_until <= ?",
                (now, now),
            )
        return cursor.rowcount

    def assign(self, conversation_id: int, agent_id: int | None, now: int) -> None:
        with self.transaction():
            self._bump(conversation_id, now, "assignee_id = ?", (agent_id,))

    def _tag_id(self, name: str) -> int:
        self.conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (name,))
        return int(self.conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()[0])

    def add_tag_name(self, name: str) -> int:
        """Make a tag known (so it appears in the tag filter) without using it."""
        return self._tag_id(name)

    def add_tag(self, conversation_id: int, name: str, now: int) -> None:
        name = name.strip()
        if not name:
            raise ValueError("a tag needs a name")
        with self.transaction():
            self.conn.execute(
                "INSERT OR IGNORE INTO conversation_tags (conversation_id, tag_id) VALUES (?, ?)",
                (conversation_id, self._tag_id(name)),
            )
            self._bump(conversation_id, now)

    def remove_tag(self, conversation_id: int, name: str, now: int) -> None:
        with self.transaction():
            self.conn.execute(
                "DELETE FROM conversation_tags WHERE conversation_id = ? AND tag_id ="
                " (SELECT id FROM tags WHERE name = ?)",
                (conversation_id, name),
            )
            self._bump(conversation_id, now)

    def mark_read(self, conversation_id: int) -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE conversations SET unread_count = 0 WHERE id = ? AND unread_count != 0",
                (conversation_id,),
            )

    def save_draft(self, conversation_id: int, kind: MessageKind, body: str, now: int) -> None:
        """Keep the composer text; an empty draft is removed rather than stored."""
        with self.transaction():
            if body.strip():
                self.conn.execute(
                    "INSERT INTO drafts (conversation_id, kind, body, updated_at)"
                    " VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(conversation_id) DO UPDATE SET kind = excluded.kind,"
                    " body = excluded.body, updated_at = excluded.updated_at",
                    (conversation_id, kind.value, body, now),
                )
            else:
                self.conn.execute(
                    "DELETE FROM drafts WHERE conversation_id = ?", (conversation_id,)
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
        with self.transaction():
            conv = self.conn.execute(
                "SELECT channel, sla_due_at, message_count FROM conversations WHERE id = ?",
                (conversation_id,),
            ).fetchone()
            if conv is None:
                raise KeyError(conversation_id)
            channel = Channel(conv[0])
            seq = int(conv[2]) + 1
            cursor = self.conn.execute(
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
                assignments += [
                    "last_activity_at = max(last_activity_at, ?)",
                    "last_message_preview = ?",
                    "last_message_kind = ?",
                ]
                params += [created_at, preview_of(body), kind.value]
            if kind is MessageKind.CUSTOMER and keep_state:
                if count_unread:
                    assignments.append("unread_count = unread_count + 1")
            elif kind is MessageKind.CUSTOMER:
                if conv[1] is None:
                    assignments.append("sla_due_at = ?")
                    params.append(response_due(channel, created_at))
                if count_unread:
                    assignments.append("unread_count = unread_count + 1")
                assignments.append(
                    "status = CASE status WHEN 'resolved' THEN 'open' ELSE status END"
                )
            elif kind is MessageKind.AGENT and not held and not keep_state:
                assignments.append("sla_due_at = NULL")
            self._bump(conversation_id, created_at, ", ".join(assignments), params)
            if reindex:
                self.reindex(conversation_id)
            return int(cursor.lastrowid or 0)

    def add_received_messages(self, messages: Sequence[ReceivedMessage]) -> None:
        """Append messages a server sent, in order (a sync page).

        The batch form of ``add_message(..., keep_state=True, count_unread=<a customer's>,
        reindex=False)`` for each message, leaving the same rows and list columns, with
        ``server_seq`` stored: one statement for the messages and one update per
        conversation, however many of its messages the page holds.
        """
        if not messages:
            return
        with self.transaction():
            ids = sorted({m.conversation_id for m in messages})
            heads: dict[int, _Head] = {}
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                for id_, channel, count in self.conn.execute(
                    "SELECT id, channel, message_count FROM conversations"
                    f" WHERE id IN ({','.join('?' * len(chunk))})",
                    chunk,
                ):
                    heads[id_] = _Head(channel, int(count))
            missing = set(ids) - heads.keys()
            if missing:
                raise KeyError(min(missing))
            rows = []
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
                rows.append(
                    (
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
            self.conn.executemany(
                "INSERT INTO messages (uid, conversation_id, seq, kind, author_agent_id, body,"
                " language, channel, created_at, original_body, original_language, provenance,"
                " state, delivery, server_seq)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'sent', NULL, ?)",
                rows,
            )
            self.conn.executemany(
                "UPDATE conversations SET message_count = ?,"
                " last_activity_at = max(last_activity_at, coalesce(?, last_activity_at)),"
                " last_message_preview = coalesce(?, last_message_preview),"
                " last_message_kind = coalesce(?, last_message_kind),"
                " unread_count = unread_count + ?, updated_at = ?, version = version + ?"
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
                        conversation_id,
                    )
                    for conversation_id, head in heads.items()
                ],
            )

    # ----------------------------------------------------------------- full-text index
    def reindex(self, conversation_id: int) -> None:
        """Rewrite the conversation's search document from its current data."""
        head = self.conn.execute(
            "SELECT cu.name, cu.handles, c.subject FROM conversations c"
            " JOIN customers cu ON cu.id = c.customer_id WHERE c.id = ?",
            (conversation_id,),
        ).fetchone()
        if head is None:
            return
        bodies = [
            r[0]
            for r in self.conn.execute(
                "SELECT body FROM messages WHERE conversation_id = ? ORDER BY seq",
                (conversation_id,),
            )
        ]
        name, body = conversation_document(head[0], head[1], head[2], bodies)
        self._hits_for = None  # the cached search matches may have changed
        self.conn.execute("DELETE FROM conversations_fts WHERE rowid = ?", (conversation_id,))
        self.conn.execute(
            "INSERT INTO conversations_fts (rowid, name, body) VALUES (?, ?, ?)",
            (conversation_id, name, body),
        )

    # ----------------------------------------------------------------- import
    def upsert_agent(self, uid: str, name: str, email: str | None) -> int:
        self.conn.execute(
            "INSERT INTO agents (uid, name, email) VALUES (?, ?, ?) ON CONFLICT(uid) DO UPDATE"
            " SET name = excluded.name, email = excluded.email",
            (uid, name, email),
        )
        return int(self.conn.execute("SELECT id FROM agents WHERE uid = ?", (uid,)).fetchone()[0])

    def insert_customer(self, customer: Customer, created_at: int) -> int:
        """Insert a customer unless its uid exists; return its id either way."""
        self.conn.execute(
            "INSERT OR IGNORE INTO customers (uid, name, country, language, timezone, handles,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                customer.uid,
                customer.name,
                customer.country,
                customer.language,
                customer.timezone,
                json.dumps(customer.handles, ensure_ascii=False),
                created_at,
            ),
        )
        return int(
            self.conn.execute("SELECT id FROM customers WHERE uid = ?", (customer.uid,)).fetchone()[
                0
            ]
        )

    def conversation_id_by_uid(self, uid: str) -> int | None:
        r = self.conn.execute("SELECT id FROM conversations WHERE uid = ?", (uid,)).fetchone()
        return int(r[0]) if r else None

    def insert_conversation(
        self,
        *,
        uid: str,
        customer_id: int,
        channel: Channel,
        subject: str | None,
        status: Status,
        assignee_id: int | None,
        language: str,
        country: str,
        created_at: int,
        snoozed_until: int | None = None,
    ) -> int:
        cursor = self.conn.execute(
            "INSERT INTO conversations (uid, customer_id, channel, subject, status, assignee_id,"
            " language, language_primary, country, snoozed_until, last_activity_at, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                uid,
                customer_id,
                channel.value,
                subject,
                status.value,
                assignee_id,
                language,
                primary_language(language),
                country,
                snoozed_until,
                created_at,
                created_at,
                created_at,
            ),
        )
        return int(cursor.lastrowid or 0)

    def set_import_state(
        self,
        conversation_id: int,
        *,
        status: Status,
        snoozed_until: int | None,
        sla_due_at: int | None,
        unread: int,
    ) -> None:
        """After importing history, set the state the source says (not what replay implied)."""
        self.conn.execute(
            "UPDATE conversations SET status = ?, snoozed_until = ?, sla_due_at = ?,"
            " unread_count = ? WHERE id = ?",
            (status.value, snoozed_until, sla_due_at, unread, conversation_id),
        )
