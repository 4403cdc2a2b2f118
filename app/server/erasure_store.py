"""Erasing a customer on the reference server (contract 1.2, GUIDE.md "Customer erasure").

Everything held about the customer goes in one transaction: each conversation of theirs
with its messages, file references (a file no other message names goes too), reviews,
annotations and survey answers, each leaving the tombstone its feed already knows; then
the stored answers of earlier writes that name them (idempotency records keep response
bodies: a reply's text, the customer's name), then the customer row. What stays is the
erasure record: ids, times, counts and who asked, never a name or a text, so a retry
under a new key can be told "already erased" and an audit can show the request was met.

The table joins the server's metadata here (created at start, like the review tables).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    String,
    Table,
    delete,
    func,
    insert,
    or_,
    select,
)

from app.contract.privacy_models import CustomerErasure, ErasureRequest
from app.server import db, review_store, store

customer_erasures = Table(
    "customer_erasures",
    db.metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("customer_id", String(128), nullable=False, index=True),
    Column("request_id", String(128), nullable=False),
    Column("requested_at", BigInteger),
    Column("erased_at", BigInteger, nullable=False),
    Column("erased_by", String(128), nullable=False),  # the account that asked
    Column("conversations", Integer, nullable=False),
    Column("messages", Integer, nullable=False),
)

_IDS_PER_SCAN = 50  # ids matched per pass over the idempotency records


def erase_customer(
    conn: Connection, customer_id: str, body: ErasureRequest, by: str, now: int
) -> CustomerErasure | None:
    """Erase the customer now; the earlier record when they were erased before
    (``already_erased``); None when this server never had them."""
    found = conn.execute(
        select(db.customers.c.id).where(db.customers.c.id == customer_id).with_for_update()
    ).first()
    if found is None:
        return last_erasure(conn, customer_id)
    conversation_ids = list(
        conn.execute(
            select(db.conversations.c.id)
            .where(db.conversations.c.customer_id == customer_id)
            .order_by(db.conversations.c.id)
        ).scalars()
    )
    messages = 0
    for conversation_id in conversation_ids:
        messages += int(
            conn.execute(
                select(func.count())
                .select_from(db.messages)
                .where(db.messages.c.conversation_id == conversation_id)
            ).scalar_one()
        )
        review_store.erase_conversation(conn, conversation_id, now, "deleted")
        store.delete_conversation(conn, conversation_id, now, "deleted")
    _forget_stored_answers(conn, [customer_id, *conversation_ids])
    conn.execute(delete(db.customers).where(db.customers.c.id == customer_id))
    record = {
        "customer_id": customer_id,
        "request_id": body.request_id,
        "requested_at": body.requested_at,
        "erased_at": now,
        "erased_by": by,
        "conversations": len(conversation_ids),
        "messages": messages,
    }
    conn.execute(insert(customer_erasures).values(**record))
    return CustomerErasure(
        customer_id=customer_id,
        request_id=body.request_id,
        erased_at=now,
        conversations=len(conversation_ids),
        messages=messages,
    )


def places(conn: Connection, customer_id: str) -> list[tuple[str | None, str | None]] | None:
    """(team, region) of each conversation of the customer (the caller's scope decides
    whether it may erase them); None when this server has no such customer."""
    found = conn.execute(select(db.customers.c.id).where(db.customers.c.id == customer_id))
    if found.first() is None:
        return None
    rows = conn.execute(
        select(db.conversations.c.team, db.conversations.c.region).where(
            db.conversations.c.customer_id == customer_id
        )
    )
    return [(row.team, row.region) for row in rows]


def last_erasure(
    conn: Connection, customer_id: str, by: str | None = None
) -> CustomerErasure | None:
    """The newest erasure record of this customer (asked by ``by``, when given), as an
    "already erased" answer."""
    query = select(customer_erasures).where(customer_erasures.c.customer_id == customer_id)
    if by is not None:
        query = query.where(customer_erasures.c.erased_by == by)
    row = conn.execute(query.order_by(customer_erasures.c.id.desc()).limit(1)).first()
    if row is None:
        return None
    return CustomerErasure(
        customer_id=row.customer_id,
        request_id=row.request_id,
        erased_at=row.erased_at,
        conversations=row.conversations,
        messages=row.messages,
        already_erased=True,
    )


def _forget_stored_answers(conn: Connection, ids: Sequence[str]) -> None:
    """Drop the stored answers (idempotency records) whose body names one of ``ids`` as a
    JSON string: a replied message, a conversation, an inbound result with the customer.
    A retry of such a write afterwards is a new request (a reply to an erased conversation
    is 404); unrelated records are untouched (the quotes bound the id)."""
    body = db.idempotency.c.body
    for start in range(0, len(ids), _IDS_PER_SCAN):
        part = ids[start : start + _IDS_PER_SCAN]
        conn.execute(
            delete(db.idempotency).where(
                body.is_not(None), or_(*(body.contains(f'"{i}"', autoescape=True) for i in part))
            )
        )
