"""What the agent's actions do to the data (the UI tests check what the agent sees)."""

from __future__ import annotations

import pytest

from app.domain.models import MessageKind, Status
from app.ops import inbox
from app.storage.repository import InboxRepository
from tests.helpers.builders import NOW


@pytest.fixture
def ids(repo: InboxRepository, standard_inbox: dict[str, int]) -> dict[str, int]:
    return standard_inbox


def test_reply_clears_sla_draft_and_updates_preview(
    repo: InboxRepository, ids: dict[str, int]
) -> None:
    cid = ids["Ana Souza"]
    repo.save_draft(cid, MessageKind.AGENT, "Olá Ana", NOW)
    changes = inbox.send_message(repo, cid, MessageKind.AGENT, "Olá Ana, sim!", None, NOW + 5)
    row = repo.conversation_row(cid)
    assert changes.conversation_ids == {cid}
    assert row.sla_due_at is None
    assert row.last_message_preview == "Olá Ana, sim!"
    assert row.last_message_kind is MessageKind.AGENT
    assert repo.draft(cid) is None
    assert [m.seq for m in repo.messages(cid)] == [1, 2]


def test_a_note_does_not_touch_preview_or_sla(repo: InboxRepository, ids: dict[str, int]) -> None:
    cid = ids["Ana Souza"]
    before = repo.conversation_row(cid)
    inbox.send_message(repo, cid, MessageKind.NOTE, "ligar amanhã", None, NOW + 5)
    after = repo.conversation_row(cid)
    assert after.last_message_preview == before.last_message_preview
    assert after.sla_due_at == before.sla_due_at
    assert repo.messages(cid)[-1].kind is MessageKind.NOTE


def test_customer_message_reopens_a_resolved_conversation_and_starts_the_clock(
    repo: InboxRepository, ids: dict[str, int]
) -> None:
    cid = ids["Somchai Dee"]
    repo.add_message(cid, MessageKind.CUSTOMER, "มีปัญหาอีกแล้วครับ", NOW)
    row = repo.conversation_row(cid)
    assert row.status is Status.OPEN
    assert row.sla_due_at == NOW + 3600  # Messenger: one hour
    assert row.unread_count == 1


def test_empty_and_oversized_messages_are_refused(
    repo: InboxRepository, ids: dict[str, int]
) -> None:
    cid = ids["Ana Souza"]
    with pytest.raises(ValueError):
        inbox.send_message(repo, cid, MessageKind.AGENT, "  \n ", None, NOW)
    with pytest.raises(inbox.MessageTooLongError):
        inbox.send_message(
            repo, cid, MessageKind.AGENT, "x" * (inbox.MAX_REPLY_CHARS + 1), None, NOW
        )
    assert len(repo.messages(cid)) == 1


def test_status_assign_tags_snooze_and_wake(repo: InboxRepository, ids: dict[str, int]) -> None:
    cid = ids["Carlos Pérez"]
    colleague = repo.agent_by_uid("colleague")
    assert colleague is not None
    inbox.assign(repo, cid, colleague.id, NOW)
    inbox.add_tag(repo, cid, "price-negotiation", NOW)
    inbox.add_tag(repo, cid, "price-negotiation", NOW)  # twice is once
    inbox.snooze(repo, cid, NOW + 3600, NOW)
    row = repo.conversation_row(cid)
    assert (row.assignee_name, row.tags, row.status) == (
        "Carl Colleague",
        ("price-negotiation",),
        Status.SNOOZED,
    )
    assert row.snoozed_until == NOW + 3600
    assert not inbox.wake_snoozed(repo, NOW + 3599).list_membership
    assert inbox.wake_snoozed(repo, NOW + 3600).list_membership
    row = repo.conversation_row(cid)
    assert row.status is Status.OPEN and row.snoozed_until is None
    inbox.remove_tag(repo, cid, "price-negotiation", NOW)
    inbox.set_status(repo, cid, Status.RESOLVED, NOW)
    row = repo.conversation_row(cid)
    assert row.tags == () and row.status is Status.RESOLVED and row.sla_due_at is None
    before = row
    inbox.assign(repo, cid, None, NOW)
    assert repo.conversation_row(cid).assignee_id is None
    assert repo.conversation_row(cid).uid == before.uid


def test_opening_marks_read(repo: InboxRepository, ids: dict[str, int]) -> None:
    cid = ids["Ana Souza"]
    assert repo.conversation_row(cid).unread_count == 1
    detail = inbox.open_conversation(repo, cid)
    assert detail.row.unread_count == 0
    assert detail.customer.country == "BR"
