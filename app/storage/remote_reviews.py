"""The server's rubric, reviews, annotations and survey answers mirrored into the local
store, and the lead's local changes to them found for the outbox (store lane only).

A row is *dirty* while the lead's edits to it are unsent: created here and never
acknowledged (``server_version IS NULL``), or edited since (``version`` differs from
``server_version``; a pull or an acknowledgement sets both to the server's version). A
pull never overwrites a dirty row: the lead's edit goes out first, and a 412 tells a
real conflict. Wire values go in and out as plain dicts (no pydantic here).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.storage.link import Link
from app.storage.remote_records import UNSENT, acknowledge, ids_by_uid, json_or, yield_to_server

# outbox operation -> the table whose row it sends
PUT_OPS = {"put_rubric": "rubrics", "put_review": "reviews", "put_annotation": "annotations"}
DELETE_ANNOTATION = "delete_annotation"


@dataclass(frozen=True, slots=True)
class Dirty:
    """A row with unsent local edits: what to queue for it."""

    op: str
    uid: str
    conversation_uid: str  # '' for the rubric
    server_version: int | None


class RemoteReviews:
    """Review data to and from the server (SQL of the review sync)."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self._conn = link.conn

    # ------------------------------------------------------------------ push
    def dirty(self, limit: int = 500) -> list[Dirty]:
        """Rows with unsent edits and no operation queued for them yet (oldest first)."""
        found: list[Dirty] = []
        for op, table in PUT_OPS.items():
            conversation = (
                "''"
                if table == "rubrics"
                else "(SELECT c.uid FROM conversations c WHERE c.id = t.conversation_id)"
            )
            found += [
                Dirty(op, r[0], r[1] or "", r[2])
                for r in self._conn.execute(
                    f"SELECT t.uid, {conversation}, t.server_version FROM {table} t"
                    f" WHERE {UNSENT} AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.op = ?"
                    "  AND json_extract(o.payload, '$.uid') = t.uid)"
                    " ORDER BY t.updated_at, t.id LIMIT ?",
                    (op, limit),
                )
            ]
        return found

    def rubric_body(self, uid: str) -> tuple[int, dict[str, Any]] | None:
        """(local version, the wire's RubricWrite as a dict), None when the row is gone."""
        row = self._conn.execute(
            "SELECT version, name, criteria FROM rubrics WHERE uid = ?", (uid,)
        ).fetchone()
        if row is None:
            return None
        return int(row[0]), {"name": row[1], "criteria": json_or(row[2], [])}

    def review_body(self, uid: str) -> tuple[int, dict[str, Any]] | None:
        row = self._conn.execute(
            "SELECT r.version, c.uid, a.uid, r.rubric_uid, r.scores, r.total, r.comment, r.state"
            " FROM reviews r JOIN conversations c ON c.id = r.conversation_id"
            " LEFT JOIN agents a ON a.id = r.reviewed_agent_id WHERE r.uid = ?",
            (uid,),
        ).fetchone()
        if row is None:
            return None
        body = {
            "conversation_id": row[1],
            "reviewed_agent_id": row[2],
            "rubric_id": row[3],
            "scores": json_or(row[4], {}),
            "total": row[5],
            "comment": row[6],
            "state": row[7],
        }
        return int(row[0]), body

    def annotation_body(self, uid: str) -> tuple[int, dict[str, Any]] | None:
        row = self._conn.execute(
            "SELECT a.version, c.uid, m.uid, a.kind, a.severity, a.body, a.correction,"
            " a.reference, a.promoted FROM annotations a"
            " JOIN conversations c ON c.id = a.conversation_id"
            " JOIN messages m ON m.id = a.message_id WHERE a.uid = ?",
            (uid,),
        ).fetchone()
        if row is None:
            return None
        keys = ("conversation_id", "message_id", "kind", "severity", "body", "correction")
        body = dict(zip(keys, row[1:7], strict=True))
        body.update(reference=row[7], promoted=row[8])
        return int(row[0]), body

    def body(self, table: str, uid: str) -> tuple[int, dict[str, Any]] | None:
        return {
            "rubrics": self.rubric_body,
            "reviews": self.review_body,
            "annotations": self.annotation_body,
        }[table](uid)

    def acknowledge(self, table: str, uid: str, sent_version: int, server_version: int) -> bool:
        """The server stored the row as sent at local ``sent_version``. True when the row
        is now clean; False when the lead edited it meanwhile (still dirty, on top of the
        server's new version)."""
        _check(table)
        return acknowledge(self._conn, table, uid, sent_version, server_version)

    def annotation_to_delete(self, annotation_id: int) -> tuple[str, str, int | None] | None:
        """(uid, conversation uid, server version) of a local annotation about to go."""
        row = self._conn.execute(
            "SELECT a.uid, c.uid, a.server_version FROM annotations a"
            " JOIN conversations c ON c.id = a.conversation_id WHERE a.id = ?",
            (annotation_id,),
        ).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def drop_operations(self, uid: str) -> None:
        """Forget queued operations on an item the server deleted (nothing left to send)."""
        self._conn.execute("DELETE FROM outbox WHERE json_extract(payload, '$.uid') = ?", (uid,))

    # ------------------------------------------------------------------ pull
    def set_roles(self, roles: Mapping[str, Iterable[str]]) -> None:
        """Each agent's roles as the server names them (agent uid -> roles); the roles
        decide what this desk offers, the server decides what it accepts."""
        self._conn.executemany(
            "UPDATE agents SET roles = ? WHERE uid = ?",
            [(json.dumps(sorted(set(r)) or ["agent"]), uid) for uid, r in roles.items()],
        )

    def _ids(self, table: str, uids: Iterable[str | None]) -> dict[str, int]:
        return ids_by_uid(self._conn, table, uids)

    def upsert_rubrics(self, items: Iterable[Mapping[str, Any]]) -> None:
        """Rubrics from the feed (a dirty local row keeps the lead's edit)."""
        self._conn.executemany(
            "INSERT INTO rubrics (uid, name, criteria, updated_at, version, server_version)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(uid) DO UPDATE SET name = excluded.name,"
            " criteria = excluded.criteria, updated_at = excluded.updated_at,"
            " version = excluded.version, server_version = excluded.server_version"
            " WHERE rubrics.server_version IS NOT NULL AND rubrics.version = rubrics.server_version"
            " AND excluded.server_version >= rubrics.server_version",
            [
                (
                    r["id"],
                    r["name"],
                    json.dumps(r["criteria"], ensure_ascii=False),
                    r["updated_at"],
                    r["version"],
                    r["version"],
                )
                for r in items
            ],
        )

    def upsert_reviews(self, items: list[Mapping[str, Any]]) -> set[int]:
        """Reviews from the feed; returns the local conversations they are on (those whose
        conversation is not here are skipped)."""
        conversations = self._ids("conversations", (r["conversation_id"] for r in items))
        agents = self._ids(
            "agents", [a for r in items for a in (r["reviewer_id"], r["reviewed_agent_id"])]
        )
        rows = [
            (
                r["id"],
                conversations[r["conversation_id"]],
                agents.get(r["reviewer_id"]),
                agents.get(r["reviewed_agent_id"] or ""),
                r["rubric_id"],
                json.dumps(r["scores"], sort_keys=True),
                r["total"],
                r["comment"],
                r["state"],
                r["created_at"],
                r["updated_at"],
                r["version"],
                r["version"],
            )
            for r in items
            if r["conversation_id"] in conversations
        ]
        self._conn.executemany(
            "INSERT INTO reviews (uid, conversation_id, reviewer_agent_id, reviewed_agent_id,"
            " rubric_uid, scores, total, comment, state, created_at, updated_at, version,"
            " server_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(uid) DO UPDATE SET reviewer_agent_id = excluded.reviewer_agent_id,"
            " reviewed_agent_id = excluded.reviewed_agent_id, rubric_uid = excluded.rubric_uid,"
            " scores = excluded.scores, total = excluded.total, comment = excluded.comment,"
            " state = excluded.state, updated_at = excluded.updated_at,"
            " version = excluded.version, server_version = excluded.server_version"
            " WHERE reviews.server_version IS NOT NULL"
            " AND reviews.version = reviews.server_version"
            " AND excluded.server_version >= reviews.server_version",
            rows,
        )
        return {row[1] for row in rows}

    def upsert_annotations(self, items: list[Mapping[str, Any]]) -> tuple[set[int], int]:
        """Annotations from the feed: (local conversations touched, how many were skipped
        because their message is not here)."""
        conversations = self._ids("conversations", (a["conversation_id"] for a in items))
        messages = self._ids("messages", (a["message_id"] for a in items))
        authors = self._ids("agents", (a["author_id"] for a in items))
        rows = [
            (
                a["id"],
                conversations[a["conversation_id"]],
                messages[a["message_id"]],
                authors.get(a["author_id"]),
                a["kind"],
                a["severity"],
                a["body"],
                a["correction"],
                a["reference"],
                a["promoted"],
                a["created_at"],
                a["updated_at"],
                a["version"],
                a["version"],
            )
            for a in items
            if a["conversation_id"] in conversations and a["message_id"] in messages
        ]
        self._conn.executemany(
            "INSERT INTO annotations (uid, conversation_id, message_id, author_agent_id, kind,"
            " severity, body, correction, reference, promoted, created_at, updated_at, version,"
            " server_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(uid) DO UPDATE SET kind = excluded.kind,"
            " severity = excluded.severity, body = excluded.body,"
            " correction = excluded.correction, reference = excluded.reference,"
            " promoted = excluded.promoted, updated_at = excluded.updated_at,"
            " version = excluded.version, server_version = excluded.server_version"
            " WHERE annotations.server_version IS NOT NULL"
            " AND annotations.version = annotations.server_version"
            " AND excluded.server_version >= annotations.server_version",
            rows,
        )
        return {row[1] for row in rows}, len(items) - len(rows)

    def upsert_survey_answers(self, items: list[Mapping[str, Any]]) -> set[int]:
        conversations = self._ids("conversations", (s["conversation_id"] for s in items))
        rows = [
            (
                s["id"],
                conversations[s["conversation_id"]],
                s["kind"],
                s["score"],
                s["comment"],
                s["answered_at"],
            )
            for s in items
            if s["conversation_id"] in conversations
        ]
        self._conn.executemany(
            "INSERT INTO survey_answers (uid, conversation_id, kind, score, comment, answered_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(uid) DO UPDATE SET kind = excluded.kind,"
            " score = excluded.score, comment = excluded.comment,"
            " answered_at = excluded.answered_at",
            rows,
        )
        return {row[1] for row in rows}

    def take_server_copy(self, op: str, current: Mapping[str, Any]) -> set[int]:
        """The lead dropped a conflicting edit: the server's copy (``current``, its record
        as JSON) replaces the local row, or restores a deleted annotation. A record that
        cannot be read changes nothing (the next snapshot brings it)."""
        table = "annotations" if op == DELETE_ANNOTATION else PUT_OPS[op]
        yield_to_server(self._conn, table, str(current.get("id", "")))
        try:
            if table == "rubrics":
                self.upsert_rubrics([current])
                return set()
            if table == "reviews":
                return self.upsert_reviews([current])
            return self.upsert_annotations([current])[0]
        except (KeyError, TypeError, ValueError):
            return set()

    def remove(self, table: str, uids: Iterable[str]) -> set[int]:
        """Tombstones: the rows go (with any queued edit of them); returns the local
        conversations they were on."""
        _check(table, also=("survey_answers",))
        touched: set[int] = set()
        for uid in uids:
            row = self._conn.execute(
                f"DELETE FROM {table} WHERE uid = ? RETURNING "
                + ("0" if table == "rubrics" else "conversation_id"),
                (uid,),
            ).fetchone()
            if row is not None and table != "rubrics":
                touched.add(int(row[0]))
            if table != "survey_answers":
                self.drop_operations(uid)
        return touched


def _check(table: str, also: tuple[str, ...] = ()) -> None:
    if table not in (*PUT_OPS.values(), *also):
        raise ValueError(table)
