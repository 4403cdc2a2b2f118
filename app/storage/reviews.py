"""Reviews, annotations, the team's rubric and agents' roles (tables of storage v7).

Rows come back as the domain's types (:mod:`app.domain.review`); the ops layer validates
before writing. Every write bumps ``version`` (what the sync's ``If-Match`` compares) and
keeps ``uid`` (the wire id).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from app.domain.review import (
    Annotation,
    AnnotationKind,
    Review,
    ReviewState,
    Rubric,
    Severity,
    criteria_from_json,
    rubric_criteria_json,
)
from app.storage.link import Link

MAX_FEEDBACK = 1000

_REVIEW_COLUMNS = (
    "r.id, r.uid, r.conversation_id, r.reviewer_agent_id, r.reviewed_agent_id, r.rubric_uid,"
    " r.scores, r.total, r.comment, r.state, r.created_at, r.updated_at, r.version,"
    " ra.name, rd.name"
)
_REVIEW_FROM = (
    "FROM reviews r LEFT JOIN agents ra ON ra.id = r.reviewer_agent_id"
    " LEFT JOIN agents rd ON rd.id = r.reviewed_agent_id"
)
_ANNOTATION_COLUMNS = (
    "a.id, a.uid, a.conversation_id, a.message_id, a.author_agent_id, ag.name, a.kind,"
    " a.severity, a.body, a.correction, a.reference, a.promoted, a.created_at,"
    " a.updated_at, a.version"
)
_ANNOTATION_FROM = "FROM annotations a LEFT JOIN agents ag ON ag.id = a.author_agent_id"


def _scores(raw: str) -> dict[str, int]:
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, int) and not isinstance(v, bool)}


def _review(r: Any) -> Review:
    return Review(
        r[0], r[1], r[2], r[3], r[4], r[5], _scores(r[6]), r[7], r[8], ReviewState(r[9]),
        r[10], r[11], r[12], r[13], r[14],
    )  # fmt: skip


def _annotation(r: Any) -> Annotation:
    return Annotation(
        r[0], r[1], r[2], r[3], r[4], r[5], AnnotationKind(r[6]), Severity(r[7]), r[8], r[9],
        r[10], r[11], r[12], r[13], r[14],
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class MessageFacts:
    """What the score proposal reads of one message."""

    id: int
    kind: str
    author_agent_id: int | None
    created_at: int
    provenance: str | None
    sent_findings: str | None
    held: bool


@dataclass(frozen=True, slots=True)
class ConversationFacts:
    """What the score proposal and a new review read of a conversation."""

    id: int
    channel: str
    country: str
    status: str
    assignee_id: int | None
    created_at: int
    first_response_at: int | None
    resolved_at: int | None
    reopen_count: int
    sla_due_at: int | None
    messages: tuple[MessageFacts, ...]


class ReviewRepository:
    """Rubric, reviews, annotations and roles (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self._conn = link.conn

    # ------------------------------------------------------------------ roles
    def roles(self, agent_id: int) -> str | None:
        row = self._conn.execute("SELECT roles FROM agents WHERE id = ?", (agent_id,)).fetchone()
        return None if row is None else str(row[0])

    def set_roles(self, agent_id: int, roles_json: str) -> None:
        with self._link.transaction():
            cursor = self._conn.execute(
                "UPDATE agents SET roles = ? WHERE id = ?", (roles_json, agent_id)
            )
            if cursor.rowcount != 1:
                raise KeyError(agent_id)

    # ------------------------------------------------------------------ rubric
    def rubric(self) -> Rubric | None:
        """The team's rubric (the one edited last), or None before any is saved."""
        row = self._conn.execute(
            "SELECT uid, name, criteria, version FROM rubrics ORDER BY updated_at DESC, id DESC"
            " LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        return Rubric(row[0], row[1], criteria_from_json(row[2]), int(row[3]))

    def save_rubric(self, rubric: Rubric, now: int) -> int:
        """Insert or replace the rubric of this uid; returns its new version."""
        with self._link.transaction():
            self._conn.execute(
                # The first stored save of the shipped rubric (version 1) is version 2.
                "INSERT INTO rubrics (uid, name, criteria, updated_at, version)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(uid) DO UPDATE SET name = excluded.name,"
                " criteria = excluded.criteria, updated_at = excluded.updated_at,"
                " version = rubrics.version + 1",
                (
                    rubric.uid,
                    rubric.name,
                    rubric_criteria_json(rubric.criteria),
                    now,
                    rubric.version + 1,
                ),
            )
            row = self._conn.execute(
                "SELECT version FROM rubrics WHERE uid = ?", (rubric.uid,)
            ).fetchone()
        return int(row[0])

    # ------------------------------------------------------------------ reviews
    def review(self, review_id: int) -> Review | None:
        row = self._conn.execute(
            f"SELECT {_REVIEW_COLUMNS} {_REVIEW_FROM} WHERE r.id = ?", (review_id,)
        ).fetchone()
        return None if row is None else _review(row)

    def review_of(self, conversation_id: int) -> Review | None:
        """The conversation's latest review."""
        row = self._conn.execute(
            f"SELECT {_REVIEW_COLUMNS} {_REVIEW_FROM} WHERE r.conversation_id = ?"
            " ORDER BY r.updated_at DESC, r.id DESC LIMIT 1",
            (conversation_id,),
        ).fetchone()
        return None if row is None else _review(row)

    def add_review(
        self,
        conversation_id: int,
        reviewer_id: int | None,
        reviewed_id: int | None,
        rubric_uid: str | None,
        now: int,
        *,
        uid: str | None = None,
    ) -> int:
        with self._link.transaction():
            cursor = self._conn.execute(
                "INSERT INTO reviews (uid, conversation_id, reviewer_agent_id, reviewed_agent_id,"
                " rubric_uid, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (uid or str(uuid.uuid4()), conversation_id, reviewer_id, reviewed_id,
                 rubric_uid, now, now),
            )  # fmt: skip
        return int(cursor.lastrowid or 0)

    def update_review(
        self,
        review_id: int,
        scores: Mapping[str, int],
        total: float | None,
        comment: str,
        state: ReviewState,
        now: int,
    ) -> None:
        with self._link.transaction():
            cursor = self._conn.execute(
                "UPDATE reviews SET scores = ?, total = ?, comment = ?, state = ?,"
                " updated_at = ?, version = version + 1 WHERE id = ?",
                (json.dumps(dict(scores), sort_keys=True), total, comment, state.value, now,
                 review_id),
            )  # fmt: skip
            if cursor.rowcount != 1:
                raise KeyError(review_id)

    def feedback(self, agent_id: int, limit: int = 200) -> list[Review]:
        """The finished reviews of this agent's conversations, newest first."""
        return [
            _review(r)
            for r in self._conn.execute(
                f"SELECT {_REVIEW_COLUMNS} {_REVIEW_FROM} WHERE r.reviewed_agent_id = ?"
                " AND r.state = 'done' ORDER BY r.updated_at DESC LIMIT ?",
                (agent_id, min(limit, MAX_FEEDBACK)),
            )
        ]

    # ------------------------------------------------------------------ annotations
    def annotations(self, conversation_id: int) -> list[Annotation]:
        return [
            _annotation(r)
            for r in self._conn.execute(
                f"SELECT {_ANNOTATION_COLUMNS} {_ANNOTATION_FROM}"
                " JOIN messages m ON m.id = a.message_id WHERE a.conversation_id = ?"
                " ORDER BY m.seq, a.created_at, a.id",
                (conversation_id,),
            )
        ]

    def annotation(self, annotation_id: int) -> Annotation | None:
        row = self._conn.execute(
            f"SELECT {_ANNOTATION_COLUMNS} {_ANNOTATION_FROM} WHERE a.id = ?", (annotation_id,)
        ).fetchone()
        return None if row is None else _annotation(row)

    def message_conversation(self, message_id: int) -> int | None:
        row = self._conn.execute(
            "SELECT conversation_id FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
        return None if row is None else int(row[0])

    def add_annotation(
        self,
        conversation_id: int,
        message_id: int,
        author_id: int | None,
        kind: AnnotationKind,
        severity: Severity,
        body: str,
        correction: str | None,
        reference: str | None,
        now: int,
        *,
        uid: str | None = None,
    ) -> int:
        with self._link.transaction():
            cursor = self._conn.execute(
                "INSERT INTO annotations (uid, conversation_id, message_id, author_agent_id,"
                " kind, severity, body, correction, reference, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (uid or str(uuid.uuid4()), conversation_id, message_id, author_id, kind.value,
                 severity.value, body, correction, reference, now, now),
            )  # fmt: skip
        return int(cursor.lastrowid or 0)

    def update_annotation(self, annotation: Annotation, now: int) -> None:
        """Store the annotation's kind, severity, texts and promotion as given."""
        with self._link.transaction():
            cursor = self._conn.execute(
                "UPDATE annotations SET kind = ?, severity = ?, body = ?, correction = ?,"
                " reference = ?, promoted = ?, updated_at = ?, version = version + 1"
                " WHERE id = ?",
                (annotation.kind.value, annotation.severity.value, annotation.body,
                 annotation.correction, annotation.reference, annotation.promoted, now,
                 annotation.id),
            )  # fmt: skip
            if cursor.rowcount != 1:
                raise KeyError(annotation.id)

    def delete_annotation(self, annotation_id: int) -> None:
        with self._link.transaction():
            self._conn.execute("DELETE FROM annotations WHERE id = ?", (annotation_id,))

    # ------------------------------------------------------------------ facts
    def set_sent_findings(self, message_id: int, findings: str | None) -> None:
        """The draft check's findings shown when this reply was sent (JSON, bounded)."""
        self._conn.execute(
            "UPDATE messages SET sent_findings = ? WHERE id = ?", (findings, message_id)
        )

    def sent_findings(self, message_id: int) -> str | None:
        row = self._conn.execute(
            "SELECT sent_findings FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
        return None if row is None else row[0]

    def conversation_facts(self, conversation_id: int) -> ConversationFacts | None:
        row = self._conn.execute(
            "SELECT id, channel, country, status, assignee_id, created_at, first_response_at,"
            " resolved_at, reopen_count, sla_due_at FROM conversations WHERE id = ?",
            (conversation_id,),
        ).fetchone()
        if row is None:
            return None
        messages = tuple(
            MessageFacts(m[0], m[1], m[2], m[3], m[4], m[5], m[6] == "held")
            for m in self._conn.execute(
                "SELECT id, kind, author_agent_id, created_at, provenance, sent_findings, state"
                " FROM messages WHERE conversation_id = ? ORDER BY seq",
                (conversation_id,),
            )
        )
        return ConversationFacts(
            row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9],
            messages,
        )  # fmt: skip

    def message_texts(self, message_id: int) -> tuple[str, str, str | None, str | None] | None:
        """(kind, body, original_body, provenance) of a message, for promoting a correction."""
        row = self._conn.execute(
            "SELECT kind, body, original_body, provenance FROM messages WHERE id = ?",
            (message_id,),
        ).fetchone()
        return None if row is None else (row[0], row[1], row[2], row[3])

    def message_language(self, message_id: int) -> str | None:
        """The language a message is in: as stored, as detected, else the conversation's."""
        row = self._conn.execute(
            "SELECT coalesce(m.language, m.detected_language, c.language) FROM messages m"
            " JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ?",
            (message_id,),
        ).fetchone()
        return None if row is None else row[0]

    def has_uid(self, table: Literal["reviews", "annotations"], uid: str) -> bool:
        """Whether a review or annotation with this wire id is stored (demo and sync)."""
        return (
            self._conn.execute(f"SELECT 1 FROM {table} WHERE uid = ?", (uid,)).fetchone()
            is not None
        )

    def message_id_by_uid(self, uid: str) -> int | None:
        row = self._conn.execute("SELECT id FROM messages WHERE uid = ?", (uid,)).fetchone()
        return None if row is None else int(row[0])

    def conversation_findings(self, conversation_id: int) -> dict[int, str]:
        """The recorded findings of every reply of a conversation that had some (JSON)."""
        return dict(
            self._conn.execute(
                "SELECT id, sent_findings FROM messages WHERE conversation_id = ?"
                " AND sent_findings IS NOT NULL",
                (conversation_id,),
            )
        )
