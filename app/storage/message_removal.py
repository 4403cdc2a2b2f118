"""Removing single messages the server deleted (its message tombstones), and what hangs
off them, with the conversations' list columns put right (store lane only).

A backend may delete one message (moderation, erasure of one message): the message goes
from this computer with its attachments and their files, the annotations and @mentions
on it (ON DELETE CASCADE), its search text, its queued send, and its share of the KPI
counters and the demand heat map (the delete triggers of schema v7). The conversation's
other messages keep their seqs. The list columns are recomputed set-wise for the
conversations affected: the preview shows the newest message left, unread counts lose
the unread messages that went, the first response is the earliest reply left.
``last_activity_at`` stays: the server keeps it too (a deletion is not activity).

Machine translations of a deleted text stay in ``translation_cache`` (keyed by a hash of
text, languages and pack route, with nothing naming the message): nothing can show them
once the text is gone.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.domain.rules import preview_of
from app.storage.attachments import AttachmentRepository
from app.storage.conversations import ConversationRepository
from app.storage.link import Link

_CHUNK = 500
# The unread messages are a conversation's newest ``unread_count`` customer messages: a
# removed customer message among them takes one off (before it is deleted).
_UNREAD = (
    "UPDATE conversations SET unread_count = max(0, unread_count - (SELECT count(*)"
    " FROM temp.removed_messages r JOIN messages m ON m.id = r.id"
    " WHERE m.conversation_id = conversations.id AND m.kind = 'customer'"
    " AND (SELECT count(*) FROM messages n WHERE n.conversation_id = m.conversation_id"
    " AND n.kind = 'customer' AND n.seq >= m.seq) <= conversations.unread_count))"
    " WHERE unread_count > 0 AND id IN (SELECT DISTINCT m.conversation_id"
    " FROM temp.removed_messages r JOIN messages m ON m.id = r.id)"
)
# What the preview shows: the newest message the customer sees (not a note, not held).
_SHOWN = (
    "SELECT c.id, (SELECT m.body FROM messages m WHERE m.conversation_id = c.id"
    " AND m.kind <> 'note' AND m.state = 'sent' ORDER BY m.seq DESC LIMIT 1),"
    " (SELECT m.kind FROM messages m WHERE m.conversation_id = c.id"
    " AND m.kind <> 'note' AND m.state = 'sent' ORDER BY m.seq DESC LIMIT 1)"
    " FROM conversations c WHERE c.id IN ({marks})"
)
_FIRST_RESPONSE = (
    "UPDATE conversations SET first_response_at = (SELECT min(m.created_at) FROM messages m"
    " WHERE m.conversation_id = conversations.id AND m.kind = 'agent' AND m.state = 'sent')"
    " WHERE id = ?"
)


class MessageRemoval:
    """Single messages leaving the store (see the module docstring)."""

    def __init__(self, link: Link, conversations: ConversationRepository) -> None:
        self._link = link
        self._conn = link.conn
        self._conversations = conversations

    def remove(self, uids: Iterable[str]) -> set[int]:
        """Remove the messages with these server ids (unknown ones are ignored); returns
        the local ids of the conversations that lost one."""
        wanted = list(dict.fromkeys(uids))
        if not wanted:
            return set()
        with self._link.transaction():
            self._conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS removed_messages (id INTEGER PRIMARY KEY)"
            )
            self._conn.execute("DELETE FROM temp.removed_messages")
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                self._conn.execute(
                    "INSERT OR IGNORE INTO temp.removed_messages (id)"
                    f" SELECT id FROM messages WHERE uid IN ({marks})",
                    chunk,
                )
                # its send is done with: the server had it, and deleted it
                self._conn.execute(
                    f"DELETE FROM outbox WHERE op = 'send_message' AND message_uid IN ({marks})",
                    chunk,
                )
            return self._remove_marked()

    def keep_listed(self, listed: set[str]) -> set[int]:
        """After a full snapshot of the messages feed (a 410): messages the server had
        (they carry its seq) and no longer lists were deleted while their tombstones were
        compacted away; remove them too. Unsent ones (no server seq) stay."""
        gone = [
            uid
            for (uid,) in self._conn.execute(
                "SELECT uid FROM messages WHERE server_seq IS NOT NULL"
            )
            if uid not in listed
        ]
        return self.remove(gone)

    def _remove_marked(self) -> set[int]:
        conn = self._conn
        affected = {
            int(cid): (int(any_shown), int(any_reply), int(any_file))
            for cid, any_shown, any_reply, any_file in conn.execute(
                "SELECT m.conversation_id, max(m.kind <> 'note' AND m.state = 'sent'),"
                " max(m.kind = 'agent' AND m.state = 'sent'), max(EXISTS (SELECT 1"
                " FROM attachments a WHERE a.message_id = m.id AND a.stored_path IS NOT NULL))"
                " FROM temp.removed_messages r JOIN messages m ON m.id = r.id"
                " GROUP BY m.conversation_id"
            )
        }
        if not affected:
            return set()
        conn.execute(_UNREAD)
        conn.execute("DELETE FROM messages WHERE id IN (SELECT id FROM temp.removed_messages)")
        conn.execute("DELETE FROM temp.removed_messages")
        ids = sorted(affected)
        shown = [cid for cid in ids if affected[cid][0]]
        for start in range(0, len(shown), _CHUNK):
            chunk = shown[start : start + _CHUNK]
            rows = conn.execute(_SHOWN.format(marks=",".join("?" * len(chunk))), chunk)
            conn.executemany(
                "UPDATE conversations SET last_message_preview = ?, last_message_kind = ?"
                " WHERE id = ?",
                [
                    ("", "customer", cid) if body is None else (preview_of(body), kind, cid)
                    for cid, body, kind in rows.fetchall()
                ],
            )
        conn.executemany(_FIRST_RESPONSE, [(cid,) for cid in ids if affected[cid][1]])
        conn.executemany(
            "UPDATE conversations SET version = version + 1 WHERE id = ?", [(c,) for c in ids]
        )
        for cid in ids:
            self._conversations.reindex(cid)
        if any(flags[2] for flags in affected.values()):
            AttachmentRepository(self._link).sweep_files()  # no other message keeps them
        return set(ids)
