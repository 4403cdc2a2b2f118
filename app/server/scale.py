"""What changes when several server processes share one PostgreSQL database.

SQLite is the one-process embedded default: its limits stay in memory. On PostgreSQL
nothing that must be shared lives in a process: rate limits and the sign-in throttle
count in ``rate_buckets`` (shared_limits), idempotency reservations and every change
counter are rows, and schema creation is serialised by an advisory lock so that
``--workers N`` or several hosts starting at once on an empty database do not race
to create the same tables.
"""

from __future__ import annotations

from sqlalchemy import text

from app.server.config import ServerConfig
from app.server.db import Database
from app.server.middleware import Limiter, RateLimiter, SignInThrottle
from app.server.shared_limits import SharedRateLimiter

SCHEMA_LOCK = 7_311_802_000  # pg_advisory_lock key: one process creates the schema at a time


def open_database(config: ServerConfig) -> Database:
    """The configured database with its schema created or upgraded (once, even when
    several processes start together on PostgreSQL)."""
    database = Database(config.database())
    if database.is_sqlite:
        database.create_schema()
        return database
    with database.engine.connect() as conn:  # a session lock, held on this connection
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": SCHEMA_LOCK})
        try:
            database.create_schema()
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": SCHEMA_LOCK})
            conn.commit()
    return database


def build_limits(config: ServerConfig, database: Database) -> tuple[Limiter, SignInThrottle]:
    """The request limiter and the sign-in throttle: in memory on SQLite, in the
    database on PostgreSQL (so every process counts against the same buckets)."""
    if database.is_sqlite:
        return RateLimiter(config.rate_limit), SignInThrottle(
            config.sign_in_failures_per_address,
            config.sign_in_failures_per_account,
            config.sign_in_window,
            clock=config.clock,
        )
    engine, window = database.engine, float(config.sign_in_window)
    requests = SharedRateLimiter(engine, "r", config.rate_limit, 60.0, config.clock)
    sign_in = SignInThrottle.over(
        SharedRateLimiter(engine, "sa", config.sign_in_failures_per_address, window, config.clock),
        SharedRateLimiter(engine, "sc", config.sign_in_failures_per_account, window, config.clock),
    )
    return requests, sign_in
