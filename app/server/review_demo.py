"""The demo's review data on the reference server: the default QA rubric
(``resources/review/rubric.yaml``) and the survey answers, reviews and annotations of
``resources/demo/review.yaml`` - the same validated files the desktop's offline demo
reads, so a lead signing in to a demo server finds what the offline demo shows."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

from app.contract.demo_review_schema import REVIEW_FILE, load_review_demo
from app.contract.demo_schema import DemoWorkspace
from app.contract.review_models import (
    AnnotationWrite,
    ReviewWrite,
    RubricCriterion,
    RubricWrite,
    SurveyAnswer,
)
from app.contract.review_schema import load_rubric
from app.domain.review import Rubric, weighted_total
from app.server import review_store, store

RUBRIC_FILE = Path("review") / "rubric.yaml"  # under resources/, beside demo/


def rubric_write(rubric: Rubric) -> RubricWrite:
    return RubricWrite(
        name=rubric.name,
        criteria=[
            RubricCriterion(
                key=c.key,
                label=c.label,
                weight=c.weight,
                scale=c.scale,
                region_weights=dict(c.region_weights),
            )
            for c in rubric.criteria
        ],
    )


def seed(conn: Connection, demo: DemoWorkspace, demo_folder: Path, now: int) -> None:
    """Write the rubric and the demo's review data (once: the caller checks)."""
    rubric_file = demo_folder.parent / RUBRIC_FILE
    if not rubric_file.exists():
        return
    rubric = load_rubric(rubric_file)
    if review_store.get_row(conn, "rubrics", rubric.uid) is None:
        review_store.put_rubric(conn, rubric.uid, rubric_write(rubric), None, now)
    review_file = demo_folder / REVIEW_FILE
    if not review_file.exists():
        return
    data = load_review_demo(review_file, demo, rubric)
    specs = {c.id: c for c in demo.conversations}
    countries = {c.id: c.country for c in demo.customers}
    for index, survey in enumerate(data.surveys):
        answer = SurveyAnswer(
            id=f"demo-survey-{index + 1}",
            conversation_id=survey.conversation,
            kind=survey.kind.value,
            score=survey.score,
            comment=survey.comment,
            answered_at=now + survey.at,
        )
        if review_store.get_row(conn, "survey_answers", answer.id) is None:
            review_store.add_survey_answer(conn, answer, store.fingerprint(answer.model_dump()))
    for index, spec in enumerate(data.reviews):
        review_id = f"demo-review-{index + 1}"
        if review_store.get_row(conn, "reviews", review_id) is not None:
            continue
        conversation = specs[spec.conversation]
        region = countries.get(conversation.customer)
        body = ReviewWrite(
            conversation_id=spec.conversation,
            reviewed_agent_id=spec.reviewed or conversation.assignee,
            rubric_id=rubric.uid,
            scores=dict(spec.scores),
            total=weighted_total(rubric, spec.scores, region) if spec.scores else None,
            comment=spec.comment,
            state=spec.state.value,
        )
        review_store.put_review(conn, review_id, body, None, spec.reviewer, now + spec.at)
    for index, note in enumerate(data.annotations):
        annotation_id = f"demo-annotation-{index + 1}"
        if review_store.get_row(conn, "annotations", annotation_id) is not None:
            continue
        body_note = AnnotationWrite(
            conversation_id=note.conversation,
            message_id=f"{note.conversation}-{note.message}",
            kind=note.kind.value,
            severity=note.severity.value,
            body=note.body,
            correction=note.correction,
            reference=note.reference,
        )
        review_store.put_annotation(
            conn, annotation_id, body_note, None, note.author, now + note.at
        )
