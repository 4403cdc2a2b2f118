"""Attachments on the reference server: blobs by content hash, and the files on messages.

Blobs live in the database (``attachment_blobs``, a BLOB / bytea column), so a backup of
the database is a backup of the files and the same code runs on SQLite and PostgreSQL.
A message names its files in ``message_attachments`` (written in the message's own
transaction, never changed after), so every place that returns messages adds them with
one query per page (:func:`with_attachments`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    delete,
    insert,
    select,
)

from app.contract.models import Attachment, AttachmentBlob, AttachmentRef, FieldError, Message
from app.server import db
from app.server.problems import ProblemError

blobs = Table(
    "attachment_blobs",
    db.metadata,
    Column("sha256", String(64), primary_key=True),
    Column("content_type", String(255), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("width", Integer),
    Column("height", Integer),
    Column("data", LargeBinary, nullable=False),
    Column("uploaded_by", String(128), nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

message_files = Table(
    "message_attachments",
    db.metadata,
    Column("message_id", String(128), nullable=False),
    Column("position", Integer, nullable=False),
    Column("blob_id", String(64), nullable=False),
    Column("filename", String(255), nullable=False),
    PrimaryKeyConstraint("message_id", "position"),
)
Index("ix_message_attachments_blob", message_files.c.blob_id)

T = TypeVar("T")

_META = (blobs.c.sha256, blobs.c.content_type, blobs.c.size, blobs.c.width, blobs.c.height)


def _blob(row: Any) -> AttachmentBlob:
    return AttachmentBlob(
        id=row.sha256,
        sha256=row.sha256,
        size=row.size,
        content_type=row.content_type,
        width=row.width,
        height=row.height,
    )


def get_blob(conn: Connection, blob_id: str) -> AttachmentBlob | None:
    row = conn.execute(select(*_META).where(blobs.c.sha256 == blob_id)).first()
    return None if row is None else _blob(row)


def read_blob(conn: Connection, blob_id: str) -> tuple[AttachmentBlob, bytes] | None:
    row = conn.execute(select(*_META, blobs.c.data).where(blobs.c.sha256 == blob_id)).first()
    return None if row is None else (_blob(row), bytes(row.data))


def put_blob(
    conn: Connection, blob: AttachmentBlob, data: bytes, account_id: str, now: int
) -> tuple[AttachmentBlob, bool]:
    """Keep a blob once; the stored one and whether it is new (a re-upload changes nothing)."""
    existing = get_blob(conn, blob.sha256)
    if existing is not None:
        return existing, False
    conn.execute(
        insert(blobs).values(
            sha256=blob.sha256,
            content_type=blob.content_type,
            size=blob.size,
            width=blob.width,
            height=blob.height,
            data=data,
            uploaded_by=account_id,
            created_at=now,
        )
    )
    return blob, True


def missing(conn: Connection, refs: Sequence[AttachmentRef]) -> list[int]:
    """Positions of the refs that name no uploaded blob."""
    ids = {ref.id for ref in refs}
    found = set(conn.execute(select(blobs.c.sha256).where(blobs.c.sha256.in_(ids))).scalars())
    return [index for index, ref in enumerate(refs) if ref.id not in found]


def link(conn: Connection, message_id: str, refs: Sequence[AttachmentRef]) -> None:
    """Put uploaded blobs on a new message (the caller checked :func:`missing`)."""
    for position, ref in enumerate(refs):
        conn.execute(
            insert(message_files).values(
                message_id=message_id, position=position, blob_id=ref.id, filename=ref.filename
            )
        )


def attachments_for(conn: Connection, message_ids: Iterable[str]) -> dict[str, list[Attachment]]:
    """The files of these messages, in the order they were sent (one query)."""
    ids = list(dict.fromkeys(message_ids))
    found: dict[str, list[Attachment]] = {}
    if not ids:
        return found
    rows = conn.execute(
        select(message_files.c.message_id, message_files.c.filename, *_META)
        .join(blobs, blobs.c.sha256 == message_files.c.blob_id)
        .where(message_files.c.message_id.in_(ids))
        .order_by(message_files.c.message_id, message_files.c.position)
    ).all()
    for row in rows:
        found.setdefault(row.message_id, []).append(
            Attachment(**_blob(row).model_dump(), filename=row.filename)
        )
    return found


def with_attachments(conn: Connection, messages: Sequence[Message]) -> list[Message]:
    """The messages with their files (unchanged objects for messages without any)."""
    files = attachments_for(conn, (m.id for m in messages))
    return [
        m.model_copy(update={"attachments": files[m.id]}) if m.id in files else m for m in messages
    ]


def files_of_page(
    conn: Connection, collection: str, page: Sequence[Any]
) -> dict[str, list[Attachment]]:
    """A feed page's files (messages only; tombstones have none): one query."""
    if collection != "messages":
        return {}
    return attachments_for(conn, (row.id for row in page if "deleted_at" not in row._fields))


def with_files(item: T, files: dict[str, list[Attachment]]) -> T:
    """A feed item with its files (a message that has some; anything else unchanged)."""
    if isinstance(item, Message) and item.id in files:
        return item.model_copy(update={"attachments": files[item.id]})
    return item


def check_refs(conn: Connection, refs: Sequence[AttachmentRef] | None) -> None:
    """422 ``validation_failed`` (code ``unknown_attachment``) for a file not uploaded."""
    absent = missing(conn, refs or ())
    if absent:
        detail = "Upload the file first: PUT /v1/attachments/{sha256}."
        error = FieldError(
            pointer=f"/attachments/{absent[0]}/id", code="unknown_attachment", detail=detail
        )
        raise ProblemError(422, "validation_failed", detail, errors=[error])


def attach(conn: Connection, message: Message, refs: Sequence[AttachmentRef] | None) -> Message:
    """Put the (checked) files on a message just written; the message as the wire shows it."""
    if refs:
        link(conn, message.id, refs)
    return with_attachments(conn, [message])[0] if refs else message


def one(conn: Connection, message: Message) -> Message:
    """One stored message with its files (a replayed post or delivery)."""
    return with_attachments(conn, [message])[0]


def forget_messages(conn: Connection, message_ids: Sequence[str]) -> None:
    """Erased messages lose their files; a file no other message names is erased too (a
    customer's photo must not outlive their erased conversation)."""
    for start in range(0, len(message_ids), 500):
        part = list(message_ids[start : start + 500])
        named = set(
            conn.execute(
                select(message_files.c.blob_id).where(message_files.c.message_id.in_(part))
            ).scalars()
        )
        conn.execute(delete(message_files).where(message_files.c.message_id.in_(part)))
        if named:
            still = set(
                conn.execute(
                    select(message_files.c.blob_id).where(message_files.c.blob_id.in_(named))
                ).scalars()
            )
            conn.execute(delete(blobs).where(blobs.c.sha256.in_(named - still)))
