"""Inbox use cases, each a plain function run on the store lane.

They take the repository and return values (never widgets); mutations return a
:class:`Changes` so the UI refreshes only what changed.
"""

from __future__ import annotations

import uuid
from array import array
from collections.abc import Callable
from dataclasses import dataclass

from app.domain.filters import InboxQuery
from app.domain.models import (
    ConversationDetail,
    ConversationRow,
    MessageKind,
    Status,
    Workspace,
)
from app.ops import outbox
from app.storage import fts
from app.storage.repository import InboxRepository

PAGE_SIZE = 100
SNOOZE_MIN_SECONDS = 60


@dataclass(frozen=True, slots=True)
class Changes:
    """What a mutation touched: which conversations, and whether list membership may change."""

    conversation_ids: frozenset[int]
    list_membership: bool = True
    messages: bool = False


@dataclass(frozen=True, slots=True)
class InboxPage:
    """The first answer to a filter change: how many match, and the first page of rows.

    ``ids`` holds the first page's ids; the full list follows (:func:`load_all_ids`).
    """

    query: InboxQuery
    count: int
    ids: array[int]
    first_rows: dict[int, ConversationRow]

    @property
    def complete(self) -> bool:
        return len(self.ids) >= self.count


class MessageTooLongError(ValueError):
    """A reply larger than the store accepts (a paste gone wrong, not a real reply)."""


MAX_REPLY_CHARS = 200_000


def workspace_info(repo: InboxRepository, name: str, path_label: str) -> Workspace:
    """Who "me" is in this store (set by the demo loader or, later, by sign-in)."""
    me_uid = repo.meta("me_agent_uid")
    me = repo.agent_by_uid(me_uid) if me_uid else None
    return Workspace(name, path_label, me.id if me else None, me.name if me else None)


def load_page(repo: InboxRepository, query: InboxQuery, me_id: int | None, now: int) -> InboxPage:
    """Run a filter/search: the count and the first page of rows, in one trip."""
    count, ids = repo.first_page(query, me_id, now, PAGE_SIZE)
    return InboxPage(query, count, ids, repo.conversation_rows(ids))


def load_all_ids(
    repo: InboxRepository, query: InboxQuery, me_id: int | None, now: int
) -> array[int]:
    """Every matching id in order (8 bytes each), so any row can be fetched by page."""
    return repo.conversation_ids(query, me_id, now)


def open_conversation(repo: InboxRepository, conversation_id: int) -> ConversationDetail:
    """Everything the conversation view shows; opening it marks it read."""
    repo.mark_read(conversation_id)
    return repo.conversation_detail(conversation_id)


def send_message(
    repo: InboxRepository,
    conversation_id: int,
    kind: MessageKind,
    body: str,
    author_id: int | None,
    now: int,
) -> Changes:
    """Store a reply or internal note and clear the draft, in one transaction."""
    if kind not in (MessageKind.AGENT, MessageKind.NOTE):
        raise ValueError(f"agents send replies or notes, not {kind}")
    text = body.strip("\n")
    if not text.strip():
        raise ValueError("an empty message cannot be sent")
    if len(text) > MAX_REPLY_CHARS:
        raise MessageTooLongError(len(text))
    uid = str(uuid.uuid4())
    with repo.transaction():
        repo.add_message(conversation_id, kind, text, now, author_agent_id=author_id, uid=uid)
        repo.save_draft(conversation_id, kind, "", now)
        outbox.queue_message(repo, conversation_id, uid, now)  # same transaction
    return Changes(frozenset({conversation_id}), list_membership=True, messages=True)


def send_or_keep_draft(
    repo: InboxRepository,
    conversation_id: int,
    kind: MessageKind,
    text: str,
    now: int,
    store: Callable[[InboxRepository], Changes],
) -> Changes:
    """Run a send (``store`` clears the draft in its own transaction); if it is refused,
    keep its text as the conversation's draft instead.

    Both happen on the store lane at the place of the send, so nothing typed is lost even
    if the agent has left the conversation, and a draft saved after it (newer text) wins.
    """
    try:
        return store(repo)
    except Exception:
        repo.save_draft(conversation_id, kind, text, now)
        raise


def set_status(repo: InboxRepository, conversation_id: int, status: Status, now: int) -> Changes:
    with repo.transaction():
        before = outbox.state_before(repo, conversation_id)
        repo.set_status(conversation_id, status, now)
        outbox.queue_patch(
            repo, conversation_id, {"status": status.value}, {"status": before["status"]}, now
        )
    return Changes(frozenset({conversation_id}))


def snooze(repo: InboxRepository, conversation_id: int, until: int, now: int) -> Changes:
    until = max(until, now + SNOOZE_MIN_SECONDS)
    with repo.transaction():
        before = outbox.state_before(repo, conversation_id)
        repo.snooze(conversation_id, until, now)
        outbox.queue_patch(
            repo,
            conversation_id,
            {"status": "snoozed", "snoozed_until": until},
            {"status": before["status"]},
            now,
        )
    return Changes(frozenset({conversation_id}))


def assign(repo: InboxRepository, conversation_id: int, agent_id: int | None, now: int) -> Changes:
    with repo.transaction():
        before = outbox.state_before(repo, conversation_id)
        repo.assign(conversation_id, agent_id, now)
        agent_uid = None
        if agent_id is not None:
            agent_uid = repo.conn.execute(
                "SELECT uid FROM agents WHERE id = ?", (agent_id,)
            ).fetchone()[0]
        outbox.queue_patch(
            repo,
            conversation_id,
            {"assignee_id": agent_uid},
            {"assignee_id": before["assignee_id"]},
            now,
        )
    return Changes(frozenset({conversation_id}))


def add_tag(repo: InboxRepository, conversation_id: int, tag: str, now: int) -> Changes:
    with repo.transaction():
        repo.add_tag(conversation_id, tag, now)
        outbox.queue_patch(repo, conversation_id, {"tags": {"add": [tag.strip()]}}, {}, now)
    return Changes(frozenset({conversation_id}))


def remove_tag(repo: InboxRepository, conversation_id: int, tag: str, now: int) -> Changes:
    with repo.transaction():
        repo.remove_tag(conversation_id, tag, now)
        outbox.queue_patch(repo, conversation_id, {"tags": {"remove": [tag]}}, {}, now)
    return Changes(frozenset({conversation_id}))


def save_draft(
    repo: InboxRepository, conversation_id: int, kind: MessageKind, body: str, now: int
) -> None:
    repo.save_draft(conversation_id, kind, body, now)


def append_to_draft(repo: InboxRepository, conversation_id: int, text: str, now: int) -> None:
    """Text typed for a conversation before it was on screen: it goes after its draft."""
    with repo.transaction():
        draft = repo.draft(conversation_id)
        kind = draft.kind if draft is not None else MessageKind.AGENT
        body = draft.body if draft is not None else ""
        repo.save_draft(conversation_id, kind, body + text, now)


def wake_snoozed(repo: InboxRepository, now: int) -> Changes:
    """Reopen conversations whose snooze has ended (run at start and every minute)."""
    count = repo.wake_snoozed(now)
    return Changes(frozenset(), list_membership=count > 0)


def find_conversation(repo: InboxRepository, uid: str) -> int | None:
    """The conversation with this id (``--open jp-0005``), or None if the workspace has none."""
    return repo.conversation_id_by_uid(uid)


def search_has_terms(text: str) -> bool:
    """Whether a search holds anything the index can look for (letters, digits, emoji and
    other symbols): a search of punctuation alone finds nothing, and the UI says why."""
    return fts.is_blank(text) or bool(fts.words(text))
