"""The demo's review data (``resources/demo/review.yaml``): customers' survey answers,
a lead's reviews and annotations. Validated like the other demo files (file, line and
field for the first problem) and cross-checked against the demo's conversations, agents
and the default rubric, so the demo can never show a review of a message that is not
there or a score off its scale."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.contract.datafile import load_validated
from app.contract.demo_schema import DemoWorkspace, Ident, Offset
from app.domain.datafiles import DataFileError, line_of
from app.domain.models import Status
from app.domain.review import (
    MAX_COMMENT_CHARS,
    MAX_CORRECTION_CHARS,
    MAX_REFERENCE_CHARS,
    AnnotationKind,
    ReviewError,
    ReviewState,
    Rubric,
    Severity,
    SurveyKind,
    check_scores,
    check_survey_score,
)

REVIEW_FILE = "review.yaml"
Comment = Annotated[str, Field(max_length=MAX_COMMENT_CHARS)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SurveySpec(_Strict):
    conversation: Ident
    kind: SurveyKind
    score: int
    comment: Comment = ""
    at: Offset

    @model_validator(mode="after")
    def _on_the_scale(self) -> SurveySpec:
        try:
            check_survey_score(self.kind, self.score)
        except ReviewError as exc:
            raise ValueError(str(exc)) from None
        return self


class ReviewSpec(_Strict):
    conversation: Ident
    reviewer: Ident
    reviewed: Ident | None = None  # default: the conversation's assignee
    state: ReviewState = ReviewState.DONE
    scores: dict[str, int] = Field(default_factory=dict, max_length=30)
    comment: Comment = ""
    at: Offset


class AnnotationSpec(_Strict):
    conversation: Ident
    message: int = Field(ge=1, description="1-based position of the message in the conversation")
    author: Ident
    kind: AnnotationKind
    severity: Severity = Severity.MINOR
    body: Comment = ""
    correction: Annotated[str, Field(max_length=MAX_CORRECTION_CHARS)] | None = None
    reference: Annotated[str, Field(max_length=MAX_REFERENCE_CHARS)] | None = None
    at: Offset

    @model_validator(mode="after")
    def _correction_is_a_mistranslations(self) -> AnnotationSpec:
        if (self.correction is not None) != (self.kind is AnnotationKind.MISTRANSLATION):
            raise ValueError("a 'correction' is given exactly for a mistranslation")
        return self


class ReviewFile(_Strict):
    surveys: list[SurveySpec] = Field(default_factory=list, max_length=1000)
    reviews: list[ReviewSpec] = Field(default_factory=list, max_length=200)
    annotations: list[AnnotationSpec] = Field(default_factory=list, max_length=500)


def load_review_demo(path: Path, demo: DemoWorkspace, rubric: Rubric) -> ReviewFile:
    """The file, checked against the demo: conversations exist (surveys: resolved ones),
    agents exist, messages exist, scores fit the rubric, times follow the conversation."""
    parsed, data = load_validated(ReviewFile, path)
    conversations = {c.id: c for c in demo.conversations}
    agents = {a.id for a in demo.workspace.agents}

    def fail(loc: tuple[Any, ...], problem: str) -> DataFileError:
        return DataFileError(path, line_of(data, loc), problem)

    def conversation(section: str, index: int, ident: str) -> Any:
        found = conversations.get(ident)
        if found is None:
            raise fail((section, index, "conversation"), f"no demo conversation '{ident}'")
        return found

    for index, survey in enumerate(parsed.surveys):
        conv = conversation("surveys", index, survey.conversation)
        if conv.status is not Status.RESOLVED:
            raise fail(
                ("surveys", index, "conversation"),
                f"'{conv.id}' is not resolved: no survey was sent",
            )
        if not conv.messages[-1].offset <= survey.at <= 0:
            raise fail(("surveys", index, "at"), "a survey is answered after the last message")
    for index, review in enumerate(parsed.reviews):
        conversation("reviews", index, review.conversation)
        for key in ("reviewer", "reviewed"):
            who = getattr(review, key)
            if who is not None and who not in agents:
                raise fail(("reviews", index, key), f"'{who}' is not an agent")
        try:
            check_scores(rubric, review.scores)
        except ReviewError as exc:
            raise fail(("reviews", index, "scores"), str(exc)) from None
    for index, note in enumerate(parsed.annotations):
        conv = conversation("annotations", index, note.conversation)
        if note.author not in agents:
            raise fail(("annotations", index, "author"), f"'{note.author}' is not an agent")
        if note.message > len(conv.messages):
            raise fail(
                ("annotations", index, "message"),
                f"'{conv.id}' has {len(conv.messages)} messages",
            )
    return parsed
