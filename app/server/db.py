"""Database schema (SQLAlchemy Core) and transactions, the same on SQLite and PostgreSQL.

Change feeds rest on one rule: every insert or update of a feed row takes the next
value of a single counter (``change_seq``) inside the writing transaction. The
counter row stays locked until commit, so sequence order is commit order and a
reader never sees seq N+1 before seq N. On SQLite the same holds because writers are
serialised (``BEGIN IMMEDIATE`` plus an in-process lock).

Live updates hang off the same counter: ``next_seq`` notes which feed moved, and a write
that moved any announces ``(seq, feeds)`` once its data is visible: on PostgreSQL by
``pg_notify`` inside the transaction (delivered at commit to every listening process),
on SQLite (one process) by calling ``Database.on_commit`` right after the commit.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Connection,
    Engine,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from app.server.config import ConfigError

SCHEMA_VERSION = 1
NOTIFY_CHANNEL = "crossdesk_changes"  # PostgreSQL: payload "<seq> <feed>,<feed>"
_FEEDS_KEY = "crossdesk_feeds"  # conn.info: the feeds this transaction moved
_SEQ_KEY = "crossdesk_seq"  # conn.info: the highest change_seq it took
# A feed's collection (the name cursors and tombstones carry) -> its name on the wire
# (the path between /v1/ and /changes); the others are the same on both.
FEED_NAMES = {
    "survey_answers": "survey-answers",
    "tr_scenarios": "training/scenarios",
    "tr_assignments": "training/assignments",
    "tr_attempts": "training/attempts",
}

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

counter = Table(
    "change_counter",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("value", BigInteger, nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("locale", String(35), nullable=False, default="en"),
    Column("languages", JSON, nullable=False),
    Column("roles", JSON, nullable=False),
    Column("password_hash", Text),
    Column("created_at", BigInteger, nullable=False),
    Column("teams", JSON),  # the scope of what the account reads (app.server.scoping)
    Column("regions", JSON),
)

tokens = Table(
    "tokens",
    metadata,
    Column("hash", String(64), primary_key=True),  # SHA-256 hex; the token itself is never kept
    Column("kind", String(16), nullable=False),  # access | refresh | api
    Column("account_id", String(128), nullable=False, index=True),
    Column("parent_hash", String(64), index=True),  # access token -> refresh or api token
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger),
    Column("revoked", Boolean, nullable=False, default=False),
)

customers = Table(
    "customers",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("name", String(500), nullable=False),
    Column("country", String(2), nullable=False),
    Column("language", String(35), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("handles", JSON, nullable=False),
    Column("fields", JSON),  # backend fields (optional in the contract)
)

conversations = Table(
    "conversations",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("customer_id", String(128), nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("subject", String(1000)),
    Column("status", String(16), nullable=False),
    Column("assignee_id", String(128)),
    Column("tags", JSON, nullable=False),
    Column("language", String(35), nullable=False),
    Column("sla_due_at", BigInteger),
    Column("snoozed_until", BigInteger),
    Column("last_message_seq", Integer, nullable=False),
    Column("last_activity_at", BigInteger, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("change_seq", BigInteger, nullable=False, unique=True),
    # The backend's typing indicator (optional in the contract): not a change of the
    # conversation (its version stays), but a new change_seq so the feed carries it.
    Column("customer_typing_until", BigInteger),
    Column("fields", JSON),  # backend fields: order number, order status (optional)
    Column("team", String(128), index=True),  # who may read it (app.server.scoping)
    Column("region", String(128), index=True),
)

messages = Table(
    "messages",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("conversation_id", String(128), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("author_type", String(16), nullable=False),
    Column("author_id", String(128)),
    Column("author_name", String(200)),
    Column("body", Text, nullable=False),
    Column("language", String(35)),
    Column("original_body", Text),
    Column("original_language", String(35)),
    Column("provenance", JSON),
    Column("created_at", BigInteger, nullable=False),
    Column("fingerprint", String(64), nullable=False),  # what was posted, to tell replay from clash
    Column("read_at", BigInteger),  # the customer read it (optional in the contract)
    Column("change_seq", BigInteger, nullable=False, unique=True),
    UniqueConstraint("conversation_id", "seq", name="uq_messages_conversation_seq"),
)

articles = Table(
    "articles",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("locale", String(35), nullable=False),
    Column("region", String(10)),
    Column("overlays", String(128)),
    Column("title", String(500), nullable=False),
    Column("body_markdown", Text, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("change_seq", BigInteger, nullable=False, unique=True),
)

tombstones = Table(
    "tombstones",
    metadata,
    Column("collection", String(16), nullable=False),
    Column("id", String(128), nullable=False),
    Column("deleted_at", BigInteger, nullable=False),
    Column("reason", String(32), nullable=False),
    Column("change_seq", BigInteger, nullable=False, unique=True),
    PrimaryKeyConstraint("collection", "id"),
)

idempotency = Table(
    "idempotency_keys",
    metadata,
    Column("account_id", String(128), nullable=False),
    Column("key", String(255), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("state", String(16), nullable=False),  # in_flight | done
    Column("status_code", Integer),
    Column("body", Text),
    Column("etag", String(64)),
    Column("created_at", BigInteger, nullable=False),
    PrimaryKeyConstraint("account_id", "key"),
)
# Reviews of another agent's work, for admins (GET /v1/audit); never any text.
audit_log = Table(
    "audit_log",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("at", BigInteger, nullable=False),
    Column("actor_id", String(128), nullable=False),
    Column("actor_roles", JSON, nullable=False),
    Column("action", String(32), nullable=False),
    Column("conversation_id", String(128), nullable=False, index=True),
    Column("agent_id", String(128)),
    Column("record_id", String(128)),
)
Index("ix_idempotency_created", idempotency.c.created_at)
Index("ix_tombstones_collection_seq", tombstones.c.collection, tombstones.c.change_seq)


def check_database_url(url: str) -> str:
    """Refuse URLs of databases we do not support, in words a person can act on."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"'{url}' is not a database URL: {exc}") from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(
            "the server runs on SQLite (default) or PostgreSQL "
            "(postgresql+psycopg://user:password@host/dbname)"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "psycopg":
        raise ConfigError("use the psycopg 3 driver: postgresql+psycopg://...")
    return url


class Database:
    """An engine plus the two kinds of transaction the server needs: read and write."""

    def __init__(self, url: str) -> None:
        check_database_url(url)
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self._write_lock = threading.Lock()
        # SQLite: told (seq, feeds) after each commit that moved a feed (the live hub)
        self.on_commit: Callable[[int, frozenset[str]], None] | None = None
        if self.is_sqlite:
            path = make_url(url).database
            if path:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.engine = _sqlite_engine(url)
        else:
            try:
                self.engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
            except NoSuchModuleError as exc:  # pragma: no cover - depends on install
                raise ConfigError(f"no driver for {url}: {exc}") from exc

    def create_schema(self) -> None:
        """Create missing tables and the rows every later transaction assumes exist."""
        metadata.create_all(self.engine)
        self._add_missing_columns()
        with self.write() as conn:
            if conn.execute(select(counter.c.value).where(counter.c.id == 1)).first() is None:
                conn.execute(insert(counter).values(id=1, value=0))
            defaults = {
                "schema_version": str(SCHEMA_VERSION),
                "epoch": secrets.token_hex(8),  # a reset database invalidates old cursors
                "floor": "0",  # history below this seq has been compacted away
                "demo_loaded": "",
            }
            present = set(conn.execute(select(meta.c.key)).scalars())
            for key, value in defaults.items():
                if key not in present:
                    conn.execute(insert(meta).values(key=key, value=value))

    def _add_missing_columns(self) -> None:
        """A database made by an older server lacks the optional columns added since
        (all nullable): add them, so an upgrade needs no manual step."""
        present = inspect(self.engine)
        with self.write() as conn:
            for table in metadata.sorted_tables:
                if not present.has_table(table.name):
                    continue
                have = {c["name"] for c in present.get_columns(table.name)}
                for column in table.columns:
                    if column.name not in have and column.nullable:
                        kind = column.type.compile(dialect=self.engine.dialect)
                        conn.exec_driver_sql(
                            f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}'
                        )

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that may change data (one writer at a time on SQLite)."""
        if self.is_sqlite:
            with self._write_lock, self.engine.connect() as conn:
                conn = conn.execution_options(crossdesk_begin="BEGIN IMMEDIATE")
                _take_changes(conn)  # whatever a failed transaction left on this connection
                with conn.begin():
                    yield conn
                moved = _take_changes(conn)
                if moved is not None and self.on_commit is not None:
                    self.on_commit(*moved)  # under the lock: announced in commit order
        else:
            with self.engine.begin() as conn:
                _take_changes(conn)
                yield conn
                moved = _take_changes(conn)
                if moved is not None:
                    payload = f"{moved[0]} {','.join(sorted(moved[1]))}"
                    conn.execute(select(func.pg_notify(NOTIFY_CHANNEL, payload)))

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction that sees one consistent snapshot (a feed page)."""
        with self.engine.connect() as conn:
            if not self.is_sqlite:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_engine(url: str) -> Engine:
    """SQLite in WAL mode with transactions we begin ourselves (pysqlite's are too lazy
    to give a read snapshot, and too late to take the write lock)."""
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get("crossdesk_begin", "BEGIN"))

    return engine


def next_seq(conn: Connection, feed: str) -> int:
    """Take the next change sequence number (locks the counter until commit) for a row
    of ``feed`` (its wire name or its collection), noted so the commit announces it."""
    seq = int(
        conn.execute(
            update(counter)
            .where(counter.c.id == 1)
            .values(value=counter.c.value + 1)
            .returning(counter.c.value)
        ).scalar_one()
    )
    conn.info.setdefault(_FEEDS_KEY, set()).add(FEED_NAMES.get(feed, feed))
    conn.info[_SEQ_KEY] = max(seq, conn.info.get(_SEQ_KEY, 0))
    return seq


def _take_changes(conn: Connection) -> tuple[int, frozenset[str]] | None:
    """(highest seq, feeds) this transaction moved, forgotten on the way: ``conn.info``
    belongs to the pooled DBAPI connection and outlives the transaction."""
    feeds = conn.info.pop(_FEEDS_KEY, None)
    seq = conn.info.pop(_SEQ_KEY, None)
    if not feeds or seq is None:
        return None
    return int(seq), frozenset(feeds)


def current_seq(conn: Connection) -> int:
    return int(conn.execute(select(counter.c.value).where(counter.c.id == 1)).scalar_one())


def get_meta(conn: Connection, key: str) -> str:
    return str(conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar_one())


def set_meta(conn: Connection, key: str, value: str) -> None:
    conn.execute(update(meta).where(meta.c.key == key).values(value=value))
