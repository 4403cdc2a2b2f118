"""Who assigned, resolved, snoozed, held or tagged a conversation: ``conversation_events``.

The operations record one row per action (:meth:`EventRepository.record`); opening a
conversation reads them in one query, for the quiet system lines in the thread.
"""

from __future__ import annotations

import json
from typing import Any

from app.domain.models import ConversationEvent
from app.storage.link import Link

MAX_EVENTS = 500  # shown per conversation (the newest ones)
_ME = "(SELECT a.id FROM agents a JOIN meta m ON m.key = 'me_agent_uid' AND a.uid = m.value)"


def _detail(text: str) -> dict[str, str | int | None]:
    try:
        raw = json.loads(text) if len(text) < 4_000 else {}
    except ValueError:
        return {}
    if not isinstance(raw, dict):
        return {}
    return {
        str(k)[:40]: (v[:200] if isinstance(v, str) else v)
        for k, v in list(raw.items())[:8]
        if v is None or (isinstance(v, (str, int)) and not isinstance(v, bool))
    }


class EventRepository:
    """The conversation history's rows (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._conn = link.conn

    def record(
        self,
        conversation_id: int,
        kind: str,
        actor_id: int | None,
        detail: dict[str, Any],
        now: int,
    ) -> int:
        """One line of history; ``actor_id`` None: the signed-in agent of this workspace."""
        cursor = self._conn.execute(
            f"INSERT INTO conversation_events (conversation_id, kind, actor_agent_id, detail, at)"
            f" VALUES (?, ?, coalesce(?, {_ME}), ?, ?)",
            (conversation_id, kind, actor_id, json.dumps(detail, ensure_ascii=False), now),
        )
        return int(cursor.lastrowid or 0)

    def delete(self, event_id: int) -> None:
        """Forget a line (the action it tells of was undone, e.g. a merge)."""
        self._conn.execute("DELETE FROM conversation_events WHERE id = ?", (event_id,))

    def status(self, conversation_id: int, status: str, now: int) -> None:
        """A status change by the signed-in agent (resolved, pending, reopened, snoozed)."""
        self.record(conversation_id, "reopened" if status == "open" else status, None, {}, now)

    def assigned(self, conversation_id: int, agent_id: int | None, now: int) -> None:
        """An assignment by the signed-in agent (to ``agent_id``, or to no one)."""
        row = self._conn.execute("SELECT name FROM agents WHERE id = ?", (agent_id,)).fetchone()
        if agent_id is None or row is None:
            self.record(conversation_id, "unassigned", None, {}, now)
        else:
            self.record(conversation_id, "assigned", None, {"to": row[0], "to_id": agent_id}, now)

    def for_conversation(self, conversation_id: int) -> tuple[ConversationEvent, ...]:
        """The conversation's history in time order (the newest :data:`MAX_EVENTS`)."""
        rows = self._conn.execute(
            f"SELECT e.id, e.kind, e.at, a.name, coalesce(e.actor_agent_id = {_ME}, 0), e.detail"
            " FROM conversation_events e LEFT JOIN agents a ON a.id = e.actor_agent_id"
            " WHERE e.conversation_id = ? ORDER BY e.at DESC, e.id DESC LIMIT ?",
            (conversation_id, MAX_EVENTS),
        ).fetchall()
        return tuple(
            ConversationEvent(r[0], conversation_id, r[1], r[2], r[3], bool(r[4]), _detail(r[5]))
            for r in reversed(rows)
        )
