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

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

CONTRACT_VERSION = "1.0"
MAX_PAGE = 500
MAX_BODY_CHARS = 200_000  # the longest message body a server must accept (and a client sends)

Id = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")]
Timestamp = Annotated[int, Field(ge=0, description="Seconds since 1970-01-01 UTC")]
Role = Literal["agent", "lead", "trainer", "admin"]
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


class Capabilities(Wire):
    articles: bool = True
    annotations: bool = False
    scenarios: bool = False


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


class AgentList(Wire):
    items: list[Agent]


# ------------------------------------------------------------------------ inbox
class Customer(Wire):
    id: Id
    name: str = Field(max_length=500)
    country: str = Field(default="", max_length=2)
    language: str = Field(default="", max_length=35)
    timezone: str = Field(default="UTC", max_length=64)
    handles: dict[str, str] = Field(default_factory=dict, max_length=20)


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
    last_message_seq: int = Field(ge=0, description="Seq of the newest message")
    last_activity_at: Timestamp
    created_at: Timestamp
    updated_at: Timestamp


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


class MessageCreate(Wire):
    """A reply or internal note; ``id`` is chosen by the client (a retry is a replay)."""

    id: Id
    kind: Literal["agent", "note"]
    body: str = Field(min_length=1, max_length=MAX_BODY_CHARS)
    language: str | None = Field(default=None, max_length=35)
    original_body: str | None = Field(default=None, max_length=MAX_BODY_CHARS)
    original_language: str | None = Field(default=None, max_length=35)
    provenance: Provenance | None = None
    client_created_at: Timestamp | None = None


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
