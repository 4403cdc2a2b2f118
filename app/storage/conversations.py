"""Conversations, their customers and agents: the inbox list's queries and state changes.

Every change to a conversation goes through :meth:`ConversationRepository.touch`, so its
``updated_at`` and ``version`` (what the server's optimistic locking compares) move together.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Sequence
from typing import Any

from app.domain.filters import DUE_SOON_SECONDS, AssigneeFilter, InboxQuery, SlaFilter, SortOrder
from app.domain.lang import primary_language
from app.domain.models import Agent, Channel, ConversationRow, Customer, MessageKind, Status
from app.storage.link import Link
from app.storage.migrations import NO_SLA
from app.storage.search import SearchIndex

_ROW_SELECT = """
SELECT c.id, c.uid, c.channel, c.status, c.subject, cu.name AS customer_name, c.country,
       c.language, cu.timezone, c.assignee_id, a.name AS assignee_name, c.sla_due_at,
       c.snoozed_until, c.last_activity_at, c.last_message_preview, c.last_message_kind,
       c.unread_count, c.message_count,
       (SELECT group_concat(t.name, char(31)) FROM conversation_tags ct
          JOIN tags t ON t.id = ct.tag_id WHERE ct.conversation_id = c.id) AS tag_names,
       c.snooze_until_reply
FROM conversations c
JOIN customers cu ON cu.id = c.customer_id
LEFT JOIN agents a ON a.id = c.assignee_id
"""

_ANY_MERGED = "SELECT 1 FROM meta WHERE key = 'merged_conversations'"
_SLA_KEY = f"coalesce(c.sla_due_at, {NO_SLA})"  # the expression conversations_by_sla starts with
_FEW_HITS = 2000
_ORDER = {
    SortOrder.SLA_DUE: f"{_SLA_KEY}, c.last_activity_at",
    SortOrder.LAST_ACTIVITY: "c.last_activity_at DESC",
}


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
        snooze_until_reply=bool(record[19]),
    )


class ConversationRepository:
    """The inbox's conversations (store lane only)."""

    def __init__(self, link: Link, search: SearchIndex) -> None:
        self._link = link
        self._conn = link.conn
        self._search = search

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
        if query.held:  # the Needs translation queue (index messages_held)
            where.append("c.id IN (SELECT conversation_id FROM messages WHERE state = 'held')")
        if query.held_for_me:  # Needs translation · for me (the same partial index)
            where.append(
                "c.id IN (SELECT conversation_id FROM messages INDEXED BY messages_held"
                " WHERE state = 'held' AND held_for_agent_id = ?)"
            )
            params.append(me_id if me_id is not None else -1)
        if query.mentioned:  # the Mentions queue (index mentions_by_agent)
            where.append(
                "c.id IN (SELECT conversation_id FROM mentions"
                " WHERE agent_id = ? AND seen_at IS NULL)"
            )
            params.append(me_id if me_id is not None else -1)
        hits = self._search.hits(query.search)
        if hits is not None:
            # Few hits: look each one up. Many: walk the (small) list index and probe
            # the hits, rather than fetch tens of thousands of wide rows by id.
            column = "c.id" if hits < _FEW_HITS else "+c.id"
            where.append(f"{column} IN (SELECT id FROM temp.search_hits)")
        elif (not query.statuses or Status.RESOLVED in query.statuses) and self._conn.execute(
            _ANY_MERGED
        ).fetchone():
            # A conversation merged into another (resolved, out of the search index) is
            # not listed; only lists that could show it pay for this (app.storage.merges).
            where.append("c.id NOT IN (SELECT id FROM conversations WHERE merged_into > 0)")
        return (" WHERE " + " AND ".join(where)) if where else "", params

    def first_page(
        self, query: InboxQuery, me_id: int | None, now: int, limit: int
    ) -> tuple[int, array[int]]:
        """How many conversations match, and the ids of the first ``limit`` in order.

        This is what a filter change waits for; the full id list follows.
        """
        where, params = self._filters(query, me_id, now)
        count = int(
            self._conn.execute(f"SELECT count(*) FROM conversations c{where}", params).fetchone()[0]
        )
        cursor = self._conn.execute(
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
        cursor = self._conn.execute(sql, params)
        while chunk := cursor.fetchmany(4096):
            ids.extend(r[0] for r in chunk)
        return ids

    def conversation_rows(self, ids: Sequence[int]) -> dict[int, ConversationRow]:
        """Rows for the given ids (one list page), keyed by id."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        cursor = self._conn.execute(f"{_ROW_SELECT} WHERE c.id IN ({marks})", list(ids))
        return {r.id: r for r in map(_row, cursor)}

    def conversation_row(self, conversation_id: int) -> ConversationRow:
        rows = self.conversation_rows([conversation_id])
        if conversation_id not in rows:
            raise KeyError(conversation_id)
        return rows[conversation_id]

    def customer(self, customer_id: int) -> Customer:
        r = self._conn.execute(
            "SELECT id, uid, name, country, language, timezone, handles FROM customers"
            " WHERE id = ?",
            (customer_id,),
        ).fetchone()
        return Customer(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]))

    def customer_id(self, conversation_id: int) -> int:
        """The id of the conversation's customer (KeyError: the conversation is gone, e.g.
        erased or removed by retention while a view still showed it)."""
        row = self._conn.execute(
            "SELECT customer_id FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
        if row is None:
            raise KeyError(conversation_id)
        return int(row[0])

    def language_override(self, conversation_id: int) -> str | None:
        """The language the agent chose for the conversation, if any."""
        row = self._conn.execute(
            "SELECT language_override FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
        return row[0] if row else None

    def agents(self) -> tuple[Agent, ...]:
        return tuple(
            Agent(r[0], r[1], r[2], r[3])
            for r in self._conn.execute("SELECT id, uid, name, email FROM agents ORDER BY name")
        )

    def agent_by_uid(self, uid: str) -> Agent | None:
        r = self._conn.execute(
            "SELECT id, uid, name, email FROM agents WHERE uid = ?", (uid,)
        ).fetchone()
        return Agent(r[0], r[1], r[2], r[3]) if r else None

    def agent_uid(self, agent_id: int) -> str | None:
        """The server's id of a local agent (None for an agent only this workspace knows)."""
        row = self._conn.execute("SELECT uid FROM agents WHERE id = ?", (agent_id,)).fetchone()
        if row is None:
            raise KeyError(agent_id)
        return row[0]

    def agent_names(self) -> dict[str, str]:
        """Agents' names by their server id."""
        return dict(self._conn.execute("SELECT uid, name FROM agents WHERE uid IS NOT NULL"))

    def id_and_subject(self, uid: str) -> tuple[int, str | None] | None:
        """The local id and subject of the conversation with this server id, if known."""
        row = self._conn.execute(
            "SELECT id, subject FROM conversations WHERE uid = ?", (uid,)
        ).fetchone()
        return (int(row[0]), row[1]) if row else None

    def distinct_values(self) -> dict[str, tuple[str, ...]]:
        """Values present in the store, for the filter menus (channels, languages, ...)."""

        def column(sql: str) -> tuple[str, ...]:
            return tuple(r[0] for r in self._conn.execute(sql) if r[0])

        return {
            "channel": column("SELECT DISTINCT channel FROM conversations ORDER BY 1"),
            "language": column("SELECT DISTINCT language_primary FROM conversations ORDER BY 1"),
            "country": column("SELECT DISTINCT country FROM conversations ORDER BY 1"),
            "tag": column("SELECT name FROM tags ORDER BY name"),
        }

    def conversation_count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM conversations").fetchone()[0])

    # ----------------------------------------------------------------- writes
    def touch(
        self, conversation_id: int, now: int, assignments: str = "", params: Sequence[Any] = ()
    ) -> None:
        """Apply ``assignments`` and record the change (updated_at, version); KeyError if absent."""
        prefix = f"{assignments}, " if assignments else ""
        cursor = self._conn.execute(
            f"UPDATE conversations SET {prefix}updated_at = ?, version = version + 1 WHERE id = ?",
            (*params, now, conversation_id),
        )
        if cursor.rowcount != 1:
            raise KeyError(conversation_id)

    def set_status(
        self, conversation_id: int, status: Status, now: int, *, undoing: bool = False
    ) -> None:
        """Change status; leaving 'snoozed' clears the wake-up time, resolving clears the SLA.

        KPIs (every SET reads the old row): resolving sets ``resolved_at``, leaving
        'resolved' clears it and counts a reopen. ``undoing``: an Undo seconds later is no
        reopen, and undoing a reopen takes its count back."""
        with self._link.transaction():
            if status is Status.RESOLVED:
                self.touch(
                    conversation_id,
                    now,
                    "status = ?, snoozed_until = NULL, sla_due_at = NULL, resolved_at ="
                    " CASE WHEN status = 'resolved' THEN resolved_at ELSE ? END, reopen_count ="
                    " CASE WHEN ? AND status <> 'resolved' THEN max(reopen_count - 1, 0)"
                    " ELSE reopen_count END",
                    (status.value, now, undoing),
                )
            elif status is Status.SNOOZED:
                raise ValueError("use snooze() to snooze a conversation")
            else:
                self.touch(
                    conversation_id,
                    now,
                    "status = ?, snoozed_until = NULL, resolved_at = NULL,"
                    " reopen_count = reopen_count + (status = 'resolved' AND NOT ?)",
                    (status.value, undoing),
                )

    def snooze(self, conversation_id: int, until: int, now: int) -> None:
        if until <= now:
            raise ValueError("a snooze must end in the future")
        with self._link.transaction():
            self.touch(conversation_id, now, "status = 'snoozed', snoozed_until = ?", (until,))

    def wake_snoozed(self, now: int) -> int:
        """Reopen snoozed conversations whose time has come; return how many."""
        with self._link.transaction():
            cursor = self._conn.execute(
                "UPDATE conversations SET status = 'open', snoozed_until = NULL, updated_at = ?,"
                " version = version + 1 WHERE status = 'snoozed' AND snoozed_until <= ?",
                (now, now),
            )
        return cursor.rowcount

    def assign(self, conversation_id: int, agent_id: int | None, now: int) -> None:
        with self._link.transaction():
            self.touch(conversation_id, now, "assignee_id = ?", (agent_id,))

    def _tag_id(self, name: str) -> int:
        self._conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (name,))
        return int(self._conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()[0])

    def add_tag_name(self, name: str) -> int:
        """Make a tag known (so it appears in the tag filter) without using it."""
        return self._tag_id(name)

    def add_tag(self, conversation_id: int, name: str, now: int) -> None:
        name = name.strip()
        if not name:
            raise ValueError("a tag needs a name")
        with self._link.transaction():
            self._conn.execute(
                "INSERT OR IGNORE INTO conversation_tags (conversation_id, tag_id) VALUES (?, ?)",
                (conversation_id, self._tag_id(name)),
            )
            self.touch(conversation_id, now)

    def remove_tag(self, conversation_id: int, name: str, now: int) -> None:
        with self._link.transaction():
            self._conn.execute(
                "DELETE FROM conversation_tags WHERE conversation_id = ? AND tag_id ="
                " (SELECT id FROM tags WHERE name = ?)",
                (conversation_id, name),
            )
            self.touch(conversation_id, now)

    def mark_read(self, conversation_id: int) -> None:
        with self._link.transaction():
            self._conn.execute(
                "UPDATE conversations SET unread_count = 0 WHERE id = ? AND unread_count != 0",
                (conversation_id,),
            )

    def mark_unread(self, conversation_id: int) -> None:
        """Show the conversation as unread again (one unread message if none was)."""
        with self._link.transaction():
            self._conn.execute(
                "UPDATE conversations SET unread_count = 1 WHERE id = ? AND unread_count = 0",
                (conversation_id,),
            )

    def reindex(self, conversation_id: int) -> None:
        """Rewrite the conversation's search document from its current data."""
        self._search.reindex(conversation_id)

    def upsert_agent(self, uid: str, name: str, email: str | None) -> int:
        self._conn.execute(
            "INSERT INTO agents (uid, name, email) VALUES (?, ?, ?) ON CONFLICT(uid) DO UPDATE"
            " SET name = excluded.name, email = excluded.email",
            (uid, name, email),
        )
        return int(self._conn.execute("SELECT id FROM agents WHERE uid = ?", (uid,)).fetchone()[0])

    def insert_customer(self, customer: Customer, created_at: int) -> int:
        """Insert a customer unless its uid exists; return its id either way."""
        self._conn.execute(
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
            self._conn.execute(
                "SELECT id FROM customers WHERE uid = ?", (customer.uid,)
            ).fetchone()[0]
        )

    def conversation_id_by_uid(self, uid: str) -> int | None:
        r = self._conn.execute("SELECT id FROM conversations WHERE uid = ?", (uid,)).fetchone()
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
        cursor = self._conn.execute(
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
        self._conn.execute(
            "UPDATE conversations SET status = ?, snoozed_until = ?, sla_due_at = ?,"
            " unread_count = ?, resolved_at = CASE WHEN ? = 'resolved'"
            " THEN coalesce(resolved_at, last_activity_at) END,"
            " reopen_count = 0 WHERE id = ?",  # the replay's reopens are not the source's
            (status.value, snoozed_until, sla_due_at, unread, status.value, conversation_id),
        )
