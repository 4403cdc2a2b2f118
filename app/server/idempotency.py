"""Idempotency-Key handling for every POST and PATCH (draft-ietf-httpapi-idempotency-key).

The key is reserved in its own committed transaction (so a concurrent retry sees it
in flight and gets 409), then the operation runs in a second transaction that also
stores the response: the effect and its record commit together, so a retry after a
lost response always replays and never repeats. Only successful responses are kept:
an error leaves the key free, because the state that caused it may change.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.server import db
from app.server.auth import Principal
from app.server.problems import ProblemError
from app.server.state import server_state
from app.server.store import fingerprint

STALE_IN_FLIGHT = 120  # seconds after which an unfinished reservation is presumed dead


@dataclass
class Outcome:
    """A successful result, as the route wants it sent (and replayed)."""

    status: int
    body: BaseModel
    etag: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def json_response(
    status: int, body: str, etag: str | None = None, extra: dict[str, str] | None = None
) -> Response:
    headers = dict(extra or {})
    if etag is not None:
        headers["ETag"] = etag
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def normalize_key(key: str) -> str:
    """The draft sends the key as a structured-field string ("..."); accept it bare too."""
    key = key.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    return key


def run_idempotent(
    request: Request,
    principal: Principal,
    key: str,
    payload: object,
    operation: Callable[[Connection], Outcome],
) -> Response:
    """Run ``operation`` at most once per (account, key); replay its first success."""
    state = server_state(request)
    key = normalize_key(key)
    if not key:
        raise ProblemError(400, "idempotency_key_missing", "The Idempotency-Key is empty.")
    request_fingerprint = fingerprint(
        {"method": request.method, "path": request.url.path, "body": payload}
    )
    where = (db.idempotency.c.account_id == principal.account_id, db.idempotency.c.key == key)
    now = state.now()
    try:
        with state.db.write() as conn:
            row = conn.execute(select(db.idempotency).where(*where)).first()
            if row is not None:
                if row.fingerprint != request_fingerprint:
                    raise ProblemError(
                        422,
                        "idempotency_key_reused",
                        "This Idempotency-Key was used for a different request; use a new key "
                        "for a new operation.",
                    )
                if row.state == "done":
                    return json_response(
                        row.status_code,
                        row.body,
                        row.etag,
                        {"Idempotent-Replayed": "true"},
                    )
                if row.created_at > now - STALE_IN_FLIGHT:
                    raise _in_flight()
                taken = conn.execute(  # only if no other process took it over meanwhile
                    update(db.idempotency)
                    .where(*where, db.idempotency.c.created_at == row.created_at)
                    .values(created_at=now)
                ).rowcount
                if taken != 1:
                    raise _in_flight()
            else:
                conn.execute(
                    insert(db.idempotency).values(
                        account_id=principal.account_id,
                        key=key,
                        fingerprint=request_fingerprint,
                        state="in_flight",
                        created_at=now,
                    )
                )
    except IntegrityError as exc:  # a concurrent request reserved the same key first
        raise _in_flight() from exc

    done = False
    try:
        state.faults.hold_if_armed(request.url.path)
        with state.db.write() as conn:
            outcome = operation(conn)
            body = json.dumps(
                outcome.body.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")
            )
            conn.execute(
                update(db.idempotency)
                .where(*where)
                .values(state="done", status_code=outcome.status, body=body, etag=outcome.etag)
            )
        done = True
    except IntegrityError as exc:
        raise ProblemError(
            409,
            "conflict",
            "A concurrent request changed the same data; retry with the same key.",
            retryable=True,
        ) from exc
    finally:
        if not done:
            with state.db.write() as conn:
                conn.execute(delete(db.idempotency).where(*where))
    return json_response(outcome.status, body, outcome.etag, outcome.headers)


def _in_flight() -> ProblemError:
    return ProblemError(
        409,
        "idempotency_in_flight",
        "A request with this Idempotency-Key is still running; retry shortly with the same key.",
        retryable=True,
        headers={"Retry-After": "1"},
    )
