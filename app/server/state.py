"""What every request handler reaches through ``request.app.state.server``."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from fastapi import Request
from sqlalchemy import Connection, delete, func, select, text

from app.server import db
from app.server.config import ServerConfig
from app.server.db import Database, current_seq, get_meta, set_meta
from app.server.feed_cache import FeedPageCache
from app.server.middleware import Faults, Limiter, SignInThrottle

MAINTENANCE_EVERY = 600.0  # seconds between housekeeping passes
MAINTENANCE_LOCK = 7_311_802_002  # PostgreSQL: one process does the housekeeping at a time


@dataclass
class ServerState:
    config: ServerConfig
    db: Database
    limiter: Limiter  # per verified token; per client address before sign-in
    sign_in: SignInThrottle  # failed sign-ins per address and per account
    faults: Faults = field(default_factory=Faults)
    feed_pages: FeedPageCache = field(default_factory=FeedPageCache)  # see feed_cache.py
    _maintained_at: float = -MAINTENANCE_EVERY
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> int:
        return self.config.now()

    def maybe_maintain(self) -> None:
        """Housekeeping at most every ten minutes, from whichever request comes by."""
        with self._lock:
            if time.monotonic() - self._maintained_at < MAINTENANCE_EVERY:
                return
            self._maintained_at = time.monotonic()
        self.maintain()

    def maintain(self) -> None:
        """Forget idempotency keys past their TTL and tombstones past their retention
        (raising the cursor floor over them, so cursors that needed them get 410), and
        rate-limit buckets that have refilled. On PostgreSQL, when another process is
        at it right now, this one leaves it to that one."""
        now = self.now()
        self.limiter.prune()
        self.sign_in.prune()
        with self.db.write() as conn:
            if (
                not self.db.is_sqlite
                and not conn.execute(
                    text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": MAINTENANCE_LOCK}
                ).scalar()
            ):
                return
            conn.execute(
                delete(db.idempotency).where(
                    db.idempotency.c.created_at < now - self.config.idempotency_ttl
                )
            )
            cutoff = now - self.config.tombstone_retention
            dropped = conn.execute(
                select(func.max(db.tombstones.c.change_seq)).where(
                    db.tombstones.c.deleted_at < cutoff
                )
            ).scalar_one()
            if dropped is not None:
                conn.execute(delete(db.tombstones).where(db.tombstones.c.change_seq <= dropped))
                floor = max(int(get_meta(conn, "floor")), int(dropped))
                set_meta(conn, "floor", str(floor))

    @staticmethod
    def compact(conn: Connection) -> int:
        """Drop all change history up to now: every cursor issued before gets 410."""
        floor = current_seq(conn)
        dropped = conn.execute(
            delete(db.tombstones).where(db.tombstones.c.change_seq <= floor)
        ).rowcount
        set_meta(conn, "floor", str(floor))
        return int(dropped or 0)


def server_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.server
    return state
