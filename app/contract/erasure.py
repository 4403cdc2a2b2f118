"""Names the customer erasure shares between client and server, without pydantic (the
client's operations import this at start-up; the wire models stay lazy)."""

from __future__ import annotations

ERASURE_ROLES = ("lead", "admin")  # who may erase a customer (an agent gets 403)
ERASE_OP = "customer.erase"  # the client's outbox operation (app.ops.privacy_sync)
ERASE_KEY_PREFIX = "customer:"  # its outbox row's conversation_uid: "customer:<customer id>"
MAX_ID_CHARS = 128  # ids on the wire: [A-Za-z0-9._:-]{1,128}
