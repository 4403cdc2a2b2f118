"""What the sync could not do on its own, and the agent's decisions about it.

Two kinds of problem wait for the agent: a *conflict* (someone else changed the
same status or assignee while the agent's change was on its way: the agent sees
both values and chooses, nothing is overwritten silently) and an operation the
server *refused* for good (parked as "needs attention": the agent can try it
again or drop it; a refused reply stays in the thread, marked "not sent").
An operation the server failed only for now (5xx, 429) is *retrying* on the sync's
backoff schedule: listed too, with its tries and next try, so the agent sees why a
reply is still queued and can try it now or drop it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.contract.erasure import ERASE_KEY_PREFIX, ERASE_OP
from app.domain.changes import Changes
from app.storage.remote_reviews import DELETE_ANNOTATION, PUT_OPS
from app.storage.remote_training import OPS as TRAINING_OPS
from app.storage.store import Store
from app.storage.sync_store import SEND, Operation, SyncStore

REVIEW_OPS = frozenset({*PUT_OPS, DELETE_ANNOTATION})
# what a review operation changes, for the words the agent reads (SyncProblem.item)
REVIEW_ITEMS = {
    **{op: table[:-1] for op, table in PUT_OPS.items()},
    DELETE_ANNOTATION: "annotation",
    ERASE_OP: "erasure",  # a customer's erasure on the server (app.ops.privacy_sync)
    **{op: op.split("_")[-1] for op in TRAINING_OPS},  # training scenario, assignment, attempt
}


class ProblemKind(StrEnum):
    """What waits for the agent (the first two are the outbox row's stored state)."""

    CONFLICT = "conflict"
    NEEDS_ATTENTION = "needs_attention"
    RETRYING = "retrying"  # stored as "pending" with failed tries


_ORDER = {kind: order for order, kind in enumerate(ProblemKind)}
EXCERPT_CHARS = 160


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field in conflict: what the agent saw, what they chose, what the server has.

    ``field`` is ``status`` or ``assignee``; assignee values are agent names (None:
    unassigned)."""

    field: str
    was: str | None
    mine: str | None
    theirs: str | None


@dataclass(frozen=True, slots=True)
class SyncProblem:
    operation_id: int
    kind: ProblemKind
    conversation_id: int | None
    subject: str
    is_message: bool
    excerpt: str | None  # the start of a refused reply
    error: str | None
    changes: tuple[FieldChange, ...] = ()
    attempts: int = 0  # failed tries so far
    next_attempt_at: int | None = None  # RETRYING: when it is tried again (epoch seconds)
    item: str | None = None  # a review operation's object: review, annotation or rubric


def list_problems(repo: Store) -> list[SyncProblem]:
    """Conflicts first, then refused operations, then retrying ones, oldest first."""
    store = repo.outbox
    names = repo.conversations.agent_names()
    problems = [_problem(repo, op, names) for op in store.problems() + store.retrying()]
    return sorted(problems, key=lambda p: (_ORDER[p.kind], p.operation_id))


def _problem(repo: Store, op: Operation, names: dict[str, str]) -> SyncProblem:
    row = repo.conversations.id_and_subject(op.conversation_uid)
    conversation_id, subject = (row[0], row[1] or "") if row else (None, op.conversation_uid)
    if op.op == ERASE_OP:  # no conversation: the customer's id (their name is erased)
        conversation_id, subject = None, op.conversation_uid.removeprefix(ERASE_KEY_PREFIX)
    excerpt = None
    if op.op == SEND:
        body = str(op.payload.get("original_body") or op.payload.get("body") or "")
        excerpt = body[:EXCERPT_CHARS] + ("…" if len(body) > EXCERPT_CHARS else "")
    retrying = op.state == "pending"
    return SyncProblem(
        op.id,
        ProblemKind.RETRYING if retrying else ProblemKind(op.state),
        conversation_id,
        subject,
        op.op == SEND,
        excerpt,
        op.last_error,
        _field_changes(op, names) if op.state == ProblemKind.CONFLICT else (),
        op.attempts,
        op.next_attempt_at if retrying else None,
        REVIEW_ITEMS.get(op.op),
    )


def _field_changes(op: Operation, names: dict[str, str]) -> tuple[FieldChange, ...]:
    patch: dict[str, Any] = op.payload.get("patch", {})
    expected: dict[str, Any] = op.payload.get("expected", {})
    current = op.conflict or {}
    changes = []
    for key, was in expected.items():
        theirs = current.get(key)
        if theirs == was:
            continue  # this field is not what conflicts
        if key == "assignee_id":
            changes.append(
                FieldChange(
                    "assignee",
                    names.get(was, was) if was else None,
                    names.get(str(mine), mine) if (mine := patch.get(key)) else None,
                    names.get(theirs, theirs) if theirs else None,
                )
            )
        else:
            changes.append(FieldChange(key, was, patch.get(key), theirs))
    return tuple(changes)


def _changes(repo: Store, op: Operation, *, queued: bool) -> Changes:
    """A decision may change the conversation's status or assignee (so its place in the
    list); ``queued``: the operation is to be sent again (the window syncs at once)."""
    local = repo.conversations.conversation_id_by_uid(op.conversation_uid)
    ids = frozenset({local} if local is not None else set())
    return Changes(
        ids,
        list_membership=True,
        messages=op.op == SEND,
        sync_problems=True,
        outbox=queued,
        training=op.op in TRAINING_OPS,
    )


def keep_mine(repo: Store, operation_id: int) -> Changes:
    """Send the agent's change on top of the server's current version."""
    store = repo.outbox
    with repo.transaction():
        op = store.operation(operation_id)
        current = op.conflict or {}
        expected = {key: current.get(key) for key in op.payload.get("expected", {})}
        store.keep_mine(operation_id, int(current.get("version") or 0), expected)
    return _changes(repo, op, queued=True)


def keep_theirs(repo: Store, operation_id: int) -> Changes:
    """Drop the agent's change and show what the server has."""
    store = repo.outbox
    with repo.transaction():
        op = store.operation(operation_id)
        current = op.conflict or {}
        store.drop(operation_id)
        local = repo.conversations.conversation_id_by_uid(op.conversation_uid)
        if op.op in REVIEW_OPS:  # a review, annotation or rubric: the server's copy
            repo.remote_reviews.take_server_copy(op.op, current)
        elif op.op in TRAINING_OPS:  # a training record: the server's copy
            repo.remote_training.take_server_copy(op.op, current)
        elif local is not None and current:
            repo.remote.take_server_state(local, current)
    return _changes(repo, op, queued=False)


def retry(repo: Store, operation_id: int) -> Changes:
    """Try a refused or retrying operation again now, with its original idempotency key."""
    return _on_operation(repo, operation_id, SyncStore.retry_now, queued=True)


def discard(repo: Store, operation_id: int) -> Changes:
    """Stop trying. A refused reply stays in the local thread, marked "not sent"."""
    return _on_operation(repo, operation_id, SyncStore.drop, queued=False)


def _on_operation(
    repo: Store, operation_id: int, action: Callable[[SyncStore, int], None], *, queued: bool
) -> Changes:
    store = repo.outbox
    with repo.transaction():
        op = store.operation(operation_id)
        action(store, operation_id)
    return _changes(repo, op, queued=queued)
