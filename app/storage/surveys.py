"""Customer survey answers (CSAT, NPS, CES), one row per answer (table ``survey_answers``).

The KPIs aggregate them in SQL (``app.storage.kpis``); this repository only stores and
lists them. The ops layer checks the score against the survey's scale first.
"""

from __future__ import annotations

import uuid

from app.domain.review import SurveyAnswer, SurveyKind
from app.storage.link import Link

MAX_ANSWERS = 100  # per conversation: a list a lead can read


class SurveyRepository:
    """Survey answers (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self._conn = link.conn

    def add(
        self,
        conversation_id: int,
        kind: SurveyKind,
        score: int,
        comment: str,
        answered_at: int,
        *,
        uid: str | None = None,
    ) -> int:
        """Store an answer; one with a known ``uid`` (a replayed sync page) is replaced."""
        with self._link.transaction():
            cursor = self._conn.execute(
                "INSERT INTO survey_answers (uid, conversation_id, kind, score, comment,"
                " answered_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(uid) DO UPDATE SET"
                " kind = excluded.kind, score = excluded.score, comment = excluded.comment,"
                " answered_at = excluded.answered_at",
                (uid or str(uuid.uuid4()), conversation_id, kind.value, score, comment,
                 answered_at),
            )  # fmt: skip
        return int(cursor.lastrowid or 0)

    def answers(self, conversation_id: int) -> list[SurveyAnswer]:
        return [
            SurveyAnswer(r[0], r[1], r[2], SurveyKind(r[3]), r[4], r[5], r[6])
            for r in self._conn.execute(
                "SELECT id, uid, conversation_id, kind, score, comment, answered_at"
                " FROM survey_answers WHERE conversation_id = ? ORDER BY answered_at, id LIMIT ?",
                (conversation_id, MAX_ANSWERS),
            )
        ]
