"""The inbox query: filters, sort order and search text, as one immutable value."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, TypeVar

from app.domain.errors import LocalizedError
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
    held: bool = False  # only conversations with a reply held for human translation
    mentioned: bool = False  # only conversations where I am mentioned and have not looked
    held_for_me: bool = False  # only conversations with a held reply given to me to translate

    def with_(self, **changes: object) -> InboxQuery:
        """Return a copy with some fields changed (the filter bar builds queries this way)."""
        return replace(self, **changes)  # type: ignore[arg-type]


# ----------------------------------------------------------------- saved views
FILTERS_VERSION = 1
MAX_FILTERS_JSON = 4000  # a saved view's JSON; anything longer is not ours
MAX_SEARCH_CHARS = 500  # what the search box holds
MAX_VALUE_CHARS = 100  # a language, country or tag


def N_(message: str) -> str:  # noqa: N802 - marks a msgid (the domain cannot import i18n)
    return message


class FilterFormatError(LocalizedError):
    """A saved view's filters could not be read (damaged, or written by a newer CrossDesk)."""


def query_to_json(query: InboxQuery) -> str:
    """The filter combination as JSON (a saved view); the inverse of :func:`query_from_json`."""
    data: dict[str, Any] = {
        "v": FILTERS_VERSION,
        "statuses": sorted(s.value for s in query.statuses),
        "channel": query.channel.value if query.channel else None,
        "language": query.language,
        "country": query.country,
        "assignee": query.assignee
        if isinstance(query.assignee, int) and not isinstance(query.assignee, AssigneeFilter)
        else AssigneeFilter(query.assignee).value,
        "sla": query.sla.value,
        "tag": query.tag,
        "search": query.search,
        "sort": query.sort.value,
        "held": query.held,
        "mentioned": query.mentioned,
        "held_for_me": query.held_for_me,
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _text(data: dict[str, Any], key: str, limit: int) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise FilterFormatError(N_("“{key}” is not a valid value"), key=key)
    return value or None


_E = TypeVar("_E", bound=StrEnum)


def _choice(enum: type[_E], value: object, key: str) -> _E:
    if not isinstance(value, str):
        raise FilterFormatError(N_("“{key}” is not a valid value"), key=key)
    try:
        return enum(value)
    except ValueError:
        raise FilterFormatError(N_("“{key}” is not a valid value"), key=key) from None


def query_from_json(text: str) -> InboxQuery:
    """Read a saved view's filters, checking every field; FilterFormatError (with a message
    for the agent) for anything damaged, unknown or too large, never a crash."""
    if len(text) > MAX_FILTERS_JSON:
        raise FilterFormatError(N_("The saved filters are too large"))
    try:
        data = json.loads(text)
    except ValueError:
        raise FilterFormatError(N_("The saved filters are damaged")) from None
    if not isinstance(data, dict):
        raise FilterFormatError(N_("The saved filters are damaged"))
    if data.get("v") != FILTERS_VERSION:
        raise FilterFormatError(N_("The saved filters come from another version of CrossDesk"))
    known = {
        "v", "statuses", "channel", "language", "country", "assignee",
        "sla", "tag", "search", "sort", "held", "mentioned", "held_for_me",
    }  # fmt: skip
    unknown = sorted(set(data) - known)
    if unknown:
        raise FilterFormatError(N_("Unknown filter “{key}”"), key=str(unknown[0])[:40])
    statuses = data.get("statuses")
    if not isinstance(statuses, list) or not statuses or len(statuses) > len(Status):
        raise FilterFormatError(N_("“{key}” is not a valid value"), key="statuses")
    assignee_value = data.get("assignee", AssigneeFilter.ALL.value)
    assignee: AssigneeFilter | int
    if isinstance(assignee_value, int) and not isinstance(assignee_value, bool):
        assignee = assignee_value
    else:
        assignee = _choice(AssigneeFilter, assignee_value, "assignee")
    channel = data.get("channel")
    # A flag missing from the JSON is off: views saved before it existed still load.
    flags = {key: data.get(key, False) for key in ("held", "mentioned", "held_for_me")}
    for key, flag in flags.items():
        if not isinstance(flag, bool):
            raise FilterFormatError(N_("“{key}” is not a valid value"), key=key)
    search = data.get("search", "")
    if not isinstance(search, str) or len(search) > MAX_SEARCH_CHARS:
        raise FilterFormatError(N_("“{key}” is not a valid value"), key="search")
    return InboxQuery(
        statuses=frozenset(_choice(Status, s, "statuses") for s in statuses),
        channel=None if channel is None else _choice(Channel, channel, "channel"),
        language=_text(data, "language", MAX_VALUE_CHARS),
        country=_text(data, "country", MAX_VALUE_CHARS),
        assignee=assignee,
        sla=_choice(SlaFilter, data.get("sla", SlaFilter.ANY.value), "sla"),
        tag=_text(data, "tag", MAX_VALUE_CHARS),
        search=search,
        sort=_choice(SortOrder, data.get("sort", SortOrder.SLA_DUE.value), "sort"),
        held=flags["held"],
        mentioned=flags["mentioned"],
        held_for_me=flags["held_for_me"],
    )
