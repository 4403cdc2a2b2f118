"""The CrossDesk sync contract v1: every JSON body on the wire, as pydantic models.

One source of truth: the reference server declares its routes with these models,
the committed OpenAPI document (resources/contract/openapi.json) is generated from
that server, and the client parses responses with the same models. A test fails
when the document and the models drift apart.

Conventions (see resources/contract/GUIDE.md):
- JSON over HTTPS, timestamps are integers (seconds since the epoch, UTC);
- unknown fields are ignored by both sides (``extra="ignore"``), so a server may
  send more and a newer client may be read by an older server;
- ids are strings chosen by whoever creates the object (the client for messages);
- customer text is plain text: never HTML, never Markdown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from app.domain.attachments import MAX_ATTACHMENT_BYTES, MAX_PER_MESSAGE
from app.domain.fields import MAX_FIELDS, MAX_KEY_CHARS, MAX_VALUE_CHARS, clean_fields

CONTRACT_VERSION = "1.2"  # 1.1: clarifications, live updates; 1.2: erasure, roles and scopes
MAX_PAGE = 500
MAX_BODY_CHARS = 200_000  # the longest message body a server must accept (and a client sends)

Id = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")]
Timestamp = Annotated[int, Field(ge=0, description="Seconds since 1970-01-01 UTC")]
Role = Literal["agent", "lead", "trainer", "admin"]
MAX_SCOPES = 50  # teams (or regions) one account belongs to
ScopeName = Annotated[str, Field(min_length=1, max_length=128, description="A team or region")]
Status = Literal["open", "pending", "snoozed", "resolved"]
Channel = Literal["email", "web_chat", "whatsapp", "line", "messenger", "sms", "phone"]
MessageKind = Literal["customer", "agent", "note", "system"]


class Wire(BaseModel):
    """Base of every contract model: tolerant of unknown fields, strict on known ones."""

    model_config = ConfigDict(extra="ignore", frozen=True)


# ------------------------------------------------------------------------ errors
class FieldError(Wire):
    pointer: str = Field(description="JSON pointer to the offending field, e.g. /body")
    code: str
    detail: str


class Problem(Wire):
    """RFC 9457 problem details, with a stable machine-readable ``code``."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    code: str = Field(description="Stable snake_case error code, e.g. version_mismatch")
    retryable: bool = False
    errors: list[FieldError] = Field(default_factory=list)
    current: dict[str, object] | None = Field(
        default=None, description="On 412: the object as it is now on the server"
    )


# ------------------------------------------------------------------------ auth
class TokenRequest(Wire):
    """Sign in with a password or an API token, or refresh an access token."""

    grant_type: Literal["password", "api_token", "refresh_token"]
    username: str | None = Field(default=None, max_length=200)
    password: str | None = Field(default=None, max_length=1000)
    api_token: str | None = Field(default=None, max_length=1000)
    refresh_token: str | None = Field(default=None, max_length=1000)


class TokenResponse(Wire):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="Seconds until the access token expires")
    refresh_token: str


class RevokeRequest(Wire):
    token: str = Field(max_length=1000)


# ------------------------------------------------------------------------ identity
def _agent_only() -> list[Role]:
    """A new agent's roles (a typed factory: a lambda's list would be ``list[str]``)."""
    return ["agent"]


class Agent(Wire):
    id: Id
    name: str = Field(max_length=200)
    locale: str = Field(default="en", max_length=35)
    languages: list[str] = Field(default_factory=list, max_length=50)
    roles: list[Role] = Field(default_factory=_agent_only)
    # Contract 1.2, optional: the scope a server limits this account's conversations to
    # (see GUIDE.md "Roles and scopes"); empty means not limited on that axis.
    teams: list[ScopeName] = Field(default_factory=list, max_length=MAX_SCOPES)
    regions: list[ScopeName] = Field(default_factory=list, max_length=MAX_SCOPES)


# The change feeds a live-update event may name (GET /v1/events, contract 1.1): each is
# the path between /v1/ and /changes. A backend names only those it has.
LIVE_FEEDS = (
    "conversations",
    "messages",
    "articles",
    "rubrics",
    "reviews",
    "annotations",
    "survey-answers",
    "training/scenarios",
    "training/assignments",
    "training/attempts",
)


class Capabilities(Wire):
    articles: bool = True
    annotations: bool = False
    scenarios: bool = False
    # GET /v1/events streams feed positions (contract 1.1); absent or false: poll the feeds
    live_events: bool = False
    # POST /v1/customers/{id}/erasure (contract 1.2); absent or false: erase on the backend
    customer_erasure: bool = False
    # GET /v1/audit: the review audit log, for admins (contract 1.2); absent or false: none
    audit: bool = False


class Limits(Wire):
    max_page_size: int = MAX_PAGE
    max_message_chars: int = MAX_BODY_CHARS
    requests_per_minute: int | None = None


class Me(Wire):
    agent: Agent
    capabilities: Capabilities = Capabilities()
    limits: Limits = Limits()
    contract_version: str = CONTRACT_VERSION
    server_time: Timestamp
    retention_days: int | None = Field(
        default=None,
        ge=0,
        le=36_500,
        description="Optional (1.2): clients remove resolved conversations with no activity"
        " for this many days from the agent's computer (they stay on the server); 0 keeps"
        " everything; absent: the client's own setting applies",
    )


class AgentList(Wire):
    items: list[Agent]


# ------------------------------------------------------------------------ inbox
def _fields_object(raw: object) -> object:
    """Backend fields must be an object (anything else is a malformed record, refused like
    any other); inside it, hostile or oversized pairs are dropped, never refused."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise ValueError("fields must be an object of label/value pairs")
    return clean_fields(raw)


# Backend fields (order number, order status, plan...): shown to the agent as label/value
# pairs, plain text. Keys 1-64 characters, values a string (<= 500), number or boolean.
FieldValue = bool | int | float | Annotated[str, Field(max_length=MAX_VALUE_CHARS)]
Fields = Annotated[
    dict[Annotated[str, Field(min_length=1, max_length=MAX_KEY_CHARS)], FieldValue],
    BeforeValidator(_fields_object),
    # Documented as what is accepted: any object; the bounds say what is kept of it.
    WithJsonSchema(
        {
            "type": "object",
            "description": "Optional: backend fields as label/value pairs (order number, "
            "order status, plan...), shown as plain text; absent when the backend has none. "
            f"Kept: at most {MAX_FIELDS} pairs, keys of 1-{MAX_KEY_CHARS} characters, values "
            f"a string (cut to {MAX_VALUE_CHARS} characters), number or boolean; other pairs "
            "are dropped, never refused",
        }
    ),
]


class Customer(Wire):
    id: Id
    name: str = Field(max_length=500)
    country: str = Field(default="", max_length=2)
    language: str = Field(default="", max_length=35)
    timezone: str = Field(default="UTC", max_length=64)
    handles: dict[str, str] = Field(default_factory=dict, max_length=20)
    fields: Fields | None = None


class Conversation(Wire):
    id: Id
    version: int = Field(ge=1, description="Bumped on every change; also the ETag")
    customer: Customer
    channel: Channel
    subject: str | None = Field(default=None, max_length=1000)
    status: Status
    assignee_id: Id | None = None
    tags: list[str] = Field(default_factory=list, max_length=100)
    language: str = Field(default="", max_length=35)
    sla_due_at: Timestamp | None = None
    snoozed_until: Timestamp | None = None
    last_message_seq: int = Field(
        ge=0,
        description="The highest seq given: the newest message's, unless that one was "
        "deleted (seqs are never reused)",
    )
    last_activity_at: Timestamp
    created_at: Timestamp
    updated_at: Timestamp
    customer_typing_until: Timestamp | None = Field(
        default=None,
        description="Optional: the customer is typing until this time (a backend's typing "
        "indicator; ephemeral, absent when the backend has none)",
    )
    fields: Fields | None = None
    team: ScopeName | None = Field(
        default=None,
        description="Optional (1.2): the team whose agents see it, when the server scopes",
    )
    region: ScopeName | None = Field(
        default=None,
        description="Optional (1.2): the region whose agents see it, when the server scopes",
    )


class Author(Wire):
    type: Literal["customer", "agent", "system"]
    id: Id | None = None
    name: str | None = Field(default=None, max_length=200)


class Provenance(Wire):
    """Where a translated text came from (machine translation pack, memory, human)."""

    kind: Literal["mt", "tm", "human", "human_edited", "untranslated"]
    route: str | None = Field(default=None, max_length=500)
    pivots: list[str] = Field(default_factory=list, max_length=5)
    confidence: float | None = Field(default=None, ge=0, le=1)
    tm_score: float | None = Field(default=None, ge=0, le=100)
    source_language: str | None = Field(default=None, max_length=35)
    target_language: str | None = Field(default=None, max_length=35)


Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256, lower-case hex")]
FileName = Annotated[str, Field(min_length=1, max_length=255)]


class AttachmentBlob(Wire):
    """An uploaded file (``PUT /v1/attachments/{sha256}``): content-addressed, so the same
    bytes uploaded twice are one blob; ``content_type`` is what the server found in them."""

    id: Id = Field(description="The id messages name it by (the reference server: the hash)")
    sha256: Sha256
    size: int = Field(ge=0, description=f"Bytes; servers accept at most {MAX_ATTACHMENT_BYTES}")
    content_type: str = Field(max_length=255)
    width: int | None = Field(default=None, ge=0, description="Images: pixels, from the header")
    height: int | None = Field(default=None, ge=0)


class Attachment(AttachmentBlob):
    """A file on a message, with the name it was sent under (plain text, no folders)."""

    filename: FileName


def _first_files(value: object) -> object:
    """A message's files as a client keeps them: the first MAX_PER_MESSAGE valid ones (a
    server that sends more, or a malformed one, must not cost the customer's words)."""
    if not isinstance(value, list):
        return value
    kept: list[Attachment] = []
    for item in value:
        try:
            kept.append(Attachment.model_validate(item))
        except ValidationError:
            continue
        if len(kept) == MAX_PER_MESSAGE:
            break
    return kept


class AttachmentRef(Wire):
    """A file to put on a new message: an uploaded blob's id and the name to show."""

    id: Id
    filename: FileName


class Message(Wire):
    id: Id
    conversation_id: Id
    seq: int = Field(ge=1, description="Monotonic within the conversation, from 1")
    kind: MessageKind
    author: Author
    body: str = Field(max_length=MAX_BODY_CHARS, description="Plain text, as the reader sees it")
    language: str | None = Field(default=None, max_length=35)
    original_body: str | None = Field(
        default=None,
        max_length=MAX_BODY_CHARS,
        description="What the agent wrote, when ``body`` is its translation",
    )
    original_language: str | None = Field(default=None, max_length=35)
    provenance: Provenance | None = None
    created_at: Timestamp
    read_at: Timestamp | None = Field(
        default=None,
        description="Optional: when the customer read this agent message (a backend's read "
        "receipt); absent when unknown",
    )
    attachments: Annotated[
        list[Attachment],
        BeforeValidator(_first_files),  # more than a message may carry: the rest is dropped
    ] = Field(
        default_factory=list,
        max_length=MAX_PER_MESSAGE,
        description="Optional: files on the message (download: GET /v1/attachments/{id})",
    )


class TemplateUse(Wire):
    """The approved template a reply was written from, and the values it was filled with
    (a channel such as WhatsApp delivers only templates outside its service window)."""

    id: Id
    name: str = Field(min_length=1, max_length=512)
    language: str = Field(min_length=1, max_length=35)
    parameters: dict[str, Annotated[str, Field(max_length=1024)]] = Field(
        default_factory=dict, max_length=20
    )


class TemplateWrite(Wire):
    """A template as an administrator approves it; the server stamps ``updated_at``."""

    name: str = Field(min_length=1, max_length=512)
    channel: Channel
    language: str = Field(min_length=1, max_length=35)
    body: str = Field(min_length=1, max_length=4096)
    variables: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=20
    )


class MessageTemplate(TemplateWrite):
    """An approved message template: ``body`` has ``{{1}}``-style or named placeholders,
    ``variables`` names them in the order the agent fills them."""

    id: Id
    updated_at: Timestamp


class TemplateList(Wire):
    items: list[MessageTemplate] = Field(max_length=500)


class MessageCreate(Wire):
    """A reply or internal note; ``id`` is chosen by the client (a retry is a replay)."""

    id: Id
    kind: Literal["agent", "note"]
    # before ``body``, so the body's check sees them (a message may be files only)
    attachments: list[AttachmentRef] | None = Field(
        default=None,
        max_length=MAX_PER_MESSAGE,
        description="Optional: uploaded files (PUT /v1/attachments/{sha256}) to send with it",
    )
    body: str = Field(
        max_length=MAX_BODY_CHARS, description="Plain text; empty only when there are attachments"
    )
    language: str | None = Field(default=None, max_length=35)
    original_body: str | None = Field(default=None, max_length=MAX_BODY_CHARS)
    original_language: str | None = Field(default=None, max_length=35)
    provenance: Provenance | None = None
    client_created_at: Timestamp | None = None
    template: TemplateUse | None = Field(
        default=None, description="Optional: the approved template ``body`` was filled from"
    )

    @field_validator("body")
    @classmethod
    def _text_or_files(cls, body: str, info: ValidationInfo) -> str:
        if not body and not info.data.get("attachments"):
            raise ValueError("a message needs a body or attachments")
        return body


class TagOps(Wire):
    """Tag changes as operations, so concurrent edits merge instead of overwriting."""

    add: list[str] = Field(default_factory=list, max_length=50)
    remove: list[str] = Field(default_factory=list, max_length=50)


class ConversationPatch(Wire):
    """Fields to change; absent fields stay as they are (send ``assignee_id: null`` to unassign)."""

    status: Status | None = None
    assignee_id: Id | None = None
    snoozed_until: Timestamp | None = None
    tags: TagOps | None = None


class Article(Wire):
    """A knowledge article (global, or a regional overlay of one)."""

    id: Id
    version: int = Field(ge=1)
    locale: str = Field(max_length=35)
    region: str | None = Field(default=None, max_length=10)
    overlays: Id | None = Field(default=None, description="The global article this one extends")
    title: str = Field(max_length=500)
    body_markdown: str = Field(max_length=MAX_BODY_CHARS)
    tags: list[str] = Field(default_factory=list, max_length=50)
    updated_at: Timestamp


# ------------------------------------------------------------------------ feeds
class Tombstone(Wire):
    id: Id
    deleted_at: Timestamp
    reason: Literal["deleted", "access_revoked"] = "deleted"


class ConversationChanges(Wire):
    items: list[Conversation]
    deleted: list[Tombstone] = Field(default_factory=list)
    next_cursor: str
    has_more: bool


class MessageChanges(Wire):
    items: list[Message]
    deleted: list[Tombstone] = Field(default_factory=list)
    next_cursor: str
    has_more: bool


class ArticleChanges(Wire):
    items: list[Article]
    deleted: list[Tombstone] = Field(default_factory=list)
    next_cursor: str
    has_more: bool


class MessagePage(Wire):
    items: list[Message]
    has_more: bool
