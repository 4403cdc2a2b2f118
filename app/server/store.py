"""Queries over the inbox (customers, conversations, messages) and the knowledge base.

Every function takes an open transaction, so a route composes several of them into
one atomic change. Rows become contract models here and nowhere else.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import Connection, Row, delete, func, insert, select, update

from app.contract.models import (
    Agent,
    Article,
    Author,
    Conversation,
    Customer,
    Message,
    Provenance,
)
from app.server import attachment_store, db
from app.server.db import next_seq

CONTRACT_ROLES = ("agent", "lead", "trainer", "admin")


def fingerprint(data: Any) -> str:
    """SHA-256 of canonical JSON: equal content gives an equal fingerprint."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------ agents
def agent_from_row(row: Row[Any]) -> Agent:
    """Accounts may hold server-only roles (integration); the wire shows contract roles."""
    roles = [r for r in row.roles if r in CONTRACT_ROLES]
    return Agent(
        id=row.id,
        name=row.name,
        locale=row.locale,
        languages=list(row.languages),
        roles=roles,
        teams=list(row.teams or []),
        regions=list(row.regions or []),
    )


def list_agents(conn: Connection) -> list[Agent]:
    """People who can be assigned a conversation (integration-only accounts are not)."""
    rows = conn.execute(select(db.accounts).order_by(db.accounts.c.id)).all()
    return [agent_from_row(r) for r in rows if any(role in CONTRACT_ROLES for role in r.roles)]


def agent_exists(conn: Connection, agent_id: str) -> bool:
    return agent_id in {a.id for a in list_agents(conn)}


# ------------------------------------------------------------------------ customers
def upsert_customer(conn: Connection, customer: Customer) -> None:
    """Create a customer on first sight; later sightings do not rewrite them."""
    exists = conn.execute(select(db.customers.c.id).where(db.customers.c.id == customer.id)).first()
    if exists is None:
        conn.execute(insert(db.customers).values(**customer.model_dump(mode="json")))
    elif customer.fields is not None:  # the backend's fields are news: they replace
        conn.execute(
            update(db.customers)
            .where(db.customers.c.id == customer.id)
            .values(fields=customer.fields)
        )


# ------------------------------------------------------------------------ conversations
_CONV_COLUMNS = [
    *db.conversations.c,
    db.customers.c.name.label("cu_name"),
    db.customers.c.country.label("cu_country"),
    db.customers.c.language.label("cu_language"),
    db.customers.c.timezone.label("cu_timezone"),
    db.customers.c.handles.label("cu_handles"),
    db.customers.c.fields.label("cu_fields"),
]


def conversation_select() -> Any:
    return select(*_CONV_COLUMNS).join(
        db.customers, db.customers.c.id == db.conversations.c.customer_id
    )


def conversation_from_row(row: Row[Any]) -> Conversation:
    customer = Customer(
        id=row.customer_id,
        name=row.cu_name,
        country=row.cu_country,
        language=row.cu_language,
        timezone=row.cu_timezone,
        handles=dict(row.cu_handles),
        fields=row.cu_fields,
    )
    return Conversation(
        id=row.id,
        version=row.version,
        customer=customer,
        channel=row.channel,
        subject=row.subject,
        status=row.status,
        assignee_id=row.assignee_id,
        tags=list(row.tags),
        language=row.language,
        sla_due_at=row.sla_due_at,
        snoozed_until=row.snoozed_until,
        last_message_seq=row.last_message_seq,
        last_activity_at=row.last_activity_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        customer_typing_until=row.customer_typing_until,
        fields=row._mapping["fields"],
        team=row.team,
        region=row.region,
    )


def get_conversation(
    conn: Connection, conversation_id: str, *, lock: bool = False
) -> Conversation | None:
    """One conversation; ``lock`` holds its row until commit (PostgreSQL), so a check of
    its version or its last seq stays true until the write that depends on it."""
    query = conversation_select().where(db.conversations.c.id == conversation_id)
    if lock:
        query = query.with_for_update(of=db.conversations)
    row = conn.execute(query).first()
    return None if row is None else conversation_from_row(row)


def insert_conversation(conn: Connection, **values: Any) -> None:
    """Insert a conversation at version 1 (the caller has upserted its customer), or above
    any version it had if it was deleted before: see :func:`revived_version`."""
    revived = clear_tombstone(conn, "conversations", values["id"])
    seq = next_seq(conn, "conversations")
    conn.execute(
        insert(db.conversations).values(
            version=revived_version(revived, seq), change_seq=seq, **values
        )
    )


def update_conversation(conn: Connection, conversation_id: str, now: int, **values: Any) -> None:
    """Apply a change: bump the version, stamp the time and a new change seq."""
    conn.execute(
        update(db.conversations)
        .where(db.conversations.c.id == conversation_id)
        .values(
            version=db.conversations.c.version + 1,
            updated_at=now,
            change_seq=next_seq(conn, "conversations"),
            **values,
        )
    )


def delete_conversation(conn: Connection, conversation_id: str, now: int, reason: str) -> bool:
    """Erase a conversation and its messages, leaving tombstones for both feeds."""
    if get_conversation(conn, conversation_id) is None:
        return False
    message_ids = conn.execute(
        select(db.messages.c.id)
        .where(db.messages.c.conversation_id == conversation_id)
        .order_by(db.messages.c.seq)
    ).scalars()
    erased = list(message_ids)
    for message_id in erased:
        add_tombstone(conn, "messages", message_id, now, reason)
    attachment_store.forget_messages(conn, erased)  # the customer's files go with them
    conn.execute(delete(db.messages).where(db.messages.c.conversation_id == conversation_id))
    conn.execute(delete(db.conversations).where(db.conversations.c.id == conversation_id))
    add_tombstone(conn, "conversations", conversation_id, now, reason)
    return True


# ------------------------------------------------------------------------ messages
def message_from_row(row: Row[Any]) -> Message:
    return Message(
        id=row.id,
        conversation_id=row.conversation_id,
        seq=row.seq,
        kind=row.kind,
        author=Author(type=row.author_type, id=row.author_id, name=row.author_name),
        body=row.body,
        language=row.language,
        original_body=row.original_body,
        original_language=row.original_language,
        provenance=None if row.provenance is None else Provenance(**row.provenance),
        created_at=row.created_at,
        read_at=row.read_at,
    )


def get_message_row(conn: Connection, message_id: str) -> Row[Any] | None:
    return conn.execute(select(db.messages).where(db.messages.c.id == message_id)).first()


def list_messages(
    conn: Connection, conversation_id: str, after_seq: int, limit: int
) -> tuple[list[Message], bool]:
    rows = conn.execute(
        select(db.messages)
        .where(db.messages.c.conversation_id == conversation_id, db.messages.c.seq > after_seq)
        .order_by(db.messages.c.seq)
        .limit(limit + 1)
    ).all()
    page = [message_from_row(r) for r in rows[:limit]]
    return attachment_store.with_attachments(conn, page), len(rows) > limit


def append_message(
    conn: Connection,
    *,
    message_id: str,
    conversation_id: str,
    kind: str,
    author: Author,
    body: str,
    created_at: int,
    message_fingerprint: str,
    language: str | None = None,
    original_body: str | None = None,
    original_language: str | None = None,
    provenance: Provenance | None = None,
) -> Message:
    """Append at seq = last + 1; the caller then updates the conversation in the same
    transaction, which serialises concurrent appends to one conversation."""
    last = conn.execute(
        select(func.coalesce(func.max(db.messages.c.seq), 0)).where(
            db.messages.c.conversation_id == conversation_id
        )
    ).scalar_one()
    # A deleted newest message leaves its seq behind in last_message_seq: never given again
    given = conn.execute(
        select(db.conversations.c.last_message_seq).where(db.conversations.c.id == conversation_id)
    ).scalar()
    last = max(int(last), int(given or 0))
    clear_tombstone(conn, "messages", message_id)
    conn.execute(
        insert(db.messages).values(
            id=message_id,
            conversation_id=conversation_id,
            seq=int(last) + 1,
            kind=kind,
            author_type=author.type,
            author_id=author.id,
            author_name=author.name,
            body=body,
            language=language,
            original_body=original_body,
            original_language=original_language,
            provenance=None if provenance is None else provenance.model_dump(mode="json"),
            created_at=created_at,
            fingerprint=message_fingerprint,
            change_seq=next_seq(conn, "messages"),
        )
    )
    row = get_message_row(conn, message_id)
    assert row is not None
    return message_from_row(row)


def delete_message(conn: Connection, conversation_id: str, message_id: str, now: int) -> bool:
    """Delete one message of a conversation (moderation, erasure of one message): its
    tombstone goes out in the messages feed and its files go with it. The conversation
    record stays as it is (version, last_message_seq, last_activity_at): the other
    messages keep their seqs, and the deleted seq is never given again."""
    row = get_message_row(conn, message_id)
    if row is None or row.conversation_id != conversation_id:
        return False
    attachment_store.forget_messages(conn, [message_id])
    conn.execute(delete(db.messages).where(db.messages.c.id == message_id))
    add_tombstone(conn, "messages", message_id, now, "deleted")
    return True


def message_tombstoned(conn: Connection, message_id: str) -> bool:
    """Whether a deletion of this message id is still remembered (until compaction)."""
    found = conn.execute(
        select(db.tombstones.c.id).where(
            db.tombstones.c.collection == "messages", db.tombstones.c.id == message_id
        )
    ).first()
    return found is not None


# ------------------------------------------------------------------------ articles
def article_from_row(row: Row[Any]) -> Article:
    return Article(
        id=row.id,
        version=row.version,
        locale=row.locale,
        region=row.region,
        overlays=row.overlays,
        title=row.title,
        body_markdown=row.body_markdown,
        tags=list(row.tags),
        updated_at=row.updated_at,
    )


def get_article(conn: Connection, article_id: str) -> Article | None:
    row = conn.execute(select(db.articles).where(db.articles.c.id == article_id)).first()
    return None if row is None else article_from_row(row)


def put_article(conn: Connection, article_id: str, now: int, **values: Any) -> tuple[Article, bool]:
    """Create or replace an article; returns it and whether it was created. An unchanged
    article keeps its version (a repeated PUT is not a change)."""
    current = get_article(conn, article_id)
    if current is None:
        revived = clear_tombstone(conn, "articles", article_id)
        seq = next_seq(conn, "articles")
        conn.execute(
            insert(db.articles).values(
                id=article_id,
                version=revived_version(revived, seq),
                updated_at=now,
                change_seq=seq,
                **values,
            )
        )
        created = True
    else:
        same = all(getattr(current, key) == value for key, value in values.items())
        if not same:
            conn.execute(
                update(db.articles)
                .where(db.articles.c.id == article_id)
                .values(
                    version=db.articles.c.version + 1,
                    updated_at=now,
                    change_seq=next_seq(conn, "articles"),
                    **values,
                )
            )
        created = False
    article = get_article(conn, article_id)
    assert article is not None
    return article, created


def delete_article(conn: Connection, article_id: str, now: int) -> bool:
    if get_article(conn, article_id) is None:
        return False
    conn.execute(delete(db.articles).where(db.articles.c.id == article_id))
    add_tombstone(conn, "articles", article_id, now, "deleted")
    return True


# ------------------------------------------------------------------------ tombstones
def clear_tombstone(conn: Connection, collection: str, item_id: str) -> bool:
    """An id that lives again must not also stand in the deleted list: a feed page lists
    items and tombstones apart, so one id in both would be ambiguous. True when there was
    a tombstone (the id is being revived)."""
    result = conn.execute(
        delete(db.tombstones).where(
            db.tombstones.c.collection == collection, db.tombstones.c.id == item_id
        )
    )
    return bool(result.rowcount)


def revived_version(revived: bool, change_seq: int) -> int:
    """The version of a created object: 1, or for an id deleted before (its tombstone
    still kept) its change seq, which is above any version the id ever had (every version
    took a change seq of its own), so a version never goes back and an old ETag never
    matches the new object (contract 1.1)."""
    return change_seq if revived else 1


def add_tombstone(conn: Connection, collection: str, item_id: str, now: int, reason: str) -> None:
    clear_tombstone(conn, collection, item_id)
    conn.execute(
        insert(db.tombstones).values(
            collection=collection,
            id=item_id,
            deleted_at=now,
            reason=reason,
            change_seq=next_seq(conn, collection),
        )
    )
