"""Channel realities on the reference server: approved message templates (WhatsApp's
answer once its 24-hour window has closed), and the optional read receipts and typing
indicator a channel integration reports.

- ``GET /v1/templates``: every approved template (bounded list, not a feed: a backend
  has a handful, and the client replaces its copy with the list).
- ``PUT /v1/admin/templates/{id}`` / ``DELETE``: what an administrator (or a test) approves.
- ``POST /v1/inbound/signals``: an integration reports that the customer read agent
  messages (``read_at``; the message goes out in the feed again) or is typing
  (``customer_typing_until``; the conversation goes out in the feed again, its version
  unchanged: typing is not an edit an agent could conflict with).
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import Field
from sqlalchemy import JSON, BigInteger, Column, Connection, String, Table, Text, delete, select
from sqlalchemy import insert as sql_insert
from sqlalchemy import update as sql_update

from app.contract.models import (
    Id,
    MessageTemplate,
    TemplateList,
    TemplateWrite,
    Timestamp,
    Wire,
)
from app.domain.message_templates import MessageTemplate as DomainTemplate
from app.server import db, store
from app.server.auth import Admin, CurrentPrincipal, Integration
from app.server.db import next_seq
from app.server.idempotency import Outcome, json_response, run_idempotent
from app.server.problems import ProblemError, responses
from app.server.routes_inbox import ConversationId, IdempotencyKey
from app.server.state import server_state
from app.server.strict import strict_body

router = APIRouter(tags=["templates"])
MAX_TEMPLATES = 500
MAX_RECEIPTS = 500
TYPING_MAX_SECONDS = 120  # a typing indicator further ahead than this is clamped

templates = Table(
    "message_templates",
    db.metadata,
    Column("id", String(128), primary_key=True),
    Column("name", String(512), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("language", String(35), nullable=False),
    Column("body", Text, nullable=False),
    Column("variables", JSON, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)


class ReadReceipt(Wire):
    message_id: Id
    read_at: Timestamp


class ChannelSignals(Wire):
    """What a channel reports besides messages: read receipts and a typing indicator."""

    conversation_id: Id
    read: list[ReadReceipt] = Field(default_factory=list, max_length=MAX_RECEIPTS)
    customer_typing_until: Timestamp | None = Field(
        default=None, description="The customer is typing until then (clamped to 2 minutes)"
    )


class SignalsResult(Wire):
    read: int = Field(description="Agent messages whose read_at was set")
    customer_typing_until: Timestamp | None = None


def _template(row: object) -> MessageTemplate:
    return MessageTemplate.model_validate(row, from_attributes=True)


def seed_templates(conn: Connection, items: Iterable[DomainTemplate], now: int) -> None:
    """The demo's templates (resources/demo/templates.yaml), where not approved already."""
    for item in items:
        exists = conn.execute(select(templates.c.id).where(templates.c.id == item.uid)).first()
        if exists is None:
            body = TemplateWrite(
                name=item.name,
                channel=item.channel,  # type: ignore[arg-type]  # validated by the file's schema
                language=item.language,
                body=item.body,
                variables=list(item.variables),
            )
            put_template(conn, item.uid, body, now)


def list_templates(conn: Connection) -> list[MessageTemplate]:
    rows = conn.execute(
        select(templates).order_by(templates.c.name, templates.c.language).limit(MAX_TEMPLATES)
    ).all()
    return [_template(r) for r in rows]


def put_template(conn: Connection, template_id: str, body: TemplateWrite, now: int) -> bool:
    """Create or replace; returns whether it was created."""
    values = {**body.model_dump(mode="json"), "updated_at": now}
    exists = conn.execute(select(templates.c.id).where(templates.c.id == template_id)).first()
    if exists is None:
        count = len(conn.execute(select(templates.c.id)).all())
        if count >= MAX_TEMPLATES:
            raise ProblemError(409, "too_many_templates", f"At most {MAX_TEMPLATES} templates.")
        conn.execute(sql_insert(templates).values(id=template_id, **values))
        return True
    conn.execute(sql_update(templates).where(templates.c.id == template_id).values(**values))
    return False


@router.get("/v1/templates", response_model=TemplateList, responses=responses(401))
def get_templates(request: Request, _principal: CurrentPrincipal) -> Response:
    """Every approved message template (at most 500): what may be sent once a channel's
    customer-service window has closed. The list is the whole truth (no feed)."""
    state = server_state(request)
    with state.db.read() as conn:
        items = list_templates(conn)
    return json_response(200, TemplateList(items=items).model_dump_json())


@router.put(
    "/v1/admin/templates/{template_id}",
    dependencies=[Depends(strict_body(TemplateWrite))],
    response_model=MessageTemplate,
    responses={
        **responses(401, 403, 409, 422),
        201: {"model": MessageTemplate, "description": "Created"},
    },
)
def put_template_route(
    request: Request, template_id: ConversationId, body: TemplateWrite, _admin: Admin
) -> Response:
    """Approve (create, 201) or replace (200) a message template."""
    state = server_state(request)
    with state.db.write() as conn:
        created = put_template(conn, template_id, body, state.now())
        row = conn.execute(select(templates).where(templates.c.id == template_id)).one()
    return json_response(201 if created else 200, _template(row).model_dump_json())


@router.delete(
    "/v1/admin/templates/{template_id}",
    status_code=204,
    response_class=Response,
    responses=responses(401, 403, 422),
)
def delete_template(request: Request, template_id: ConversationId, _admin: Admin) -> Response:
    """Withdraw a template (it leaves the list). Deleting again is 204."""
    state = server_state(request)
    with state.db.write() as conn:
        conn.execute(delete(templates).where(templates.c.id == template_id))
    return Response(status_code=204)


@router.post(
    "/v1/inbound/signals",
    dependencies=[Depends(strict_body(ChannelSignals))],
    response_model=SignalsResult,
    responses=responses(400, 401, 403, 404, 409, 422),
    tags=["integrations"],
)
def inbound_signals(
    request: Request,
    body: ChannelSignals,
    idempotency_key: IdempotencyKey,
    principal: Integration,
) -> Response:
    """How a channel reports read receipts and typing (role admin or integration). Only
    agent messages of this conversation take a ``read_at`` (a later receipt never moves it
    back); the conversation's ``customer_typing_until`` is set (or cleared with null)."""
    state = server_state(request)

    def operation(conn: Connection) -> Outcome:
        now = state.now()
        if store.get_conversation(conn, body.conversation_id, lock=True) is None:
            raise ProblemError(404, "not_found", f"No conversation '{body.conversation_id}'.")
        read = 0
        for receipt in body.read:
            row = store.get_message_row(conn, receipt.message_id)
            if row is None or row.conversation_id != body.conversation_id or row.kind != "agent":
                continue
            at = min(receipt.read_at, now)
            if row.read_at is not None and row.read_at >= at:
                continue
            conn.execute(
                sql_update(db.messages)
                .where(db.messages.c.id == receipt.message_id)
                .values(read_at=at, change_seq=next_seq(conn, "messages"))
            )
            read += 1
        until = body.customer_typing_until
        if until is not None:
            until = min(until, now + TYPING_MAX_SECONDS)
        if "customer_typing_until" in body.model_fields_set:  # absent: left as it is
            conn.execute(
                sql_update(db.conversations)
                .where(db.conversations.c.id == body.conversation_id)
                .values(customer_typing_until=until, change_seq=next_seq(conn, "conversations"))
            )
        return Outcome(200, SignalsResult(read=read, customer_typing_until=until))

    return run_idempotent(
        request,
        principal,
        idempotency_key,
        body.model_dump(mode="json", exclude_unset=True),
        operation,
    )
