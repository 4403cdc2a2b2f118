"""The conversations' full-text index: what a search finds, and keeping it current."""

from __future__ import annotations

from app.storage.fts import conversation_document, is_blank, match_expression
from app.storage.link import Link


class SearchIndex:
    """Search matches materialised in ``temp.search_hits``, and the per-conversation document."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self._conn = link.conn
        self._hit_count = 0

    def hits(self, text: str) -> int | None:
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
        if self._link.search_for != expression:
            self._conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS search_hits (id INTEGER PRIMARY KEY)"
            )
            self._conn.execute("DELETE FROM temp.search_hits")
            if expression:
                self._conn.execute(
                    "INSERT INTO temp.search_hits (id) SELECT rowid FROM conversations_fts"
                    " WHERE conversations_fts MATCH ?",
                    (expression,),
                )
            self._link.search_for = expression
            self._hit_count = int(
                self._conn.execute("SELECT count(*) FROM temp.search_hits").fetchone()[0]
            )
        return self._hit_count

    def reindex(self, conversation_id: int) -> None:
        """Rewrite the conversation's search document from its current data."""
        head = self._conn.execute(
            "SELECT cu.name, cu.handles, c.subject FROM conversations c"
            " JOIN customers cu ON cu.id = c.customer_id WHERE c.id = ?",
            (conversation_id,),
        ).fetchone()
        if head is None:
            return
        bodies = [
            r[0]
            for r in self._conn.execute(
                "SELECT body FROM messages WHERE conversation_id = ? ORDER BY seq",
                (conversation_id,),
            )
        ]
        name, body = conversation_document(head[0], head[1], head[2], bodies)
        self._link.search_for = None  # the cached search matches may have changed
        self._conn.execute("DELETE FROM conversations_fts WHERE rowid = ?", (conversation_id,))
        self._conn.execute(
            "INSERT INTO conversations_fts (rowid, name, body) VALUES (?, ?, ?)",
            (conversation_id, name, body),
        )

    def recent_bodies(self, conversation_ids: list[int]) -> list[tuple[int, str]]:
        """See :func:`recent_bodies`."""
        return recent_bodies(self._link, conversation_ids)

    def remove(self, conversation_id: int) -> None:
        """Drop a conversation's search document (it is being deleted)."""
        self._link.search_for = None
        self._conn.execute("DELETE FROM conversations_fts WHERE rowid = ?", (conversation_id,))


MATCH_SCAN_CHARS = 4000  # of each message, where a search match is looked for to show it
MATCH_MESSAGES = 50  # newest messages per conversation looked through for the match


def recent_bodies(link: Link, conversation_ids: list[int]) -> list[tuple[int, str]]:
    """(conversation id, start of a message) for the newest messages of each conversation,
    newest first: where a search result's highlighted match is looked for."""
    if not conversation_ids:
        return []
    marks = ",".join("?" * len(conversation_ids))
    return [
        (int(r[0]), str(r[1]))
        for r in link.conn.execute(
            f"SELECT conversation_id, substr(body, 1, {MATCH_SCAN_CHARS}) FROM ("
            " SELECT conversation_id, body, row_number() OVER"
            " (PARTITION BY conversation_id ORDER BY seq DESC) AS n"
            f" FROM messages WHERE conversation_id IN ({marks}))"
            f" WHERE n <= {MATCH_MESSAGES} ORDER BY conversation_id, n",
            conversation_ids,
        )
    ]
