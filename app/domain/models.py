"""Value types shared by storage, services and the UI.

They are plain frozen dataclasses: no Qt, no database handles, so every layer can
pass them around and tests can build them by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from app.domain.attachments import Attachment


class Channel(StrEnum):
    """Where a conversation came from; the inbox shows one icon per channel."""

    EMAIL = "email"
    WEB_CHAT = "web_chat"
    WHATSAPP = "whatsapp"
    LINE = "line"
    MESSENGER = "messenger"
    SMS = "sms"
    PHONE = "phone"


class Status(StrEnum):
    """Conversation state, as in every helpdesk the agents already know."""

    OPEN = "open"
    PENDING = "pending"
    SNOOZED = "snoozed"
    RESOLVED = "resolved"


class MessageKind(StrEnum):
    """Who wrote a message; notes are internal and never reach the customer."""

    CUSTOMER = "customer"
    AGENT = "agent"
    NOTE = "note"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Agent:
    """A member of the support team."""

    id: int
    uid: str
    name: str
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Customer:
    """The person on the other side; their country, language and zone drive the side panel."""

    id: int
    uid: str
    name: str
    country: str  # ISO 3166-1 alpha-2
    language: str  # BCP 47, e.g. "pt-BR"
    timezone: str  # IANA, e.g. "America/Sao_Paulo"
    handles: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ConversationRow:
    """What one line of the inbox list needs, fetched in pages."""

    id: int
    uid: str
    channel: Channel
    status: Status
    subject: str | None
    customer_name: str
    country: str
    language: str
    timezone: str
    assignee_id: int | None
    assignee_name: str | None
    sla_due_at: int | None
    snoozed_until: int | None
    last_activity_at: int
    last_message_preview: str
    last_message_kind: MessageKind
    unread_count: int
    message_count: int
    tags: tuple[str, ...]
    snooze_until_reply: bool = False  # snoozed until the customer writes again


@dataclass(frozen=True, slots=True)
class Message:
    """One message or internal note, its text exactly as received or written."""

    id: int
    uid: str
    conversation_id: int
    seq: int
    kind: MessageKind
    body: str
    language: str | None
    channel: Channel
    created_at: int
    author_name: str | None = None
    author_agent_id: int | None = None
    detected_language: str | None = None
    detected_confidence: float | None = None
    original_body: str | None = None  # the agent's own words, when the reply was translated
    original_language: str | None = None
    provenance: str | None = None  # JSON (app.translation.pipeline.Provenance)
    held: bool = False  # waiting for a human translator; not sent
    delivery: str | None = None  # a reply to a server: "queued" until acknowledged, then "sent"
    read_at: int | None = None  # the customer read it (a backend's read receipt), if known
    held_for_agent_id: int | None = None  # a held reply given to this colleague to translate
    held_for_name: str | None = None


@dataclass(frozen=True, slots=True)
class ConversationDetail:
    """A whole conversation as the conversation view shows it."""

    row: ConversationRow
    customer: Customer
    messages: tuple[Message, ...]
    draft: Draft | None
    language_override: str | None = None
    events: tuple[ConversationEvent, ...] = ()  # who assigned, resolved, tagged... (system lines)
    # files on messages (by message id) and on the draft (app.domain.attachments)
    attachments: Mapping[int, tuple[Attachment, ...]] = field(default_factory=dict)
    draft_attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class ConversationEvent:
    """Something an agent did to a conversation, shown as a quiet line in the thread.

    ``kind``: assigned, unassigned, resolved, reopened, pending, snoozed, tagged, untagged,
    held, released, merged. ``detail``: what changed (a tag, an assignee's name, a time).
    """

    id: int
    conversation_id: int
    kind: str
    at: int
    actor_name: str | None = None
    by_me: bool = False
    detail: dict[str, str | int | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Draft:
    """Unsent composer text, kept per conversation across restarts."""

    conversation_id: int
    kind: MessageKind  # AGENT (reply) or NOTE
    body: str
    updated_at: int


@dataclass(frozen=True, slots=True)
class Workspace:
    """Which store is open and who the agent is in it."""

    name: str
    path_label: str
    me_id: int | None
    me_name: str | None
