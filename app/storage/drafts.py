"""Drafts: the composer's unsent text, one per conversation."""

from __future__ import annotations

from app.domain.models import Draft, MessageKind
from app.storage.link import Link


class DraftRepository:
    """The composer's saved text (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self._conn = link.conn

    def draft(self, conversation_id: int) -> Draft | None:
        r = self._conn.execute(
            "SELECT kind, body, updated_at FROM drafts WHERE conversation_id = ?",
            (conversation_id,),
        ).fetchone()
        return Draft(conversation_id, MessageKind(r[0]), r[1], r[2]) if r else None

    def save_draft(self, conversation_id: int, kind: MessageKind, body: str, now: int) -> None:
        """Keep the composer text; an empty draft is removed rather than stored."""
        with self._link.transaction():
            if body.strip():
                self._conn.execute(
                    "INSERT INTO drafts (conversation_id, kind, body, updated_at)"
                    " VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(conversation_id) DO UPDATE SET kind = excluded.kind,"
                    " body = excluded.body, updated_at = excluded.updated_at",
                    (conversation_id, kind.value, body, now),
                )
            else:
                self._conn.execute(
                    "DELETE FROM drafts WHERE conversation_id = ?", (conversation_id,)
                )
