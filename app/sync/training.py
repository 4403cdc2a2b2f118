"""Syncing training: the scenarios trainers save, assignments and the trainees' attempts
(the training feed), under the same rules as the review sync (both through
:mod:`app.sync.record_feeds`).

Push: before each push the unsent training rows (:mod:`app.storage.remote_training`) are
queued in the outbox, one operation per record, with the idempotency key it keeps on every
retry. The body is read from the row when the operation is sent, so edits made meanwhile
travel together; a scenario deleted here is sent as a ``DELETE`` (its row waits, marked,
until the server confirms). An attempt is sent once (``PUT`` create-only; the same attempt
again is the stored one); a refusal (409, 403) parks it for the trainee to see.

Conflicts are handled like the reviews': a 412 whose ``current`` already says what was
written is simply taken; otherwise the operation waits as a conflict in the sync problems,
where *Keep mine* sends it on top of the server's version and *Keep theirs* takes the
server's copy.

Pull: the three feeds, after everything else (their rows name agents, pulled first). A
backend without them (404) syncs everything else; offline, nothing is lost: the rows wait.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from app.contract import training_models as twire
from app.storage.remote_training import OPS as TABLE_OF
from app.storage.remote_training import outbox_key
from app.storage.store import Store
from app.sync.record_feeds import RecordSync
from app.sync.report import Outcome

if TYPE_CHECKING:
    from app.sync.engine import SyncEngine

log = logging.getLogger(__name__)

OPS = frozenset(TABLE_OF)
_SYNC = RecordSync(
    flag="training",
    mirror=lambda repo: repo.remote_training,
    paths={
        "training_scenarios": "/v1/training/scenarios",
        "training_assignments": "/v1/training/assignments",
        "training_attempts": "/v1/training/attempts",
    },
    writes={
        "training_scenarios": twire.ScenarioWrite,
        "training_assignments": twire.AssignmentWrite,
        "training_attempts": twire.AttemptWrite,
    },
    items={
        "training_scenarios": twire.Scenario,
        "training_assignments": twire.Assignment,
        "training_attempts": twire.Attempt,
    },
    feeds=(
        ("training/scenarios", twire.Scenario, "training_scenarios"),
        ("training/assignments", twire.Assignment, "training_assignments"),
        ("training/attempts", twire.Attempt, "training_attempts"),
    ),
    create_only=frozenset({"training_attempts"}),
)


# ------------------------------------------------------------------ push
def collect(engine: SyncEngine) -> int:
    """Queue the unsent training records (in one transaction); returns how many."""
    return _SYNC.collect(engine, lambda item: outbox_key(item.uid))


def _body(repo: Store, table: str, uid: str) -> tuple[int, bool, dict[str, Any]] | None:
    """(local version, deleted here, wire body) of the row, None when it is gone."""
    mirror = repo.remote_training
    if table == "training_scenarios":
        return mirror.scenario_body(uid)
    if table == "training_assignments":
        found = mirror.assignment_body(uid)
        return None if found is None else (found[0], False, found[1])
    attempt = mirror.attempt_body(uid)
    return None if attempt is None else (1, False, attempt)


def send(engine: SyncEngine, op: Any) -> Outcome:
    """Send one training operation (a refusal other than 412 goes to the engine's rules)."""
    uid = str(op.payload.get("uid", ""))
    table = TABLE_OF[op.op]
    built = engine.store_call(lambda repo: _body(repo, table, uid))
    if built is None:  # gone here before it was sent: nothing to send
        return _SYNC.nothing_to_send(engine, op)
    local_version, deleted, raw = built
    if deleted:
        return _delete(engine, op, uid, local_version)
    return _SYNC.put(engine, op, table, uid, local_version, raw)


def _delete(engine: SyncEngine, op: Any, uid: str, local_version: int) -> Outcome:
    waiting = _SYNC.delete(engine, op, f"{_SYNC.paths['training_scenarios']}/{uid}")
    if waiting is not None:  # changed on the server since: the trainer decides
        return waiting

    def gone(repo: Store) -> None:
        with repo.transaction():
            if repo.remote_training.acknowledge_delete(uid, local_version):
                repo.outbox.done(op.id)
            else:  # saved again meanwhile: sent again as a new scenario
                repo.outbox.drop(op.id)

    engine.store_call(gone)
    engine._log.mark(training=True)
    return Outcome.SENT


# ------------------------------------------------------------------ pull
def pull(engine: SyncEngine) -> int:
    """Read the three feeds; returns records quarantined. A backend without them (404 on
    the first) keeps the rest of the sync going."""
    return _SYNC.pull(engine, _store_page, set())


def _store_page(
    repo: Store, table: str, items: list[Mapping[str, Any]], gone: list[str]
) -> set[int]:
    mirror = repo.remote_training
    if table == "training_scenarios":
        mirror.upsert_scenarios(items)
    elif table == "training_assignments":
        _stored, skipped = mirror.upsert_assignments(items)
        if skipped:
            log.warning("%d assignments of agents not here were skipped", skipped)
    else:
        mirror.upsert_attempts(items)
    mirror.remove(table, gone)
    return set()
