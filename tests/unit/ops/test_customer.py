"""The customer beyond one conversation: history, notes, fields, merges, system lines."""

from __future__ import annotations

import pytest

from app.domain.customer import HISTORY_LIMIT, NOTE_MAX_CHARS
from app.domain.fields import MAX_FIELDS, MAX_VALUE_CHARS, fields_from_json
from app.domain.models import Status
from app.ops import customer, inbox
from app.storage.store import Store
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.helpers.person import another_conversation


@pytest.fixture
def agents(repo: Store) -> dict[str, int]:
    return add_agents(repo)


@pytest.fixture
def lucia(repo: Store, agents: dict[str, int]) -> int:
    return add_conversation(repo, Conv(customer="Lucía García", subject="Where is LM-1"), agents)


def test_history_lists_the_other_conversations_newest_first(repo: Store, lucia: int) -> None:
    old = another_conversation(repo, lucia, "Refund for a cable", age=90 * 86400)
    recent = another_conversation(repo, lucia, "Wrong size", age=3 * 86400, status=Status.PENDING)
    view = customer.customer_view(repo, lucia)
    assert [c.id for c in view.others] == [recent, old]
    assert view.others[0].subject == "Wrong size"
    assert view.others[0].status is Status.PENDING
    assert view.others[1].preview == "My earlier order never arrived."
    assert view.more == 0
    # From the old one, the open one is listed and the old one is not.
    assert lucia in [c.id for c in customer.customer_view(repo, old).others]
    assert old not in [c.id for c in customer.customer_view(repo, old).others]


def test_history_is_bounded_with_a_count_of_the_rest(repo: Store, lucia: int) -> None:
    for n in range(HISTORY_LIMIT + 3):
        another_conversation(repo, lucia, f"Order {n}", age=86400 + n)
    view = customer.customer_view(repo, lucia)
    assert len(view.others) == HISTORY_LIMIT
    assert view.more == 3


def test_merged_customers_are_one_person_and_undo_separates_them(
    repo: Store, lucia: int, agents: dict[str, int]
) -> None:
    other = add_conversation(
        repo, Conv(customer="lucia.g (WhatsApp)", subject="Hola otra vez"), agents
    )
    mine_before = customer.customer_view(repo, lucia)
    assert other not in [c.id for c in mine_before.others]
    merge = customer.merge_customers(
        repo, repo.conversations.customer_id(other), repo.conversations.customer_id(lucia)
    )
    assert {lucia, other} <= merge.changes.conversation_ids
    view = customer.customer_view(repo, lucia)
    assert other in [c.id for c in view.others]
    assert view.merged_names == ("lucia.g (WhatsApp)",)
    assert lucia in [c.id for c in customer.customer_view(repo, other).others]
    with pytest.raises(ValueError, match="already the same"):
        customer.merge_customers(repo, mine_before.customer_id, merge.absorbed)
    customer.undo_merge_customers(repo, merge)
    assert other not in [c.id for c in customer.customer_view(repo, lucia).others]


def test_notes_are_on_the_person_and_only_the_author_changes_them(
    repo: Store, lucia: int, agents: dict[str, int]
) -> None:
    earlier = another_conversation(repo, lucia, "Refund", age=86400)
    who = repo.conversations.customer_id(lucia)
    changes = customer.add_note(repo, who, "  Prefers WhatsApp, <b>VIP</b>  ", agents["me"], NOW)
    assert {lucia, earlier} <= changes.conversation_ids
    (note,) = customer.customer_view(repo, earlier).notes
    assert note.body == "Prefers WhatsApp, <b>VIP</b>"  # plain text, kept as written
    assert (note.author_name, note.created_at, note.mine) == ("Mei Agent", NOW, True)
    customer.edit_note(repo, note.id, "Prefers WhatsApp", agents["me"], NOW + 60)
    (edited,) = customer.customer_view(repo, lucia).notes
    assert (edited.body, edited.updated_at) == ("Prefers WhatsApp", NOW + 60)
    with pytest.raises(customer.NotYourNoteError):
        customer.edit_note(repo, note.id, "hijacked", agents["colleague"], NOW)
    with pytest.raises(customer.NotYourNoteError):
        customer.delete_note(repo, note.id, agents["colleague"])
    with pytest.raises(customer.NoteTooLongError):
        customer.add_note(repo, who, "x" * (NOTE_MAX_CHARS + 1), agents["me"], NOW)
    with pytest.raises(customer.NoteError):
        customer.add_note(repo, who, "   ", agents["me"], NOW)
    customer.delete_note(repo, note.id, agents["me"])
    assert customer.customer_view(repo, lucia).notes == ()


def test_fields_are_bounded_and_hostile_json_is_ignored(repo: Store, lucia: int) -> None:
    who = repo.conversations.customer_id(lucia)
    with repo.transaction():
        repo.customers.set_customer_fields(who, {"plan": "Gold", "nested": {"x": 1}})
        repo.customers.set_conversation_fields(
            lucia,
            {
                "order_number": "LM-1",
                "paid": True,
                "total": 42.5,
                "nan": float("nan"),
                "long": "y" * 10_000,
                **{f"k{n}": n for n in range(100)},
            },
        )
    view = customer.customer_view(repo, lucia)
    assert view.customer_fields == {"plan": "Gold"}
    fields = view.conversation_fields
    assert fields["order_number"] == "LM-1" and fields["paid"] is True
    assert "nan" not in fields and len(fields) <= MAX_FIELDS
    assert len(str(fields["long"])) == MAX_VALUE_CHARS
    for hostile in ("[1, 2]", "{", '{"a": ' * 5000, "null", "x" * 100_000):
        assert fields_from_json(hostile) == {}


def test_actions_leave_system_lines_in_time_order(
    repo: Store, lucia: int, agents: dict[str, int]
) -> None:
    inbox.assign(repo, lucia, agents["colleague"], NOW + 1)
    inbox.add_tag(repo, lucia, "vip", NOW + 2)
    inbox.remove_tag(repo, lucia, "vip", NOW + 3)
    inbox.snooze(repo, lucia, NOW + 7200, NOW + 4)
    inbox.set_status(repo, lucia, Status.RESOLVED, NOW + 5)
    inbox.undo(repo, lucia, inbox.Before(Status.OPEN, None, None), NOW + 6)
    events = inbox.conversation_detail(repo, lucia).events
    assert [e.kind for e in events] == [
        "assigned",
        "tagged",
        "untagged",
        "snoozed",
        "resolved",
        "reopened",
        "unassigned",
    ]
    assert events[0].detail["to"] == "Carl Colleague"
    assert events[1].detail["tag"] == "vip"
    assert events[3].detail["until"] == NOW + 7200
    assert all(e.by_me and e.actor_name == "Mei Agent" for e in events)


def test_merging_conversations_moves_the_messages_in_time_order_and_undo_restores(
    repo: Store, lucia: int
) -> None:
    from app.domain.filters import InboxQuery

    earlier = another_conversation(
        repo, lucia, "Refund", age=4 * 3600, status=Status.OPEN, body="First, the refund."
    )
    inbox.add_tag(repo, earlier, "refund", NOW - 60)
    before_into = inbox.conversation_detail(repo, lucia)
    before_absorbed = inbox.conversation_detail(repo, earlier)
    all_statuses = InboxQuery(statuses=frozenset())
    assert {lucia, earlier} <= set(inbox.load_all_ids(repo, all_statuses, None, NOW))
    merge = customer.merge_conversations(repo, earlier, lucia, NOW)
    assert {earlier, lucia} <= merge.changes.conversation_ids
    merged = inbox.conversation_detail(repo, lucia)
    assert [m.body for m in merged.messages] == [
        "First, the refund.",
        "Hello, where is my order?",
    ]
    assert [m.seq for m in merged.messages] == [1, 2]
    assert merged.row.message_count == 2
    assert [e.kind for e in merged.events] == ["tagged", "merged"]
    assert merged.events[-1].detail["subject"] == "Refund"
    # The absorbed one leaves the inbox (every status) and the search.
    assert earlier not in set(inbox.load_all_ids(repo, all_statuses, None, NOW))
    found = inbox.load_all_ids(repo, InboxQuery(statuses=frozenset(), search="refund"), None, NOW)
    assert list(found) == [lucia]
    assert earlier not in [c.id for c in customer.customer_view(repo, lucia).others]
    with pytest.raises(customer.MergeError):
        customer.merge_conversations(repo, earlier, lucia, NOW)
    with pytest.raises(customer.MergeError):
        customer.merge_conversations(repo, lucia, lucia, NOW)
    # Undo: both as they were.
    customer.undo_merge_conversations(repo, merge, NOW + 5)
    again_into = inbox.conversation_detail(repo, lucia)
    again_absorbed = inbox.conversation_detail(repo, earlier)
    assert again_into.messages == before_into.messages
    assert again_absorbed.messages == before_absorbed.messages
    assert again_absorbed.row.status is Status.OPEN
    assert again_into.events == before_into.events
    assert [e.kind for e in again_absorbed.events] == ["tagged"]
    assert {lucia, earlier} <= set(inbox.load_all_ids(repo, all_statuses, None, NOW))


def test_merging_is_local_only(repo: Store, lucia: int) -> None:
    from app.ops import outbox

    earlier = another_conversation(repo, lucia, "Refund", age=86400)
    outbox.mark_server_workspace(repo, "https://desk.example", "me", "Mei Agent")
    with pytest.raises(customer.MergeNotAvailableError):
        customer.merge_conversations(repo, earlier, lucia, NOW)
    assert customer.customer_view(repo, lucia).local_only is False
