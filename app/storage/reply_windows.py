"""What a conversation's customer-service window is computed from: its channel and when
the customer last wrote (the rules live in ``app.domain.channel_window``)."""

from __future__ import annotations

from app.domain.models import Channel
from app.storage.link import Link


class ReplyWindowFacts:
    """Reads the two facts the send path checks a reply against (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._conn = link.conn

    def facts(self, conversation_id: int) -> tuple[Channel, int | None] | None:
        """The conversation's channel and its customer's newest message time (None if the
        customer never wrote); None for an unknown conversation."""
        row = self._conn.execute(
            "SELECT c.channel, (SELECT max(m.created_at) FROM messages m"
            " WHERE m.conversation_id = c.id AND m.kind = 'customer')"
            " FROM conversations c WHERE c.id = ?",
            (conversation_id,),
        ).fetchone()
        if row is None:
            return None
        try:
            channel = Channel(row[0])
        except ValueError:
            return None  # a channel this version does not know has no known window
        return channel, (None if row[1] is None else int(row[1]))
