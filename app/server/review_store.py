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
from app.server import db, record_store
from app.server.db import next_seq

READ_ALL_ROLES = ("lead", "trainer", "admin")  # see every review and annotation
WRITE_ROLES = ("lead", "admin")  # write reviews, annotations and the rubric

rubrics = record_store.versioned_table(
    "rubrics",
    Column("name", String(200), nullable=False),
    Column("criteria", JSON, nullable=False),
)

reviews = record_store.versioned_table(
    "reviews",
    Column("conversation_id", String(128), nullable=False, index=True),
    Column("reviewer_id", String(128), nullable=False),
    Column("reviewed_agent_id", String(128)),
    Column("rubric_id", String(128)),
    Column("scores", JSON, nullable=False),
    Column("total", Float),
    Column("comment", Text, nullable=False),
    Column("state", String(8), nullable=False),
    created=True,
)
Index("ix_reviews_reviewed", reviews.c.reviewed_agent_id, reviews.c.state)

annotation_rows = record_store.versioned_table(
    "annotations",
    Column("conversation_id", String(128), nullable=False, index=True),
    Column("message_id", String(128), nullable=False),
    Column("author_id", String(128), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("severity", String(8), nullable=False),
    Column("body", Text, nullable=False),
    Column("correction", Text),
    Column("reference", String(500)),
    Column("promoted", String(16)),
    created=True,
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

RECORDS = record_store.Records(
    tables={
        "rubrics": rubrics,
        "reviews": reviews,
        "annotations": annotation_rows,
        "survey_answers": survey_answers,
    },
    models={
        "rubrics": Rubric,
        "reviews": Review,
        "annotations": Annotation,
        "survey_answers": SurveyAnswer,
    },
)
get_row = RECORDS.get_row
delete_item = RECORDS.delete


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
    fields = body.model_dump(mode="json")
    record_store.save_versioned(conn, "rubrics", rubrics, rubric_id, current, fields, now)
    return record_store.from_row(Rubric, get_row(conn, "rubrics", rubric_id))


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
    record_store.save_versioned(
        conn, "reviews", reviews, review_id, current, body.model_dump(mode="json"), now,
        created={"reviewer_id": reviewer_id, "created_at": now},
    )  # fmt: skip
    if body.state == "done" and (current is None or current.state != "done"):
        resend_annotations(conn, body.conversation_id)
    return record_store.from_row(Review, get_row(conn, "reviews", review_id))


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
            .values(change_seq=next_seq(conn, "annotations"))
        )


def put_annotation(
    conn: Connection,
    annotation_id: str,
    body: AnnotationWrite,
    current: Row[Any] | None,
    author_id: str,
    now: int,
) -> Annotation:
    record_store.save_versioned(
        conn, "annotations", annotation_rows, annotation_id, current,
        body.model_dump(mode="json"), now, created={"author_id": author_id, "created_at": now},
    )  # fmt: skip
    return record_store.from_row(Annotation, get_row(conn, "annotations", annotation_id))


def add_survey_answer(conn: Connection, answer: SurveyAnswer, answer_fingerprint: str) -> None:
    values = answer.model_dump(mode="json")
    record_store.add_once(conn, "survey_answers", survey_answers, values, answer_fingerprint)


def erase_conversation(conn: Connection, conversation_id: str, now: int, reason: str) -> None:
    """A conversation erased (GDPR): its reviews, annotations and survey answers go too,
    each with a tombstone in its feed."""
    for collection in ("reviews", "annotations", "survey_answers"):
        table = RECORDS.tables[collection]
        ids = conn.execute(
            select(table.c.id).where(table.c.conversation_id == conversation_id)
        ).scalars()
        for item_id in list(ids):
            delete_item(conn, collection, item_id, now, reason)


def erase_message(conn: Connection, message_id: str, now: int, reason: str) -> None:
    """One message deleted: the annotations on it go too, each with a tombstone."""
    ids = conn.execute(
        select(annotation_rows.c.id).where(annotation_rows.c.message_id == message_id)
    ).scalars()
    for item_id in list(ids):
        delete_item(conn, "annotations", item_id, now, reason)
