"""Inbox use cases, each a plain function run on the store lane.

They take the repository and return values (never widgets); mutations return a
:class:`Changes` so the UI refreshes only what changed. Sending (replies, notes, held
replies) is :mod:`app.ops.reply`.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.changes import Changes
from app.domain.filters import InboxQuery
from app.domain.models import (
    Agent,
    ConversationDetail,
    ConversationRow,
    MessageKind,
    Status,
    Workspace,
)
from app.ops import mentions, outbox
from app.storage import fts
from app.storage.store import Store
from app.storage.translation_store import MacroRow

PAGE_SIZE = 100
SNOOZE_MIN_SECONDS = 60


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


def workspace_info(repo: Store, name: str, path_label: str) -> Workspace:
    """Who "me" is in this store (set by the demo loader or, later, by sign-in)."""
    me_uid = repo.meta.get("me_agent_uid")
    me = repo.conversations.agent_by_uid(me_uid) if me_uid else None
    return Workspace(name, path_label, me.id if me else None, me.name if me else None)


def load_page(repo: Store, query: InboxQuery, me_id: int | None, now: int) -> InboxPage:
    """Run a filter/search: the count and the first page of rows, in one trip."""
    count, ids = repo.conversations.first_page(query, me_id, now, PAGE_SIZE)
    return InboxPage(query, count, ids, repo.conversations.conversation_rows(ids))


def load_all_ids(repo: Store, query: InboxQuery, me_id: int | None, now: int) -> array[int]:
    """Every matching id in order (8 bytes each), so any row can be fetched by page."""
    return repo.conversations.conversation_ids(query, me_id, now)


def conversation_rows(repo: Store, ids: Sequence[int]) -> dict[int, ConversationRow]:
    """Rows for one page of the list, keyed by id."""
    return repo.conversations.conversation_rows(ids)


def filter_choices(repo: Store) -> tuple[dict[str, tuple[str, ...]], tuple[Agent, ...]]:
    """What the filter menus offer: the values present (channels, languages, ...) and agents."""
    return repo.conversations.distinct_values(), repo.conversations.agents()


def header_choices(
    repo: Store,
) -> tuple[tuple[Agent, ...], tuple[str, ...], list[MacroRow]]:
    """What the conversation header offers: agents to assign, known tags, canned replies."""
    return (
        repo.conversations.agents(),
        repo.conversations.distinct_values()["tag"],
        repo.translation.macros(),
    )


def open_conversation(
    repo: Store, conversation_id: int, now: int | None = None
) -> ConversationDetail:
    """Everything the conversation view shows; opening it marks it read (and, at ``now``,
    the @mentions of "me" in it seen)."""
    repo.conversations.mark_read(conversation_id)
    if now is not None:
        mentions.mark_seen(repo, conversation_id, now)
    return conversation_detail(repo, conversation_id)


def conversation_detail(repo: Store, conversation_id: int) -> ConversationDetail:
    """Everything the conversation view shows, as stored (nothing is marked read)."""
    files, draft_files = repo.attachments.for_conversation(conversation_id)  # one query
    return ConversationDetail(
        row=repo.conversations.conversation_row(conversation_id),
        customer=repo.conversations.customer(repo.conversations.customer_id(conversation_id)),
        messages=repo.messages.messages(conversation_id),
        draft=repo.drafts.draft(conversation_id),
        language_override=repo.conversations.language_override(conversation_id),
        attachments=files,
        draft_attachments=draft_files,
        events=repo.events.for_conversation(conversation_id),
    )


def mark_unread(repo: Store, conversation_id: int) -> Changes:
    """Put the unread badge back, so the agent comes back to it later (local only)."""
    repo.conversations.mark_unread(conversation_id)
    return Changes.of(conversation_id)


def set_status(repo: Store, conversation_id: int, status: Status, now: int) -> Changes:
    with repo.transaction():
        before = outbox.state_before(repo, conversation_id)
        repo.conversations.set_status(conversation_id, status, now)
        repo.events.status(conversation_id, status.value, now)
        outbox.queue_patch(
            repo, conversation_id, {"status": status.value}, {"status": before["status"]}, now
        )
    return Changes.of(conversation_id, list_membership=True, outbox=True)


def snooze(repo: Store, conversation_id: int, until: int, now: int) -> Changes:
    until = max(until, now + SNOOZE_MIN_SECONDS)
    with repo.transaction():
        before = outbox.state_before(repo, conversation_id)
        repo.conversations.snooze(conversation_id, until, now)
        repo.snoozes.set_until_reply(conversation_id, False)  # a time: not "until a reply"
        repo.events.record(conversation_id, "snoozed", None, {"until": until}, now)
        outbox.queue_patch(
            repo,
            conversation_id,
            {"status": "snoozed", "snoozed_until": until},
            {"status": before["status"]},
            now,
        )
    return Changes.of(conversation_id, list_membership=True, outbox=True)


def assign(repo: Store, conversation_id: int, agent_id: int | None, now: int) -> Changes:
    with repo.transaction():
        before = outbox.state_before(repo, conversation_id)
        repo.conversations.assign(conversation_id, agent_id, now)
        repo.events.assigned(conversation_id, agent_id, now)
        agent_uid = None
        if agent_id is not None:
            agent_uid = repo.conversations.agent_uid(agent_id)
        outbox.queue_patch(
            repo,
            conversation_id,
            {"assignee_id": agent_uid},
            {"assignee_id": before["assignee_id"]},
            now,
        )
    return Changes.of(conversation_id, list_membership=True, outbox=True)


@dataclass(frozen=True, slots=True)
class Before:
    """A conversation's status, wake-up time and assignee before an action the agent
    may undo (read from the row on screen, so Undo brings back what they saw)."""

    status: Status
    snoozed_until: int | None
    assignee_id: int | None

    @classmethod
    def of(cls, row: ConversationRow) -> Before:
        return cls(row.status, row.snoozed_until, row.assignee_id)


def undo(repo: Store, conversation_id: int, before: Before, now: int) -> Changes:
    """Put back the status (and snooze) and assignee of ``before``, queued for the server
    like any other change: Undo is a new change, not a removal from the outbox."""
    with repo.transaction():
        state = outbox.state_before(repo, conversation_id)
        until = before.snoozed_until
        patch: dict[str, object] = {"status": before.status.value}
        if before.status is Status.SNOOZED and until is not None and until > now:
            repo.conversations.snooze(conversation_id, until, now)
            patch["snoozed_until"] = until
        else:
            status = Status.OPEN if before.status is Status.SNOOZED else before.status
            repo.conversations.set_status(conversation_id, status, now, undoing=True)
            patch["status"] = status.value
        repo.events.status(conversation_id, str(patch["status"]), now)
        expected: dict[str, object] = {"status": state["status"]}
        agent_id = before.assignee_id
        if agent_id != repo.conversations.conversation_row(conversation_id).assignee_id:
            repo.conversations.assign(conversation_id, agent_id, now)
            repo.events.assigned(conversation_id, agent_id, now)
            agent_uid = repo.conversations.agent_uid(agent_id) if agent_id is not None else None
            patch["assignee_id"] = agent_uid
            expected["assignee_id"] = state["assignee_id"]
        outbox.queue_patch(repo, conversation_id, patch, expected, now)
    return Changes.of(conversation_id, list_membership=True, outbox=True)


def add_tag(repo: Store, conversation_id: int, tag: str, now: int) -> Changes:
    with repo.transaction():
        repo.conversations.add_tag(conversation_id, tag, now)
        repo.events.record(conversation_id, "tagged", None, {"tag": tag.strip()[:100]}, now)
        outbox.queue_patch(repo, conversation_id, {"tags": {"add": [tag.strip()]}}, {}, now)
    return Changes.of(conversation_id, list_membership=True, choices=True, outbox=True)


def remove_tag(repo: Store, conversation_id: int, tag: str, now: int) -> Changes:
    with repo.transaction():
        repo.conversations.remove_tag(conversation_id, tag, now)
        repo.events.record(conversation_id, "untagged", None, {"tag": tag[:100]}, now)
        outbox.queue_patch(repo, conversation_id, {"tags": {"remove": [tag]}}, {}, now)
    return Changes.of(conversation_id, list_membership=True, choices=True, outbox=True)


def save_draft(repo: Store, conversation_id: int, kind: MessageKind, body: str, now: int) -> None:
    repo.drafts.save_draft(conversation_id, kind, body, now)


def append_to_draft(repo: Store, conversation_id: int, text: str, now: int) -> None:
    """Text typed for a conversation before it was on screen: it goes after its draft."""
    with repo.transaction():
        draft = repo.drafts.draft(conversation_id)
        kind = draft.kind if draft is not None else MessageKind.AGENT
        body = draft.body if draft is not None else ""
        repo.drafts.save_draft(conversation_id, kind, body + text, now)


def wake_snoozed(repo: Store, now: int) -> Changes:
    """Reopen conversations whose snooze has ended (run at start and every minute)."""
    count = repo.conversations.wake_snoozed(now)
    return Changes(list_membership=count > 0)


def find_conversation(repo: Store, uid: str) -> int | None:
    """The conversation with this id (``--open jp-0005``), or None if the workspace has none."""
    return repo.conversations.conversation_id_by_uid(uid)


def is_search(text: str) -> bool:
    """Whether the search box holds a search at all (not nothing, spaces or zero-width
    characters), so the UI can widen it to every status."""
    return not fts.is_blank(text)


def search_has_terms(text: str) -> bool:
    """Whether a search holds anything the index can look for (letters, digits, emoji and
    other symbols): a search of punctuation alone finds nothing, and the UI says why."""
    return fts.is_blank(text) or bool(fts.words(text))
