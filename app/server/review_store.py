"""Quality review on the reference server: tables and queries for the rubric, reviews
(scorecards), annotations and survey answers.

The tables join the server's metadata here (created at start like every other table:
the server has no migrations). Every write takes a new ``change_seq`` so the feeds carry
it; deletions leave tombstones. Rows become contract models here and nowhere else.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Connection,
    Float,
    Index,
    Integer,
    Row,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)

from app.contract.review_models import (
    Annotation,
    AnnotationWrite,
    Review,
    ReviewWrite,
    Rubric,
    RubricWrite,
    SurveyAnswer,
)
from app.server import db
from app.server.db import next_seq
from app.server.store import add_tombstone, clear_tombstone

READ_ALL_ROLES = ("lead", "trainer", "admin")  # see every review and annotation
WRITE_ROLES = ("lead", "admin")  # write reviews, annotations and the rubric

rubrics = Table(
    "rubrics",
    db.metadata,
    Column("id", String(128), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("criteria", JSON, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("change_seq", BigInteger, nullable=False, unique=True),
)

reviews = Table(
    "reviews",
    db.metadata,
    Column("id", String(128), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("conversation_id", String(128), nullable=False, index=True),
    Column("reviewer_id", String(128), nullable=False),
    Column("reviewed_agent_id", String(128)),
    Column("rubric_id", String(128)),
    Column("scores", JSON, nullable=False),
    Column("total", Float),
    Column("comment", Text, nullable=False),
    Column("state", String(8), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("change_seq", BigInteger, nullable=False, unique=True),
)
Index("ix_reviews_reviewed", reviews.c.reviewed_agent_id, reviews.c.state)

annotation_rows = Table(
    "annotations",
    db.metadata,
    Column("id", String(128), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("conversation_id", String(128), nullable=False, index=True),
    Column("message_id", String(128), nullable=False),
    Column("author_id", String(128), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("severity", String(8), nullable=False),
    Column("body", Text, nullable=False),
    Column("correction", Text),
    Column("reference", String(500)),
    Column("promoted", String(16)),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("change_seq", BigInteger, nullable=False, unique=True),
)

survey_answers = Table(
    "survey_answers",
    db.metadata,
    Column("id", String(128), primary_key=True),
    Column("conversation_id", String(128), nullable=False, index=True),
    Column("kind", String(8), nullable=False),
    Column("score", Integer, nullable=False),
    Column("comment", Text, nullable=False),
    Column("answered_at", BigInteger, nullable=False),
    Column("fingerprint", String(64), nullable=False),  # to tell a replay from a clash
    Column("change_seq", BigInteger, nullable=False, unique=True),
)

TABLES: dict[str, Table] = {
    "rubrics": rubrics,
    "reviews": reviews,
    "annotations": annotation_rows,
    "survey_answers": survey_answers,
}


# ------------------------------------------------------------------------ rows -> models
def rubric_from_row(row: Row[Any]) -> Rubric:
    return Rubric(
        id=row.id,
        version=row.version,
        name=row.name,
        criteria=row.criteria,
        updated_at=row.updated_at,
    )


def review_from_row(row: Row[Any]) -> Review:
    return Review(
        id=row.id,
        version=row.version,
        conversation_id=row.conversation_id,
        reviewer_id=row.reviewer_id,
        reviewed_agent_id=row.reviewed_agent_id,
        rubric_id=row.rubric_id,
        scores=dict(row.scores),
        total=row.total,
        comment=row.comment,
        state=row.state,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def annotation_from_row(row: Row[Any]) -> Annotation:
    return Annotation(
        id=row.id,
        version=row.version,
        conversation_id=row.conversation_id,
        message_id=row.message_id,
        author_id=row.author_id,
        kind=row.kind,
        severity=row.severity,
        body=row.body,
        correction=row.correction,
        reference=row.reference,
        promoted=row.promoted,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def survey_from_row(row: Row[Any]) -> SurveyAnswer:
    return SurveyAnswer(
        id=row.id,
        conversation_id=row.conversation_id,
        kind=row.kind,
        score=row.score,
        comment=row.comment,
        answered_at=row.answered_at,
    )


CONVERTERS = {
    "rubrics": rubric_from_row,
    "reviews": review_from_row,
    "annotations": annotation_from_row,
    "survey_answers": survey_from_row,
}


# ------------------------------------------------------------------------ reads
def get_row(conn: Connection, collection: str, item_id: str, *, lock: bool = False) -> Any:
    """One row of a review table (locked until commit on PostgreSQL when ``lock``)."""
    table = TABLES[collection]
    query = select(table).where(table.c.id == item_id)
    if lock:
        query = query.with_for_update()
    return conn.execute(query).first()


def visible_to(collection: str, account_id: str, roles: tuple[str, ...]) -> Any:
    """The WHERE clause limiting a feed to what this caller may read (None: everything).
    An agent reads their published reviews and the annotations of those conversations."""
    if set(roles) & set(READ_ALL_ROLES) or collection in ("rubrics", "survey_answers"):
        return None
    published = select(reviews.c.conversation_id).where(
        reviews.c.reviewed_agent_id == account_id, reviews.c.state == "done"
    )
    if collection == "reviews":
        return (reviews.c.reviewed_agent_id == account_id) & (reviews.c.state == "done")
    return annotation_rows.c.conversation_id.in_(published)


# ------------------------------------------------------------------------ writes
def put_rubric(
    conn: Connection, rubric_id: str, body: RubricWrite, current: Row[Any] | None, now: int
) -> Rubric:
    values = {**body.model_dump(mode="json"), "updated_at": now, "change_seq": next_seq(conn)}
    if current is None:
        clear_tombstone(conn, "rubrics", rubric_id)
        conn.execute(insert(rubrics).values(id=rubric_id, version=1, **values))
    else:
        conn.execute(
            update(rubrics)
            .where(rubrics.c.id == rubric_id)
            .values(version=current.version + 1, **values)
        )
    return rubric_from_row(get_row(conn, "rubrics", rubric_id))


def put_review(
    conn: Connection,
    review_id: str,
    body: ReviewWrite,
    current: Row[Any] | None,
    reviewer_id: str,
    now: int,
) -> Review:
    """Create or replace a review. Publishing it (``done``) sends the conversation's
    annotations out again, so the reviewed agent's feed picks up those written before."""
    values = {**body.model_dump(mode="json"), "updated_at": now, "change_seq": next_seq(conn)}
    if current is None:
        clear_tombstone(conn, "reviews", review_id)
        conn.execute(
            insert(reviews).values(
                id=review_id, version=1, reviewer_id=reviewer_id, created_at=now, **values
            )
        )
    else:
        conn.execute(
            update(reviews)
            .where(reviews.c.id == review_id)
            .values(version=current.version + 1, **values)
        )
    if body.state == "done" and (current is None or current.state != "done"):
        resend_annotations(conn, body.conversation_id)
    return review_from_row(get_row(conn, "reviews", review_id))


def resend_annotations(conn: Connection, conversation_id: str) -> None:
    ids = conn.execute(
        select(annotation_rows.c.id)
        .where(annotation_rows.c.conversation_id == conversation_id)
        .order_by(annotation_rows.c.change_seq)
    ).scalars()
    for annotation_id in list(ids):
        conn.execute(
            update(annotation_rows)
            .where(annotation_rows.c.id == annotation_id)
            .values(change_seq=next_seq(conn))
        )


def put_annotation(
    conn: Connection,
    annotation_id: str,
    body: AnnotationWrite,
    current: Row[Any] | None,
    author_id: str,
    now: int,
) -> Annotation:
    values = {**body.model_dump(mode="json"), "updated_at": now, "change_seq": next_seq(conn)}
    if current is None:
        clear_tombstone(conn, "annotations", annotation_id)
        conn.execute(
            insert(annotation_rows).values(
                id=annotation_id, version=1, author_id=author_id, created_at=now, **values
            )
        )
    else:
        conn.execute(
            update(annotation_rows)
            .where(annotation_rows.c.id == annotation_id)
            .values(version=current.version + 1, **values)
        )
    return annotation_from_row(get_row(conn, "annotations", annotation_id))


def delete_item(conn: Connection, collection: str, item_id: str, now: int, reason: str) -> None:
    table = TABLES[collection]
    conn.execute(delete(table).where(table.c.id == item_id))
    add_tombstone(conn, collection, item_id, now, reason)


def add_survey_answer(conn: Connection, answer: SurveyAnswer, answer_fingerprint: str) -> None:
    clear_tombstone(conn, "survey_answers", answer.id)
    conn.execute(
        insert(survey_answers).values(
            **answer.model_dump(mode="json"),
            fingerprint=answer_fingerprint,
            change_seq=next_seq(conn),
        )
    )


def erase_conversation(conn: Connection, conversation_id: str, now: int, reason: str) -> None:
    """A conversation erased (GDPR): its reviews, annotations and survey answers go too,
    each with a tombstone in its feed."""
    for collection in ("reviews", "annotations", "survey_answers"):
        table = TABLES[collection]
        ids = conn.execute(
            select(table.c.id).where(table.c.conversation_id == conversation_id)
        ).scalars()
        for item_id in list(ids):
            delete_item(conn, collection, item_id, now, reason)
