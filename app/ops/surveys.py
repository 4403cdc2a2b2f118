"""Customer survey answers (CSAT 1-5, NPS 0-10, CES 1-7) on a conversation (store lane)."""

from __future__ import annotations

from app.domain.changes import Changes
from app.domain.errors import N_
from app.domain.review import (
    MAX_COMMENT_CHARS,
    SurveyAnswer,
    SurveyKind,
    check_survey_score,
    clean_text,
)
from app.storage.store import Store


def add_answer(
    store: Store,
    conversation_id: int,
    kind: SurveyKind,
    score: int,
    comment: str,
    answered_at: int,
    *,
    uid: str | None = None,
) -> Changes:
    """Record a customer's answer (ReviewError when the score is off the survey's scale)."""
    kind = SurveyKind(kind)
    check_survey_score(kind, score)
    text = clean_text(
        comment, MAX_COMMENT_CHARS, N_("A survey comment can be at most {count} characters")
    )
    store.surveys.add(conversation_id, kind, score, text, answered_at, uid=uid)
    return Changes.of(conversation_id, reviews=True)


def answers(store: Store, conversation_id: int) -> list[SurveyAnswer]:
    return store.surveys.answers(conversation_id)
