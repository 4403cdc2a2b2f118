"""The store's one connection and its transaction stack, shared by the area repositories.

Internal to ``app.storage``: the area repositories hold a :class:`Link`; nothing
outside this package ever sees the connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from app.storage.sqlite import sqlite3


class Link:
    """One SQLite connection (the store lane's) and the depth of its open savepoints."""

    __slots__ = ("_depth", "conn", "search_for")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        # The search whose matches are in temp.search_hits; a write that changes what a
        # search finds sets it back to None (see SearchIndex).
        self.search_for: str | None = None
        self._depth = 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT; inside another transaction, a SAVEPOINT.

        A failure rolls back only its own level, so an outer transaction that catches
        an inner failure keeps its own writes and none of the inner ones.
        """
        conn = self.conn
        if not conn.in_transaction:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                conn.rollback()
                raise
            conn.execute("COMMIT")
            return
        self._depth += 1
        name = f"crossdesk_{self._depth}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
            raise
        else:
            conn.execute(f"RELEASE {name}")
        finally:
            self._depth -= 1
