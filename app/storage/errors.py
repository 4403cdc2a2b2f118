"""Storage failures split the way the user must act on them.

Environment problems (corrupt file, read-only folder, full disk, locked file) are
:class:`StoreError` with a ``kind`` the UI turns into a dialog that names the file
and says what to do. Anything else is a bug and goes to the crash reporter.
"""

from __future__ import annotations

import sqlite3
from enum import StrEnum
from pathlib import Path


class StoreProblem(StrEnum):
    """What went wrong with the workspace file, from the user's point of view."""

    CORRUPT = "corrupt"
    READ_ONLY = "read_only"
    DISK_FULL = "disk_full"
    LOCKED = "locked"
    UNREADABLE = "unreadable"
    NEWER_SCHEMA = "newer_schema"


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


def classify(exc: BaseException, path: Path) -> StoreError | None:
    """Return the user-facing StoreError for an sqlite3/OS error, or None if it is a bug."""
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, PermissionError):
        return StoreError(StoreProblem.READ_ONLY, path, str(exc))
    if isinstance(exc, OSError) and exc.errno == 28:  # ENOSPC
        return StoreError(StoreProblem.DISK_FULL, path, str(exc))
    if isinstance(exc, OSError):  # folder missing, not creatable, I/O error...
        return StoreError(StoreProblem.UNREADABLE, path, exc.strerror or str(exc))
    if isinstance(exc, sqlite3.DatabaseError):
        text = str(exc).lower()
        for needle, problem in _PATTERNS:
            if needle in text:
                return StoreError(problem, path, str(exc))
    return None
