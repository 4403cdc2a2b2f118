"""Workspace facts kept as key/value pairs (the workspace's server, its agent, ...)."""

from __future__ import annotations

from app.storage.link import Link


class MetaRepository:
    """The ``meta`` table (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._conn = link.conn

    def get(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set(self, key: str, value: str) -> None:
        self._conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
