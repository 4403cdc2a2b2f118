"""Opening a workspace file: PRAGMAs, migrations, and error classification.

One connection per thread, wrapped in a :class:`app.storage.store.Store`. The
application's single writer is the task runner's store lane; nothing else writes.
"""

from __future__ import annotations

from pathlib import Path

from app.storage.cipher import (
    WorkspaceKey,
    apply_key,
    encrypt_in_place,
    file_state,
    recover_interrupted,
)
from app.storage.errors import StoreError, StoreProblem, classify
from app.storage.migrations import LATEST, current_version, migrate
from app.storage.sqlite import sqlite3


def _connect(path: Path, key: WorkspaceKey | None) -> sqlite3.Connection:
    # isolation_level=None: we manage transactions explicitly (BEGIN IMMEDIATE in
    # the repositories), so sqlite3 never opens one behind our back.
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=True, timeout=5.0)
    try:
        if key is not None:
            apply_key(conn, key, path)  # the first statement on the connection
        conn.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def connect(
    path: Path, *, create: bool = True, key: WorkspaceKey | None = None
) -> sqlite3.Connection:
    """Open (and if needed create and migrate) the workspace file at ``path``.

    With ``key`` the workspace is encrypted at rest: a new file is created encrypted, a
    plain one is encrypted in place first (crash-safe, :func:`encrypt_in_place`), an
    encrypted one is opened with it (WRONG_KEY if it does not open it). Without a key (the
    demo, tests) the file stays plain; an encrypted file is StoreError(ENCRYPTED).

    Raises StoreError for anything the user must fix (corrupt or foreign file,
    read-only folder, full disk, a file from a newer CrossDesk). Never deletes or
    rewrites a file it cannot read.
    """
    path = Path(path)
    state = "missing"
    try:
        recover_interrupted(path)  # an encryption cut short by a crash: finish or undo it
        if not path.exists():
            if not create:
                raise StoreError(StoreProblem.UNREADABLE, path, "file does not exist")
            path.parent.mkdir(parents=True, exist_ok=True)
        state = file_state(path)
        if state == "other":
            raise StoreError(
                StoreProblem.CORRUPT, path, "neither a SQLite file nor an encrypted workspace"
            )
        if state == "plain" and key is not None:
            encrypt_in_place(path, key)
        conn = _connect(path, key)
        try:
            # Reading the schema proves the file is a database before we touch it.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            version = current_version(conn)
            if version > LATEST:
                raise StoreError(
                    StoreProblem.NEWER_SCHEMA,
                    path,
                    f"schema version {version}; this CrossDesk knows up to {LATEST}",
                )
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA secure_delete = ON")  # freed space zeroed: see storage.purge
            conn.execute("PRAGMA cache_size = -32000")  # 32 MB page cache
            # Checkpoint every 16 MB of WAL, not 4: a sync commits a page of messages at a
            # time, each some 1,000 pages of table, index and search data; at 4 MB nearly
            # every commit would copy them back (and fsync) again.
            conn.execute("PRAGMA wal_autocheckpoint = 4000")
            migrate(conn)
        except BaseException:
            conn.close()
            raise
    except (sqlite3.Error, OSError) as exc:
        if key is None and state == "encrypted" and "not a database" in str(exc).lower():
            raise StoreError(
                StoreProblem.ENCRYPTED,
                path,
                "This workspace is encrypted and needs its key (or it is not a database)",
            ) from exc
        known = classify(exc, path)
        if known is None:
            raise
        raise known from exc
    return conn
