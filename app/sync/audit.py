"""Reading the server's review audit log (contract 1.2, ``GET /v1/audit``), for the
admin's "Audit log" window. Read online on the compute lane and never stored: the log is
the server's record, and a copy on a laptop would only go stale.

Bounded: a page is at most ``PAGE`` entries, each validated on its own (a malformed one is
dropped, not the page), and a reader stops offering more after ``MAX_ENTRIES``.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError

from app.contract.audit_models import AuditEntry, AuditPage
from app.sync.api import Syncer
from app.sync.client import ServerClient

PAGE = 200
MAX_ENTRIES = 5000  # what the window lists at most (the rest: ask the server's admin tools)


AuditReader = Callable[[int], AuditPage]


def read_page(client: ServerClient, since: int, limit: int = PAGE) -> AuditPage:
    """Compute lane: the entries after ``since`` (raises ServerProblemError: 403 for a
    non-admin, 404 for a backend without the log; NetworkError offline)."""
    response = client.request("GET", "/v1/audit", params={"since": since, "limit": limit})
    raw = response.json() if response.content else {}
    raw = raw if isinstance(raw, dict) else {}
    entries: list[AuditEntry] = []
    items = raw.get("items")
    for item in items[:limit] if isinstance(items, list) else []:
        try:
            entries.append(AuditEntry.model_validate(item))
        except ValidationError:
            continue
    next_since = raw.get("next_since")
    if not isinstance(next_since, int) or isinstance(next_since, bool) or next_since <= since:
        # a server that does not move on: stop here rather than ask for the same page again
        last = max([since, *(e.seq for e in entries)])
        return AuditPage(items=entries, next_since=last, has_more=False)
    return AuditPage(items=entries, next_since=next_since, has_more=raw.get("has_more") is True)


def reader_for(engine: Syncer | None) -> AuditReader | None:
    """The reader of a server workspace's engine (None for the demo or a file)."""
    from app.sync.engine import SyncEngine

    if not isinstance(engine, SyncEngine):
        return None
    client = engine.client
    return lambda since: read_page(client, since)
