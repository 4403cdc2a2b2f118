"""Admin endpoints: knowledge articles, erasing conversations, compaction, and the
test-only fault hooks. They exist so that every rule of the contract (tombstones,
410 after compaction, 503 with Retry-After, 409 in flight) can be exercised against
the real server over real HTTP."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import Connection, select

from app.contract.models import Article
from app.server import db, review_store, store
from app.server.auth import Admin
from app.server.idempotency import Outcome, json_response, run_idempotent
from app.server.problems import ProblemError, responses
from app.server.routes_inbox import ConversationId, IdempotencyKey
from app.server.schemas import ArticleWrite, CompactResult, FaultRequest, FaultStatus
from app.server.state import ServerState, server_state
from app.server.strict import strict_body

router = APIRouter(tags=["admin"])
ArticleId = ConversationId


def _faults_enabled(state: ServerState) -> None:
    if not state.config.enable_test_faults:
        raise ProblemError(
            404, "not_found", "Fault injection is off (start the server with --enable-test-faults)."
        )


def _status(state: ServerState) -> FaultStatus:
    snap = state.faults.snapshot()
    return FaultStatus(
        unavailable_remaining=snap.unavailable, holds_remaining=snap.holds, held_now=snap.held
    )


@router.get("/v1/admin/faults", response_model=FaultStatus, responses=responses(401, 403, 404))
def get_faults(request: Request, _admin: Admin) -> Response:
    """TEST ONLY (403 for a caller without the admin role, first; then 404 unless
    --enable-test-faults): what is armed and how many writes are
    being held right now, so a test can wait for a condition instead of sleeping."""
    state = server_state(request)
    _faults_enabled(state)
    return json_response(200, _status(state).model_dump_json())


@router.post(
    "/v1/admin/faults",
    dependencies=[Depends(strict_body(FaultRequest))],
    response_model=FaultStatus,
    responses=responses(400, 401, 403, 404, 409, 422),
)
def set_faults(
    request: Request, body: FaultRequest, idempotency_key: IdempotencyKey, admin: Admin
) -> Response:
    """TEST ONLY (403 for a caller without the admin role, first; then 404 unless
    --enable-test-faults): ``unavailable`` makes the next
    ``count`` requests (any path but this one) fail with 503 and Retry-After;
    ``hold`` keeps the next ``count`` writes open after their Idempotency-Key is
    reserved; ``clear`` disarms all and releases held writes."""
    state = server_state(request)
    _faults_enabled(state)

    def operation(_conn: Connection) -> Outcome:
        if body.kind == "unavailable":
            state.faults.arm_unavailable(body.count, body.retry_after)
        elif body.kind == "hold":
            state.faults.arm_hold(body.count, body.hold_seconds)
        else:
            state.faults.clear()
        return Outcome(200, _status(state))

    return run_idempotent(request, admin, idempotency_key, body.model_dump(mode="json"), operation)


@router.post(
    "/v1/admin/compact",
    response_model=CompactResult,
    responses=responses(400, 401, 403, 409, 422),
)
def compact(request: Request, idempotency_key: IdempotencyKey, admin: Admin) -> Response:
    """Drop all change history and tombstones up to now, as retention eventually does:
    every cursor issued before answers 410 ``cursor_expired``."""
    state = server_state(request)

    def operation(conn: Connection) -> Outcome:
        dropped = state.compact(conn)
        return Outcome(200, CompactResult(compacted_at=state.now(), tombstones_dropped=dropped))

    return run_idempotent(request, admin, idempotency_key, None, operation)


@router.put(
    "/v1/admin/articles/{article_id}",
    dependencies=[Depends(strict_body(ArticleWrite))],
    response_model=Article,
    responses={**responses(401, 403, 422), 201: {"model": Article, "description": "Created"}},
)
def put_article(
    request: Request, article_id: ArticleId, body: ArticleWrite, _admin: Admin
) -> Response:
    """Create (201) or replace (200) a knowledge article; an identical PUT changes
    nothing and keeps the version."""
    state = server_state(request)
    with state.db.write() as conn:
        article, created = store.put_article(
            conn, article_id, state.now(), **body.model_dump(mode="json")
        )
    return json_response(201 if created else 200, article.model_dump_json())


def _tombstoned(conn: Connection, collection: str, item_id: str) -> bool:
    return (
        conn.execute(
            select(db.tombstones.c.id).where(
                db.tombstones.c.collection == collection, db.tombstones.c.id == item_id
            )
        ).first()
        is not None
    )


@router.delete(
    "/v1/admin/articles/{article_id}",
    status_code=204,
    response_class=Response,
    responses=responses(401, 403, 404, 422),
)
def delete_article(request: Request, article_id: ArticleId, _admin: Admin) -> Response:
    """Delete an article (a tombstone goes out in the feed). Deleting again is 204."""
    state = server_state(request)
    with state.db.write() as conn:
        if not store.delete_article(conn, article_id, state.now()) and not _tombstoned(
            conn, "articles", article_id
        ):
            raise ProblemError(404, "not_found", f"No article '{article_id}'.")
    return Response(status_code=204)


@router.delete(
    "/v1/admin/conversations/{conversation_id}",
    status_code=204,
    response_class=Response,
    responses=responses(401, 403, 404, 422),
)
def erase_conversation(
    request: Request, conversation_id: ConversationId, _admin: Admin
) -> Response:
    """Erase a conversation and its messages (e.g. a GDPR request); tombstones go out in
    both feeds. Erasing again is 204."""
    state = server_state(request)
    with state.db.write() as conn:
        review_store.erase_conversation(conn, conversation_id, state.now(), "deleted")
        erased = store.delete_conversation(conn, conversation_id, state.now(), "deleted")
        if not erased and not _tombstoned(conn, "conversations", conversation_id):
            raise ProblemError(404, "not_found", f"No conversation '{conversation_id}'.")
    return Response(status_code=204)
