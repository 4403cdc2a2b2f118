"""The review audit log (contract 1.2): who reviewed another agent's work, and when.

- **Writes.** A lead's (or an admin's) write of a review, or of an annotation, on a
  conversation that is another agent's work (the review's reviewed agent, else the
  conversation's assignee) appends one entry in the same transaction as the write, so an
  entry exists exactly when the write does (a replayed retry adds none).
- **Reads.** The desktop client reads reviews offline, from what its feed downloaded, so
  the server records the download: each review of another agent's work that a reviews
  feed page hands to a caller is a ``review_read`` entry, written before the page goes
  out (a page whose entry cannot be written is not served). An agent's feed holds only
  their own published reviews: no entries.

Entries hold ids, roles and a time, never the text of a message, review or annotation.
``GET /v1/audit?since=&limit=`` lists them for admins (403 for anyone else), oldest
first, paginated by ``since`` (the last ``seq`` read; ``next_since`` of the last page).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import Connection, insert, select

from app.contract.audit_models import AuditAction, AuditEntry, AuditPage
from app.contract.models import MAX_PAGE, Conversation
from app.server import db, store
from app.server.auth import Admin, Principal
from app.server.idempotency import json_response
from app.server.problems import responses
from app.server.state import server_state

router = APIRouter(tags=["audit"])
MAX_SINCE = 2**62


def work_of(conversation: Conversation | None, reviewed_agent_id: str | None) -> str | None:
    """Whose work a review or annotation is about: the reviewed agent, else the assignee."""
    if reviewed_agent_id is not None:
        return reviewed_agent_id
    return None if conversation is None else conversation.assignee_id


def record(
    conn: Connection,
    principal: Principal,
    action: AuditAction,
    conversation_id: str,
    *,
    record_id: str,
    reviewed_agent_id: str | None,
    now: int,
) -> bool:
    """Append an entry when the caller touched another agent's work (True when one was)."""
    conversation = store.get_conversation(conn, conversation_id)
    agent_id = work_of(conversation, reviewed_agent_id)
    if agent_id is None or agent_id == principal.account_id:
        return False
    conn.execute(
        insert(db.audit_log).values(
            at=now,
            actor_id=principal.account_id,
            actor_roles=[r for r in principal.roles if r in store.CONTRACT_ROLES],
            action=action,
            conversation_id=conversation_id,
            agent_id=agent_id,
            record_id=record_id,
        )
    )
    return True


def record_reads(request: Request, principal: Principal, collection: str, rows: list[Any]) -> None:
    """A reviews feed page is about to go out: one ``review_read`` entry per review of
    another agent's work in it (tombstones and one's own work: none)."""
    reviews = [r for r in rows if collection == "reviews" and "deleted_at" not in r._fields]
    if not reviews:
        return
    state = server_state(request)
    unnamed = {r.conversation_id for r in reviews if r.reviewed_agent_id is None}
    roles = [r for r in principal.roles if r in store.CONTRACT_ROLES]
    now = state.now()
    with state.db.write() as conn:
        assignees: dict[str, str | None] = {}
        if unnamed:
            found = conn.execute(
                select(db.conversations.c.id, db.conversations.c.assignee_id).where(
                    db.conversations.c.id.in_(sorted(unnamed))
                )
            ).all()
            assignees = {row.id: row.assignee_id for row in found}
        entries = []
        for review in reviews:
            agent_id = review.reviewed_agent_id or assignees.get(review.conversation_id)
            if agent_id is None or agent_id == principal.account_id:
                continue
            entries.append(
                {
                    "at": now,
                    "actor_id": principal.account_id,
                    "actor_roles": roles,
                    "action": "review_read",
                    "conversation_id": review.conversation_id,
                    "agent_id": agent_id,
                    "record_id": review.id,
                }
            )
        if entries:
            conn.execute(insert(db.audit_log), entries)


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(
        seq=row.seq,
        at=row.at,
        actor_id=row.actor_id,
        actor_roles=list(row.actor_roles),
        action=row.action,
        conversation_id=row.conversation_id,
        agent_id=row.agent_id,
        record_id=row.record_id,
    )


def read_page(conn: Connection, since: int, limit: int) -> AuditPage:
    """Entries after ``since``, oldest first, at most ``limit``."""
    rows = conn.execute(
        select(db.audit_log)
        .where(db.audit_log.c.seq > since)
        .order_by(db.audit_log.c.seq)
        .limit(limit + 1)
    ).all()
    page = rows[:limit]
    return AuditPage(
        items=[_entry(r) for r in page],
        next_since=page[-1].seq if page else since,
        has_more=len(rows) > limit,
    )


@router.get("/v1/audit", response_model=AuditPage, responses=responses(401, 403, 422))
def list_audit(
    request: Request,
    _principal: Admin,
    since: Annotated[
        int, Query(ge=0, le=MAX_SINCE, description="The last seq read; 0 from the start")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size")] = 100,
) -> Response:
    """The review audit log (admins only): each write of a review or annotation on
    another agent's work, oldest first; follow ``next_since`` while ``has_more``."""
    state = server_state(request)
    with state.db.read() as conn:
        page = read_page(conn, since, limit)
    return json_response(200, page.model_dump_json())
