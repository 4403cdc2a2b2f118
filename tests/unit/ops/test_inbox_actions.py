"""What the agent's actions do to the data (the UI tests check what the agent sees)."""

from __future__ import annotations

import pytest

from app.domain.models import MessageKind, Status
from app.ops import inbox
from app.storage.store import Store
from tests.helpers.builders import NOW


@pytest.fixture
def ids(repo: Store, standard_inbox: dict[str, int]) -> dict[str, int]:
    return standard_inbox


def test_customer_message_reopens_a_resolved_conversation_and_starts_the_clock(
    repo: Store, ids: dict[str, int]
) -> None:
    cid = ids["Somchai Dee"]
    repo.messages.add_message(cid, MessageKind.CUSTOMER, "มีปัญหาอีกแล้วครับ", NOW)
    row = repo.conversations.conversation_row(cid)
    assert row.status is Status.OPEN
    assert row.sla_due_at == NOW + 3600  # Messenger: one hour
    assert row.unread_count == 1


def test_status_assign_tags_snooze_and_wake(repo: Store, ids: dict[str, int]) -> None:
    cid = ids["Carlos Pérez"]
    colleague = repo.conversations.agent_by_uid("colleague")
    assert colleague is not None
    inbox.assign(repo, cid, colleague.id, NOW)
    inbox.add_tag(repo, cid, "price-negotiation", NOW)
    inbox.add_tag(repo, cid, "price-negotiation", NOW)  # twice is once
    inbox.snooze(repo, cid, NOW + 3600, NOW)
    row = repo.conversations.conversation_row(cid)
    assert (row.assignee_name, row.tags, row.status) == (
        "Carl Colleague",
        ("price-negotiation",),
        Status.SNOOZED,
    )
    assert row.snoozed_until == NOW + 3600
    assert not inbox.wake_snoozed(repo, NOW + 3599).list_membership
    assert inbox.wake_snoozed(repo, NOW + 3600).list_membership
    row = repo.conversations.conversation_row(cid)
    assert row.status is Status.OPEN and row.snoozed_until is None
    inbox.remove_tag(repo, cid, "price-negotiation", NOW)
    inbox.set_status(repo, cid, Status.RESOLVED, NOW)
    row = repo.conversations.conversation_row(cid)
    assert row.tags == () and row.status is Status.RESOLVED and row.sla_due_at is None
    before = row
    inbox.assign(repo, cid, None, NOW)
    assert repo.conversations.conversation_row(cid).assignee_id is None
    assert repo.conversations.conversation_row(cid).uid == before.uid


def test_opening_marks_read(repo: Store, ids: dict[str, int]) -> None:
    cid = ids["Ana Souza"]
    assert repo.conversations.conversation_row(cid).unread_count == 1
    detail = inbox.open_conversation(repo, cid)
    assert detail.row.unread_count == 0
    assert detail.customer.country == "BR"
