"""Queueing the agent's changes for the server, inside the local change's transaction.

Only a workspace signed in to a server has an outbox (meta ``sync_server``); the
demo workspace stays purely local. Each patch records what the agent saw before
changing it (``expected``), so a later 412 can tell a real conflict (someone
else changed the same thing) from an unrelated change (re-based silently).
"""

from __future__ import annotations

from typing import Any

from app.storage.repository import InboxRepository
from app.storage.sync_store import PATCH, SEND, SyncStore

SYNC_SERVER_KEY = "sync_server"
SYNC_AGENT_KEY = "sync_agent"


def synced(repo: InboxRepository) -> bool:
    return repo.meta(SYNC_SERVER_KEY) is not None


def _conversation(
    repo: InboxRepository, conversation_id: int
) -> tuple[str, int | None, str, str | None]:
    row = repo.conn.execute(
        "SELECT c.uid, c.server_version, c.status, a.uid FROM conversations c"
        " LEFT JOIN agents a ON a.id = c.assignee_id WHERE c.id = ?",
        (conversation_id,),
    ).fetchone()
    if row is None:
        raise KeyError(conversation_id)
    return row[0], row[1], row[2], row[3]


def state_before(repo: InboxRepository, conversation_id: int) -> dict[str, Any]:
    """What the agent sees now, for ``expected`` (read before the local change)."""
    _uid, _version, status, assignee = _conversation(repo, conversation_id)
    return {"status": status, "assignee_id": assignee}


def queue_message(repo: InboxRepository, conversation_id: int, message_uid: str, now: int) -> None:
    """Queue a stored reply or note for sending (inside the caller's transaction)."""
    if not synced(repo):
        return
    from app.contract import models as wire  # pydantic: only in signed-in workspaces

    uid, _version, _status, _assignee = _conversation(repo, conversation_id)
    row = repo.conn.execute(
        "SELECT kind, body, language, original_body, original_language, provenance, created_at"
        " FROM messages WHERE uid = ?",
        (message_uid,),
    ).fetchone()
    provenance = wire.Provenance.model_validate_json(row[5]) if row[5] else None
    payload = wire.MessageCreate(
        id=message_uid,
        kind=row[0],
        body=row[1],
        language=row[2],
        original_body=row[3],
        original_language=row[4],
        provenance=provenance,
        client_created_at=row[6],
    ).model_dump(mode="json", exclude_none=True)
    repo.conn.execute("UPDATE messages SET delivery = 'queued' WHERE uid = ?", (message_uid,))
    SyncStore(repo).enqueue(uid, SEND, payload, now, message_uid=message_uid)


def queue_patch(
    repo: InboxRepository,
    conversation_id: int,
    patch: dict[str, Any],
    expected: dict[str, Any],
    now: int,
) -> None:
    """Queue a conversation change; ``expected``: the fields' values the agent changed from."""
    if not synced(repo):
        return
    uid, version, _status, _assignee = _conversation(repo, conversation_id)
    SyncStore(repo).enqueue(
        uid, PATCH, {"patch": patch, "expected": expected}, now, base_version=version
    )
