"""Versioned records on the reference server: the SQL the review and training stores share.

A record table has an ``id``, a ``version`` (records written only once have none) and a
``change_seq``; its feed (the *collection*, named in cursors and tombstones) is passed in
beside it. Every write takes a new ``change_seq`` so the feed carries it; a record created
again loses its tombstone, a deleted one leaves one. One copy of these rules keeps every
feed's answers alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    Row,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)

from app.server import db
from app.server.db import next_seq
from app.server.store import add_tombstone, clear_tombstone, revived_version

M = TypeVar("M", bound=BaseModel)


def versioned_table(
    name: str, *columns: Column[Any], id_length: int = 128, created: bool = False
) -> Table:
    """A table of versioned records in the server's metadata: ``id``, ``version``, the
    record's own ``columns``, ``created_at`` (when ``created``), ``updated_at`` and the
    ``change_seq`` its feed is ordered by, in that order."""
    stamps = [Column("created_at", BigInteger, nullable=False)] if created else []
    return Table(
        name,
        db.metadata,
        Column("id", String(id_length), primary_key=True),
        Column("version", Integer, nullable=False),
        *columns,
        *stamps,
        Column("updated_at", BigInteger, nullable=False),
        Column("change_seq", BigInteger, nullable=False, unique=True),
    )


def from_row(model: type[M], row: Row[Any]) -> M:
    """The contract model of a row: a column stands for the field of its name (the other
    columns, such as ``change_seq``, are the server's own)."""
    fields = model.model_fields
    return model(**{key: value for key, value in row._mapping.items() if key in fields})


def get_row(conn: Connection, table: Table, item_id: str, *, lock: bool = False) -> Any:
    """One row by id (locked until commit on PostgreSQL when ``lock``), None if absent."""
    query = select(table).where(table.c.id == item_id)
    if lock:
        query = query.with_for_update()
    return conn.execute(query).first()


def save_versioned(
    conn: Connection,
    collection: str,
    table: Table,
    item_id: str,
    current: Row[Any] | None,
    fields: Mapping[str, Any],
    now: int,
    *,
    created: Mapping[str, Any] | None = None,
) -> None:
    """Create the record at version 1 (with ``created``: the columns set only then; above
    its old version if the id was deleted before) or replace ``current`` at the next
    version; either way it goes out in the feed again."""
    values = {**fields, "updated_at": now, "change_seq": next_seq(conn, collection)}
    if current is None:
        version = revived_version(clear_tombstone(conn, collection, item_id), values["change_seq"])
        conn.execute(insert(table).values(id=item_id, version=version, **(created or {}), **values))
    else:
        conn.execute(
            update(table).where(table.c.id == item_id).values(version=current.version + 1, **values)
        )


def add_once(
    conn: Connection, collection: str, table: Table, values: Mapping[str, Any], fingerprint: str
) -> None:
    """Store a record written only once, with the fingerprint that tells a replay of it
    from a clash under the same id."""
    clear_tombstone(conn, collection, str(values["id"]))
    conn.execute(
        insert(table).values(
            **values, fingerprint=fingerprint, change_seq=next_seq(conn, collection)
        )
    )


def delete_row(
    conn: Connection, collection: str, table: Table, item_id: str, now: int, reason: str
) -> None:
    """The record goes; its tombstone goes out in the feed."""
    conn.execute(delete(table).where(table.c.id == item_id))
    add_tombstone(conn, collection, item_id, now, reason)


@dataclass(frozen=True, slots=True)
class Records:
    """One family of record tables, by collection: its rows and their contract models."""

    tables: Mapping[str, Table]
    models: Mapping[str, type[BaseModel]]

    def get_row(
        self, conn: Connection, collection: str, item_id: str, *, lock: bool = False
    ) -> Any:
        """One row of the collection's table (locked until commit on PostgreSQL)."""
        return get_row(conn, self.tables[collection], item_id, lock=lock)

    def to_model(self, collection: str, row: Row[Any]) -> BaseModel:
        return from_row(self.models[collection], row)

    def delete(
        self, conn: Connection, collection: str, item_id: str, now: int, reason: str
    ) -> None:
        delete_row(conn, collection, self.tables[collection], item_id, now, reason)
