"""A customer who wrote more than once: extra conversations for the same person."""

from __future__ import annotations

import itertools

from app.domain.models import Channel, MessageKind, Status
from app.storage.store import Store
from tests.helpers.builders import NOW

_counter = itertools.count(1)


def another_conversation(
    repo: Store,
    of_conversation: int,
    subject: str,
    *,
    age: int,
    status: Status = Status.RESOLVED,
    channel: Channel = Channel.EMAIL,
    body: str = "My earlier order never arrived.",
    customer_id: int | None = None,
) -> int:
    """One more conversation of the customer of ``of_conversation`` (or ``customer_id``),
    last active ``age`` seconds before NOW."""
    n = next(_counter)
    with repo.transaction():
        customer = customer_id or repo.conversations.customer_id(of_conversation)
        row = repo.conversations.conversation_row(of_conversation)
        cid = repo.conversations.insert_conversation(
            uid=f"earlier-{n}",
            customer_id=customer,
            channel=channel,
            subject=subject,
            status=status,
            assignee_id=None,
            language=row.language,
            country=row.country,
            created_at=NOW - age,
        )
        repo.messages.add_message(cid, MessageKind.CUSTOMER, body, NOW - age)
        repo.conversations.set_import_state(
            cid, status=status, snoozed_until=None, sla_due_at=None, unread=0
        )
    return cid
