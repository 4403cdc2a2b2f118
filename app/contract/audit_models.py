"""The review audit log on the wire (contract 1.2, ``GET /v1/audit``; see GUIDE.md
"Roles and scopes"): ids, roles and times only, never the text of a message or review."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from app.contract.models import Id, Role, Timestamp, Wire

AuditAction = Literal["review_read", "review_write", "annotation_write", "annotation_delete"]


class AuditEntry(Wire):
    """One access to another agent's work: who, in which role, did what, on which
    conversation, when."""

    seq: int = Field(ge=1, description="Increasing; the position GET /v1/audit?since= takes")
    at: Timestamp
    actor_id: Id
    actor_roles: list[Role] = Field(default_factory=list)
    action: AuditAction
    conversation_id: Id
    agent_id: Id | None = Field(
        default=None, description="The agent whose work it was (the reviewed or assigned one)"
    )
    record_id: Id | None = Field(default=None, description="The review or annotation")


class AuditPage(Wire):
    items: list[AuditEntry]
    next_since: int = Field(ge=0, description="Pass as since= for the entries after these")
    has_more: bool
