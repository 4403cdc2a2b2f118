"""Syncing a family of versioned records (review objects, training records): the rules
every such family follows, in one copy so they stay alike.

Push: a record's body, read from its row when the operation is sent, goes out as a
``PUT`` (``If-Match`` with the version it was based on, unless the collection is
create-only). A 412 whose ``current`` already says what was written is simply taken;
otherwise the operation waits as a conflict in the sync problems. A ``DELETE`` refused
with 412 waits the same way; a 404 means it is gone already.

Pull: the family's feeds in order; a backend without them (404 on the first) keeps the
rest of the sync going. Each page is stored in one transaction with its cursor.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ValidationError

from app.storage.store import Store
from app.sync.client import Page, ServerProblemError
from app.sync.report import Outcome

if TYPE_CHECKING:
    from app.sync.engine import SyncEngine

log = logging.getLogger(__name__)

# (repo, local table, the page's records as wire dicts, the ids of its tombstones) ->
# the local conversations the page touched; runs inside the page's transaction
PageWriter = Callable[[Store, str, list[Mapping[str, Any]], list[str]], set[int]]


class Mirror(Protocol):
    """The part of a local mirror (app.storage.remote_*) the shared push needs."""

    def dirty(self, limit: int = 500) -> Sequence[Any]:
        """Rows with unsent changes and nothing queued for them (``op``, ``uid``,
        ``server_version``)."""
        ...

    def acknowledge(self, table: str, uid: str, sent_version: int, server_version: int) -> bool:
        """True when the row is clean at the server's version; False if edited meanwhile."""
        ...


@dataclass(frozen=True, slots=True)
class _Sending:
    """One row's operation on its way: what the server's answer is matched with."""

    engine: SyncEngine
    op: Any
    table: str
    uid: str
    local_version: int


@dataclass(frozen=True, slots=True)
class RecordSync:
    """One family of record feeds, by local table."""

    flag: str  # the change-log flag a change of the family raises
    mirror: Callable[[Store], Mirror]
    paths: Mapping[str, str]  # local table -> the URL its records are written under
    writes: Mapping[str, type[BaseModel]]  # local table -> what a PUT sends
    items: Mapping[str, type[BaseModel]]  # local table -> what the server answers
    # feed (its URL segment and cursor name) -> (item model, local table)
    feeds: tuple[tuple[str, type[BaseModel], str], ...]
    create_only: frozenset[str] = field(default_factory=frozenset)  # sent without If-Match

    # ------------------------------------------------------------------ push
    def collect(self, engine: SyncEngine, key: Callable[[Any], str]) -> int:
        """Queue the family's unsent rows (in one transaction), one operation per row with
        the idempotency key it keeps on every retry; ``key`` names what the outbox orders
        (and blocks) a row's operations by. Returns how many were queued."""
        now = engine.clock()

        def work(repo: Store) -> int:
            with repo.transaction():
                dirty = self.mirror(repo).dirty()
                for item in dirty:
                    repo.outbox.enqueue(
                        key(item), item.op, {"uid": item.uid}, now, base_version=item.server_version
                    )
            return len(dirty)

        return int(engine.store_call(work))

    def nothing_to_send(self, engine: SyncEngine, op: Any) -> Outcome:
        """The row went here before the operation was sent: the operation is done."""
        engine.store_call(lambda repo: repo.outbox.done(op.id))
        return Outcome.REBASED

    def put(
        self,
        engine: SyncEngine,
        op: Any,
        table: str,
        uid: str,
        local_version: int,
        raw: dict[str, Any],
    ) -> Outcome:
        """Send one row (a refusal other than 412 goes to the engine's rules); a body that
        no longer passes the contract parks the operation with the reason."""
        sending = _Sending(engine, op, table, uid, local_version)
        try:
            body = self.writes[table].model_validate(raw)
        except ValidationError as exc:
            reason = f"cannot be sent: {' '.join(str(exc).split())[:300]}"
            engine.store_call(lambda repo: repo.outbox.park(op.id, reason))
            engine._log.mark(sync_problems=True)
            return Outcome.WAITING
        headers = {"Idempotency-Key": op.idempotency_key}
        if op.base_version is not None and table not in self.create_only:
            headers["If-Match"] = f'"{op.base_version}"'
        try:
            response = engine.client.request(
                "PUT",
                f"{self.paths[table]}/{uid}",
                json=body.model_dump(mode="json"),
                headers=headers,
            )
        except ServerProblemError as problem:
            if problem.status != 412 or not problem.problem.current:
                raise
            return self._conflict(sending, body, problem.problem.current)
        stored = engine.client._one(response, self.items[table])  # validated like a feed's
        self._acknowledge(sending, int(getattr(stored, "version", 1)))
        return Outcome.SENT

    def _acknowledge(self, sending: _Sending, server_version: int) -> None:
        op, table, uid = sending.op, sending.table, sending.uid

        def ack(repo: Store) -> None:
            with repo.transaction():
                mirror = self.mirror(repo)
                if mirror.acknowledge(table, uid, sending.local_version, server_version):
                    repo.outbox.done(op.id)
                else:  # edited while on its way: the newer edit goes on top of this version
                    repo.outbox.rebase(op.id, server_version)

        sending.engine.store_call(ack)
        sending.engine._log.mark(**{self.flag: True})

    def _conflict(self, sending: _Sending, body: BaseModel, current: dict[str, object]) -> Outcome:
        """412: the server's copy is newer. Already what was written: taken; otherwise a
        conflict for the user to decide."""
        engine, op = sending.engine, sending.op
        try:
            theirs = self.writes[sending.table].model_validate(current)
            version = int(str(current.get("version")))
        except (ValidationError, ValueError):
            engine.store_call(lambda repo: repo.outbox.park(op.id, "412 without a usable current"))
            engine._log.mark(sync_problems=True)
            return Outcome.WAITING
        if theirs.model_dump(mode="json") == body.model_dump(mode="json"):
            self._acknowledge(sending, version)
            return Outcome.SENT
        return _wait_on_conflict(engine, op, current, f"{sending.table} {sending.uid}")

    def delete(self, engine: SyncEngine, op: Any, path: str) -> Outcome | None:
        """Send a DELETE of ``path``: WAITING when the server's copy changed since (a
        conflict for the user), None when it is gone (404 too: as the user wanted)."""
        headers = {"Idempotency-Key": op.idempotency_key, "If-Match": f'"{op.base_version or 0}"'}
        try:
            engine.client.request("DELETE", path, headers=headers)
        except ServerProblemError as problem:
            if problem.status == 412 and problem.problem.current:
                return _wait_on_conflict(engine, op, problem.problem.current, path)
            if problem.status != 404:
                raise
        return None

    # ------------------------------------------------------------------ pull
    def pull(self, engine: SyncEngine, write: PageWriter, touched: set[int]) -> int:
        """Read the family's feeds; returns records quarantined."""
        quarantined = 0
        for collection, model, table in self.feeds:
            try:
                _count, bad = engine._feed(
                    collection, model, self._applier(engine, table, write), touched
                )
            except ServerProblemError as problem:
                if problem.status != 404:
                    raise
                log.info("this server has no %s feed", collection)
                return quarantined
            quarantined += bad
        return quarantined

    def _applier(
        self, engine: SyncEngine, table: str, write: PageWriter
    ) -> Callable[[Page, str, set[int]], int]:
        def apply(page: Page, collection: str, touched: set[int]) -> int:
            now = engine.clock()
            items: list[Mapping[str, Any]] = [item.model_dump(mode="json") for item in page.items]
            gone = [t.id for t in page.deleted]

            def store_page(repo: Store) -> set[int]:
                with repo.transaction():
                    ids = write(repo, table, items, gone)
                    repo.outbox.set_cursor(collection, page.next_cursor, now)
                return ids

            ids = engine.store_call(store_page)
            touched |= ids
            engine._log.mark(*ids, **{self.flag: bool(items or gone)})
            return len(items)

        return apply


def _wait_on_conflict(
    engine: SyncEngine, op: Any, current: dict[str, object], what: str
) -> Outcome:
    def mark(repo: Store) -> None:
        with repo.transaction():
            repo.outbox.mark_conflict(op.id, current)

    engine.store_call(mark)
    engine._log.mark(sync_problems=True)
    log.info("conflict on %s", what)
    return Outcome.WAITING
