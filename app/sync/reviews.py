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
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from app.contract import review_models as rwire
from app.storage.remote_reviews import DELETE_ANNOTATION, PUT_OPS
from app.storage.store import Store
from app.sync.record_feeds import RecordSync
from app.sync.report import Outcome

if TYPE_CHECKING:
    from app.sync.engine import SyncEngine

log = logging.getLogger(__name__)

OPS = frozenset({*PUT_OPS, DELETE_ANNOTATION})
_SYNC = RecordSync(
    flag="reviews",
    mirror=lambda repo: repo.remote_reviews,
    paths={"rubrics": "/v1/rubrics", "reviews": "/v1/reviews", "annotations": "/v1/annotations"},
    writes={
        "rubrics": rwire.RubricWrite,
        "reviews": rwire.ReviewWrite,
        "annotations": rwire.AnnotationWrite,
    },
    items={"rubrics": rwire.Rubric, "reviews": rwire.Review, "annotations": rwire.Annotation},
    feeds=(
        ("rubrics", rwire.Rubric, "rubrics"),
        ("reviews", rwire.Review, "reviews"),
        ("annotations", rwire.Annotation, "annotations"),
        ("survey-answers", rwire.SurveyAnswer, "survey_answers"),
    ),
)


# ------------------------------------------------------------------ push
def collect(engine: SyncEngine) -> int:
    """Queue the lead's unsent review edits (in one transaction); returns how many."""
    return _SYNC.collect(engine, lambda item: str(item.conversation_uid))


def send(engine: SyncEngine, op: Any) -> Outcome:
    """Send one review operation (a refusal other than 412 goes to the engine's rules)."""
    uid = str(op.payload.get("uid", ""))
    if op.op == DELETE_ANNOTATION:
        waiting = _SYNC.delete(engine, op, f"/v1/annotations/{uid}")
        if waiting is None:  # gone on the server, as the lead wanted
            engine.store_call(lambda repo: repo.outbox.done(op.id))
            return Outcome.SENT
        return waiting
    table = PUT_OPS[op.op]
    built = engine.store_call(lambda repo: repo.remote_reviews.body(table, uid))
    if built is None:  # deleted here before it was sent: nothing to send
        return _SYNC.nothing_to_send(engine, op)
    local_version, raw = built
    return _SYNC.put(engine, op, table, uid, local_version, raw)


# ------------------------------------------------------------------ pull
def pull(engine: SyncEngine, touched: set[int]) -> int:
    """Read the four feeds; returns records quarantined. A backend without them (404 on
    the first) keeps the rest of the sync going."""
    return _SYNC.pull(engine, _store_page, touched)


def _store_page(
    repo: Store, table: str, items: list[Mapping[str, Any]], gone: list[str]
) -> set[int]:
    mirror = repo.remote_reviews
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
    return ids | mirror.remove(table, gone)
