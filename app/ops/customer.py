"""The customer beside the thread: their history, notes and fields, and merging two
customers who are the same person.

Plain functions on the store lane, like :mod:`app.ops.inbox`; mutations return
:class:`Changes` naming every conversation of the person (the Customer section shows
with each of them).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.changes import Changes
from app.domain.customer import (
    HISTORY_LIMIT,
    HISTORY_MAX,
    NOTE_MAX_CHARS,
    NOTES_LIMIT,
    CustomerView,
)
from app.ops import outbox
from app.storage.merges import MergeRecord
from app.storage.store import Store


class NoteError(ValueError):
    """A note that cannot be saved; the message says why (shown to the agent)."""


class NoteTooLongError(NoteError):
    def __init__(self, length: int) -> None:
        super().__init__(f"a note holds at most {NOTE_MAX_CHARS} characters, not {length}")
        self.length = length


class NotYourNoteError(NoteError):
    def __init__(self) -> None:
        super().__init__("only the author of a note can change or delete it")


def customer_view(store: Store, conversation_id: int, limit: int = HISTORY_LIMIT) -> CustomerView:
    """The open conversation's customer: other conversations (``limit`` of them, at most
    :data:`HISTORY_MAX`), notes and fields."""
    customer_id = store.conversations.customer_id(conversation_id)
    person = store.customers.person(customer_id)
    limit = max(1, min(limit, HISTORY_MAX))
    others, more = store.customers.history(conversation_id, person, limit)
    names = store.customers.names(person)
    customer_fields = {}
    for member in reversed(person):  # the root's fields win over a merged handle's
        customer_fields.update(store.customers.customer_fields(member))
    return CustomerView(
        conversation_id=conversation_id,
        customer_id=customer_id,
        customer_name=names[0] if names else "",
        others=tuple(others),
        more=more,
        notes=tuple(store.customers.notes(person, NOTES_LIMIT)),
        customer_fields=customer_fields,
        conversation_fields=store.customers.conversation_fields(conversation_id),
        merged_names=tuple(names[1:]),
        local_only=not outbox.synced(store),
    )


def _person_changes(store: Store, customer_id: int) -> Changes:
    person = store.customers.person(customer_id)
    marks = store.customers.conversation_ids(person)
    return Changes.of(*marks)


def _checked_body(body: str) -> str:
    text = body.strip()
    if not text:
        raise NoteError("a note needs some text")
    if len(text) > NOTE_MAX_CHARS:
        raise NoteTooLongError(len(text))
    return text


def add_note(store: Store, customer_id: int, body: str, author_id: int | None, now: int) -> Changes:
    """A note on the customer (kept on the person, seen from all their conversations)."""
    text = _checked_body(body)
    with store.transaction():
        store.customers.add_note(store.customers.root(customer_id), text, author_id, now)
    return _person_changes(store, customer_id)


def edit_note(store: Store, note_id: int, body: str, me_id: int | None, now: int) -> Changes:
    """Change one's own note; NotYourNoteError for a colleague's."""
    text = _checked_body(body)
    with store.transaction():
        if me_id is None or store.customers.note_author(note_id) != me_id:
            raise NotYourNoteError()
        store.customers.edit_note(note_id, text, now)
        customer_id = store.customers.note_customer(note_id)
    return _person_changes(store, customer_id)


def delete_note(store: Store, note_id: int, me_id: int | None) -> Changes:
    """Delete one's own note; NotYourNoteError for a colleague's."""
    with store.transaction():
        if me_id is None or store.customers.note_author(note_id) != me_id:
            raise NotYourNoteError()
        customer_id = store.customers.note_customer(note_id)
        store.customers.delete_note(note_id)
    return _person_changes(store, customer_id)


class MergeNotAvailableError(ValueError):
    def __init__(self) -> None:
        super().__init__("merging is available in a local workspace only: the server has no merge")


@dataclass(frozen=True, slots=True)
class CustomerMerge:
    """What a merge of customers did, so Undo can put it back."""

    absorbed: int
    into: int
    pointed: tuple[int, ...]  # customers that had been merged into ``absorbed``
    changes: Changes


def merge_customers(store: Store, absorbed: int, into: int) -> CustomerMerge:
    """``absorbed`` is the same person as ``into``: their conversations and notes count
    for ``into`` from now on (local: the contract has no merge)."""
    if outbox.synced(store):
        raise MergeNotAvailableError()
    with store.transaction():
        absorbed, into = store.customers.root(absorbed), store.customers.root(into)
        if absorbed == into:
            raise ValueError("these are already the same customer")
        pointed = tuple(store.customers.merged_into_me(absorbed))
        store.customers.merge_customers(absorbed, into)
    return CustomerMerge(absorbed, into, pointed, _person_changes(store, into))


def undo_merge_customers(store: Store, merge: CustomerMerge) -> Changes:
    """Separate the customers a :func:`merge_customers` joined."""
    with store.transaction():
        store.customers.unmerge_customers(merge.absorbed, list(merge.pointed))
    return merge.changes | _person_changes(store, merge.absorbed)


def customer_choices(store: Store, customer_id: int, text: str) -> list[tuple[int, str, str]]:
    """Other customers whose name or handle contains ``text`` (id, name, country), for
    "Merge customers…"; at most 20."""
    return store.customers.find(customer_id, text.strip()[:100], 20)


# ---------------------------------------------------------------------- conversations
class MergeError(ValueError):
    """Two conversations that cannot be merged; the message says why."""


@dataclass(frozen=True, slots=True)
class ConversationMerge:
    """What a merge of conversations did, so Undo can put it back."""

    record: MergeRecord
    event_id: int
    changes: Changes


def merge_conversations(store: Store, absorbed: int, into: int, now: int) -> ConversationMerge:
    """The messages of ``absorbed`` join ``into`` in time order; ``absorbed`` leaves the
    inbox and the search (local: the contract has no merge)."""
    if outbox.synced(store):
        raise MergeNotAvailableError()
    if absorbed == into:
        raise MergeError("a conversation cannot be merged into itself")
    with store.transaction():
        for conversation_id in (absorbed, into):
            if store.merges.state(conversation_id)[1] is not None:
                raise MergeError("that conversation was already merged into another one")
        subject = store.conversations.conversation_row(absorbed).subject
        record = store.merges.merge(absorbed, into, now)
        event = store.events.record(into, "merged", None, {"subject": (subject or "")[:200]}, now)
    changes = Changes.of(absorbed, into, list_membership=True, messages=True)
    return ConversationMerge(record, event, changes)


def undo_merge_conversations(store: Store, merge: ConversationMerge, now: int) -> Changes:
    """Separate the two conversations again, each message back in its place."""
    with store.transaction():
        store.merges.unmerge(merge.record, now)
        store.events.delete(merge.event_id)
    return merge.changes
