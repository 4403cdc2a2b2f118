"""Sending a customer's erasure to the server (contract 1.2, GUIDE.md "Customer erasure").

The operation was queued by :func:`app.ops.privacy_sync.request_erasure` with its
idempotency key, in the transaction of the local erasure. Sent as
``POST /v1/customers/{id}/erasure``; the answer is done when it is 200 (erased now, or
``already_erased`` before: another agent, or a send whose answer was lost) or 202 (the
backend erases later, within the law's deadline). Any refusal goes to the engine's rules
like every operation: 5xx and 429 are retried on the backoff schedule, a permanent one
(403: the account is no lead; 404: the server never had this customer, or predates
contract 1.2) is parked in the sync problems with the server's words, never taken as done.

Nothing comes back afterwards: the conversations are gone here already, and their
tombstones in the feeds name ids this store no longer has.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pydantic import TypeAdapter, ValidationError

from app.contract.models import Id
from app.contract.privacy_models import ERASE_OP, CustomerErasure, ErasureRequest
from app.storage.store import Store
from app.storage.sync_store import Operation
from app.sync.report import Outcome

if TYPE_CHECKING:
    from app.sync.engine import SyncEngine

log = logging.getLogger(__name__)

OPS = frozenset({ERASE_OP})
_CUSTOMER_ID: TypeAdapter[str] = TypeAdapter(Id)


def send(engine: SyncEngine, op: Operation) -> Outcome:
    """Send one erasure (a ServerProblemError goes to the engine's refusal rules)."""
    try:
        customer_id = _CUSTOMER_ID.validate_python(op.payload.get("customer_id"))
        body = ErasureRequest.model_validate(
            {k: v for k, v in op.payload.items() if k in ("request_id", "requested_at")}
        )
    except ValidationError as exc:
        reason = f"cannot be sent: {' '.join(str(exc).split())[:300]}"
        engine.store_call(lambda repo: repo.outbox.park(op.id, reason))
        engine._log.mark(sync_problems=True)
        return Outcome.WAITING
    response = engine.client.request(
        "POST",
        f"/v1/customers/{customer_id}/erasure",
        json=body.model_dump(mode="json", exclude_none=True),
        headers={"Idempotency-Key": op.idempotency_key},
    )
    erased = engine.client._one(response, CustomerErasure)

    def acknowledge(repo: Store) -> None:
        with repo.transaction():
            repo.outbox.done(op.id)

    engine.store_call(acknowledge)
    engine._log.mark(sync_problems=op.attempts > 0)  # it was listed as retrying
    log.info(
        "server erased customer %s (%s): %d conversations, %d messages%s",
        erased.customer_id,
        erased.status,
        erased.conversations,
        erased.messages,
        ", erased before" if erased.already_erased else "",
    )
    return Outcome.SENT
