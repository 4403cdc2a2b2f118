"""Quality review through the contract: the rubric, reviews (scorecards), annotations and
survey answers, under the same rules as conversations.

- ``GET /v1/{rubrics,reviews,annotations,survey-answers}/changes``: change feeds with
  opaque cursors and tombstones (410 ``cursor_expired``: wipe and re-read). An agent's
  feeds hold only what they may read (see app.contract.review_models).
- ``PUT /v1/{rubrics,reviews,annotations}/{id}``: create (no ``If-Match``: 412 if the id
  exists) or replace (``If-Match`` with the current ETag: 412 with ``current`` when stale);
  every write needs an ``Idempotency-Key``; leads and admins only (403 otherwise).
- ``DELETE /v1/annotations/{id}``: needs ``If-Match``; a tombstone goes out in the feed.
- ``POST /v1/inbound/survey-answers``: how integrations deliver CSAT / NPS / CES answers.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import Connection

from app.contract.models import Tombstone
from app.contract.review_models import (
    Annotation,
    AnnotationChanges,
    AnnotationWrite,
    Review,
    ReviewChanges,
    ReviewWrite,
    Rubric,
    RubricChanges,
    RubricWrite,
    SurveyAnswer,
    SurveyAnswerChanges,
)
from app.server import review_store, routes_audit, scoping, store
from app.server.auth import CurrentPrincipal, Integration, Principal, require_roles
from app.server.feeds import Cursor, Limit
from app.server.idempotency import Outcome, run_idempotent
from app.server.problems import ProblemError, responses
from app.server.routes_inbox import ConversationId, IdempotencyKey, IfMatch
from app.server.state import server_state
from app.server.strict import strict_body
from app.server.versioned_feed import (
    DELETE_RESPONSES,
    FEED_RESPONSES,
    PUT_RESPONSES,
    FeedFamily,
    OptionalIfMatch,
    invalid,
)

router = APIRouter(tags=["review"])
Writer = Annotated[Principal, Depends(require_roles(*review_store.WRITE_ROLES))]
_FAMILY = FeedFamily(
    records=review_store.RECORDS,
    pages={
        "rubrics": RubricChanges,
        "reviews": ReviewChanges,
        "annotations": AnnotationChanges,
        "survey_answers": SurveyAnswerChanges,
    },
    names={"rubrics": "rubric", "reviews": "review", "annotations": "annotation"},
    visible_to=review_store.visible_to,
    scoped_by={
        "reviews": review_store.reviews.c.conversation_id,
        "annotations": review_store.annotation_rows.c.conversation_id,
        "survey_answers": review_store.survey_answers.c.conversation_id,
    },
    on_read=routes_audit.record_reads,
)


# ------------------------------------------------------------------------ feeds
@router.get("/v1/rubrics/changes", response_model=RubricChanges, responses=FEED_RESPONSES)
def rubric_changes(
    request: Request, principal: CurrentPrincipal, cursor: Cursor = None, limit: Limit = 100
) -> Response:
    """The team's QA rubrics, changed or deleted after the cursor (every account reads)."""
    return _FAMILY.read_changes(request, principal, "rubrics", cursor, limit)


@router.get("/v1/reviews/changes", response_model=ReviewChanges, responses=FEED_RESPONSES)
def review_changes(
    request: Request, principal: CurrentPrincipal, cursor: Cursor = None, limit: Limit = 100
) -> Response:
    """Reviews (scorecards) changed after the cursor. Leads, trainers and admins read all;
    an agent reads the published reviews of their own work."""
    return _FAMILY.read_changes(request, principal, "reviews", cursor, limit)


@router.get("/v1/annotations/changes", response_model=AnnotationChanges, responses=FEED_RESPONSES)
def annotation_changes(
    request: Request, principal: CurrentPrincipal, cursor: Cursor = None, limit: Limit = 100
) -> Response:
    """Per-message annotations changed or deleted after the cursor. An agent reads those
    on conversations with a published review of theirs."""
    return _FAMILY.read_changes(request, principal, "annotations", cursor, limit)


@router.get(
    "/v1/survey-answers/changes", response_model=SurveyAnswerChanges, responses=FEED_RESPONSES
)
def survey_answer_changes(
    request: Request, principal: CurrentPrincipal, cursor: Cursor = None, limit: Limit = 100
) -> Response:
    """Customer survey answers (CSAT, NPS, CES) after the cursor; every account reads."""
    return _FAMILY.read_changes(request, principal, "survey_answers", cursor, limit)


# ------------------------------------------------------------------------ writes
@router.put(
    "/v1/rubrics/{rubric_id}",
    dependencies=[Depends(strict_body(RubricWrite))],
    response_model=Rubric,
    responses=PUT_RESPONSES,
)
def put_rubric(
    request: Request,
    rubric_id: ConversationId,
    body: RubricWrite,
    idempotency_key: IdempotencyKey,
    principal: Writer,
    if_match: OptionalIfMatch = None,
) -> Response:
    """Create or replace a QA rubric (criteria, weights, scale, per-region weights)."""

    def write(conn: Connection, current: Any, now: int) -> Any:
        return review_store.put_rubric(conn, rubric_id, body, current, now)

    return _FAMILY.put(
        request, principal, "rubrics", rubric_id, body, if_match, idempotency_key, write
    )


def _check_review(conn: Connection, principal: Principal, body: ReviewWrite, current: Any) -> None:
    if current is not None and current.conversation_id != body.conversation_id:
        raise invalid("/conversation_id", "immutable", "A review stays on its conversation.")
    if not scoping.can_read(principal, store.get_conversation(conn, body.conversation_id)):
        raise invalid("/conversation_id", "unknown_conversation", "No such conversation.")
    if body.reviewed_agent_id is not None and not store.agent_exists(conn, body.reviewed_agent_id):
        raise invalid("/reviewed_agent_id", "unknown_agent", "No such agent (see /v1/agents).")
    rubric = (
        None if body.rubric_id is None else review_store.get_row(conn, "rubrics", body.rubric_id)
    )
    if rubric is not None:  # a rubric the server does not hold yet is taken on trust
        scales = {c["key"]: c["scale"] for c in rubric.criteria}
        for key, points in body.scores.items():
            if key not in scales or points > scales[key]:
                raise invalid(
                    f"/scores/{key}",
                    "not_on_rubric",
                    "A score is for a criterion of the rubric, from 0 to its scale.",
                )
    if current is not None and current.state == "done":
        if body.state != "done":
            raise invalid("/state", "published", "A published review stays published.")
        if body.reviewed_agent_id != current.reviewed_agent_id:
            raise invalid("/reviewed_agent_id", "published", "A published review's agent is fixed.")


@router.put(
    "/v1/reviews/{review_id}",
    dependencies=[Depends(strict_body(ReviewWrite))],
    response_model=Review,
    responses=PUT_RESPONSES,
)
def put_review(
    request: Request,
    review_id: ConversationId,
    body: ReviewWrite,
    idempotency_key: IdempotencyKey,
    principal: Writer,
    if_match: OptionalIfMatch = None,
) -> Response:
    """Create or replace a review (scorecard). ``done`` publishes it to the reviewed agent;
    a published review stays published and keeps its agent. The creator is the reviewer."""

    def write(conn: Connection, current: Any, now: int) -> Any:
        _check_review(conn, principal, body, current)
        reviewer = principal.account_id if current is None else current.reviewer_id
        routes_audit.record(
            conn,
            principal,
            "review_write",
            body.conversation_id,
            record_id=review_id,
            reviewed_agent_id=body.reviewed_agent_id,
            now=now,
        )
        return review_store.put_review(conn, review_id, body, current, reviewer, now)

    return _FAMILY.put(
        request, principal, "reviews", review_id, body, if_match, idempotency_key, write
    )


def _check_annotation(
    conn: Connection, principal: Principal, body: AnnotationWrite, current: Any
) -> None:
    if current is not None and (
        current.conversation_id != body.conversation_id or current.message_id != body.message_id
    ):
        raise invalid("/message_id", "immutable", "An annotation stays on its message.")
    message = store.get_message_row(conn, body.message_id)
    if (
        message is None
        or message.conversation_id != body.conversation_id
        or not scoping.can_read(principal, store.get_conversation(conn, body.conversation_id))
    ):
        raise invalid("/message_id", "unknown_message", "No such message in that conversation.")


@router.put(
    "/v1/annotations/{annotation_id}",
    dependencies=[Depends(strict_body(AnnotationWrite))],
    response_model=Annotation,
    responses=PUT_RESPONSES,
)
def put_annotation(
    request: Request,
    annotation_id: ConversationId,
    body: AnnotationWrite,
    idempotency_key: IdempotencyKey,
    principal: Writer,
    if_match: OptionalIfMatch = None,
) -> Response:
    """Create or replace an annotation on one message. The creator is its author."""

    def write(conn: Connection, current: Any, now: int) -> Any:
        _check_annotation(conn, principal, body, current)
        author = principal.account_id if current is None else current.author_id
        routes_audit.record(
            conn,
            principal,
            "annotation_write",
            body.conversation_id,
            record_id=annotation_id,
            reviewed_agent_id=None,
            now=now,
        )
        return review_store.put_annotation(conn, annotation_id, body, current, author, now)

    return _FAMILY.put(
        request, principal, "annotations", annotation_id, body, if_match, idempotency_key, write
    )


@router.delete(
    "/v1/annotations/{annotation_id}",
    response_model=Tombstone,
    responses=DELETE_RESPONSES,
)
def delete_annotation(
    request: Request,
    annotation_id: ConversationId,
    if_match: IfMatch,
    idempotency_key: IdempotencyKey,
    principal: Writer,
) -> Response:
    """Delete an annotation at the version in If-Match; its tombstone goes out in the feed.
    A retry with the same Idempotency-Key replays the tombstone."""

    def audit(conn: Connection, current: Any, now: int) -> None:
        routes_audit.record(
            conn,
            principal,
            "annotation_delete",
            current.conversation_id,
            record_id=annotation_id,
            reviewed_agent_id=None,
            now=now,
        )

    return _FAMILY.delete(
        request, principal, "annotations", annotation_id, if_match, idempotency_key, audit
    )


# ------------------------------------------------------------------------ surveys
@router.post(
    "/v1/inbound/survey-answers",
    dependencies=[Depends(strict_body(SurveyAnswer))],
    response_model=SurveyAnswer,
    status_code=201,
    responses={
        **responses(400, 401, 403, 404, 409, 422),
        200: {"model": SurveyAnswer, "description": "Delivered before: the stored answer"},
    },
    tags=["integrations"],
)
def inbound_survey_answer(
    request: Request, body: SurveyAnswer, idempotency_key: IdempotencyKey, principal: Integration
) -> Response:
    """How a survey tool delivers a customer's answer (role admin or integration). The
    same id with the same content again returns the stored answer (200); with other
    content, 409 ``survey_answer_conflict``. ``answered_at`` in the future becomes now."""
    state = server_state(request)
    content = body.model_dump(mode="json")
    answer_fingerprint = store.fingerprint(content)

    def operation(conn: Connection) -> Outcome:
        existing = review_store.get_row(conn, "survey_answers", body.id)
        if existing is not None:
            if existing.fingerprint != answer_fingerprint:
                raise ProblemError(
                    409,
                    "survey_answer_conflict",
                    f"Survey answer '{body.id}' already holds a different answer.",
                )
            return Outcome(200, review_store.RECORDS.to_model("survey_answers", existing))
        if store.get_conversation(conn, body.conversation_id) is None:
            raise ProblemError(404, "not_found", f"No conversation '{body.conversation_id}'.")
        answer = body.model_copy(update={"answered_at": min(body.answered_at, state.now())})
        review_store.add_survey_answer(conn, answer, answer_fingerprint)
        return Outcome(201, answer)

    return run_idempotent(request, principal, idempotency_key, content, operation)
