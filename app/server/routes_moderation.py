"""Deleting one message (moderation, erasure of one message at a customer's request).

Backends may delete single messages; the contract's promise is the tombstone in
``GET /v1/messages/changes``, which removes that one message from every client while
the conversation's other messages stay with their seqs. This route is how the reference
server does it: a backend-side act (role admin or integration), never an agent's.

Idempotency-Key, like every write that changes data, so a retry after a lost answer
replays it; no If-Match, because a message has no version: it is immutable, so there
is no "someone changed it meanwhile" to guard against, and deleting it twice is the
same as once.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import Connection

from app.contract.models import Tombstone
from app.server import review_store, store
from app.server.auth import Integration
from app.server.idempotency import Outcome, run_idempotent
from app.server.problems import ProblemError, responses
from app.server.routes_inbox import ConversationId, IdempotencyKey
from app.server.state import server_state

router = APIRouter(tags=["integrations"])
MessageId = ConversationId  # the same id rules


@router.delete(
    "/v1/conversations/{conversation_id}/messages/{message_id}",
    status_code=204,
    response_class=Response,
    responses=responses(400, 401, 403, 404, 409, 422),
)
def delete_message(
    request: Request,
    conversation_id: ConversationId,
    message_id: MessageId,
    idempotency_key: IdempotencyKey,
    principal: Integration,
) -> Response:
    """Delete one message (role admin or integration): its tombstone goes out in the
    messages feed, its attachments and the annotations on it go too. The other messages
    keep their seqs (a gap is left, never filled) and the conversation record does not
    change. Deleting it again is 204 (while the server remembers the deletion)."""
    state = server_state(request)

    def operation(conn: Connection) -> Outcome:
        # Lock the conversation as an append does, so a deletion and a new message in the
        # same conversation are serialised (PostgreSQL).
        store.get_conversation(conn, conversation_id, lock=True)
        now = state.now()
        if store.delete_message(conn, conversation_id, message_id, now):
            review_store.erase_message(conn, message_id, now, "deleted")
        elif not store.message_tombstoned(conn, message_id):
            raise ProblemError(
                404, "not_found", f"No message '{message_id}' in conversation '{conversation_id}'."
            )
        return Outcome(204, Tombstone(id=message_id, deleted_at=now))

    answer = run_idempotent(request, principal, idempotency_key, None, operation)
    replayed = answer.headers.get("Idempotent-Replayed")
    return Response(status_code=204, headers={"Idempotent-Replayed": replayed} if replayed else {})
