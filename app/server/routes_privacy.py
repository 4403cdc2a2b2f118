"""Customer erasure (contract 1.2): ``POST /v1/customers/{customer_id}/erasure``.

A data-subject request is the organisation's duty, handled by a privacy lead: roles
``lead`` and ``admin`` may erase, an agent gets 403 (decided from the token, before the
body is read, like every role rule). Same rules as every write: Idempotency-Key (a retry
after a lost answer replays it), the body limit, problem documents.

A new key for a customer erased before is 200 with the earlier record and
``already_erased: true`` rather than 404: a client that crashed after sending, or a
second agent answering the same request, learns the erasure is done and stops; 404 is
kept for a customer this server never had. A lead limited to teams or regions erases
only a customer wholly inside that scope (:func:`_check_scope`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import Connection

from app.contract.privacy_models import ERASURE_ROLES, CustomerErasure, ErasureRequest
from app.server import erasure_store, scoping
from app.server.auth import Principal, require_roles
from app.server.idempotency import Outcome, run_idempotent
from app.server.problems import ProblemError, responses
from app.server.routes_inbox import ConversationId, IdempotencyKey
from app.server.state import server_state
from app.server.strict import strict_body

router = APIRouter(tags=["privacy"])
CustomerId = ConversationId  # the same id rules
PrivacyLead = Annotated[Principal, Depends(require_roles(*ERASURE_ROLES))]


@router.post(
    "/v1/customers/{customer_id}/erasure",
    dependencies=[Depends(strict_body(ErasureRequest))],
    response_model=CustomerErasure,
    responses={
        **responses(400, 401, 403, 404, 409, 422),
        200: {
            "model": CustomerErasure,
            "description": "Erased now, or before (``already_erased``: the earlier record)",
        },
        202: {
            "model": CustomerErasure,
            "description": "Another backend may answer 202, ``status: accepted``: it erases "
            "later, within the law's deadline (the reference server erases at once)",
        },
    },
)
def erase_customer(
    request: Request,
    customer_id: CustomerId,
    body: ErasureRequest,
    idempotency_key: IdempotencyKey,
    principal: PrivacyLead,
) -> Response:
    """Erase a customer and everything held about them (roles lead, admin): each of
    their conversations with its messages, files, reviews, annotations and survey
    answers (tombstones in every feed, as for an erased conversation), then the
    customer. Kept: a record of the erasure without personal data (request id, customer
    id, time, counts, who). Erased before: 200 with that record, ``already_erased``;
    never known here: 404."""
    state = server_state(request)

    def operation(conn: Connection) -> Outcome:
        _check_scope(conn, principal, customer_id)
        erased = erasure_store.erase_customer(
            conn, customer_id, body, principal.account_id, state.now()
        )
        if erased is None:
            raise _not_found(customer_id)
        return Outcome(200, erased)

    return run_idempotent(
        request, principal, idempotency_key, body.model_dump(mode="json"), operation
    )


def _not_found(customer_id: str) -> ProblemError:
    return ProblemError(404, "not_found", f"No customer '{customer_id}'.")


def _check_scope(conn: Connection, principal: Principal, customer_id: str) -> None:
    """A lead limited to teams or regions erases only a customer whose conversations are
    all inside that scope: none inside is 404, as for an unknown customer (the id leaks
    nothing); some outside is 403 (an admin must erase). An erased customer is "already
    erased" for them only if they erased it."""
    scope = scoping.scope_of(principal)
    if scope.unlimited:
        return
    found = erasure_store.places(conn, customer_id)
    if found is None:
        if erasure_store.last_erasure(conn, customer_id, principal.account_id) is None:
            raise _not_found(customer_id)
        return
    inside = [place for place in found if scope.admits(*place)]
    if not inside:
        raise _not_found(customer_id)
    if len(inside) < len(found):
        raise ProblemError(
            403,
            "forbidden",
            "Some of this customer's conversations are outside your teams or regions: "
            "an administrator must erase this customer.",
        )
