"""A throw-away copy of a workspace file, for runs whose changes must not be kept.

With a pretend clock (``--now``) every write that depends on the time (waking snoozed
conversations, ``updated_at`` stamps, drafts, outbox entries, cache times) would carry
a date that never happened; the run works on a copy instead, so the real file is
provably untouched. The copy is taken with SQLite's backup API from a read-only
connection: it includes what is still in the write-ahead log, and the original is never
opened for writing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from app.storage.errors import StoreError, StoreProblem, classify


def copy_workspace(source: Path, target: Path) -> None:
    """Copy the workspace at ``source`` to ``target`` (a new file) without writing to it.

    Raises StoreError naming ``source`` when it cannot be read (missing, damaged,
    unreadable) or ``target`` when the copy cannot be written (full disk...)."""
    if not source.is_file():
        raise StoreError(StoreProblem.UNREADABLE, source, "file does not exist")
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
            original.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as exc:
            raise _classified(exc, source) from exc
        try:
            copy = sqlite3.connect(target)
            try:
                original.backup(copy)
            finally:
                copy.close()
        except (sqlite3.Error, OSError) as exc:
            raise _classified(exc, target) from exc
    finally:
        original.close()


def _classified(exc: BaseException, path: Path) -> BaseException:
    """The user-facing StoreError for ``exc`` (the error itself if it is a bug)."""
    return classify(exc, path) or exc
