"""``GET /v1/events``: a server-sent-events stream telling a client which change feeds
moved, within a moment of the commit, so it reads them now instead of at its next poll.

The stream carries positions and feed names only (a hint: the client reads the feeds
from its own cursors). Its position is ``<epoch>.<change_seq>``: the global change
counter of the database, so ``Last-Event-ID`` says exactly what a reconnecting client
has heard, and the feeds changed since are found by asking each feed table for rows
above it. Sent with sse-starlette's ``EventSourceResponse``: it watches for the client
going away while the stream waits, sends the heartbeat from its own task under a lock
shared with the events, bounds every send (a client that stops reading is dropped), and
ends open streams when uvicorn is told to stop, which a plain ``StreamingResponse``
would each need written by hand.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import Response
from sqlalchemy import Connection, Table, func, select
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from app.server import db, review_store, training_store
from app.server.auth import CurrentPrincipal, live_token_row
from app.server.db import FEED_NAMES, current_seq, get_meta
from app.server.live import FEEDS, LiveRuntime, StreamRefusedError, Subscription
from app.server.problems import ProblemError, responses
from app.server.state import ServerState, server_state

RETRY_MS = 2000  # the client's EventSource reconnect delay (ours uses its own backoff)
SEND_TIMEOUT = 30.0  # seconds a client may leave one send unread before it is dropped
MAX_EVENT_ID_CHARS = 200  # a longer Last-Event-ID is not one we issued: all feeds
EVENT_STREAM = "text/event-stream"

# feed (wire name) -> (its table, the collection its tombstones carry)
_COLLECTIONS: dict[str, Table] = {
    "conversations": db.conversations,
    "messages": db.messages,
    "articles": db.articles,
    **review_store.RECORDS.tables,
    **training_store.RECORDS.tables,
}
FEED_TABLES: dict[str, tuple[Table, str]] = {
    FEED_NAMES.get(collection, collection): (table, collection)
    for collection, table in _COLLECTIONS.items()
}
assert set(FEED_TABLES) == set(FEEDS), "every feed has a table, every table a feed"


class EventStream(Response):
    """Names the media type of ``GET /v1/events`` in the OpenAPI document."""

    media_type = EVENT_STREAM


def live_runtime(request: Request) -> LiveRuntime:
    runtime: LiveRuntime = request.app.state.live
    return runtime


def position(epoch: str, seq: int) -> str:
    return f"{epoch}.{seq}"


def changed_since(conn: Connection, last_event_id: str, *, epoch: str, newest: int) -> list[str]:
    """The feeds with a row or tombstone above the position ``last_event_id``; every feed
    when it is not a position of this database that its history still covers."""
    seen_epoch, _, seq_text = last_event_id.strip().rpartition(".")
    floor = int(get_meta(conn, "floor"))
    if (
        len(last_event_id) > MAX_EVENT_ID_CHARS
        or seen_epoch != epoch
        or not seq_text.isdigit()
        or not floor <= int(seq_text) <= newest
    ):
        return list(FEEDS)
    seen = int(seq_text)
    if seen == newest:
        return []
    buried = set(
        conn.execute(
            select(db.tombstones.c.collection).where(db.tombstones.c.change_seq > seen).distinct()
        ).scalars()
    )
    changed = []
    for feed, (table, collection) in FEED_TABLES.items():
        top = conn.execute(select(func.max(table.c.change_seq))).scalar_one()
        if collection in buried or (top is not None and top > seen):
            changed.append(feed)
    return changed


@dataclass(frozen=True, slots=True)
class Start:
    """Where a new stream begins."""

    epoch: str
    seq: int
    changed: list[str]  # feeds moved since the client's Last-Event-ID
    expires_at: int | None  # the access token's expiry (None: an API token)


def _start(state: ServerState, token_hash: str, last_event_id: str | None) -> Start:
    with state.db.read() as conn:
        epoch, newest = get_meta(conn, "epoch"), current_seq(conn)
        expires_at = conn.execute(
            select(db.tokens.c.expires_at).where(db.tokens.c.hash == token_hash)
        ).scalar()
        changed = (
            []
            if last_event_id is None
            else changed_since(conn, last_event_id, epoch=epoch, newest=newest)
        )
    return Start(epoch, newest, changed, expires_at)


def _token_live(state: ServerState, token_hash: str) -> bool:
    """Whether the stream's token still opens the door: a revoked one (signed out, a
    refresh token revoked, an account's sessions ended) ends the stream at the next
    heartbeat, not at the end of its ten minutes."""
    with state.db.read() as conn:
        return live_token_row(conn, token_hash, ("access", "api"), state.now()) is not None


def _event(kind: str, epoch: str, seq: int, data: dict[str, Any]) -> bytes:
    at = position(epoch, seq)
    body = json.dumps({"position": at, **data}, separators=(",", ":"))
    return f"event: {kind}\nid: {at}\ndata: {body}\n\n".encode()


async def _events(
    subscription: Subscription,
    start: Start,
    heartbeat: float,
    lifetime: float,
    token_live: Callable[[], Awaitable[bool]],
) -> AsyncIterator[bytes]:
    """``retry``, ``ready``, a catch-up ``changes`` if due, then one ``changes`` per wake-up
    (merged while the client was being written to) until the stream's time is up or, as
    checked once a heartbeat, its token has been revoked."""
    try:
        sent = start.seq
        yield f"retry: {RETRY_MS}\n\n".encode()
        beat = int(heartbeat) if float(heartbeat).is_integer() else heartbeat
        yield _event("ready", start.epoch, sent, {"heartbeat": beat})
        if start.changed:
            yield _event("changes", start.epoch, sent, {"feeds": start.changed})
        loop = asyncio.get_running_loop()
        deadline = loop.time() + lifetime
        while (remaining := deadline - loop.time()) > 0:
            change = await subscription.next(min(remaining, heartbeat))
            if change is None:
                if subscription.closed or not await token_live():
                    return
                continue
            if change.seq <= sent:  # committed before this stream's position: told already
                continue
            sent = change.seq
            feeds = [feed for feed in FEEDS if feed in change.feeds]
            yield _event("changes", start.epoch, sent, {"feeds": feeds})
    finally:
        subscription.close()


router = APIRouter(tags=["live"])
LastEventId = Annotated[
    str | None,
    Header(
        alias="Last-Event-ID",
        description="The last `id:` this client received, to hear what changed since",
    ),
]
# One event of the stream, as OpenAPI 3.2 describes server-sent events (the fields of the
# event; `data` is JSON). Heartbeats are comment lines, and `retry:` comes alone first.
_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["event", "id", "data"],
    "properties": {
        "event": {"type": "string", "enum": ["ready", "changes"]},
        "id": {"type": "string", "description": "The position, as in `data`"},
        "retry": {"type": "integer", "minimum": 0},
        "data": {
            "type": "string",
            "contentMediaType": "application/json",
            "contentSchema": {
                "type": "object",
                "required": ["position"],
                "properties": {
                    "position": {"type": "string", "minLength": 1, "maxLength": 200},
                    "heartbeat": {
                        "type": "number",
                        "exclusiveMinimum": 0,
                        "description": "`ready` only: seconds between keep-alive comments",
                    },
                    "feeds": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "`changes` only: the feeds to read, by the path between "
                        "`/v1/` and `/changes`",
                    },
                },
            },
        },
    },
}
_STREAM_DOC = (
    "retry: 2000\n\n"
    "event: ready\nid: 5f1c0ae39b2d4e61.1042\n"
    'data: {"position":"5f1c0ae39b2d4e61.1042","heartbeat":15}\n\n'
    ": keep-alive\n\n"
    "event: changes\nid: 5f1c0ae39b2d4e61.1045\n"
    'data: {"position":"5f1c0ae39b2d4e61.1045","feeds":["conversations","messages"]}\n\n'
)


@router.get(
    "/v1/events",
    response_class=EventStream,
    responses={
        200: {
            "description": "A server-sent-events stream of feed positions (see the guide, "
            "Live updates). It ends at the access token's expiry or after 10 minutes; "
            "reconnect with Last-Event-ID.",
            "content": {EVENT_STREAM: {"schema": _EVENT_SCHEMA, "example": _STREAM_DOC}},
            "headers": {
                "Cache-Control": {"schema": {"type": "string", "enum": ["no-store"]}},
            },
        },
        **responses(401),
        429: {"description": "`rate_limited`: this account holds too many streams already"},
        503: {"description": "`service_unavailable`: this server holds too many streams"},
    },
)
async def live_events(
    request: Request, principal: CurrentPrincipal, last_event_id: LastEventId = None
) -> Response:
    """Which change feeds moved, told within a moment of each commit, so the client reads
    them at once instead of at its next poll. Optional in the contract: only where
    `/v1/me` says `capabilities.live_events`; without it a client polls the feeds."""
    state = server_state(request)
    runtime = live_runtime(request)
    try:
        subscription = runtime.hub.subscribe(principal.account_id)
    except StreamRefusedError as refused:
        raise ProblemError(
            refused.status,
            refused.code,
            refused.detail,
            retryable=True,
            headers={"Retry-After": str(refused.retry)},
        ) from None
    try:  # subscribed first: a commit after the position read below is not missed
        start = await run_in_threadpool(_start, state, principal.token_hash, last_event_id)
    except BaseException:
        subscription.close()
        raise
    lifetime = state.config.live_max_seconds
    if start.expires_at is not None:
        lifetime = min(lifetime, start.expires_at - state.config.clock())
    heartbeat = state.config.live_heartbeat
    return EventSourceResponse(
        _events(
            subscription,
            start,
            heartbeat,
            lifetime,
            lambda: run_in_threadpool(_token_live, state, principal.token_hash),
        ),
        media_type=EVENT_STREAM,
        ping=heartbeat,
        ping_message_factory=lambda: ServerSentEvent(comment="keep-alive", sep="\n"),
        sep="\n",
        send_timeout=SEND_TIMEOUT,
        background=BackgroundTask(subscription.close),  # also when the body never ran
    )
