"""The one place a sqlite-utils ``Database`` is made: over the store's own connection,
without plugins, imported only when a caller needs it.

sqlite-utils is for changing the schema (a migration step that creates or reshapes a
table: ``create``, ``transform``, ``add_column``; ``table_names``, ``columns_dict``); the
queries the app runs every day are plain ``sqlite3``, written where their area lives.

Why it is imported here and not at start-up (measured on the 2-core dev machine,
``python -X importtime``): ``import sqlite_utils`` costs ~60-90 ms of its own (click,
pluggy, inspect) and, when numpy is installed and not yet loaded, another ~50 ms for
numpy, which it imports only to map numpy number types for tables made from data frames.
No start-up path needs it (see tests/unit/storage/test_sqlite_utils.py); numpy is not
hidden from it any more: whoever needs sqlite-utils pays for numpy, which the translation
engine loads anyway.

``execute_plugins=False``: otherwise every installed sqlite-utils plugin is imported
through its entry point (~20-30 ms to scan the installed distributions) and may change
our connection. ``recursive_triggers=False``: the connection's settings are the store's
(:mod:`app.storage.db`), not sqlite-utils' defaults.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.storage.sqlite import sqlite3

if TYPE_CHECKING:
    from sqlite_utils import Database


def database(conn: sqlite3.Connection) -> Database:
    """sqlite-utils over ``conn`` (the store lane's connection): no plugins, no PRAGMAs."""
    from sqlite_utils import Database

    return Database(conn, execute_plugins=False, recursive_triggers=False)
