"""Merging two conversations of one person: the messages of one move into the other, in
time order, and the absorbed one (``merged_into`` set) leaves the inbox and the search.

A merge is local (the sync contract has no merge); :class:`MergeRecord` keeps what the
merge changed so Undo can put both conversations back exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.domain.rules import preview_of
from app.storage.link import Link
from app.storage.search import SearchIndex

MERGES_KEY = "merged_conversations"  # in meta once any conversation was merged (see inbox)
_LIST_COLUMNS = (
    "message_count, unread_count, last_activity_at, last_message_preview, last_message_kind,"
    " status, sla_due_at, snoozed_until"
)


@dataclass(frozen=True, slots=True)
class MergeRecord:
    """What a merge changed: each message's place before, the events moved and both
    conversations' list columns, so :meth:`MergeRepository.unmerge` restores them."""

    absorbed: int
    into: int
    places: tuple[tuple[int, int, int], ...]  # (message id, conversation id, seq)
    events: tuple[int, ...]
    absorbed_columns: tuple[Any, ...]
    into_columns: tuple[Any, ...]


class MergeRepository:
    """Conversation merges (store lane only)."""

    def __init__(self, link: Link, search: SearchIndex) -> None:
        self._link = link
        self._conn = link.conn
        self._search = search

    def _columns(self, conversation_id: int) -> tuple[Any, ...]:
        row = self._conn.execute(
            f"SELECT {_LIST_COLUMNS} FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
        if row is None:
            raise KeyError(conversation_id)
        return tuple(row)

    def state(self, conversation_id: int) -> tuple[int, int | None]:
        """(customer id, merged_into) of a conversation; KeyError if there is none."""
        row = self._conn.execute(
            "SELECT customer_id, merged_into FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
        if row is None:
            raise KeyError(conversation_id)
        return int(row[0]), row[1]

    def merge(self, absorbed: int, into: int, now: int) -> MergeRecord:
        """Move every message (and their files, mentions and the history) of ``absorbed``
        into ``into``, renumbered in time order."""
        with self._link.transaction():
            record = MergeRecord(
                absorbed,
                into,
                tuple(
                    (int(r[0]), int(r[1]), int(r[2]))
                    for r in self._conn.execute(
                        "SELECT id, conversation_id, seq FROM messages"
                        " WHERE conversation_id IN (?, ?)",
                        (absorbed, into),
                    )
                ),
                tuple(
                    int(r[0])
                    for r in self._conn.execute(
                        "SELECT id FROM conversation_events WHERE conversation_id = ?", (absorbed,)
                    )
                ),
                self._columns(absorbed),
                self._columns(into),
            )
            order = [
                int(r[0])
                for r in self._conn.execute(
                    "SELECT id FROM messages WHERE conversation_id IN (?, ?)"
                    " ORDER BY created_at, conversation_id != ?, seq",
                    (absorbed, into, into),
                )
            ]
            self._conn.execute(
                "UPDATE messages SET seq = -seq WHERE conversation_id IN (?, ?)", (absorbed, into)
            )
            self._conn.executemany(
                "UPDATE messages SET conversation_id = ?, seq = ? WHERE id = ?",
                [(into, n, mid) for n, mid in enumerate(order, start=1)],
            )
            for table in ("attachments", "mentions"):
                self._conn.execute(
                    f"UPDATE {table} SET conversation_id = ? WHERE conversation_id = ?"
                    " AND message_id IS NOT NULL",
                    (into, absorbed),
                )
            self._conn.execute(
                "UPDATE conversation_events SET conversation_id = ? WHERE conversation_id = ?",
                (into, absorbed),
            )
            self._refresh(into, unread=int(record.absorbed_columns[1] + record.into_columns[1]))
            self._conn.execute(
                # Resolved too: no queue counts it (they count open and pending).
                "UPDATE conversations SET merged_into = ?, message_count = 0, unread_count = 0,"
                " status = 'resolved', sla_due_at = NULL, snoozed_until = NULL,"
                " updated_at = ?, version = version + 1 WHERE id = ?",
                (into, now, absorbed),
            )
            self._conn.execute(
                "UPDATE conversations SET updated_at = ?, version = version + 1 WHERE id = ?",
                (now, into),
            )
            self._conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, '1') ON CONFLICT(key) DO NOTHING",
                (MERGES_KEY,),
            )
            self._search.reindex(into)
            self._search.remove(absorbed)
        return record

    def _refresh(self, conversation_id: int, unread: int) -> None:
        """The list columns of a conversation from its messages (after a merge)."""
        count = self._conn.execute(
            "SELECT count(*) FROM messages WHERE conversation_id = ?", (conversation_id,)
        ).fetchone()[0]
        newest = self._conn.execute(
            "SELECT body, kind, created_at FROM messages WHERE conversation_id = ?"
            " AND kind != 'note' AND state != 'held' ORDER BY seq DESC LIMIT 1",
            (conversation_id,),
        ).fetchone()
        assignments = "message_count = ?, unread_count = ?"
        params: list[Any] = [count, unread]
        if newest is not None:
            assignments += (
                ", last_message_preview = ?, last_message_kind = ?,"
                " last_activity_at = max(last_activity_at, ?)"
            )
            params += [preview_of(newest[0]), newest[1], newest[2]]
        self._conn.execute(
            f"UPDATE conversations SET {assignments} WHERE id = ?", (*params, conversation_id)
        )

    def unmerge(self, record: MergeRecord, now: int) -> None:
        """Undo :meth:`merge`: each message back in its conversation and place (messages
        written since stay where they are), the history and both list rows as they were."""
        with self._link.transaction():
            ids = [place[0] for place in record.places]
            self._conn.executemany(
                "UPDATE messages SET seq = -abs(seq) WHERE id = ?", [(mid,) for mid in ids]
            )
            self._conn.executemany(
                "UPDATE messages SET conversation_id = ?, seq = ? WHERE id = ?",
                [(cid, seq, mid) for mid, cid, seq in record.places],
            )
            for table in ("attachments", "mentions"):
                self._conn.execute(
                    f"UPDATE {table} SET conversation_id = (SELECT m.conversation_id FROM"
                    f" messages m WHERE m.id = {table}.message_id) WHERE conversation_id = ?"
                    " AND message_id IS NOT NULL",
                    (record.into,),
                )
            self._conn.executemany(
                "UPDATE conversation_events SET conversation_id = ? WHERE id = ?",
                [(record.absorbed, eid) for eid in record.events],
            )
            for cid, columns in (
                (record.absorbed, record.absorbed_columns),
                (record.into, record.into_columns),
            ):
                self._conn.execute(
                    "UPDATE conversations SET message_count = ?, unread_count = ?,"
                    " last_activity_at = ?, last_message_preview = ?, last_message_kind = ?,"
                    " status = ?, sla_due_at = ?, snoozed_until = ?, merged_into = NULL,"
                    " updated_at = ?, version = version + 1 WHERE id = ?",
                    (*columns, now, cid),
                )
            self._search.reindex(record.absorbed)
            self._search.reindex(record.into)
