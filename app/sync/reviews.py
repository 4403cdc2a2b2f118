"""Syncing quality review: the rubric, reviews, annotations and survey answers.

Push: before each push the lead's unsent edits (rows whose local version is ahead of the
server's, :mod:`app.storage.remote_reviews`) are queued in the outbox, one operation per
item, with the idempotency key it keeps on every retry. The body is read from the row
when the operation is sent, so edits made meanwhile travel together; an edit made while
the request was in flight is sent again on top of the server's answer. Deleting an
annotation is queued by the operation that deletes it (:func:`app.ops.outbox`).

Conflicts are handled like conversation patches: a 412 whose ``current`` already says
what the lead wrote is simply taken; otherwise the operation waits as a conflict in the
sync problems, where *Keep mine* sends it on top of the server's version and *Keep
theirs* takes the server's copy.

Pull: the four feeds, after conversations and messages (their rows refer to both). A
backend without them (404) syncs everything else.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from app.contract import review_models as rwire
from app.storage.remote_reviews import DELETE_ANNOTATION, PUT_OPS
from app.storage.store import Store
from app.sync.client import Page, ServerProblemError
from app.sync.report import Outcome

if TYPE_CHECKING:
    from app.sync.engine import SyncEngine

log = logging.getLogger(__name__)

OPS = frozenset({*PUT_OPS, DELETE_ANNOTATION})
_PATHS = {"rubrics": "rubrics", "reviews": "reviews", "annotations": "annotations"}
_WRITES: dict[str, type[BaseModel]] = {
    "rubrics": rwire.RubricWrite,
    "reviews": rwire.ReviewWrite,
    "annotations": rwire.AnnotationWrite,
}
_ITEMS: dict[str, type[BaseModel]] = {
    "rubrics": rwire.Rubric,
    "reviews": rwire.Review,
    "annotations": rwire.Annotation,
}
# feed (its URL segment and cursor name) -> (item model, local table)
FEEDS: tuple[tuple[str, type[BaseModel], str], ...] = (
    ("rubrics", rwire.Rubric, "rubrics"),
    ("reviews", rwire.Review, "reviews"),
    ("annotations", rwire.Annotation, "annotations"),
    ("survey-answers", rwire.SurveyAnswer, "survey_answers"),
)


# ------------------------------------------------------------------ push
def collect(engine: SyncEngine) -> int:
    """Queue the lead's unsent review edits (in one transaction); returns how many."""
    now = engine.clock()

    def work(repo: Store) -> int:
        with repo.transaction():
            dirty = repo.remote_reviews.dirty()
            for item in dirty:
                repo.outbox.enqueue(
                    item.conversation_uid,
                    item.op,
                    {"uid": item.uid},
                    now,
                    base_version=item.server_version,
                )
        return len(dirty)

    return int(engine.store_call(work))


def send(engine: SyncEngine, op: Any) -> Outcome:
    """Send one review operation (a refusal other than 412 goes to the engine's rules)."""
    uid = str(op.payload.get("uid", ""))
    if op.op == DELETE_ANNOTATION:
        return _delete(engine, op, uid)
    table = PUT_OPS[op.op]
    built = engine.store_call(lambda repo: repo.remote_reviews.body(table, uid))
    if built is None:  # deleted here before it was sent: nothing to send
        engine.store_call(lambda repo: repo.outbox.done(op.id))
        return Outcome.REBASED
    local_version, raw = built
    try:
        body = _WRITES[table].model_validate(raw)
    except ValidationError as exc:
        reason = f"cannot be sent: {' '.join(str(exc).split())[:300]}"
        engine.store_call(lambda repo: repo.outbox.park(op.id, reason))
        engine._log.mark(sync_problems=True)
        return Outcome.WAITING
    headers = {"Idempotency-Key": op.idempotency_key}
    if op.base_version is not None:
        headers["If-Match"] = f'"{op.base_version}"'
    try:
        response = engine.client.request(
            "PUT", f"/v1/{_PATHS[table]}/{uid}", json=body.model_dump(mode="json"), headers=headers
        )
    except ServerProblemError as problem:
        if problem.status != 412 or not problem.problem.current:
            raise
        return _conflict(engine, op, table, uid, local_version, body, problem.problem.current)
    stored = engine.client._one(response, _ITEMS[table])  # validated like a feed's records
    _acknowledge(engine, op, table, uid, local_version, int(getattr(stored, "version", 1)))
    return Outcome.SENT


def _acknowledge(
    engine: SyncEngine, op: Any, table: str, uid: str, local_version: int, server_version: int
) -> None:
    def ack(repo: Store) -> None:
        with repo.transaction():
            if repo.remote_reviews.acknowledge(table, uid, local_version, server_version):
                repo.outbox.done(op.id)
            else:  # edited while on its way: the newer edit goes on top of this version
                repo.outbox.rebase(op.id, server_version)

    engine.store_call(ack)
    engine._log.mark(reviews=True)


def _conflict(
    engine: SyncEngine,
    op: Any,
    table: str,
    uid: str,
    local_version: int,
    body: BaseModel,
    current: dict[str, object],
) -> Outcome:
    """412: the server's copy is newer. Already what the lead wrote: taken; otherwise a
    conflict for the lead to decide."""
    try:
        theirs = _WRITES[table].model_validate(current)
        version = int(str(current.get("version")))
    except (ValidationError, ValueError):
        engine.store_call(lambda repo: repo.outbox.park(op.id, "412 without a usable current"))
        engine._log.mark(sync_problems=True)
        return Outcome.WAITING
    if theirs.model_dump(mode="json") == body.model_dump(mode="json"):
        _acknowledge(engine, op, table, uid, local_version, version)
        return Outcome.SENT
    engine.store_call(lambda repo: _mark_conflict(repo, op.id, current))
    engine._log.mark(sync_problems=True)
    log.info("conflict on %s %s", table, uid)
    return Outcome.WAITING


def _mark_conflict(repo: Store, operation_id: int, current: dict[str, object]) -> None:
    with repo.transaction():
        repo.outbox.mark_conflict(operation_id, current)


def _delete(engine: SyncEngine, op: Any, uid: str) -> Outcome:
    headers = {"Idempotency-Key": op.idempotency_key, "If-Match": f'"{op.base_version or 0}"'}
    try:
        engine.client.request("DELETE", f"/v1/annotations/{uid}", headers=headers)
    except ServerProblemError as problem:
        if problem.status == 412 and problem.problem.current:
            current = problem.problem.current  # changed on the server since: the lead decides
            engine.store_call(lambda repo: _mark_conflict(repo, op.id, current))
            engine._log.mark(sync_problems=True)
            return Outcome.WAITING
        if problem.status != 404:  # 404: gone already, as the lead wanted
            raise
    engine.store_call(lambda repo: repo.outbox.done(op.id))
    return Outcome.SENT


# ------------------------------------------------------------------ pull
def pull(engine: SyncEngine, touched: set[int]) -> int:
    """Read the four feeds; returns records quarantined. A backend without them (404 on
    the first) keeps the rest of the sync going."""
    quarantined = 0
    for collection, model, table in FEEDS:
        try:
            _count, bad = engine._feed(collection, model, _applier(engine, table), touched)
        except ServerProblemError as problem:
            if problem.status != 404:
                raise
            log.info("this server has no %s feed", collection)
            return quarantined
        quarantined += bad
    return quarantined


def _applier(engine: SyncEngine, table: str) -> Callable[[Page, str, set[int]], int]:
    def apply(page: Page, collection: str, touched: set[int]) -> int:
        now = engine.clock()
        items = [item.model_dump(mode="json") for item in page.items]
        gone = [t.id for t in page.deleted]

        def write(repo: Store) -> set[int]:
            mirror = repo.remote_reviews
            with repo.transaction():
                ids: set[int] = set()
                if table == "rubrics":
                    mirror.upsert_rubrics(items)
                elif table == "reviews":
                    ids = mirror.upsert_reviews(items)
                elif table == "annotations":
                    ids, skipped = mirror.upsert_annotations(items)
                    if skipped:
                        log.warning("%d annotations on messages not here were skipped", skipped)
                else:
                    ids = mirror.upsert_survey_answers(items)
                ids |= mirror.remove(table, gone)
                repo.outbox.set_cursor(collection, page.next_cursor, now)
            return ids

        ids = engine.store_call(write)
        touched |= ids
        engine._log.mark(*ids, reviews=bool(items or gone))
        return len(items)

    return apply
