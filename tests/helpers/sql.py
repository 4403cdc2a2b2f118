"""Raw SQL on a store's own connection, for tests that check or break the file directly.

The application has no public connection (``app.storage`` is the only place SQL lives);
a test may reach in, through this one helper, to read rows or simulate a full disk.
"""

from __future__ import annotations

import sqlite3

from app.storage.store import Store


def sql(store: Store) -> sqlite3.Connection:
    """The store's connection (store thread only, like the store itself)."""
    return store._link.conn
