"""Asking the server to erase a customer too (contract 1.2, GUIDE.md "Customer erasure").

The local erasure (``app.ops.privacy.erase_customer``) removes what this computer holds;
the server holds the same customer, so a server workspace queues one outbox operation,
``customer.erase``, in the transaction of the local erasure: a crash can never leave the
customer erased here but forgotten on the server. The sync engine sends it with the
idempotency key it was given here (``app.sync.privacy``), so a retry after a lost answer
is a replay. The operation carries ids only (customer id, request id, time), never a name
or a text, so the outbox keeps nothing of what was erased.

A demo or file workspace has no server: nothing is queued, and the answer says so.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from enum import StrEnum

from app.contract.erasure import ERASE_KEY_PREFIX, ERASE_OP, MAX_ID_CHARS
from app.domain.changes import NOTHING, Changes
from app.ops.outbox import synced
from app.storage.store import Store

_ID = re.compile(r"[A-Za-z0-9._:-]+")
log = logging.getLogger(__name__)


class ServerErasure(StrEnum):
    """Where the server's part of a customer's erasure stands, for the request's row."""

    LOCAL_ONLY = "local_only"  # not a server workspace: nothing to ask
    QUEUED = "queued"  # waiting to be sent (the next sync)
    RETRYING = "retrying"  # the server failed for now (offline, 5xx): tried again later
    REFUSED = "refused"  # refused for good (403: not a lead): in the sync problems
    DONE = "done"  # nothing waits: the server confirmed (or it was discarded by the agent)


def server_erasure_needed(store: Store) -> bool:
    """Whether an erasure here must also be asked of a server (a signed-in workspace)."""
    return synced(store)


def _wire_id(value: str) -> bool:
    """Whether the contract can carry this id ([A-Za-z0-9._:-]{1,128})."""
    return 0 < len(value) <= MAX_ID_CHARS and _ID.fullmatch(value) is not None


def request_erasure(
    store: Store,
    customer_uid: str,
    request_uid: str,
    now: int,
    conversation_uids: Iterable[str] = (),
) -> Changes:
    """Queue the server's erasure of ``customer_uid`` (the server's customer id, not the
    local row id: the row may be gone already) for data request ``request_uid``.

    Call it inside the transaction of the local erasure (it nests as a savepoint).
    Returns ``Changes(outbox=True)`` when queued (the window syncs at once), ``NOTHING``
    for a workspace without a server, or for a customer id the server cannot have given
    (nothing of theirs is there; logged). Queued operations of ``conversation_uids`` (unsent
    replies, patches, which would carry the customer's words to the server again) are
    dropped. A second call while one is still queued adds nothing."""
    if not synced(store):
        return NOTHING
    if not (_wire_id(customer_uid) and _wire_id(request_uid)):
        # not an id the server gave (a customer made here): nothing of theirs is there
        log.warning("erasure of %r not sent: not a server id", customer_uid[:40])
        return NOTHING
    key = ERASE_KEY_PREFIX + customer_uid
    payload = {"customer_id": customer_uid, "request_id": request_uid, "requested_at": now}
    with store.transaction():
        for uid in conversation_uids:
            for operation in store.outbox.pending(uid):
                store.outbox.drop(operation.id)
        waiting = [op for op in store.outbox.pending(key) if op.op == ERASE_OP]
        if not waiting:
            store.outbox.enqueue(key, ERASE_OP, payload, now)
    return Changes(outbox=True)


def server_erasure(store: Store, customer_uid: str) -> ServerErasure:
    """Where the server's erasure of this customer stands (for the data request's row:
    "waiting for the server", "refused: see Sync problems")."""
    if not synced(store):
        return ServerErasure.LOCAL_ONLY
    waiting = [
        op for op in store.outbox.pending(ERASE_KEY_PREFIX + customer_uid) if op.op == ERASE_OP
    ]
    if not waiting:
        return ServerErasure.DONE
    operation = waiting[-1]
    if operation.state == "needs_attention":
        return ServerErasure.REFUSED
    if operation.attempts > 0 and operation.last_error:
        return ServerErasure.RETRYING
    return ServerErasure.QUEUED
