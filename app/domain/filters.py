"""The inbox query: filters, sort order and search text, as one immutable value."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from app.domain.models import Channel, Status


class AssigneeFilter(StrEnum):
    """Whose conversations to show; a specific agent is given by id instead."""

    ALL = "all"
    ME = "me"
    UNASSIGNED = "unassigned"


class SlaFilter(StrEnum):
    """Response-time view: breached, or due within the next hour."""

    ANY = "any"
    BREACHED = "breached"
    DUE_SOON = "due_soon"


class SortOrder(StrEnum):
    """The two orders agents work by."""

    SLA_DUE = "sla_due"
    LAST_ACTIVITY = "last_activity"


DUE_SOON_SECONDS = 3600


@dataclass(frozen=True, slots=True)
class InboxQuery:
    """Everything that decides which conversations the list shows, in which order."""

    statuses: frozenset[Status] = frozenset({Status.OPEN, Status.PENDING})
    channel: Channel | None = None
    language: str | None = None  # primary subtag, e.g. "pt"
    country: str | None = None
    assignee: AssigneeFilter | int = AssigneeFilter.ALL
    sla: SlaFilter = SlaFilter.ANY
    tag: str | None = None
    search: str = ""
    sort: SortOrder = SortOrder.SLA_DUE

    def with_(self, **changes: object) -> InboxQuery:
        """Return a copy with some fields changed (the filter bar builds queries this way)."""
        return replace(self, **changes)  # type: ignore[arg-type]
