"""The customer beside the thread: their other conversations, notes and backend fields.

Plain values for the store, the operations and the side panel's Customer section.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.fields import Fields
from app.domain.models import Channel, Status

HISTORY_LIMIT = 20  # conversations listed; the rest is "N more"
HISTORY_MAX = 200  # listed after "Show N more"
NOTE_MAX_CHARS = 2_000
NOTES_LIMIT = 50


@dataclass(frozen=True, slots=True)
class PastConversation:
    """One of the customer's conversations, as the history list shows it."""

    id: int
    subject: str | None
    preview: str
    channel: Channel
    status: Status
    last_activity_at: int
    customer_name: str  # differs from the open one's for a merged customer


@dataclass(frozen=True, slots=True)
class CustomerNote:
    """A note on the customer (seen from every conversation of theirs)."""

    id: int
    body: str
    author_id: int | None
    author_name: str | None
    created_at: int
    updated_at: int
    mine: bool


@dataclass(frozen=True, slots=True)
class CustomerView:
    """Everything the Customer section shows for the open conversation.

    ``others``: the customer's other conversations, newest first (at most
    :data:`HISTORY_LIMIT`); ``more``: how many further ones were not listed.
    """

    conversation_id: int
    customer_id: int
    customer_name: str
    others: tuple[PastConversation, ...]
    more: int
    notes: tuple[CustomerNote, ...]
    customer_fields: Fields
    conversation_fields: Fields
    merged_names: tuple[str, ...] = ()  # other handles merged into this person
    local_only: bool = True  # no server: merging is offered (the contract has no merge)
