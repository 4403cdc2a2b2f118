"""Data-subject requests and the customer's data they concern (issue 17): the records, and
the reads and deletes an export and an erasure need beyond one conversation.

The conversations themselves are removed by :mod:`app.storage.purge`; here are the
customer rows, their notes, and the texts elsewhere that carry their personal data
(drafts, translation memory and cache). A request record never copies the customer's
name, contacts or texts: only the opaque uid, country, law, dates and counts.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from app.domain.data_requests import DataRequest, DeadlineRule, RequestKind, RequestStatus
from app.storage.link import Link
from app.storage.translation_store import text_digest

_COLUMNS = (
    "id, uid, kind, customer_id, customer_uid, country, law_en, law_zh, source_url, rule,"
    " opened_at, due_at, extended_due_at, status, fulfilled_at, fulfilled_by, note, outcome,"
    " timezone"
)
MAX_OUTCOME_KEYS = 50
_SCAN_BATCH = 2000  # rows read at a time when looking for personal data in team texts


def _outcome(text: str) -> dict[str, int]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(k)[:60]: int(v)
        for k, v in list(data.items())[:MAX_OUTCOME_KEYS]
        if isinstance(v, int) and not isinstance(v, bool)
    }


def _request(row: Sequence[Any]) -> DataRequest:
    return DataRequest(
        id=int(row[0]),
        uid=row[1],
        kind=RequestKind(row[2]),
        customer_id=row[3],
        customer_uid=row[4],
        country=row[5],
        law_en=row[6],
        law_zh=row[7],
        source_url=row[8],
        rule=DeadlineRule.from_json(row[9]),
        opened_at=int(row[10]),
        due_at=int(row[11]),
        extended_due_at=row[12],
        status=RequestStatus(row[13]),
        fulfilled_at=row[14],
        fulfilled_by=row[15],
        note=row[16],
        outcome=_outcome(row[17]),
        timezone=row[18],
    )


class DataRequestRepository:
    """The ``data_requests`` table and the customer-wide reads/deletes (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self._conn = link.conn

    # ------------------------------------------------------------------ requests
    def add(
        self,
        *,
        kind: RequestKind,
        customer_id: int,
        customer_uid: str,
        country: str,
        timezone: str,
        law_en: str,
        law_zh: str,
        source_url: str | None,
        rule: DeadlineRule,
        opened_at: int,
        opened_by: int | None,
        due_at: int,
        note: str,
    ) -> str:
        """Record a new open request; returns its uid."""
        uid = f"dsr-{uuid.uuid4().hex}"
        with self._link.transaction():
            self._conn.execute(
                "INSERT INTO data_requests (uid, kind, customer_id, customer_uid, country,"
                " timezone, law_en, law_zh, source_url, rule, opened_at, opened_by, due_at, note,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    uid,
                    kind.value,
                    customer_id,
                    customer_uid,
                    country,
                    timezone,
                    law_en,
                    law_zh,
                    source_url,
                    rule.to_json(),
                    opened_at,
                    opened_by,
                    due_at,
                    note,
                    opened_at,
                ),
            )
        return uid

    def get(self, uid: str) -> DataRequest | None:
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM data_requests WHERE uid = ?", (uid,)
        ).fetchone()
        return None if row is None else _request(row)

    def all(
        self, *, open_only: bool = False, customer_ids: Sequence[int] = (), limit: int = 5000
    ) -> list[DataRequest]:
        """Requests, open ones first by current deadline, then the closed newest first
        (at most ``limit``: years of requests, and a bound on what the queue loads)."""
        where: list[str] = []
        params: list[Any] = []
        if open_only:
            where.append("status = 'open'")
        if customer_ids:
            where.append(f"customer_id IN ({','.join('?' * len(customer_ids))})")
            params.extend(customer_ids)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return [
            _request(r)
            for r in self._conn.execute(
                f"SELECT {_COLUMNS} FROM data_requests{clause} ORDER BY status != 'open',"
                " CASE WHEN status = 'open' THEN coalesce(extended_due_at, due_at) END,"
                " coalesce(fulfilled_at, opened_at) DESC, id LIMIT ?",
                [*params, limit],
            )
        ]

    def due_before(self, moment: int) -> list[DataRequest]:
        """Open requests whose current deadline is at or before ``moment``."""
        return [
            _request(r)
            for r in self._conn.execute(
                f"SELECT {_COLUMNS} FROM data_requests WHERE status = 'open'"
                " AND coalesce(extended_due_at, due_at) <= ?"
                " ORDER BY coalesce(extended_due_at, due_at), id",
                (moment,),
            )
        ]

    def close(
        self,
        uid: str,
        status: RequestStatus,
        now: int,
        agent_id: int | None,
        outcome: dict[str, int] | None = None,
    ) -> bool:
        """Fulfil or cancel an open request; False if it is not open (or unknown)."""
        with self._link.transaction():
            cursor = self._conn.execute(
                "UPDATE data_requests SET status = ?, fulfilled_at = ?, fulfilled_by = ?,"
                " outcome = coalesce(?, outcome), updated_at = ? WHERE uid = ? AND status = 'open'",
                (
                    status.value,
                    now,
                    agent_id,
                    None if outcome is None else json.dumps(outcome, sort_keys=True),
                    now,
                    uid,
                ),
            )
        return cursor.rowcount == 1

    def set_extended(self, uid: str, extended_due_at: int, now: int) -> bool:
        """Record the extension once; False if the request is not open or already extended."""
        with self._link.transaction():
            cursor = self._conn.execute(
                "UPDATE data_requests SET extended_due_at = ?, updated_at = ?"
                " WHERE uid = ? AND status = 'open' AND extended_due_at IS NULL",
                (extended_due_at, now, uid),
            )
        return cursor.rowcount == 1

    def set_outcome(self, uid: str, outcome: dict[str, int], now: int) -> None:
        """Counts of what an export produced (the request stays as it is)."""
        with self._link.transaction():
            self._conn.execute(
                "UPDATE data_requests SET outcome = ?, updated_at = ? WHERE uid = ?",
                (json.dumps(outcome, sort_keys=True), now, uid),
            )

    def scrub_notes(
        self, customer_uids: Sequence[str], clean: Callable[[str], str], now: int
    ) -> int:
        """Remove personal data from the agents' notes on this customer's requests."""
        changed = 0
        marks = ",".join("?" * len(customer_uids))
        with self._link.transaction():
            rows = self._conn.execute(
                f"SELECT id, note FROM data_requests WHERE customer_uid IN ({marks})"
                " AND note != ''",
                list(customer_uids),
            ).fetchall()
            for row_id, note in rows:
                cleaned = clean(note)
                if cleaned != note:
                    self._conn.execute(
                        "UPDATE data_requests SET note = ?, updated_at = ? WHERE id = ?",
                        (cleaned, now, row_id),
                    )
                    changed += 1
        return changed

    # ------------------------------------------------------------------ the customer's data
    def customer_ids_by_uid(self, uid: str) -> int | None:
        row = self._conn.execute("SELECT id FROM customers WHERE uid = ?", (uid,)).fetchone()
        return None if row is None else int(row[0])

    def customer_rows(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """The customer rows (every column, for the export), in id order."""
        marks = ",".join("?" * len(ids))
        cursor = self._conn.execute(
            "SELECT id, uid, name, country, language, timezone, handles, fields, merged_into,"
            f" created_at FROM customers WHERE id IN ({marks}) ORDER BY id",
            list(ids),
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def customer_notes(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        marks = ",".join("?" * len(ids))
        cursor = self._conn.execute(
            "SELECT n.uid, n.customer_id, n.body, n.created_at, n.updated_at, a.name AS author"
            " FROM customer_notes n LEFT JOIN agents a ON a.id = n.author_agent_id"
            f" WHERE n.customer_id IN ({marks}) ORDER BY n.created_at, n.id",
            list(ids),
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def conversation_ids(self, ids: Sequence[int]) -> list[int]:
        """Every conversation of these customer rows, merged-away ones included."""
        marks = ",".join("?" * len(ids))
        return [
            int(r[0])
            for r in self._conn.execute(
                f"SELECT id FROM conversations WHERE customer_id IN ({marks}) ORDER BY id",
                list(ids),
            )
        ]

    def table_rows(self, sql: str, conversation_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Rows of one per-conversation query (``{marks}`` stands for the ids)."""
        marks = ",".join("?" * len(conversation_ids))
        cursor = self._conn.execute(sql.format(marks=marks), list(conversation_ids))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def unlink_merged(self, ids: Sequence[int]) -> None:
        """Undo the merge pointers between these rows (so each can be deleted alone)."""
        marks = ",".join("?" * len(ids))
        with self._link.transaction():
            self._conn.execute(
                f"UPDATE customers SET merged_into = NULL WHERE id IN ({marks})", list(ids)
            )

    def delete_customers(self, ids: Sequence[int]) -> tuple[int, int]:
        """Delete the customer rows (their conversations must be gone); returns (customers,
        notes). Request records keep their row with ``customer_id`` set NULL."""
        marks = ",".join("?" * len(ids))
        with self._link.transaction():
            notes = self._conn.execute(
                f"DELETE FROM customer_notes WHERE customer_id IN ({marks})", list(ids)
            ).rowcount
            # merged handles point at the root: clear the pointers, then delete all at once
            self._conn.execute(
                f"UPDATE customers SET merged_into = NULL WHERE id IN ({marks})", list(ids)
            )
            customers = self._conn.execute(
                f"DELETE FROM customers WHERE id IN ({marks})", list(ids)
            ).rowcount
        return customers, notes

    def _scan(self, sql: str) -> Iterator[tuple[Any, ...]]:
        cursor = self._conn.execute(sql)
        while batch := cursor.fetchmany(_SCAN_BATCH):
            yield from batch

    def delete_texts_matching(self, carries: Callable[[str], bool]) -> dict[str, int]:
        """Delete drafts, translation-memory entries and cached translations whose text
        ``carries`` the customer's personal data; returns counts per table."""
        drafts = [
            r[0] for r in self._scan("SELECT conversation_id, body FROM drafts") if carries(r[1])
        ]
        memory = [
            r[0]
            for r in self._scan("SELECT id, source_text, target_text FROM translation_memory")
            if carries(r[1]) or carries(r[2])
        ]
        cache = [
            r[0]
            for r in self._scan("SELECT key, translated FROM translation_cache")
            if carries(r[1])
        ]
        with self._link.transaction():
            self._conn.executemany(
                "DELETE FROM drafts WHERE conversation_id = ?", [(d,) for d in drafts]
            )
            self._conn.executemany(
                "DELETE FROM translation_memory WHERE id = ?", [(m,) for m in memory]
            )
            self._conn.executemany(
                "DELETE FROM translation_cache WHERE key = ?", [(k,) for k in cache]
            )
        return {
            "drafts": len(drafts),
            "translation_memory": len(memory),
            "translation_cache": len(cache),
        }

    # ------------------------------------------------------------------ the export's reads
    def export_rows(self, conversation_ids: Sequence[int]) -> dict[str, list[dict[str, Any]]]:
        """Everything held about these conversations, table by table (for the export)."""
        if not conversation_ids:
            return {name: [] for name in _EXPORT_QUERIES}
        return {
            name: self.table_rows(sql, conversation_ids) for name, sql in _EXPORT_QUERIES.items()
        }

    def cached_translations(self, text: str) -> list[tuple[str, str]]:
        """(route, translation) of every cached machine translation of one text (the
        cache key starts with the text's digest: ``translation_store.cache_key``)."""
        digest = text_digest(text)
        cached = [
            (str(r[0]), str(r[1]))
            for r in self._conn.execute(
                "SELECT route, translated FROM translation_cache WHERE key >= ? AND key < ?"
                " ORDER BY route",
                (f"{digest}:", f"{digest};"),
            )
        ]
        approved = [  # the team's approved translation of this very text, if any
            (f"memory:{r[0]}>{r[1]}", str(r[2]))
            for r in self._conn.execute(
                "SELECT source_language, target_language, target_text FROM translation_memory"
                " WHERE source_text = ? ORDER BY target_language",
                (text,),
            )
        ]
        return cached + approved


_AGENT = "(SELECT name FROM agents WHERE id = {column})"
_EXPORT_QUERIES: dict[str, str] = {
    "conversations": (
        "SELECT c.id, c.uid, c.channel, c.subject, c.status, c.language, c.country,"
        " c.created_at, c.updated_at, c.resolved_at, c.fields, c.merged_into,"
        f" {_AGENT.format(column='c.assignee_id')} AS assignee"
        " FROM conversations c WHERE c.id IN ({marks}) ORDER BY c.created_at, c.id"
    ),
    "messages": (
        "SELECT m.id, m.uid, m.conversation_id, m.seq, m.kind, m.body, m.language, m.channel,"
        " m.created_at, m.original_body, m.original_language, m.detected_language,"
        " m.provenance, m.state, m.delivery, m.read_at,"
        f" {_AGENT.format(column='m.author_agent_id')} AS author"
        " FROM messages m WHERE m.conversation_id IN ({marks}) ORDER BY m.conversation_id, m.seq"
    ),
    "tags": (
        "SELECT ct.conversation_id, t.name FROM conversation_tags ct JOIN tags t"
        " ON t.id = ct.tag_id WHERE ct.conversation_id IN ({marks}) ORDER BY t.name"
    ),
    "events": (
        "SELECT e.conversation_id, e.kind, e.detail, e.at,"
        f" {_AGENT.format(column='e.actor_agent_id')} AS actor"
        " FROM conversation_events e WHERE e.conversation_id IN ({marks}) ORDER BY e.at, e.id"
    ),
    "reviews": (
        "SELECT r.conversation_id, r.uid, r.scores, r.total, r.comment, r.state, r.created_at,"
        f" r.updated_at, {_AGENT.format(column='r.reviewer_agent_id')} AS reviewer"
        " FROM reviews r WHERE r.conversation_id IN ({marks}) ORDER BY r.created_at, r.id"
    ),
    "annotations": (
        "SELECT a.conversation_id, a.uid, (SELECT uid FROM messages WHERE id = a.message_id)"
        " AS message_uid, a.kind, a.severity, a.body, a.correction, a.reference, a.created_at,"
        f" {_AGENT.format(column='a.author_agent_id')} AS author"
        " FROM annotations a WHERE a.conversation_id IN ({marks}) ORDER BY a.created_at, a.id"
    ),
    "survey_answers": (
        "SELECT s.conversation_id, s.uid, s.kind, s.score, s.comment, s.answered_at"
        " FROM survey_answers s WHERE s.conversation_id IN ({marks}) ORDER BY s.answered_at"
    ),
    "attachments": (
        "SELECT a.conversation_id, a.uid, (SELECT uid FROM messages WHERE id = a.message_id)"
        " AS message_uid, a.filename, a.content_type, a.size, a.sha256, a.state,"
        " a.stored_path IS NOT NULL AS stored, a.created_at"
        " FROM attachments a WHERE a.conversation_id IN ({marks}) ORDER BY a.created_at, a.id"
    ),
    "drafts": (
        "SELECT d.conversation_id, d.kind, d.body, d.updated_at FROM drafts d"
        " WHERE d.conversation_id IN ({marks})"
    ),
}
