"""Queueing the agent's changes for the server, inside the local change's transaction.

Only a workspace signed in to a server has an outbox (meta ``sync_server``); the
demo workspace stays purely local. Each patch records what the agent saw before
changing it (``expected``), so a later 412 can tell a real conflict (someone
else changed the same thing) from an unrelated change (re-based silently).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from app.domain.message_templates import TemplateUse
from app.domain.models import MessageKind
from app.storage.store import Store
from app.storage.sync_store import PATCH, SEND

SYNC_SERVER_KEY = "sync_server"
SYNC_AGENT_KEY = "sync_agent"
QUEUED = "queued"  # messages.delivery of a reply with an operation in the outbox


@dataclass(frozen=True, slots=True)
class QueuedMessage:
    """A stored reply or note as the server will receive it (the values just written)."""

    uid: str
    kind: MessageKind
    body: str
    created_at: int
    language: str | None = None
    original_body: str | None = None
    original_language: str | None = None
    provenance: str | None = None  # Provenance JSON
    template: TemplateUse | None = None  # the approved template it was filled from
    files: tuple[tuple[str, str], ...] = ()  # (sha256, name): uploaded first (app.sync.attachments)


def synced(store: Store) -> bool:
    return store.meta.get(SYNC_SERVER_KEY) is not None


def mark_server_workspace(
    store: Store, server_url: str, agent_id: str, agent_name: str | None
) -> None:
    """This store mirrors a server; "me" is the signed-in agent."""
    with store.transaction():
        store.meta.set(SYNC_SERVER_KEY, server_url)
        store.meta.set(SYNC_AGENT_KEY, agent_id)
        store.meta.set("me_agent_uid", agent_id)
        if store.conversations.agent_by_uid(agent_id) is None:
            store.conversations.upsert_agent(agent_id, agent_name or agent_id, None)


def state_before(store: Store, conversation_id: int) -> dict[str, Any]:
    """What the agent sees now, for ``expected`` (read before the local change)."""
    _uid, _version, status, assignee = store.outbox.conversation_head(conversation_id)
    return {"status": status, "assignee_id": assignee}


def queue_message(store: Store, conversation_id: int, message: QueuedMessage, now: int) -> None:
    """Queue a reply or note for sending, inside the transaction that wrote it (already
    marked ``delivery = QUEUED``, by a caller that checked :func:`synced`)."""
    from app.contract import models as wire  # pydantic: only in signed-in workspaces

    uid, _version, _status, _assignee = store.outbox.conversation_head(conversation_id)
    provenance = (
        wire.Provenance.model_validate_json(message.provenance) if message.provenance else None
    )
    payload = wire.MessageCreate(
        id=message.uid,
        kind="note" if message.kind is MessageKind.NOTE else "agent",
        body=message.body,
        language=message.language,
        original_body=message.original_body,
        original_language=message.original_language,
        provenance=provenance,
        client_created_at=message.created_at,
        template=_template(wire, message.template),
        attachments=[wire.AttachmentRef(id=sha, filename=name) for sha, name in message.files]
        or None,
    ).model_dump(mode="json", exclude_none=True)
    store.outbox.enqueue(uid, SEND, payload, now, message_uid=message.uid)


def _template(wire: Any, use: TemplateUse | None) -> Any:
    """The wire's ``template`` for a reply filled from an approved template, else None."""
    if use is None:
        return None
    return wire.TemplateUse(
        id=use.uid, name=use.name, language=use.language, parameters=dict(use.parameters)
    )


def queue_patch(
    store: Store,
    conversation_id: int,
    patch: dict[str, Any],
    expected: dict[str, Any],
    now: int,
) -> None:
    """Queue a conversation change; ``expected``: the fields' values the agent changed from."""
    if not synced(store):
        return
    uid, version, _status, _assignee = store.outbox.conversation_head(conversation_id)
    store.outbox.enqueue(
        uid, PATCH, {"patch": patch, "expected": expected}, now, base_version=version
    )


def queue_annotation_delete(store: Store, annotation_id: int, now: int | None = None) -> None:
    """Queue the deletion of an annotation the server has (call before deleting it, in the
    same transaction). One never sent needs nothing: its queued creation finds no row."""
    if not synced(store):
        return
    found = store.remote_reviews.annotation_to_delete(annotation_id)
    if found is None or found[2] is None:
        return
    uid, conversation_uid, server_version = found
    at = int(time.time()) if now is None else now
    store.outbox.enqueue(
        conversation_uid, "delete_annotation", {"uid": uid}, at, base_version=server_version
    )
