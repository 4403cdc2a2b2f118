"""Rate limits kept in the database, so every server process on one PostgreSQL counts
against the same buckets (``--workers N``, or several hosts behind one proxy).

A bucket is one row of ``rate_buckets``. Taking a token is ONE statement, an
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``: PostgreSQL locks the row for the
update, so two processes taking the last token at once never both get it (no
read-modify-write race). Refill is computed from the time of the last take, as the
in-memory ``RateLimiter`` does; the time is the server's clock (wall time, shared by
hosts kept in step by NTP; a host running behind cannot refill a bucket early, since a
negative interval counts as none). ``full_at`` says when the bucket will have refilled:
past it the row carries no state and housekeeping deletes it, so growth is bounded by
the traffic of one ``window``. SQLite keeps the in-memory limiters: it is one process.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import Boolean, Column, Engine, Float, Index, String, Table, text
from sqlalchemy.exc import SQLAlchemyError

from app.server import db

log = logging.getLogger("crossdesk.server")

rate_buckets = Table(
    "rate_buckets",
    db.metadata,
    Column("key", String(200), primary_key=True),  # "<limiter>|<key>"
    Column("tokens", Float(53), nullable=False),
    Column("updated_at", Float(53), nullable=False),
    Column("full_at", Float(53), nullable=False),  # refilled by then: may be deleted
    Column("granted", Boolean, nullable=False),  # whether the last take got a token
)
Index("ix_rate_buckets_full_at", rate_buckets.c.full_at)

PRUNE_EVERY = 60.0  # seconds between a process's deletions of refilled buckets
MAX_KEY_CHARS = 180  # longer keys (a hostile user name) are stored as their SHA-256
_PRUNE_LOCK = 7_311_802_001  # pg_try_advisory_xact_lock: one process prunes at a time

# The tokens the bucket holds now, before this take (from the row locked by the update).
_REFILL = "LEAST(:capacity, b.tokens + GREATEST(0, :now - b.updated_at) * :rate)"
_TAKE = f"""
INSERT INTO rate_buckets AS b (key, tokens, updated_at, full_at, granted)
VALUES (:key, :capacity - 1, :now, :now + :window, TRUE)
ON CONFLICT (key) DO UPDATE SET
    tokens = CASE WHEN {_REFILL} >= 1 OR :force THEN GREATEST({_REFILL} - 1, 0)
                  ELSE {_REFILL} END,
    granted = ({_REFILL} >= 1 OR :force),
    updated_at = GREATEST(b.updated_at, :now),
    full_at = GREATEST(b.updated_at, :now) + :window
RETURNING tokens, granted
"""
# ``granted`` is stored because RETURNING sees only the new row: 0.5 tokens left after
# a take and 0.5 tokens refused look the same.


class SharedRateLimiter:
    """A token bucket per key in ``rate_buckets``: the same interface and the same
    arithmetic as the in-memory :class:`RateLimiter`, shared by every process."""

    def __init__(
        self,
        engine: Engine,
        name: str,
        capacity: int,
        window: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.capacity = capacity
        self.name = name
        self._engine = engine
        self._window = float(window)
        self._rate = capacity / window if capacity > 0 else 0.0
        self._clock = clock
        self._pruned_at = time.monotonic()
        self._lock = threading.Lock()

    def _key(self, key: str) -> str:
        full = f"{self.name}|{key}"
        if len(full) > MAX_KEY_CHARS:
            full = f"{self.name}|#{hashlib.sha256(key.encode('utf-8', 'replace')).hexdigest()}"
        return full

    def check(self, key: str) -> float | None:
        """Take one token: None to go ahead, else the seconds to wait."""
        return self._take(key, force=False)

    def charge(self, key: str) -> None:
        """Take one token for something that already happened (a failed sign-in)."""
        self._take(key, force=True)

    def wait(self, key: str) -> float | None:
        """Seconds until ``key`` has a token again; None if it has one now (takes nothing)."""
        if self.capacity <= 0:
            return None
        with self._engine.connect() as conn:
            row = conn.execute(
                text("SELECT tokens, updated_at FROM rate_buckets WHERE key = :key"),
                {"key": self._key(key)},
            ).first()
        if row is None:
            return None
        elapsed = max(0.0, self._clock() - float(row.updated_at))
        tokens = min(float(self.capacity), float(row.tokens) + elapsed * self._rate)
        return None if tokens >= 1.0 else (1.0 - tokens) / self._rate

    def _take(self, key: str, *, force: bool) -> float | None:
        if self.capacity <= 0:
            return None
        self._maybe_prune()
        params = {
            "key": self._key(key),
            "capacity": float(self.capacity),
            "rate": self._rate,
            "window": self._window,
            "now": float(self._clock()),
            "force": force,
        }
        with self._engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            tokens, granted = conn.execute(text(_TAKE), params).one()
        if granted:
            return None
        return (1.0 - float(tokens)) / self._rate

    def _maybe_prune(self) -> None:
        with self._lock:
            if time.monotonic() - self._pruned_at < PRUNE_EVERY:
                return
            self._pruned_at = time.monotonic()
        try:
            self.prune()
        except SQLAlchemyError:  # housekeeping must never fail a request
            log.warning("could not prune rate_buckets", exc_info=True)

    def prune(self) -> int:
        """Delete the buckets that have refilled (they carry no state); one process at a
        time (another one pruning right now makes this a no-op)."""
        with self._engine.begin() as conn:
            if not conn.execute(
                text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": _PRUNE_LOCK}
            ).scalar():
                return 0
            result = conn.execute(
                text("DELETE FROM rate_buckets WHERE full_at < :now"), {"now": float(self._clock())}
            )
        return int(result.rowcount or 0)

    def __len__(self) -> int:
        """Buckets of this limiter in the table (for tests and diagnostics)."""
        with self._engine.connect() as conn:
            count = conn.execute(
                text("SELECT count(*) FROM rate_buckets WHERE key LIKE :prefix"),
                {"prefix": f"{self.name}|%"},
            ).scalar_one()
        return int(count)
