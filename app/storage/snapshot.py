"""A throw-away copy of a workspace file, for runs whose changes must not be kept.

With a pretend clock (``--now``) every write that depends on the time (waking snoozed
conversations, ``updated_at`` stamps, drafts, outbox entries, cache times) would carry
a date that never happened; the run works on a copy instead, so the real file is
provably untouched. The copy is taken with SQLite's backup API from a read-only
connection: it includes what is still in the write-ahead log, and the original is never
opened for writing.

An encrypted workspace (:mod:`app.storage.cipher`) is copied with its key: both
connections are keyed with it (SQLCipher's backup refuses to copy between databases keyed
differently), so the copy is as unreadable without the key as the original.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from app.storage.cipher import WorkspaceKey, apply_key, file_state
from app.storage.errors import StoreError, StoreProblem, classify
from app.storage.sqlite import sqlite3


def copy_workspace(source: Path, target: Path, key: WorkspaceKey | None = None) -> None:
    """Copy the workspace at ``source`` to ``target`` (a new file) without writing to it.

    An encrypted ``source`` needs its ``key`` and the copy is encrypted with the same key;
    a plain ``source`` with a ``key`` (not migrated yet) gives a copy encrypted with it,
    written by SQLCipher's export (the original stays as it is); without a key, a plain copy.

    Raises StoreError naming ``source`` when it cannot be read (missing, damaged,
    unreadable, encrypted without the key or with a wrong one) or ``target`` when the copy
    cannot be written (full disk...)."""
    if not source.is_file():
        raise StoreError(StoreProblem.UNREADABLE, source, "file does not exist")
    encrypted = file_state(source) == "encrypted"
    if encrypted and key is None:
        raise StoreError(
            StoreProblem.ENCRYPTED, source, "This workspace is encrypted and needs its key"
        )
    source_key = key if encrypted else None
    # Without a write-ahead log beside it the file alone is the whole workspace: open it
    # as immutable, which creates nothing in its folder. With one (another CrossDesk is
    # running, or one crashed), read through it so no committed change is missed.
    wal = source.with_name(source.name + "-wal")
    flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    try:
        original = sqlite3.connect(f"file:{quote(str(source.absolute()))}?{flags}", uri=True)
    except sqlite3.Error as exc:
        raise _classified(exc, source) from exc
    try:
        try:
            if source_key is not None:
                apply_key(original, source_key, source)  # reads sqlite_master: proves the key
            original.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as exc:
            raise _classified(exc, source) from exc
        try:
            if key is not None and source_key is None:
                _export_encrypted(original, target, key)
                return
            copy = sqlite3.connect(target)
            try:
                if source_key is not None:
                    apply_key(copy, source_key, target)  # a new file: created encrypted
                original.backup(copy)
            finally:
                copy.close()
        except (sqlite3.Error, OSError) as exc:
            raise _classified(exc, target) from exc
    finally:
        original.close()


def _export_encrypted(original: sqlite3.Connection, target: Path, key: WorkspaceKey) -> None:
    """Write the plain workspace open on ``original`` to ``target`` encrypted with ``key``
    (SQLCipher's export: the backup API cannot change the encryption). The attached file
    is named by URI so it is writable although ``original`` is read-only."""
    uri = f"file:{quote(str(target.absolute()))}?mode=rwc"
    original.execute("ATTACH DATABASE ? AS copy KEY ?", (uri, key.attach_value()))
    try:
        version = int(original.execute("PRAGMA main.user_version").fetchone()[0])
        original.execute("SELECT sqlcipher_export('copy')")
        original.execute(f"PRAGMA copy.user_version = {version}")
    finally:
        original.execute("DETACH DATABASE copy")


def _classified(exc: BaseException, path: Path) -> BaseException:
    """The user-facing StoreError for ``exc`` (the error itself if it is a bug)."""
    return classify(exc, path) or exc
