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

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import Connection, select

from app.contract.models import FieldError, Tombstone
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
from app.server import db, review_store, store
from app.server.auth import CurrentPrincipal, Integration, Principal, require_roles
from app.server.db import current_seq, get_meta
from app.server.feeds import Cursor, Limit, decode_cursor, encode_cursor
from app.server.idempotency import Outcome, json_response, run_idempotent
from app.server.problems import ProblemError, responses
from app.server.routes_inbox import (
    ETAG_HEADER,
    ConversationId,
    IdempotencyKey,
    IfMatch,
    etag_matches,
)
from app.server.state import server_state
from app.server.strict import strict_body

router = APIRouter(tags=["review"])
Writer = Annotated[Principal, Depends(require_roles(*review_store.WRITE_ROLES))]
OptionalIfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        min_length=1,
        max_length=1000,
        description='Replace: the ETag last seen, e.g. "3". Absent: create (412 if it exists)',
    ),
]
FEED_RESPONSES = responses(400, 401, 410, 422)
PUT_RESPONSES: dict[int | str, dict[str, Any]] = {
    **responses(400, 401, 403, 404, 409, 412, 422),
    200: {"description": "Replaced", "headers": ETAG_HEADER},
    201: {"description": "Created", "headers": ETAG_HEADER},
}
_PAGES: dict[str, type[BaseModel]] = {
    "rubrics": RubricChanges,
    "reviews": ReviewChanges,
    "annotations": AnnotationChanges,
    "survey_answers": SurveyAnswerChanges,
}


def _etag(version: int) -> str:
    return f'"{version}"'


def _invalid(pointer: str, code: str, detail: str) -> ProblemError:
    return ProblemError(
        422,
        "validation_failed",
        detail,
        errors=[FieldError(pointer=pointer, code=code, detail=detail)],
    )


# ------------------------------------------------------------------------ feeds
def _read_changes(
    request: Request, principal: Principal, collection: str, cursor: str | None, limit: int
) -> Response:
    """A feed page, as app.server.feeds serves them, limited to what the caller may read
    (the cursor still moves past what they may not)."""
    state = server_state(request)
    state.maybe_maintain()
    table = review_store.TABLES[collection]
    visible = review_store.visible_to(collection, principal.account_id, principal.roles)
    with state.db.read() as conn:
        epoch, floor = get_meta(conn, "epoch"), int(get_meta(conn, "floor"))
        newest = current_seq(conn)
        after, issued_floor = (
            (0, floor)
            if cursor is None
            else decode_cursor(cursor, collection, epoch=epoch, floor=floor, newest=newest)
        )
        query = select(table).where(table.c.change_seq > after)
        if visible is not None:
            query = query.where(visible)
        rows = conn.execute(query.order_by(table.c.change_seq).limit(limit + 1)).all()
        graves = conn.execute(
            select(db.tombstones)
            .where(
                db.tombstones.c.collection == collection,
                db.tombstones.c.change_seq > after,
            )
            .order_by(db.tombstones.c.change_seq)
            .limit(limit + 1)
        ).all()
        # Past what the caller may not read: the cursor moves to the newest seq seen.
        merged = sorted([*rows, *graves], key=lambda r: r.change_seq)
        page, has_more = merged[:limit], len(merged) > limit
        last = page[-1].change_seq if page else after
        if not has_more and visible is not None:
            last = max(last, newest)
    convert = review_store.CONVERTERS[collection]
    items = [convert(r) for r in page if "deleted_at" not in r._fields]
    deleted = [
        Tombstone(id=r.id, deleted_at=r.deleted_at, reason=r.reason)
        for r in page
        if "deleted_at" in r._fields
    ]
    body = _PAGES[collection](
        items=items,
        deleted=deleted,
        next_cursor=encode_cursor(epoch, collection, last, issued_floor),
        has_more=has_more,
    )
    return json_response(200, body.model_dump_json())


@router.get("/v1/rubrics/changes", response_model=RubricChanges, responses=FEED_RESPONSES)
def rubric_changes(
    request: Request, principal: CurrentPrincipal, cursor: Cursor = None, limit: Limit = 100
) -> Response:
    """The team's QA rubrics, changed or deleted after the cursor (every account reads)."""
    return _read_changes(request, principal, "rubrics", cursor, limit)


@router.get("/v1/reviews/changes", response_model=ReviewChanges, responses=FEED_RESPONSES)
def review_changes(
    request: Request, principal: CurrentPrincipal, cursor: Cursor = None, limit: Limit = 100
) -> Response:
    """Reviews (scorecards) changed after the cursor. Leads, trainers and admins read all;
    an agent reads the published reviews of their own work."""
    return _read_changes(request, principal, "reviews", cursor, limit)


@router.get("/v1/annotations/changes", response_model=AnnotationChanges, responses=FEED_RESPONSES)
def annotation_changes(
    request: Request, principal: CurrentPrincipal, cursor: Cursor = None, limit: Limit = 100
) -> Response:
    """Per-message annotations changed or deleted after the cursor. An agent reads those
    on conversations with a published review of theirs."""
    return _read_changes(request, principal, "annotations", cursor, limit)


@router.get(
    "/v1/survey-answers/changes", response_model=SurveyAnswerChanges, responses=FEED_RESPONSES
)
def survey_answer_changes(
    request: Request, principal: CurrentPrincipal, cursor: Cursor = None, limit: Limit = 100
) -> Response:
    """Customer survey answers (CSAT, NPS, CES) after the cursor; every account reads."""
    return _read_changes(request, principal, "survey_answers", cursor, limit)


# ------------------------------------------------------------------------ writes
def _precondition(collection: str, item_id: str, current: Any, if_match: str | None) -> None:
    """No If-Match: the item must not exist yet. If-Match: it must, at that version."""
    if current is None:
        if if_match is not None:
            raise ProblemError(404, "not_found", f"No {collection[:-1]} '{item_id}'.")
        return
    if if_match is None or not etag_matches(if_match, current.version):
        model = review_store.CONVERTERS[collection](current)
        detail = (
            f"{item_id} exists (version {current.version}); send If-Match to replace it."
            if if_match is None
            else f"{item_id} is at version {current.version}; If-Match was {if_match}."
        )
        raise ProblemError(
            412,
            "version_mismatch",
            detail,
            current=model.model_dump(mode="json"),
            headers={"ETag": _etag(current.version)},
        )


def _put(
    request: Request,
    principal: Principal,
    collection: str,
    item_id: str,
    body: BaseModel,
    if_match: str | None,
    idempotency_key: str,
    write: Callable[[Connection, Any, int], Any],
) -> Response:
    state = server_state(request)

    def operation(conn: Connection) -> Outcome:
        current = review_store.get_row(conn, collection, item_id, lock=True)
        _precondition(collection, item_id, current, if_match)
        item = write(conn, current, state.now())
        return Outcome(201 if current is None else 200, item, _etag(item.version))

    payload = {"if_match": if_match, "body": body.model_dump(mode="json")}
    return run_idempotent(request, principal, idempotency_key, payload, operation)


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

    return _put(request, principal, "rubrics", rubric_id, body, if_match, idempotency_key, write)


def _check_review(conn: Connection, body: ReviewWrite, current: Any) -> None:
    if current is not None and current.conversation_id != body.conversation_id:
        raise _invalid("/conversation_id", "immutable", "A review stays on its conversation.")
    if store.get_conversation(conn, body.conversation_id) is None:
        raise _invalid("/conversation_id", "unknown_conversation", "No such conversation.")
    if body.reviewed_agent_id is not None and not store.agent_exists(conn, body.reviewed_agent_id):
        raise _invalid("/reviewed_agent_id", "unknown_agent", "No such agent (see /v1/agents).")
    rubric = (
        None if body.rubric_id is None else review_store.get_row(conn, "rubrics", body.rubric_id)
    )
    if rubric is not None:  # a rubric the server does not hold yet is taken on trust
        scales = {c["key"]: c["scale"] for c in rubric.criteria}
        for key, points in body.scores.items():
            if key not in scales or points > scales[key]:
                raise _invalid(
                    f"/scores/{key}",
                    "not_on_rubric",
                    "A score is for a criterion of the rubric, from 0 to its scale.",
                )
    if current is not None and current.state == "done":
        if body.state != "done":
            raise _invalid("/state", "published", "A published review stays published.")
        if body.reviewed_agent_id != current.reviewed_agent_id:
            raise _invalid(
                "/reviewed_agent_id", "published", "A published review's agent is fixed."
            )


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
        _check_review(conn, body, current)
        reviewer = principal.account_id if current is None else current.reviewer_id
        return review_store.put_review(conn, review_id, body, current, reviewer, now)

    return _put(request, principal, "reviews", review_id, body, if_match, idempotency_key, write)


def _check_annotation(conn: Connection, body: AnnotationWrite, current: Any) -> None:
    if current is not None and (
        current.conversation_id != body.conversation_id or current.message_id != body.message_id
    ):
        raise _invalid("/message_id", "immutable", "An annotation stays on its message.")
    message = store.get_message_row(conn, body.message_id)
    if message is None or message.conversation_id != body.conversation_id:
        raise _invalid("/message_id", "unknown_message", "No such message in that conversation.")


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
        _check_annotation(conn, body, current)
        author = principal.account_id if current is None else current.author_id
        return review_store.put_annotation(conn, annotation_id, body, current, author, now)

    return _put(
        request, principal, "annotations", annotation_id, body, if_match, idempotency_key, write
    )


@router.delete(
    "/v1/annotations/{annotation_id}",
    response_model=Tombstone,
    responses=responses(400, 401, 403, 404, 409, 412, 422, 428),
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
    state = server_state(request)

    def operation(conn: Connection) -> Outcome:
        current = review_store.get_row(conn, "annotations", annotation_id, lock=True)
        _precondition("annotations", annotation_id, current, if_match)
        now = state.now()
        review_store.delete_item(conn, "annotations", annotation_id, now, "deleted")
        return Outcome(200, Tombstone(id=annotation_id, deleted_at=now))

    return run_idempotent(request, principal, idempotency_key, {"if_match": if_match}, operation)


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
            return Outcome(200, review_store.survey_from_row(existing))
        if store.get_conversation(conn, body.conversation_id) is None:
            raise ProblemError(404, "not_found", f"No conversation '{body.conversation_id}'.")
        answer = body.model_copy(update={"answered_at": min(body.answered_at, state.now())})
        review_store.add_survey_answer(conn, answer, answer_fingerprint)
        return Outcome(201, answer)

    return run_idempotent(request, principal, idempotency_key, content, operation)
