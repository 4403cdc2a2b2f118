"""Bodies that only the reference server's extra endpoints use (inbound channel messages,
admin and test hooks). The contract's own bodies live in app.contract.models; these
reuse its types so a field means the same thing everywhere."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from app.contract.models import (
    MAX_BODY_CHARS,
    AttachmentRef,
    Channel,
    Conversation,
    Customer,
    Fields,
    Id,
    Message,
    ScopeName,
    Timestamp,
    Wire,
)
from app.domain.attachments import MAX_PER_MESSAGE


class InboundConversation(Wire):
    """The conversation a channel message belongs to; created on its first message."""

    id: Id
    customer: Customer
    channel: Channel
    subject: str | None = Field(default=None, max_length=1000)
    language: str = Field(default="", max_length=35)
    fields: Fields | None = Field(
        default=None, description="Order details etc.; given, they replace the stored ones"
    )
    team: ScopeName | None = Field(
        default=None, description="The team it belongs to (set by the first message)"
    )
    region: ScopeName | None = Field(
        default=None, description="The region it belongs to (set by the first message)"
    )


class InboundMessageBody(Wire):
    """A customer's message as the channel delivered it; ``id`` makes delivery idempotent."""

    id: Id
    body: str = Field(min_length=1, max_length=MAX_BODY_CHARS)
    language: str | None = Field(default=None, max_length=35)
    created_at: Timestamp | None = Field(
        default=None, description="When the customer sent it; now when absent, never later"
    )
    attachments: list[AttachmentRef] | None = Field(
        default=None,
        max_length=MAX_PER_MESSAGE,
        description="The customer's files, uploaded first (PUT /v1/attachments/{sha256})",
    )


class InboundRequest(Wire):
    conversation: InboundConversation
    message: InboundMessageBody


class InboundResult(Wire):
    conversation: Conversation
    message: Message
    created_conversation: bool


class ArticleWrite(Wire):
    """An article as an editor writes it; the server assigns version and updated_at."""

    locale: str = Field(min_length=1, max_length=35)
    region: str | None = Field(default=None, max_length=10)
    overlays: Id | None = None
    title: str = Field(min_length=1, max_length=500)
    body_markdown: str = Field(max_length=MAX_BODY_CHARS)
    tags: list[str] = Field(default_factory=list, max_length=50)


class FaultRequest(Wire):
    """Test-only: ``unavailable`` answers the next ``count`` requests with 503 and
    ``Retry-After: retry_after``; ``hold`` keeps the next ``count`` writes open (after
    their Idempotency-Key is reserved) for up to ``hold_seconds`` or until ``clear``."""

    kind: Literal["unavailable", "hold", "clear"]
    count: int = Field(default=1, ge=1, le=1000)
    retry_after: int = Field(default=1, ge=1, le=3600)
    hold_seconds: int = Field(default=30, ge=1, le=60)


class FaultStatus(Wire):
    unavailable_remaining: int
    holds_remaining: int
    held_now: int = Field(description="Writes being held open right now")


class CompactResult(Wire):
    compacted_at: Timestamp
    tombstones_dropped: int
