"""The HTTP side of a family of versioned-record feeds (review objects, training records):
change feeds limited to what the caller may read, and writes under ``If-Match`` rules.

One copy serves every family, so their pages, preconditions, ETags and problems stay
alike; a family is described by a :class:`FeedFamily` (its tables, converters, page
models, the names its problems use and who may read what).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import Connection, select

from app.contract.models import FieldError, Tombstone
from app.server import db, scoping, store
from app.server.auth import Principal
from app.server.db import current_seq, get_meta
from app.server.feeds import decode_cursor, encode_cursor
from app.server.idempotency import Outcome, json_response, run_idempotent
from app.server.problems import ProblemError, responses
from app.server.record_store import Records
from app.server.routes_inbox import ETAG_HEADER, etag_matches
from app.server.state import server_state

OptionalIfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description='Replace: the ETag last seen, e.g. "3" (any other value, even empty: 412). '
        "Absent: create (412 if it exists)",
    ),
]
FEED_RESPONSES = responses(400, 401, 410, 422)
PUT_RESPONSES: dict[int | str, dict[str, Any]] = {
    **responses(400, 401, 403, 404, 409, 412, 422),
    200: {"description": "Replaced", "headers": ETAG_HEADER},
    201: {"description": "Created", "headers": ETAG_HEADER},
}
DELETE_RESPONSES = responses(400, 401, 403, 404, 409, 412, 422, 428)
# the server's WHERE clause for what an account (id, roles) may read of a feed; None: all
Visibility = Callable[[str, str, tuple[str, ...]], Any]
Writer = Callable[[Connection, Any, int], Any]


def etag(version: int) -> str:
    return f'"{version}"'


def invalid(pointer: str, code: str, detail: str) -> ProblemError:
    """A 422 naming the one field that was wrong."""
    return ProblemError(
        422,
        "validation_failed",
        detail,
        errors=[FieldError(pointer=pointer, code=code, detail=detail)],
    )


@dataclass(frozen=True, slots=True)
class FeedFamily:
    """The feeds one router serves, by collection (the name cursors and tombstones carry)."""

    records: Records
    pages: Mapping[str, type[BaseModel]]
    names: Mapping[str, str]  # what a problem calls one record of the collection
    visible_to: Visibility
    # collection -> its column naming a conversation: such rows follow the conversation's
    # scope (contract 1.2, app.server.scoping), and their cursors carry the scope
    scoped_by: Mapping[str, Any] = field(default_factory=dict)
    # told (request, caller, collection, rows) before a page goes out (the audit log)
    on_read: Callable[[Request, Principal, str, list[Any]], None] | None = None

    # ------------------------------------------------------------------------ feeds
    def read_changes(
        self,
        request: Request,
        principal: Principal,
        collection: str,
        cursor: str | None,
        limit: int,
    ) -> Response:
        """A feed page, as app.server.feeds serves them, limited to what the caller may read
        (the cursor still moves past what they may not)."""
        state = server_state(request)
        state.maybe_maintain()
        table = self.records.tables[collection]
        visible = self.visible_to(collection, principal.account_id, principal.roles)
        scope_key = ""
        if collection in self.scoped_by:
            scope = scoping.scope_of(principal)
            scope_key = scope.key()
            inside = scoping.by_conversation(scope, self.scoped_by[collection])
            if inside is not None:
                visible = inside if visible is None else visible & inside
        with state.db.read() as conn:
            epoch, floor = get_meta(conn, "epoch"), int(get_meta(conn, "floor"))
            newest = current_seq(conn)
            after, issued_floor = (
                (0, floor)
                if cursor is None
                else decode_cursor(
                    cursor, collection, epoch=epoch, floor=floor, newest=newest, scope=scope_key
                )
            )
            query = select(table).where(table.c.change_seq > after)
            if visible is not None:
                query = query.where(visible)
            rows = conn.execute(query.order_by(table.c.change_seq).limit(limit + 1)).all()
            graves = conn.execute(
                select(db.tombstones)
                .where(
                    db.tombstones.c.collection == collection,
                    db.tombstones.c.change_seq > after,
                )
                .order_by(db.tombstones.c.change_seq)
                .limit(limit + 1)
            ).all()
            # Past what the caller may not read: the cursor moves to the newest seq seen.
            merged = sorted([*rows, *graves], key=lambda r: r.change_seq)
            page, has_more = merged[:limit], len(merged) > limit
            last = page[-1].change_seq if page else after
            if not has_more and visible is not None:
                last = max(last, newest)
        if self.on_read is not None:
            self.on_read(request, principal, collection, page)
        items = [
            self.records.to_model(collection, r) for r in page if "deleted_at" not in r._fields
        ]
        deleted = [
            Tombstone(id=r.id, deleted_at=r.deleted_at, reason=r.reason)
            for r in page
            if "deleted_at" in r._fields
        ]
        body = self.pages[collection](
            items=items,
            deleted=deleted,
            next_cursor=encode_cursor(epoch, collection, last, issued_floor, scope_key),
            has_more=has_more,
        )
        return json_response(200, body.model_dump_json())

    # ------------------------------------------------------------------------ writes
    def precondition(
        self, collection: str, item_id: str, current: Any, if_match: str | None
    ) -> None:
        """No If-Match: the item must not exist yet. If-Match: it must, at that version."""
        if current is None:
            if if_match is not None:
                raise ProblemError(404, "not_found", f"No {self.names[collection]} '{item_id}'.")
            return
        if if_match is None or not etag_matches(if_match, current.version):
            model = self.records.to_model(collection, current)
            detail = (
                f"{item_id} exists (version {current.version}); send If-Match to replace it."
                if if_match is None
                else f"{item_id} is at version {current.version}; If-Match was {if_match}."
            )
            raise ProblemError(
                412,
                "version_mismatch",
                detail,
                current=model.model_dump(mode="json"),
                headers={"ETag": etag(current.version)},
            )

    def hide_out_of_scope(
        self, conn: Connection, principal: Principal, collection: str, item_id: str, current: Any
    ) -> None:
        """A record of a conversation outside the caller's scope is 404, before any 412
        could show it in ``current`` (its id is taken, but nothing of it is told)."""
        if current is None or collection not in self.scoped_by:
            return
        conversation = store.get_conversation(conn, current.conversation_id)
        if not scoping.can_read(principal, conversation):
            raise ProblemError(404, "not_found", f"No {self.names[collection]} '{item_id}'.")

    def put(
        self,
        request: Request,
        principal: Principal,
        collection: str,
        item_id: str,
        body: BaseModel,
        if_match: str | None,
        idempotency_key: str,
        write: Writer,
    ) -> Response:
        """Create (201) or replace (200) a record once its precondition holds; ``write``
        stores it and returns the record as the wire has it."""
        state = server_state(request)

        def operation(conn: Connection) -> Outcome:
            current = self.records.get_row(conn, collection, item_id, lock=True)
            self.hide_out_of_scope(conn, principal, collection, item_id, current)
            self.precondition(collection, item_id, current, if_match)
            item = write(conn, current, state.now())
            return Outcome(201 if current is None else 200, item, etag(item.version))

        payload = {"if_match": if_match, "body": body.model_dump(mode="json")}
        return run_idempotent(request, principal, idempotency_key, payload, operation)

    def delete(
        self,
        request: Request,
        principal: Principal,
        collection: str,
        item_id: str,
        if_match: str,
        idempotency_key: str,
        before: Writer | None = None,
    ) -> Response:
        """Delete a record at the version in If-Match (404 when there is none); its tombstone
        goes out in the feed, and a retry with the same Idempotency-Key replays it.
        ``before`` runs in the same transaction, with the record as it was (an audit)."""
        state = server_state(request)

        def operation(conn: Connection) -> Outcome:
            current = self.records.get_row(conn, collection, item_id, lock=True)
            self.hide_out_of_scope(conn, principal, collection, item_id, current)
            self.precondition(collection, item_id, current, if_match)
            now = state.now()
            if before is not None:
                before(conn, current, now)
            self.records.delete(conn, collection, item_id, now, "deleted")
            return Outcome(200, Tombstone(id=item_id, deleted_at=now))

        return run_idempotent(
            request, principal, idempotency_key, {"if_match": if_match}, operation
        )
