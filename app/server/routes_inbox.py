"""Conversations and messages: read one, change one (If-Match), read and post messages,
and let channel integrations deliver customer messages (``/v1/inbound/messages``)."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy import Connection

from app.contract.models import (
    MAX_PAGE,
    Author,
    Conversation,
    ConversationPatch,
    FieldError,
    Message,
    MessageCreate,
    MessagePage,
)
from app.server import attachment_store, scoping, store
from app.server.auth import CurrentPrincipal, Integration, Principal
from app.server.config import CHANNEL_SLA_SECONDS
from app.server.idempotency import Outcome, json_response, run_idempotent
from app.server.problems import ProblemError, responses
from app.server.schemas import InboundRequest, InboundResult
from app.server.state import server_state
from app.server.strict import strict_body

router = APIRouter(tags=["inbox"])

ID_PATTERN = r"^[A-Za-z0-9._:-]+$"
ConversationId = Annotated[str, Path(min_length=1, max_length=128, pattern=ID_PATTERN)]
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="A fresh UUID per operation, reused on every retry of it (kept 72 h)",
    ),
]
IfMatch = Annotated[
    str,
    Header(
        alias="If-Match",
        description='The ETag last seen, e.g. "3"; any value that is not the current ETag '
        "(weak, unquoted, empty, malformed) is 412 version_mismatch",
    ),
]
ETAG_HEADER = {"ETag": {"schema": {"type": "string"}, "required": True}}
MAX_TAGS = 100
MAX_TAG_CHARS = 100
MAX_IF_MATCH_CHARS = 1000  # a longer If-Match is compared with nothing: it never matches


def etag(conversation: Conversation) -> str:
    return f'"{conversation.version}"'


def etag_matches(if_match: str, version: int) -> bool:
    """RFC 9110 strong comparison: weak tags (W/) never match; ``*`` matches any; a
    malformed or oversized value matches nothing (412, never 422)."""
    if len(if_match) > MAX_IF_MATCH_CHARS:
        return False
    for candidate in (part.strip() for part in if_match.split(",")):
        if candidate == "*" or candidate == f'"{version}"':
            return True
    return False


def _not_found(conversation_id: str) -> ProblemError:
    return ProblemError(404, "not_found", f"No conversation '{conversation_id}'.")


def _invalid(pointer: str, code: str, detail: str) -> ProblemError:
    return ProblemError(
        422,
        "validation_failed",
        detail,
        errors=[FieldError(pointer=pointer, code=code, detail=detail)],
    )


@router.get(
    "/v1/conversations/{conversation_id}",
    response_model=Conversation,
    responses={
        **responses(401, 404, 422),
        200: {
            "description": "The conversation",
            "headers": ETAG_HEADER,
        },
    },
)
def get_conversation(
    request: Request, conversation_id: ConversationId, principal: CurrentPrincipal
) -> Response:
    """One conversation with its customer; ``ETag`` is its version, for If-Match. One
    outside the caller's scope (contract 1.2) is 404, as if it did not exist."""
    state = server_state(request)
    with state.db.read() as conn:
        conversation = store.get_conversation(conn, conversation_id)
    if conversation is None or not scoping.can_read(principal, conversation):
        raise _not_found(conversation_id)
    return json_response(200, conversation.model_dump_json(), etag(conversation))


def _changes(
    conn: Connection, current: Conversation, patch: ConversationPatch
) -> dict[str, object]:
    """Column values a patch changes (empty when it changes nothing), or 422."""
    sent = patch.model_fields_set
    values: dict[str, object] = {}
    status = patch.status if "status" in sent and patch.status is not None else current.status
    snoozed = patch.snoozed_until if "snoozed_until" in sent else current.snoozed_until
    if status == "snoozed":
        if snoozed is None:
            raise _invalid("/snoozed_until", "missing", "Snoozing needs snoozed_until.")
    elif "snoozed_until" in sent and patch.snoozed_until is not None:
        raise _invalid(
            "/snoozed_until", "not_snoozed", "snoozed_until is only for status 'snoozed'."
        )
    else:
        snoozed = None
    if status != current.status:
        values["status"] = status
        if status == "resolved":
            values["sla_due_at"] = None
    if snoozed != current.snoozed_until:
        values["snoozed_until"] = snoozed
    if "assignee_id" in sent and patch.assignee_id != current.assignee_id:
        if patch.assignee_id is not None and not store.agent_exists(conn, patch.assignee_id):
            raise _invalid("/assignee_id", "unknown_agent", "No such agent (see /v1/agents).")
        values["assignee_id"] = patch.assignee_id
    if patch.tags is not None:
        add = clean_tags(patch.tags.add, "add")
        remove = clean_tags(patch.tags.remove, "remove")
        tags = [t for t in current.tags if t not in remove]
        tags += [t for t in dict.fromkeys(add) if t not in tags and t not in remove]
        if len(tags) > MAX_TAGS:
            raise _invalid("/tags", "too_many", f"A conversation has at most {MAX_TAGS} tags.")
        if tags != current.tags:
            values["tags"] = tags
    return values


def clean_tags(tags: list[str], where: str) -> list[str]:
    """The contract's tag rule, the one the client applies: surrounding white space is
    trimmed, then 1 to MAX_TAG_CHARS characters without control characters; case counts."""
    cleaned = []
    for index, raw in enumerate(tags):
        tag = raw.strip()
        if not tag or len(tag) > MAX_TAG_CHARS or any(unicodedata.category(c) == "Cc" for c in tag):
            raise _invalid(
                f"/tags/{where}/{index}",
                "invalid_tag",
                f"A tag has 1 to {MAX_TAG_CHARS} characters (trimmed), no control characters.",
            )
        cleaned.append(tag)
    return cleaned


@router.patch(
    "/v1/conversations/{conversation_id}",
    dependencies=[Depends(strict_body(ConversationPatch))],
    response_model=Conversation,
    responses={
        **responses(400, 401, 404, 409, 412, 422, 428),
        200: {
            "description": "The conversation after the change",
            "headers": ETAG_HEADER,
        },
    },
)
def patch_conversation(
    request: Request,
    conversation_id: ConversationId,
    patch: ConversationPatch,
    if_match: IfMatch,
    idempotency_key: IdempotencyKey,
    principal: CurrentPrincipal,
) -> Response:
    """Change status, assignee, snooze or tags. Needs If-Match with the current ETag:
    a stale one gets 412 ``version_mismatch`` with ``current``; tag ops merge, so
    re-applying them on top of ``current`` is always safe. Tags are trimmed (1-100
    characters, case-sensitive); tags in both add and remove end up removed. Resolving
    clears ``sla_due_at``; no other change starts or stops the SLA clock."""
    state = server_state(request)
    payload = patch.model_dump(mode="json", exclude_unset=True)

    def operation(conn: Connection) -> Outcome:
        current = store.get_conversation(conn, conversation_id, lock=True)
        if current is None or not scoping.can_read(principal, current):
            raise _not_found(conversation_id)
        if not etag_matches(if_match, current.version):
            raise ProblemError(
                412,
                "version_mismatch",
                f"{conversation_id} is at version {current.version}; If-Match was {if_match}.",
                current=current.model_dump(mode="json"),
                headers={"ETag": etag(current)},
            )
        values = _changes(conn, current, patch)
        if values:
            store.update_conversation(conn, conversation_id, state.now(), **values)
            current = store.get_conversation(conn, conversation_id)
            assert current is not None
        return Outcome(200, current, etag(current))

    return run_idempotent(request, principal, idempotency_key, payload, operation)


@router.get(
    "/v1/conversations/{conversation_id}/messages",
    response_model=MessagePage,
    responses=responses(401, 404, 422),
)
def list_messages(
    request: Request,
    conversation_id: ConversationId,
    principal: CurrentPrincipal,
    after_seq: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> Response:
    """Messages with seq above ``after_seq``, oldest first."""
    state = server_state(request)
    with state.db.read() as conn:
        if not scoping.can_read(principal, store.get_conversation(conn, conversation_id)):
            raise _not_found(conversation_id)
        items, has_more = store.list_messages(conn, conversation_id, after_seq, limit)
    return json_response(200, MessagePage(items=items, has_more=has_more).model_dump_json())


def _message_id_conflict(message_id: str) -> ProblemError:
    return ProblemError(
        409,
        "message_id_conflict",
        f"Message id '{message_id}' already holds a different message; choose a new id.",
    )


@router.post(
    "/v1/conversations/{conversation_id}/messages",
    dependencies=[Depends(strict_body(MessageCreate))],
    response_model=Message,
    status_code=201,
    responses={
        **responses(400, 401, 404, 409, 422),
        200: {
            "model": Message,
            "description": "This message id was posted before with the same content: "
            "the stored message",
        },
    },
)
def post_message(
    request: Request,
    conversation_id: ConversationId,
    body: MessageCreate,
    idempotency_key: IdempotencyKey,
    principal: CurrentPrincipal,
) -> Response:
    """Post a reply or an internal note. The client picks the id: posting the same id
    with the same content again returns the stored message (200), never a duplicate.
    A reply clears the SLA clock."""
    state = server_state(request)
    content = body.model_dump(mode="json", exclude={"client_created_at"})
    for added_later in ("attachments", "template"):  # absent: the fingerprint of before
        if not content.get(added_later):
            content.pop(added_later, None)
    message_fingerprint = store.fingerprint({"conversation_id": conversation_id, **content})

    def operation(conn: Connection) -> Outcome:
        conversation = store.get_conversation(conn, conversation_id, lock=True)
        if not scoping.can_read(principal, conversation):
            raise _not_found(conversation_id)
        existing = store.get_message_row(conn, body.id)
        if existing is not None:
            if existing.fingerprint != message_fingerprint:
                raise _message_id_conflict(body.id)
            stored = store.message_from_row(existing)
            return Outcome(200, attachment_store.one(conn, stored))
        attachment_store.check_refs(conn, body.attachments)
        now = state.now()
        message = store.append_message(
            conn,
            message_id=body.id,
            conversation_id=conversation_id,
            kind=body.kind,
            author=_author(principal),
            body=body.body,
            created_at=now,
            message_fingerprint=message_fingerprint,
            language=body.language,
            original_body=body.original_body,
            original_language=body.original_language,
            provenance=body.provenance,
        )
        message = attachment_store.attach(conn, message, body.attachments)
        values: dict[str, object] = {"last_message_seq": message.seq}
        if body.kind == "agent":
            values.update(sla_due_at=None, last_activity_at=now)
        store.update_conversation(conn, conversation_id, now, **values)
        return Outcome(201, message)

    return run_idempotent(
        request,
        principal,
        idempotency_key,
        body.model_dump(mode="json", exclude_unset=True),
        operation,
    )


def _author(principal: Principal) -> Author:
    return Author(type="agent", id=principal.account_id, name=principal.name[:200])


@router.post(
    "/v1/inbound/messages",
    dependencies=[Depends(strict_body(InboundRequest))],
    response_model=InboundResult,
    status_code=201,
    responses={
        **responses(400, 401, 403, 409, 422),
        200: {
            "model": InboundResult,
            "description": "This message id was delivered before: the stored result",
        },
    },
    tags=["integrations"],
)
def inbound_message(
    request: Request,
    body: InboundRequest,
    idempotency_key: IdempotencyKey,
    principal: Integration,
) -> Response:
    """How customer messages enter from channels (role admin or integration). Creates
    the conversation on its first message (status open, SLA by channel, from receipt),
    appends a customer message and reopens a pending, snoozed or resolved conversation
    (starting its SLA if none runs). A later message keeps the conversation's channel,
    subject, language and customer details (only ``fields`` are replaced). Delivering
    the same message id with the same content again (any Idempotency-Key) changes
    nothing and returns 200 with the stored message and the conversation as it is now,
    ``created_conversation: false``; other content under that id is 409
    ``message_id_conflict``; a conversation id of another customer is 409
    ``conversation_conflict``."""
    state = server_state(request)
    incoming, message_in = body.conversation, body.message
    message_fingerprint = store.fingerprint(
        {"conversation_id": incoming.id, "kind": "customer", **message_in.model_dump(mode="json")}
    )

    def operation(conn: Connection) -> Outcome:
        now = state.now()
        conversation = store.get_conversation(conn, incoming.id, lock=True)
        existing = store.get_message_row(conn, message_in.id)
        if existing is not None:
            if existing.fingerprint != message_fingerprint:
                raise _message_id_conflict(message_in.id)
            stored = store.get_conversation(conn, existing.conversation_id)
            assert stored is not None
            result = InboundResult(
                conversation=stored,
                message=attachment_store.one(conn, store.message_from_row(existing)),
                created_conversation=False,
            )
            return Outcome(200, result)
        if conversation is not None and conversation.customer.id != incoming.customer.id:
            raise ProblemError(
                409,
                "conversation_conflict",
                f"Conversation '{incoming.id}' belongs to another customer.",
            )
        attachment_store.check_refs(conn, message_in.attachments)
        sent_at = min(message_in.created_at or now, now)
        # The SLA runs from receipt, by the conversation's channel (the first message's)
        channel = incoming.channel if conversation is None else conversation.channel
        due = now + CHANNEL_SLA_SECONDS[channel]
        customer = incoming.customer
        message = store.append_message(
            conn,
            message_id=message_in.id,
            conversation_id=incoming.id,
            kind="customer",
            author=Author(type="customer", id=customer.id, name=customer.name[:200]),
            body=message_in.body,
            created_at=sent_at,
            message_fingerprint=message_fingerprint,
            language=message_in.language,
        )
        message = attachment_store.attach(conn, message, message_in.attachments)
        if conversation is None:
            store.upsert_customer(conn, customer)
            store.insert_conversation(
                conn,
                id=incoming.id,
                customer_id=customer.id,
                channel=incoming.channel,
                subject=incoming.subject,
                status="open",
                assignee_id=None,
                tags=[],
                language=incoming.language or customer.language,
                sla_due_at=due,
                snoozed_until=None,
                last_message_seq=message.seq,
                last_activity_at=sent_at,
                created_at=now,
                updated_at=now,
                fields=incoming.fields,
                team=incoming.team,
                region=incoming.region,
            )
        else:
            values: dict[str, object] = {
                "last_message_seq": message.seq,
                "last_activity_at": max(conversation.last_activity_at, sent_at),
            }
            if incoming.fields is not None:  # order details moved on (shipped, refunded)
                values["fields"] = incoming.fields
            if customer.fields is not None:
                store.upsert_customer(conn, customer)
            if conversation.status != "open":
                values.update(status="open", snoozed_until=None)
            if conversation.sla_due_at is None:
                values["sla_due_at"] = due
            store.update_conversation(conn, incoming.id, now, **values)
        stored = store.get_conversation(conn, incoming.id)
        assert stored is not None
        result = InboundResult(
            conversation=stored, message=message, created_conversation=conversation is None
        )
        return Outcome(201, result)

    return run_idempotent(
        request,
        principal,
        idempotency_key,
        body.model_dump(mode="json", exclude_unset=True),
        operation,
    )
