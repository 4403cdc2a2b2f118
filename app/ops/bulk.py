"""Actions on many conversations at once (the inbox's multi-selection): assign, tag,
resolve, set pending, snooze, each in ONE transaction, and their undo.

Each conversation goes through the same operation as a single action (:mod:`app.ops.inbox`),
so the outbox, the history lines and the search index see exactly what one click would
have done; a conversation already in the wanted state is left alone (and not counted).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.domain.changes import Changes
from app.domain.errors import LocalizedError
from app.domain.models import ConversationRow, Status
from app.i18n import N_
from app.ops import inbox
from app.ops.inbox import Before
from app.storage.store import Store

MAX_BULK = 1000  # conversations per bulk action: one transaction, one undo


class BulkError(LocalizedError):
    """A bulk action refused before it changed anything (the message says why)."""


@dataclass(frozen=True, slots=True)
class BulkUndo:
    """What a bulk action changed, to put back: each conversation's status, snooze and
    assignee before it, and the conversations a tag was added to (it is removed again)."""

    befores: tuple[tuple[int, Before], ...] = ()
    tag: str | None = None
    tagged: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class BulkResult:
    """How many conversations the action changed, what it changed, and how to undo it."""

    count: int
    changes: Changes
    undo: BulkUndo


def checked_ids(ids: Sequence[int]) -> list[int]:
    """The selection, without repeats; BulkError if it is empty or over :data:`MAX_BULK`."""
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise BulkError(N_("No conversations are selected"))
    if len(unique) > MAX_BULK:
        raise BulkError(
            N_("Select at most {limit} conversations for one action ({count} are selected)"),
            limit=MAX_BULK,
            count=len(unique),
        )
    return unique


def _each(
    repo: Store,
    ids: Sequence[int],
    wanted: Callable[[ConversationRow], bool],
    act: Callable[[int], Changes],
) -> BulkResult:
    """Apply ``act`` to every listed conversation ``wanted`` says still needs it, in one
    transaction (all or nothing), remembering each one's state before."""
    unique = checked_ids(ids)
    changes = Changes()
    befores: list[tuple[int, Before]] = []
    with repo.transaction():
        rows = repo.conversations.conversation_rows(unique)
        for cid in unique:
            row = rows.get(cid)
            if row is None or not wanted(row):
                continue  # gone meanwhile, or already so
            befores.append((cid, Before.of(row)))
            changes |= act(cid)
    return BulkResult(len(befores), changes, BulkUndo(befores=tuple(befores)))


def set_status(repo: Store, ids: Sequence[int], status: Status, now: int) -> BulkResult:
    """Resolve, set pending or reopen every selected conversation."""
    return _each(
        repo,
        ids,
        lambda row: row.status is not status,
        lambda cid: inbox.set_status(repo, cid, status, now),
    )


def snooze(repo: Store, ids: Sequence[int], until: int, now: int) -> BulkResult:
    return _each(
        repo,
        ids,
        lambda row: row.status is not Status.RESOLVED,
        lambda cid: inbox.snooze(repo, cid, until, now),
    )


def assign(repo: Store, ids: Sequence[int], agent_id: int | None, now: int) -> BulkResult:
    """Assign every selected conversation to ``agent_id`` (None: unassign)."""
    return _each(
        repo,
        ids,
        lambda row: row.assignee_id != agent_id,
        lambda cid: inbox.assign(repo, cid, agent_id, now),
    )


def add_tag(repo: Store, ids: Sequence[int], tag: str, now: int) -> BulkResult:
    """Tag every selected conversation; undo removes it only where this action added it."""
    tag = " ".join(tag.split())
    if not tag:
        raise BulkError(N_("A tag needs a name"))
    result = _each(
        repo,
        ids,
        lambda row: tag not in row.tags,
        lambda cid: inbox.add_tag(repo, cid, tag, now),
    )
    tagged = tuple(cid for cid, _before in result.undo.befores)
    return BulkResult(result.count, result.changes, BulkUndo(tag=tag, tagged=tagged))


def undo(repo: Store, token: BulkUndo, now: int) -> Changes:
    """Put back what a bulk action changed, in one transaction (queued for the server
    like any change)."""
    changes = Changes()
    with repo.transaction():
        present = repo.conversations.conversation_rows(
            [cid for cid, _b in token.befores] + list(token.tagged)
        )
        for cid, before in token.befores:
            if cid in present:
                changes |= inbox.undo(repo, cid, before, now)
        if token.tag is not None:
            for cid in token.tagged:
                if cid in present:
                    changes |= inbox.remove_tag(repo, cid, token.tag, now)
    return changes
