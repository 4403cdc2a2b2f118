"""Schema versions, applied in order and recorded in ``PRAGMA user_version``.

Each migration runs in one transaction. A file written by a newer CrossDesk
(user_version above what we know) is refused rather than guessed at.

The steps already shipped stay exactly as they were (plain SQL, or a function for the
search index). A step that only adds tables, columns and indexes is plain SQL (it runs at
the first paint of a new store, where sqlite-utils is not loaded); a step that reshapes
tables is a :class:`Reshape`: it is
given sqlite-utils (``db[t].create(...)``, ``.transform(...)``, ``.add_column(...)``,
``db.table_names()``, ``db[t].columns_dict``) and runs the way SQLite documents for
schema changes, with foreign keys off for the step and checked before it commits, so
rebuilding a table that others reference neither cascades deletes nor leaves a dangling
reference. sqlite-utils is imported only when such a step runs (never at start-up).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.storage.fts import TOKENIZER_SQL, article_document, conversation_document
from app.storage.schema_steps import (
    NO_SLA,
    V6_STATEMENTS,
    V7_STATEMENTS,
    V8_STATEMENTS,
    V9_STATEMENTS,
    V11_STATEMENTS,
)
from app.storage.sqlite import sqlite3
from app.storage.sqlite_utils_db import database

if TYPE_CHECKING:
    from sqlite_utils import Database

_TOKENIZER_V1 = "unicode61 remove_diacritics 2"  # the search index before version 5

_V1 = f"""
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE agents (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT
);
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    language TEXT NOT NULL,
    timezone TEXT NOT NULL,
    handles TEXT NOT NULL DEFAULT '{{}}',
    created_at INTEGER NOT NULL
);
CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    channel TEXT NOT NULL,
    subject TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'pending', 'snoozed', 'resolved')),
    assignee_id INTEGER REFERENCES agents(id),
    language TEXT NOT NULL,
    language_primary TEXT NOT NULL,  -- "pt" of "pt-BR", for the language filter
    country TEXT NOT NULL,           -- the customer's, kept here so filters need no join
    sla_due_at INTEGER,
    snoozed_until INTEGER,
    last_activity_at INTEGER NOT NULL,
    last_message_preview TEXT NOT NULL DEFAULT '',
    last_message_kind TEXT NOT NULL DEFAULT 'customer',
    unread_count INTEGER NOT NULL DEFAULT 0,
    message_count INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
-- The two list orders, each covering every filter column: a filter change walks
-- one small index and never touches the (wide) table rows.
CREATE INDEX conversations_by_sla ON conversations (
    coalesce(sla_due_at, {NO_SLA}), last_activity_at,
    status, channel, language_primary, country, assignee_id, sla_due_at);
CREATE INDEX conversations_by_activity ON conversations (
    last_activity_at, status, channel, language_primary, country, assignee_id, sla_due_at);
CREATE INDEX conversations_by_customer ON conversations (customer_id);
CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE conversation_tags (
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (conversation_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX conversation_tags_by_tag ON conversation_tags (tag_id, conversation_id);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('customer', 'agent', 'note', 'system')),
    author_agent_id INTEGER REFERENCES agents(id),
    body TEXT NOT NULL,
    language TEXT,
    channel TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (conversation_id, seq)
);
CREATE TABLE drafts (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('agent', 'note')),
    body TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
-- One document per conversation (customer name + handles, subject and every
-- message), so a search answers with conversation ids directly.
CREATE VIRTUAL TABLE conversations_fts USING fts5(
    name, body, tokenize = '{_TOKENIZER_V1}', prefix = '2 3'
);
"""


_V2 = """
-- Offline translation (issue 3): what the customer wrote in, what the agent wrote
-- before translation, where every translated text came from.
ALTER TABLE conversations ADD COLUMN language_override TEXT;
ALTER TABLE messages ADD COLUMN detected_language TEXT;
ALTER TABLE messages ADD COLUMN detected_confidence REAL;
-- original_body: the agent's own words when the reply was sent translated
ALTER TABLE messages ADD COLUMN original_body TEXT;
ALTER TABLE messages ADD COLUMN original_language TEXT;
-- provenance: JSON, see app.translation.pipeline.Provenance
ALTER TABLE messages ADD COLUMN provenance TEXT;
ALTER TABLE messages ADD COLUMN state TEXT NOT NULL DEFAULT 'sent'
    CHECK (state IN ('sent', 'held'));                     -- held: waiting for a human translator
-- Machine translations, keyed by text, languages and the exact packs used; an upgraded
-- pack changes the route, so only its pair is translated again.
CREATE TABLE translation_cache (
    key TEXT PRIMARY KEY,
    route TEXT NOT NULL,
    translated TEXT NOT NULL,
    confidence REAL NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX translation_cache_by_route ON translation_cache (route);
CREATE TABLE glossary (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    term TEXT NOT NULL,
    rendering TEXT,                -- NULL: never translated (brand, product name)
    source_language TEXT,          -- NULL: any
    target_language TEXT,          -- NULL: any
    note TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL
);
CREATE TABLE translation_memory (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    source_language TEXT NOT NULL,
    target_language TEXT NOT NULL,
    source_text TEXT NOT NULL,
    target_text TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('lead', 'macro', 'agent')),
    macro_uid TEXT,
    updated_at INTEGER NOT NULL,
    UNIQUE (source_language, target_language, source_text)
);
CREATE TABLE macros (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    language TEXT NOT NULL,        -- the language the body is written in (the agents')
    body TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
"""

_V3 = """
-- Sync with a server (issue 4). A change the agent makes is written together with
-- an outbox operation, in one transaction; the operation is replayed (same
-- idempotency key) until the server acknowledges it.
ALTER TABLE messages ADD COLUMN server_seq INTEGER;
-- delivery of an agent's message: NULL (local workspace / received), queued, sent, failed
ALTER TABLE messages ADD COLUMN delivery TEXT;
ALTER TABLE conversations ADD COLUMN server_version INTEGER;
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,                    -- the order operations are replayed in
    conversation_uid TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('send_message', 'patch')),
    payload TEXT NOT NULL,                     -- the JSON body, as it will be sent
    base_version INTEGER,                      -- patch: the server version the agent saw
    idempotency_key TEXT NOT NULL UNIQUE,
    message_uid TEXT,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'needs_attention', 'conflict')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    conflict TEXT,                             -- the server's current object, on a conflict
    created_at INTEGER NOT NULL
);
CREATE INDEX outbox_by_state ON outbox (state, id);
CREATE TABLE sync_state (
    collection TEXT PRIMARY KEY,
    cursor TEXT,
    updated_at INTEGER NOT NULL
);
"""

_V4 = f"""
-- Regional knowledge articles (issue 5): bundled with the app or from the server's
-- feed; a server article with the same id overrides the bundled one.
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    locale TEXT NOT NULL,
    region TEXT NOT NULL,                      -- ISO country, EU, or global
    title TEXT NOT NULL,
    body TEXT NOT NULL,                        -- Markdown, rendered through an allow-list
    tags TEXT NOT NULL DEFAULT '[]',           -- JSON list
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    overlays TEXT,                             -- uid of the global article it adapts
    overlay_mode TEXT NOT NULL DEFAULT 'extend' CHECK (overlay_mode IN ('extend', 'replace')),
    snippet TEXT NOT NULL DEFAULT '',          -- for customers: what "Insert" puts in a reply
    sources TEXT NOT NULL DEFAULT '[]',        -- JSON [[title, url], ...]
    origin TEXT NOT NULL DEFAULT 'bundled' CHECK (origin IN ('bundled', 'server'))
);
CREATE INDEX articles_by_region ON articles (region);
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, tags, body, tokenize = '{_TOKENIZER_V1}', prefix = '2 3'
);
"""

_BATCH = 2000  # search documents written per executemany


def _v5_search_index(conn: sqlite3.Connection) -> None:
    """Issue 9: search text is normalised (NFKC, case folded, zero-width characters gone)
    and symbols such as emoji are words; rebuild both search indexes in that form.

    One ordered pass over conversations and one over messages (the (conversation_id, seq)
    index), merged here: no query per conversation.
    """
    conn.execute("DROP TABLE conversations_fts")
    conn.execute(
        "CREATE VIRTUAL TABLE conversations_fts USING fts5("
        f"name, body, tokenize = '{TOKENIZER_SQL}', prefix = '2 3')"
    )
    messages = conn.execute(
        "SELECT conversation_id, body FROM messages ORDER BY conversation_id, seq"
    )
    pending = messages.fetchone()
    rows: list[tuple[Any, ...]] = []
    for cid, name, handles, subject in conn.execute(
        "SELECT c.id, cu.name, cu.handles, c.subject FROM conversations c"
        " JOIN customers cu ON cu.id = c.customer_id ORDER BY c.id"
    ):
        while pending is not None and pending[0] < cid:  # a message without its conversation
            pending = messages.fetchone()
        bodies: list[str] = []
        while pending is not None and pending[0] == cid:
            bodies.append(pending[1])
            pending = messages.fetchone()
        rows.append((cid, *conversation_document(name, handles, subject, bodies)))
        if len(rows) >= _BATCH:
            _insert(conn, "conversations_fts (rowid, name, body) VALUES (?, ?, ?)", rows)
    _insert(conn, "conversations_fts (rowid, name, body) VALUES (?, ?, ?)", rows)
    conn.execute("DROP TABLE articles_fts")
    conn.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5("
        f"title, tags, body, tokenize = '{TOKENIZER_SQL}', prefix = '2 3')"
    )
    articles = [
        (rowid, *article_document(title, json.loads(tags), body))
        for rowid, title, tags, body in conn.execute("SELECT id, title, tags, body FROM articles")
    ]
    _insert(conn, "articles_fts (rowid, title, tags, body) VALUES (?, ?, ?, ?)", articles)


def _insert(conn: sqlite3.Connection, into: str, rows: list[tuple[Any, ...]]) -> None:
    conn.executemany(f"INSERT INTO {into}", rows)
    rows.clear()


_V6 = ";\n".join(V6_STATEMENTS) + ";"
_V7 = ";\n".join(V7_STATEMENTS) + ";"
_V8 = ";\n".join(V8_STATEMENTS) + ";"  # issue 13: deleted conversations leave the heat map
_V9 = ";\n".join(V9_STATEMENTS) + ";"  # issue 13: training records (after v8)
_V11 = ";\n".join(V11_STATEMENTS) + ";"  # issue 17: data-subject requests, outbox erasure
# Issue 15: articles carry a Chinese title, a summary for agents in both languages,
# search keywords per language and the date their facts were checked; all of it is
# indexed. The empty digest differs from every real one, so start-up re-stores and
# re-indexes each bundled article whole.
_V10 = """
ALTER TABLE articles ADD COLUMN title_zh TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN summary_en TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN summary_zh TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN keywords TEXT NOT NULL DEFAULT '[]';
ALTER TABLE articles ADD COLUMN verified_at INTEGER;
ALTER TABLE articles ADD COLUMN digest TEXT NOT NULL DEFAULT '';
"""


@dataclass(frozen=True)
class Reshape:
    """A step written with sqlite-utils, for creating or reshaping tables (see the module
    docstring); ``apply`` receives a plugin-free ``Database`` over the store's connection."""

    apply: Callable[[Database], None]


class ForeignKeyViolation(sqlite3.IntegrityError):
    """A :class:`Reshape` step left a row pointing at nothing; the step is rolled back."""


# Each entry takes the schema from version N to N + 1: SQL, a function for a step that
# needs Python (rebuilding the search index), or a Reshape (sqlite-utils).
Migration = str | Callable[[sqlite3.Connection], None] | Reshape
MIGRATIONS: tuple[Migration, ...] = (
    _V1,
    _V2,
    _V3,
    _V4,
    _v5_search_index,
    _V6,
    _V7,
    _V8,
    _V9,  # training: after the v8 step
    _V10,
    _V11,
)
LATEST = len(MIGRATIONS)


def current_version(conn: sqlite3.Connection) -> int:
    """Return the schema version recorded in the file (0 for a new file)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, steps: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the schema to the last of ``steps`` (LATEST); return the version the file had
    before.

    The version number is written inside the migration's own transaction, so a
    crash half-way leaves the file at the previous version, never in between.
    """
    before = current_version(conn)
    for version in range(before, len(steps)):
        step = steps[version]
        try:
            if isinstance(step, str):
                conn.executescript(f"BEGIN;\n{step}\nPRAGMA user_version = {version + 1};\nCOMMIT;")
            elif isinstance(step, Reshape):
                _reshape(conn, step, version + 1)
            else:
                conn.execute("BEGIN")
                step(conn)
                conn.execute(f"PRAGMA user_version = {version + 1}")
                conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise
    return before


def _reshape(conn: sqlite3.Connection, step: Reshape, version: int) -> None:
    # SQLite's procedure for a schema change (https://sqlite.org/lang_altertable.html):
    # foreign keys off outside the transaction (the pragma is a no-op inside one), change,
    # check, commit, foreign keys back to what they were.
    enforced = bool(conn.execute("PRAGMA foreign_keys").fetchone()[0])
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN")
        step.apply(database(conn))
        dangling = conn.execute("PRAGMA foreign_key_check").fetchall()
        if dangling:
            raise ForeignKeyViolation(
                f"schema version {version}: rows point at nothing: {dangling[:5]}"
            )
        conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("COMMIT")
    finally:
        if conn.in_transaction:
            conn.rollback()
        if enforced:
            conn.execute("PRAGMA foreign_keys = ON")
