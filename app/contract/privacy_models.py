"""The contract's customer-erasure bodies (contract 1.2, GUIDE.md "Customer erasure").

A data-subject request to erase a customer reaches the backend as
``POST /v1/customers/{customer_id}/erasure``: the same rules as every other write
(Idempotency-Key, body limits, problem documents), roles ``lead`` or ``admin``. The
answer names counts and times only, so the client can record that the request was
fulfilled without keeping anything of what was erased.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from app.contract.erasure import ERASE_KEY_PREFIX, ERASE_OP, ERASURE_ROLES
from app.contract.models import Id, Timestamp, Wire

__all__ = [
    "ERASE_KEY_PREFIX",
    "ERASE_OP",
    "ERASURE_ROLES",
    "CustomerErasure",
    "ErasureRequest",
]


class ErasureRequest(Wire):
    """Erase a customer and everything held about them."""

    request_id: Id = Field(description="The client's data-request id (kept in the record)")
    requested_at: Timestamp | None = Field(
        default=None, description="Optional: when the customer asked (the law's clock runs from it)"
    )


class CustomerErasure(Wire):
    """What a backend erased: counts and times, never the erased data."""

    customer_id: Id
    request_id: Id = Field(description="The request that erased them (the first, if repeated)")
    status: Literal["erased", "accepted"] = Field(
        default="erased",
        description="erased: done (200); accepted: the backend erases later, within the "
        "law's deadline (202)",
    )
    erased_at: Timestamp = Field(description="When it was erased (or accepted)")
    conversations: int = Field(ge=0, description="Conversations erased")
    messages: int = Field(ge=0, description="Messages erased")
    already_erased: bool = Field(
        default=False,
        description="true: this customer was erased before (a retry under a new key, "
        "another agent's request): the earlier erasure's record; nothing was erased now",
    )
