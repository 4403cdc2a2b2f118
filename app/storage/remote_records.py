"""SQL the local mirrors of versioned server records share (app.storage.remote_reviews,
app.storage.remote_training), so their rules for unsent edits stay one rule.

A mirrored row has a local ``version`` and the ``server_version`` the server last
confirmed; it is *unsent* while the two differ or the server has not confirmed it yet.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from app.storage.sqlite import sqlite3

# the WHERE condition (table alias t) of a row whose local changes are unsent
UNSENT = "(t.server_version IS NULL OR t.version <> t.server_version)"
_CHUNK = 500  # uids per IN (...) list, well under SQLite's bound on parameters


def ids_by_uid(conn: sqlite3.Connection, table: str, uids: Iterable[str | None]) -> dict[str, int]:
    """The local ids of the rows with these uids (uid -> id; uids not here are absent).
    ``table`` is one of the store's own names, never outside input."""
    wanted = sorted({u for u in uids if u})
    found: dict[str, int] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        found.update(
            (uid, id_)
            for id_, uid in conn.execute(
                f"SELECT id, uid FROM {table} WHERE uid IN ({marks})", chunk
            )
        )
    return found


def acknowledge(
    conn: sqlite3.Connection, table: str, uid: str, sent_version: int, server_version: int
) -> bool:
    """The server stored the row as sent at local ``sent_version``. True when the row is
    now clean; False when it was edited meanwhile (still unsent, on top of the server's
    new version)."""
    cursor = conn.execute(
        f"UPDATE {table} SET version = ?, server_version = ? WHERE uid = ? AND version = ?",
        (server_version, server_version, uid, sent_version),
    )
    if cursor.rowcount:
        return True
    conn.execute(f"UPDATE {table} SET server_version = ? WHERE uid = ?", (server_version, uid))
    return False


def yield_to_server(conn: sqlite3.Connection, table: str, uid: str) -> None:
    """A local change was dropped: the row no longer counts as unsent, so the server's
    copy upserted next replaces it."""
    conn.execute(f"UPDATE {table} SET version = 0, server_version = 0 WHERE uid = ?", (uid,))


def json_or(raw: str | None, default: Any) -> Any:
    """A stored JSON value, or ``default`` when it is empty or unreadable."""
    try:
        return json.loads(raw) if raw else default
    except ValueError:
        return default
