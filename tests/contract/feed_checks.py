"""Checks every versioned-record feed of the contract passes alike (review objects,
training records), written once so the suites hold each family to the same rules."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from tests.contract.client import Api, expect_problem


def ids(api: Api, collection: str, cursor: str | None = None) -> set[str]:
    """The ids of the items the feed holds after the cursor (all of them without one)."""
    items, _, _ = api.drain(collection, cursor)
    return {item["id"] for item in items}


def check_pages_match(api: Api, agent_api: Api, collection: str, page: type[BaseModel]) -> None:
    """A page read by an admin and by an agent is a valid page model within its limit."""
    for client in (api, agent_api):
        response = client.feed(collection, limit=2)
        assert response.status_code == 200, response.text
        read = page.model_validate(response.json()).model_dump()
        assert len(read["items"]) + len(read["deleted"]) <= 2
        assert read["next_cursor"]


def check_foreign_cursors_are_400(api: Api, collection: str) -> None:
    """Another feed's cursor, or no cursor at all, is 400 ``invalid_cursor``."""
    _, _, cursor = api.drain("conversations")
    expect_problem(api.feed(collection, cursor), 400, "invalid_cursor")
    expect_problem(api.feed(collection, "not-a-cursor"), 400, "invalid_cursor")


def check_compaction_expires_cursors(api: Api, collection: str, write: Callable[[], str]) -> None:
    """After a compaction an old cursor is 410 ``cursor_expired``; a new snapshot has what
    was written before it, and the fresh cursor sees only what is written after.
    ``write`` creates one record (201) and returns its id."""
    _, _, old = api.drain(collection)
    first = write()
    assert api.post("/v1/admin/compact").status_code == 200
    expect_problem(api.feed(collection, old), 410, "cursor_expired")
    items, _, fresh = api.drain(collection, limit=2)  # recovery: a new snapshot
    assert first in {item["id"] for item in items}
    second = write()
    assert ids(api, collection, fresh) == {second}


def check_delete_needs_the_version(api: Api, path: str, collection: str) -> dict[str, Any]:
    """The record at ``path`` (at version 2) is deleted under the contract's rules: no
    If-Match is 428, a stale one 412 with the current record (returned, for the caller's
    checks); the delete at version 2 replays under its Idempotency-Key, and the feed after
    it holds only the tombstone."""
    _, _, cursor = api.drain(collection)
    expect_problem(api.delete(path, if_match=None), 428, "precondition_required")
    stale = expect_problem(api.delete(path, if_match='"1"'), 412, "version_mismatch")
    assert stale.current is not None and stale.current["version"] == 2
    key = str(uuid.uuid4())
    gone = api.delete(path, if_match='"2"', key=key)
    assert gone.status_code == 200, gone.text
    replay = api.delete(path, if_match='"2"', key=key)
    assert replay.json() == gone.json() and replay.headers.get("idempotent-replayed") == "true"
    items, deleted, _ = api.drain(collection, cursor)
    assert items == [] and [t["id"] for t in deleted] == [path.rsplit("/", 1)[1]]
    return stale.current
