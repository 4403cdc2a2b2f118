"""The contract's quality-review bodies: the team's rubric, reviews (QA scorecards),
per-message annotations and customer survey answers (CSAT, NPS, CES).

They sync under the same rules as conversations (resources/contract/GUIDE.md, "Reviews"):
change feeds with opaque cursors and tombstones, ``PUT`` with ``If-Match`` (absent: create
only) and an ``Idempotency-Key``, errors as problem documents. Who reads what:

- the rubric and survey answers: every signed-in account (KPIs are team figures);
- reviews: leads, trainers and admins all of them; an agent only the *published*
  (``state: done``) reviews of which they are the reviewed agent (their feedback);
- annotations: leads, trainers and admins all of them; an agent those on conversations
  with a published review of theirs.

Only leads and admins write reviews, annotations and the rubric; survey answers enter
from integrations (``POST /v1/inbound/survey-answers``).
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from app.contract.models import Id, Timestamp, Tombstone, Wire
from app.domain.review import (
    MAX_COMMENT_CHARS,
    MAX_CORRECTION_CHARS,
    MAX_CRITERIA,
    MAX_REFERENCE_CHARS,
    MAX_RUBRIC_NAME_CHARS,
    MAX_SCALE,
)

MAX_REGIONS = 250

ReviewState = Literal["draft", "done"]
AnnotationKind = Literal["mistranslation", "agent_error", "etiquette", "tone", "praise", "note"]
Severity = Literal["minor", "major", "critical"]
SurveyKind = Literal["csat", "nps", "ces"]
SURVEY_SCALES: dict[str, tuple[int, int]] = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
CriterionKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166 alpha-2")]
Weight = Annotated[float, Field(ge=0, le=100)]


# ------------------------------------------------------------------------ rubric
class RubricCriterion(Wire):
    """One thing a reviewer scores: ``scale`` is its top mark (0..scale), ``weight`` its
    share of the total; ``region_weights`` override the weight for customers of a country
    (markets value different things). ``label`` is plain text."""

    key: CriterionKey
    label: str = Field(min_length=1, max_length=MAX_RUBRIC_NAME_CHARS)
    weight: Weight = 1.0
    scale: int = Field(default=4, ge=1, le=MAX_SCALE)
    region_weights: dict[Country, Weight] = Field(default_factory=dict, max_length=MAX_REGIONS)


class RubricWrite(Wire):
    """The rubric as a lead edits it; the server stamps version and ``updated_at``."""

    name: str = Field(min_length=1, max_length=MAX_RUBRIC_NAME_CHARS)
    criteria: list[RubricCriterion] = Field(min_length=1, max_length=MAX_CRITERIA)

    @model_validator(mode="after")
    def _can_score(self) -> Self:
        keys = [c.key for c in self.criteria]
        if len(keys) != len(set(keys)):
            raise ValueError("criterion keys must be distinct")
        if not any(c.weight > 0 for c in self.criteria):
            raise ValueError("at least one criterion needs a weight above 0")
        return self


class Rubric(RubricWrite):
    id: Id
    version: int = Field(ge=1, description="Bumped on every change; also the ETag")
    updated_at: Timestamp


# ------------------------------------------------------------------------ reviews
class ReviewWrite(Wire):
    """A scorecard as a lead writes it. ``scores`` maps criterion keys to points
    (0..the criterion's scale; unscored: not applicable); ``total`` is the weighted
    result in percent, as the reviewer's client computed it. A published review
    (``done``) stays published, and its reviewed agent is fixed from then on."""

    conversation_id: Id
    reviewed_agent_id: Id | None = None
    rubric_id: Id | None = None
    scores: dict[CriterionKey, Annotated[int, Field(ge=0, le=MAX_SCALE)]] = Field(
        default_factory=dict, max_length=MAX_CRITERIA
    )
    total: float | None = Field(default=None, ge=0, le=100)
    comment: str = Field(default="", max_length=MAX_COMMENT_CHARS)
    state: ReviewState = "draft"


class Review(ReviewWrite):
    id: Id
    version: int = Field(ge=1, description="Bumped on every change; also the ETag")
    reviewer_id: Id = Field(description="Who wrote it (the account that created it)")
    created_at: Timestamp
    updated_at: Timestamp


# ------------------------------------------------------------------------ annotations
class AnnotationWrite(Wire):
    """A reviewer's note on one message. ``correction``: the corrected translation (for
    a mistranslation); ``reference``: the culture profile or rule it concerns (etiquette);
    ``promoted``: where the correction went once a lead approved it."""

    conversation_id: Id
    message_id: Id
    kind: AnnotationKind
    severity: Severity = "minor"
    body: str = Field(default="", max_length=MAX_COMMENT_CHARS)
    correction: str | None = Field(default=None, max_length=MAX_CORRECTION_CHARS)
    reference: str | None = Field(default=None, max_length=MAX_REFERENCE_CHARS)
    promoted: Literal["memory", "glossary"] | None = None


class Annotation(AnnotationWrite):
    id: Id
    version: int = Field(ge=1, description="Bumped on every change; also the ETag")
    author_id: Id
    created_at: Timestamp
    updated_at: Timestamp


# ------------------------------------------------------------------------ surveys
class SurveyAnswer(Wire):
    """One customer's answer to a survey: CSAT 1-5, NPS 0-10, CES 1-7."""

    id: Id
    conversation_id: Id
    kind: SurveyKind
    score: int = Field(ge=0, le=10, description="CSAT 1-5, NPS 0-10, CES 1-7")
    comment: str = Field(default="", max_length=MAX_COMMENT_CHARS)
    answered_at: Timestamp

    @model_validator(mode="after")
    def _on_its_scale(self) -> Self:
        low, high = SURVEY_SCALES[self.kind]
        if not low <= self.score <= high:
            raise ValueError(f"a {self.kind} score is {low} to {high}")
        return self


# ------------------------------------------------------------------------ feeds
class RubricChanges(Wire):
    items: list[Rubric]
    deleted: list[Tombstone] = Field(default_factory=list)
    next_cursor: str
    has_more: bool


class ReviewChanges(Wire):
    items: list[Review]
    deleted: list[Tombstone] = Field(default_factory=list)
    next_cursor: str
    has_more: bool


class AnnotationChanges(Wire):
    items: list[Annotation]
    deleted: list[Tombstone] = Field(default_factory=list)
    next_cursor: str
    has_more: bool


class SurveyAnswerChanges(Wire):
    items: list[SurveyAnswer]
    deleted: list[Tombstone] = Field(default_factory=list)
    next_cursor: str
    has_more: bool
