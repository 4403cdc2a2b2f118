"""Change feeds: ``GET /v1/{conversations,messages,articles}/changes``.

A page lists rows and tombstones whose ``change_seq`` is above the cursor, in seq
order. The cursor is opaque to clients; inside it is urlsafe base64 of
``{"v":1,"e":epoch,"c":collection,"s":last_seq,"f":floor}`` (plus ``"k"``, the digest
of the caller's scope, for a scoped caller: see app.server.scoping). ``e`` changes when
the database is recreated; ``f`` is the compaction floor when the cursor was issued; a
cursor of another scope is 410, as the history it would need was never sent. A
cursor below the current floor is still good if no compaction happened since it was
issued (it belongs to a snapshot taken after the last one); otherwise history it
needs is gone and the answer is 410 ``cursor_expired``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import Connection, Select, Table, select

from app.contract.models import (
    MAX_PAGE,
    ArticleChanges,
    ConversationChanges,
    MessageChanges,
    Tombstone,
)
from app.server import attachment_store, db, scoping, store
from app.server.auth import CurrentPrincipal, Principal
from app.server.db import current_seq, get_meta
from app.server.idempotency import json_response
from app.server.problems import ProblemError, responses
from app.server.scoping import Scope
from app.server.state import server_state

CURSOR_PATTERN = r"^[A-Za-z0-9_=-]{1,512}$"
_TABLES: dict[str, Table] = {
    "conversations": db.conversations,
    "messages": db.messages,
    "articles": db.articles,
}


def encode_cursor(epoch: str, collection: str, seq: int, floor: int, scope: str = "") -> str:
    data: dict[str, object] = {"v": 1, "e": epoch, "c": collection, "s": seq, "f": floor}
    if scope:
        data["k"] = scope
    raw = json.dumps(data)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _invalid() -> ProblemError:
    return ProblemError(
        400,
        "invalid_cursor",
        "The cursor is not one this server issued for this feed; start again without one.",
    )


def _expired() -> ProblemError:
    return ProblemError(
        410,
        "cursor_expired",
        "The history this cursor needs is gone; wipe this collection and take a new "
        "snapshot (request without a cursor).",
    )


def decode_cursor(
    text: str, collection: str, *, epoch: str, floor: int, newest: int, scope: str = ""
) -> tuple[int, int]:
    """(seq, floor-at-issue) from a cursor, or 400 / 410 as the contract says."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        data: Any = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise _invalid() from exc
    if not isinstance(data, dict) or data.get("v") != 1 or data.get("c") != collection:
        raise _invalid()
    seq, issued_floor, cursor_epoch = data.get("s"), data.get("f"), data.get("e")
    if not (
        isinstance(seq, int) and isinstance(issued_floor, int) and isinstance(cursor_epoch, str)
    ):
        raise _invalid()
    if cursor_epoch != epoch:
        raise _expired()  # the database was recreated since
    if data.get("k", "") != scope:
        raise _expired()  # issued under another scope: its pages left out what this one reads
    if seq < 0 or seq > newest or issued_floor > floor or issued_floor < 0:
        raise _invalid()
    if seq < floor and issued_floor != floor:
        raise _expired()
    return seq, issued_floor


def _page(
    conn: Connection, collection: str, after: int, limit: int, scope: Scope
) -> tuple[list[Any], bool]:
    """Rows and tombstones after ``after``, merged in seq order, at most ``limit``; rows
    outside the caller's scope are left out (tombstones name ids only: all go out)."""
    table = _TABLES[collection]
    # Annotated: mypy 2.4 crashes inferring the join of the two branches' types.
    base: Select[Any] = (
        store.conversation_select() if collection == "conversations" else select(table)
    )
    inside = _SCOPE_CLAUSES[collection](scope)
    if inside is not None:
        base = base.where(inside)
    rows = conn.execute(
        base.where(table.c.change_seq > after).order_by(table.c.change_seq).limit(limit + 1)
    ).all()
    graves = conn.execute(
        select(db.tombstones)
        .where(db.tombstones.c.collection == collection, db.tombstones.c.change_seq > after)
        .order_by(db.tombstones.c.change_seq)
        .limit(limit + 1)
    ).all()
    merged = sorted([*rows, *graves], key=lambda r: r.change_seq)
    return merged[:limit], len(merged) > limit


_SCOPE_CLAUSES: dict[str, Callable[[Scope], Any]] = {
    "conversations": scoping.conversation_clause,
    "messages": scoping.message_clause,
    "articles": lambda _scope: None,  # the knowledge base is everyone's
}
_CONVERTERS = {
    "conversations": store.conversation_from_row,
    "messages": store.message_from_row,
    "articles": store.article_from_row,
}
_PAGE_MODELS = {
    "conversations": ConversationChanges,
    "messages": MessageChanges,
    "articles": ArticleChanges,
}


def read_changes(
    request: Request, principal: Principal, collection: str, cursor: str | None, limit: int
) -> Response:
    state = server_state(request)
    scope = scoping.scope_of(principal) if collection != "articles" else scoping.UNLIMITED
    scope_key = scope.key()
    state.maybe_maintain()
    with state.db.read() as conn:
        epoch, floor = get_meta(conn, "epoch"), int(get_meta(conn, "floor"))
        newest = current_seq(conn)
        if cursor is None:
            after, issued_floor = 0, floor
        else:
            after, issued_floor = decode_cursor(
                cursor, collection, epoch=epoch, floor=floor, newest=newest, scope=scope_key
            )
        key = (collection, cursor or "", limit, epoch, floor, scope_key)
        cached = state.feed_pages.get(key, newest)
        if cached is not None:  # another reader built this very page at this very state
            return json_response(200, cached)
        page, has_more = _page(conn, collection, after, limit, scope)
        files = attachment_store.files_of_page(conn, collection, page)
    items, deleted = [], []
    for row in page:
        if "deleted_at" in row._fields:
            deleted.append(Tombstone(id=row.id, deleted_at=row.deleted_at, reason=row.reason))
        else:
            items.append(attachment_store.with_files(_CONVERTERS[collection](row), files))
    last = page[-1].change_seq if page else after
    if not has_more and not scope.unlimited:
        last = max(last, newest)  # past what the caller may not read (none of it is later)
    body = _PAGE_MODELS[collection](
        items=items,
        deleted=deleted,
        next_cursor=encode_cursor(epoch, collection, last, issued_floor, scope_key),
        has_more=has_more,
    )
    text = body.model_dump_json()
    state.feed_pages.put(key, newest, text)
    return json_response(200, text)


router = APIRouter(tags=["feeds"])
Cursor = Annotated[
    str | None,
    Query(
        pattern=CURSOR_PATTERN,
        description="Opaque: the next_cursor of the previous page; absent for a full snapshot",
    ),
]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size")]
FEED_RESPONSES = responses(400, 401, 410, 422)


@router.get(
    "/v1/conversations/changes", response_model=ConversationChanges, responses=FEED_RESPONSES
)
def conversation_changes(
    request: Request, _principal: CurrentPrincipal, cursor: Cursor = None, limit: Limit = 100
) -> Response:
    """Conversations changed after the cursor (full objects) and deleted ones (tombstones).
    Delivery is at least once: upsert by (id, version)."""
    return read_changes(request, _principal, "conversations", cursor, limit)


@router.get("/v1/messages/changes", response_model=MessageChanges, responses=FEED_RESPONSES)
def message_changes(
    request: Request, _principal: CurrentPrincipal, cursor: Cursor = None, limit: Limit = 100
) -> Response:
    """Messages of every conversation, created or erased after the cursor."""
    return read_changes(request, _principal, "messages", cursor, limit)


@router.get("/v1/articles/changes", response_model=ArticleChanges, responses=FEED_RESPONSES)
def article_changes(
    request: Request, _principal: CurrentPrincipal, cursor: Cursor = None, limit: Limit = 100
) -> Response:
    """Knowledge articles changed or deleted after the cursor."""
    return read_changes(request, _principal, "articles", cursor, limit)
