"""What desktop notifications read: new rows after a watermark, in the agent's conversations.

Watermarks are local row ids (``messages.id``, ``conversation_events.id``): they only grow,
and a message the server sends again (a re-read after an expired cursor) is upserted onto
its old row, so "id above the watermark" means "new on this computer". Every query is
bounded; the caller coalesces what it gets (never one notification per row).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.storage.link import Link

MAX_ROWS = 500  # new rows read per check (a burst beyond this is summed, not listed)
MAX_ASSIGNED = 50_000  # conversations of one agent remembered as "already mine"
PREVIEW_CHARS = 400  # of a message body read for a preview (the UI shortens it further)
_LIVE = "c.merged_into IS NULL"


@dataclass(frozen=True, slots=True)
class Inbound:
    """A customer message that arrived in one of my conversations."""

    message_id: int
    conversation_id: int
    customer_name: str
    preview: str


@dataclass(frozen=True, slots=True)
class Head:
    """A conversation as a notification names it: its customer and latest text."""

    conversation_id: int
    customer_name: str
    preview: str


@dataclass(frozen=True, slots=True)
class DueSoon:
    """One of my open conversations whose first-response SLA ends soon."""

    conversation_id: int
    customer_name: str
    due_at: int


@dataclass(frozen=True, slots=True)
class Released:
    """A reply I held for a human translator, sent by a colleague with their translation."""

    event_id: int
    conversation_id: int
    customer_name: str
    translator: str


@dataclass(frozen=True, slots=True)
class Marks:
    """The newest local row ids: everything at or below them is history."""

    message_id: int
    event_id: int


class NotificationQueries:
    """Read-only queries for :mod:`app.ops.notifications` (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._conn = link.conn

    def marks(self) -> Marks:
        messages = self._conn.execute("SELECT coalesce(max(id), 0) FROM messages").fetchone()
        events = self._conn.execute(
            "SELECT coalesce(max(id), 0) FROM conversation_events"
        ).fetchone()
        return Marks(int(messages[0]), int(events[0]))

    def synced_before(self) -> bool:
        """Whether a pull of the message feed ever finished a page (else: a new workspace,
        whose first sync is history, not news)."""
        row = self._conn.execute(
            "SELECT 1 FROM sync_state WHERE collection = 'messages' AND cursor IS NOT NULL"
        ).fetchone()
        return row is not None

    def inbound_after(self, message_id: int, me: int) -> list[Inbound]:
        """Customer messages above the watermark in conversations assigned to ``me``."""
        rows = self._conn.execute(
            "SELECT m.id, m.conversation_id, cu.name, substr(m.body, 1, ?)"
            " FROM messages m JOIN conversations c ON c.id = m.conversation_id"
            " JOIN customers cu ON cu.id = c.customer_id"
            f" WHERE m.id > ? AND m.kind = 'customer' AND c.assignee_id = ? AND {_LIVE}"
            " ORDER BY m.id LIMIT ?",
            (PREVIEW_CHARS, message_id, me, MAX_ROWS),
        ).fetchall()
        return [Inbound(r[0], r[1], r[2], r[3]) for r in rows]

    def assigned_to(self, me: int) -> set[int]:
        """The conversations assigned to ``me`` now (any status)."""
        rows = self._conn.execute(
            f"SELECT c.id FROM conversations c WHERE c.assignee_id = ? AND {_LIVE} LIMIT ?",
            (me, MAX_ASSIGNED),
        )
        return {int(r[0]) for r in rows}

    def self_assigned_after(self, event_id: int, me: int) -> set[int]:
        """Conversations ``me`` assigned to themselves on this computer since the watermark
        (the sync that follows brings the same assignment back: not news to them)."""
        rows = self._conn.execute(
            "SELECT conversation_id FROM conversation_events WHERE id > ? AND kind = 'assigned'"
            " AND actor_agent_id = ? AND json_extract(detail, '$.to_id') = ?",
            (event_id, me, me),
        )
        return {int(r[0]) for r in rows}

    def heads(self, conversation_ids: Iterable[int]) -> dict[int, Head]:
        """Customer name and list preview of these conversations (at most MAX_ROWS)."""
        ids = sorted(set(conversation_ids))[:MAX_ROWS]
        if not ids:
            return {}
        rows = self._conn.execute(
            "SELECT c.id, cu.name, substr(c.last_message_preview, 1, ?) FROM conversations c"
            " JOIN customers cu ON cu.id = c.customer_id"
            f" WHERE c.id IN ({','.join('?' * len(ids))})",
            (PREVIEW_CHARS, *ids),
        ).fetchall()
        return {r[0]: Head(r[0], r[1], r[2]) for r in rows}

    def due_between(self, me: int, start: int, end: int) -> list[DueSoon]:
        """My open conversations whose SLA ends in [start, end] (soonest first)."""
        rows = self._conn.execute(
            "SELECT c.id, cu.name, c.sla_due_at FROM conversations c"
            " JOIN customers cu ON cu.id = c.customer_id"
            " WHERE c.assignee_id = ? AND c.status = 'open' AND c.sla_due_at BETWEEN ? AND ?"
            f" AND {_LIVE} ORDER BY c.sla_due_at LIMIT ?",
            (me, start, end, MAX_ROWS),
        ).fetchall()
        return [DueSoon(r[0], r[1], r[2]) for r in rows]

    def released_after(self, event_id: int, me: int) -> list[Released]:
        """Replies of mine released after the watermark by someone else: the conversation
        has my "held" line and a later "released" line by a colleague."""
        rows = self._conn.execute(
            "SELECT e.id, e.conversation_id, cu.name, coalesce(a.name, '')"
            " FROM conversation_events e JOIN conversations c ON c.id = e.conversation_id"
            " JOIN customers cu ON cu.id = c.customer_id"
            " LEFT JOIN agents a ON a.id = e.actor_agent_id"
            " WHERE e.id > ? AND e.kind = 'released' AND e.actor_agent_id IS NOT ?"
            " AND EXISTS (SELECT 1 FROM conversation_events h WHERE h.kind = 'held'"
            " AND h.conversation_id = e.conversation_id AND h.actor_agent_id = ? AND h.id < e.id)"
            " ORDER BY e.id LIMIT ?",
            (event_id, me, me, MAX_ROWS),
        ).fetchall()
        return [Released(r[0], r[1], r[2], r[3]) for r in rows]

    def unread_for(self, me: int) -> int:
        """Unread customer messages in my conversations that are not resolved."""
        row = self._conn.execute(
            "SELECT coalesce(sum(c.unread_count), 0) FROM conversations c"
            f" WHERE c.assignee_id = ? AND c.status != 'resolved' AND {_LIVE}",
            (me,),
        ).fetchone()
        return int(row[0])
