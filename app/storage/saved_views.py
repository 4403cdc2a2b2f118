"""Saved views: an agent's names for combinations of inbox filters (table ``saved_views``).

The filters are stored as the JSON of :func:`app.domain.filters.query_to_json`; this
repository keeps them as text and never interprets them (the ops layer validates on load).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.domain.errors import LocalizedError
from app.i18n import N_
from app.storage.link import Link
from app.storage.sqlite import sqlite3

MAX_VIEWS = 100  # per agent: a list an agent can still read
MAX_NAME_CHARS = 80


class SavedViewError(LocalizedError):
    """A view could not be saved or renamed (the message says why)."""


@dataclass(frozen=True, slots=True)
class SavedViewRow:
    """One saved view as stored (``filters`` is unvalidated JSON)."""

    id: int
    name: str
    filters: str


def clean_name(name: str) -> str:
    """The name as stored: one line, trimmed; SavedViewError if empty or too long."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise SavedViewError(N_("A view needs a name"))
    if len(cleaned) > MAX_NAME_CHARS:
        raise SavedViewError(
            N_("A view's name can be at most {count} characters"), count=MAX_NAME_CHARS
        )
    return cleaned


class SavedViewRepository:
    """One agent's saved views, in the order they were made (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self._conn = link.conn

    def views(self, owner_id: int | None) -> list[SavedViewRow]:
        return [
            SavedViewRow(r[0], r[1], r[2])
            for r in self._conn.execute(
                "SELECT id, name, filters FROM saved_views WHERE coalesce(owner_agent_id, 0) = ?"
                " ORDER BY position, id LIMIT ?",
                (owner_id or 0, MAX_VIEWS),
            )
        ]

    def save(self, owner_id: int | None, name: str, filters: str, now: int) -> int:
        """Save a new view (or replace the filters of the agent's view of that name)."""
        name = clean_name(name)
        with self._link.transaction():
            existing = self._conn.execute(
                "SELECT id FROM saved_views WHERE coalesce(owner_agent_id, 0) = ? AND name = ?",
                (owner_id or 0, name),
            ).fetchone()
            if existing is not None:
                self._conn.execute(
                    "UPDATE saved_views SET filters = ?, updated_at = ? WHERE id = ?",
                    (filters, now, existing[0]),
                )
                return int(existing[0])
            count = self._conn.execute(
                "SELECT count(*), coalesce(max(position), 0) FROM saved_views"
                " WHERE coalesce(owner_agent_id, 0) = ?",
                (owner_id or 0,),
            ).fetchone()
            if count[0] >= MAX_VIEWS:
                raise SavedViewError(
                    N_("You can keep at most {count} saved views"), count=MAX_VIEWS
                )
            cursor = self._conn.execute(
                "INSERT INTO saved_views (uid, owner_agent_id, name, filters, position, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (uuid.uuid4().hex, owner_id, name, filters, count[1] + 1, now),
            )
        return int(cursor.lastrowid or 0)

    def rename(self, owner_id: int | None, view_id: int, name: str, now: int) -> None:
        name = clean_name(name)
        with self._link.transaction():
            try:
                cursor = self._conn.execute(
                    "UPDATE saved_views SET name = ?, updated_at = ? WHERE id = ?"
                    " AND coalesce(owner_agent_id, 0) = ?",
                    (name, now, view_id, owner_id or 0),
                )
            except sqlite3.IntegrityError:
                raise SavedViewError(
                    N_("You already have a view named “{name}”"), name=name
                ) from None
            if cursor.rowcount != 1:
                raise KeyError(view_id)

    def delete(self, owner_id: int | None, view_id: int) -> None:
        with self._link.transaction():
            self._conn.execute(
                "DELETE FROM saved_views WHERE id = ? AND coalesce(owner_agent_id, 0) = ?",
                (view_id, owner_id or 0),
            )
