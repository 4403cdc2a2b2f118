"""Server settings, kept in one frozen object so a test can build a server with a fake
clock or a tiny rate limit without touching globals."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PORT = 8765
DB_FILE_NAME = "crossdesk-server.sqlite3"

# The largest valid write (a message with a 200,000-character body and original, even
# with every character JSON-escaped as a surrogate pair) is under 5 MB.
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
MIN_MAX_BODY_BYTES = 64 * 1024
SIGN_IN_MAX_BODY_BYTES = 16 * 1024  # /v1/auth/*: a sign-in form is tiny, and anyone may send one

# How long a new customer message may wait for a first answer, per channel (seconds).
CHANNEL_SLA_SECONDS: dict[str, int] = {
    "web_chat": 15 * 60,
    "whatsapp": 60 * 60,
    "line": 60 * 60,
    "messenger": 60 * 60,
    "sms": 2 * 60 * 60,
    "phone": 4 * 60 * 60,
    "email": 24 * 60 * 60,
}


class ConfigError(ValueError):
    """The settings cannot describe a working server (said in words for the CLI)."""


@dataclass(frozen=True)
class ServerConfig:
    """Everything a server instance needs; the defaults are the documented contract values."""

    data_dir: Path | None = None
    database_url: str | None = None
    access_token_ttl: int = 3600
    refresh_token_ttl: int = 30 * 86400
    rate_limit: int = 1200  # requests per minute per token (per address before sign-in); 0 = off
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES  # larger request bodies get 413
    sign_in_failures_per_address: int = 30  # failed sign-ins per window; 0 = no limit
    sign_in_failures_per_account: int = 10
    sign_in_window: int = 15 * 60  # seconds in which those failures are counted
    enable_test_faults: bool = False
    idempotency_ttl: int = 72 * 3600
    tombstone_retention: int = 30 * 86400
    client_retention_days: int | None = None  # GET /v1/me retention_days (None: not set)
    # GET /v1/events: a comment line every live_heartbeat seconds; a stream ends at the
    # token's expiry or after live_max_seconds; at most this many streams per account and
    # per process (past them: 429 / 503 with Retry-After)
    live_heartbeat: float = 15.0
    live_max_seconds: float = 600.0
    live_streams_per_account: int = 8
    live_streams_per_process: int = 2000
    clock: Callable[[], float] = field(default=time.time, compare=False)

    def now(self) -> int:
        """Whole seconds since the epoch: every timestamp on the wire is one of these."""
        return int(self.clock())

    def database(self) -> str:
        """The SQLAlchemy URL: the explicit one, else a SQLite file in the data dir."""
        if self.database_url:
            return self.database_url
        if self.data_dir is None:
            raise ConfigError("give a data directory (--data-dir) or a database URL")
        return f"sqlite:///{(self.data_dir / DB_FILE_NAME).resolve()}"
