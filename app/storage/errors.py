"""Storage failures split the way the user must act on them.

Environment problems (corrupt file, read-only folder, full disk, locked file) are
:class:`StoreError` with a ``kind`` the UI turns into a dialog that names the file
and says what to do. Anything else is a bug and goes to the crash reporter.
"""

from __future__ import annotations

import errno
import shutil
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from app.storage.sqlite import sqlite3


class StoreProblem(StrEnum):
    """What went wrong with the workspace file, from the user's point of view."""

    CORRUPT = "corrupt"
    READ_ONLY = "read_only"
    DISK_FULL = "disk_full"
    LOCKED = "locked"
    UNREADABLE = "unreadable"
    NEWER_SCHEMA = "newer_schema"
    # Encrypted at rest (app.storage.cipher): the key given does not open the file...
    WRONG_KEY = "wrong_key"
    # ... or no key was given for a file that needs one.
    ENCRYPTED = "encrypted"


class StoreError(Exception):
    """A workspace file problem the user can act on (never a programming error)."""

    def __init__(self, problem: StoreProblem, path: Path, detail: str) -> None:
        self.problem = problem
        self.path = path
        self.detail = detail
        super().__init__(f"{problem.value}: {path}: {detail}")


_PATTERNS: tuple[tuple[str, StoreProblem], ...] = (
    ("file is not a database", StoreProblem.CORRUPT),
    ("malformed", StoreProblem.CORRUPT),
    ("readonly database", StoreProblem.READ_ONLY),
    ("read-only", StoreProblem.READ_ONLY),
    ("disk is full", StoreProblem.DISK_FULL),
    ("database or disk is full", StoreProblem.DISK_FULL),
    ("database is locked", StoreProblem.LOCKED),
    ("unable to open database", StoreProblem.UNREADABLE),
    ("disk i/o error", StoreProblem.UNREADABLE),
)

# Out of space, whatever the layer says: the disk itself (ENOSPC), the user's quota
# (EDQUOT), a file-size limit (EFBIG).
_NO_SPACE_ERRNOS = frozenset(
    code for code in (errno.ENOSPC, getattr(errno, "EDQUOT", None), errno.EFBIG) if code
)
# Below this much free space an I/O error is taken to be the full disk: SQLite reports a
# failed write of its WAL index or journal as a plain "disk I/O error" (SQLITE_IOERR_*) or
# "unable to open database file", not as SQLITE_FULL, so the message alone cannot tell a
# full disk from a failing one.
LOW_SPACE_BYTES = 8 * 1024 * 1024


def free_bytes(path: Path) -> int | None:
    """Free space on the disk holding ``path`` (its nearest existing folder); None if unknown."""
    for folder in (path, *path.parents):
        try:
            if folder.exists():
                usage = shutil.disk_usage(folder)
                return usage.free if usage.total else None  # /proc and the like: no size
        except OSError:
            return None
    return None


def classify(
    exc: BaseException, path: Path, free: Callable[[Path], int | None] = free_bytes
) -> StoreError | None:
    """Return the user-facing StoreError for an sqlite3/OS error, or None if it is a bug.

    ``free`` measures the free space: an I/O error on a disk with (almost) no space left
    is reported as the full disk, not as a folder problem."""
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, OSError) and exc.errno in _NO_SPACE_ERRNOS:
        return StoreError(StoreProblem.DISK_FULL, path, str(exc))
    if isinstance(exc, PermissionError):
        return StoreError(StoreProblem.READ_ONLY, path, str(exc))
    if isinstance(exc, OSError):  # folder missing, not creatable, I/O error...
        return StoreError(_unreadable_or_full(path, free), path, exc.strerror or str(exc))
    if isinstance(exc, sqlite3.DatabaseError):
        text = str(exc).lower()
        for needle, problem in _PATTERNS:
            if needle in text:
                if problem is StoreProblem.UNREADABLE:
                    problem = _unreadable_or_full(path, free)
                return StoreError(problem, path, str(exc))
    return None


def _unreadable_or_full(path: Path, free: Callable[[Path], int | None]) -> StoreProblem:
    """A file that could not be opened or written: the full disk if there is (almost) no
    space left on it (SQLite then fails to create its WAL index or journal, and says
    "unable to open" or "disk I/O error"), else a folder or device problem."""
    left = free(path)
    if left is not None and left < LOW_SPACE_BYTES:
        return StoreProblem.DISK_FULL
    return StoreProblem.UNREADABLE
