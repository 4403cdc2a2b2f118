"""@mentions of colleagues in internal notes: the rows the Mentions queue counts."""

from __future__ import annotations

from collections.abc import Iterable

from app.storage.link import Link


class MentionStore:
    """The ``mentions`` table (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self._conn = link.conn

    def add(self, message_id: int, conversation_id: int, agent_ids: Iterable[int]) -> int:
        """Record who a note mentions (in the note's own transaction); returns how many."""
        rows = [(message_id, a, conversation_id) for a in dict.fromkeys(agent_ids)]
        with self._link.transaction():
            self._conn.executemany(
                "INSERT OR IGNORE INTO mentions (message_id, agent_id, conversation_id)"
                " VALUES (?, ?, ?)",
                rows,
            )
        return len(rows)

    def mark_seen(self, conversation_id: int, agent_id: int, now: int) -> int:
        """The mentioned agent opened the conversation: their mentions there are seen."""
        with self._link.transaction():
            cursor = self._conn.execute(
                "UPDATE mentions SET seen_at = ? WHERE conversation_id = ? AND agent_id = ?"
                " AND seen_at IS NULL",
                (now, conversation_id, agent_id),
            )
        return cursor.rowcount

    def for_message(self, message_id: int) -> list[tuple[int, int | None]]:
        """(agent id, seen_at) of each colleague one note mentions."""
        return [
            (int(a), s)
            for a, s in self._conn.execute(
                "SELECT agent_id, seen_at FROM mentions WHERE message_id = ? ORDER BY agent_id",
                (message_id,),
            )
        ]

    def unseen_count(self, agent_id: int) -> int:
        """Conversations where this agent has a mention not yet seen."""
        return int(
            self._conn.execute(
                "SELECT count(DISTINCT conversation_id) FROM mentions"
                " WHERE agent_id = ? AND seen_at IS NULL",
                (agent_id,),
            ).fetchone()[0]
        )
