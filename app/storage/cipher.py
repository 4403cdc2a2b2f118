"""Encryption at rest: the workspace key, keying a connection, and the crash-safe
migration of a plain workspace file to an encrypted one.

A workspace that holds real customer data is a SQLCipher file: every page (and every
page of its write-ahead log) is AES-256 encrypted with an HMAC per page, so the file
alone tells nothing about the customers in it. The key is either 32 random bytes kept in
the OS keychain or a passphrase the agent chooses (see :class:`WorkspaceKey`); it is
never written beside the file. Finding the key is the caller's business
(``app.ops.workspace_keys``); this module only applies it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from app.storage.errors import StoreError, StoreProblem, classify
from app.storage.sqlite import sqlite3

log = logging.getLogger(__name__)

FileState = Literal["missing", "plain", "encrypted", "other"]

SQLITE_HEADER = b"SQLite format 3\0"
RAW_KEY_BYTES = 32
_MIN_PAGE = 512  # the smallest page size; every page size is a multiple of it
MAX_PASSPHRASE_CHARS = 1024  # bounded: the passphrase comes from a person (or a script)

ENCRYPTING_SUFFIX = ".encrypting"
BACKUP_SUFFIX = ".plain-backup"
# The names ``step_hook`` is called with, in order: each is called once the step is done
# (so a test that kills the process in the hook stops it right after that step).
ENCRYPT_STEPS: tuple[str, ...] = (
    "checkpointed",  # the plain file's WAL folded into it; no -wal beside it any more
    "exported",  # the encrypted copy written to <name>.encrypting
    "synced",  # ... and flushed to the disk
    "verified",  # ... reopened with the key: integrity checks and row counts match
    "backed-up",  # the plain file renamed to <name>.plain-backup (no main file now!)
    "swapped",  # the encrypted copy renamed into place
    "cleaned",  # the plain backup removed
)


@dataclass(frozen=True, repr=False)
class WorkspaceKey:
    """The secret that opens one encrypted workspace: EITHER ``raw`` OR ``passphrase``.

    ``raw``: 32 random bytes (from the OS keychain), used as the AES key itself
    (``PRAGMA key = "x'<hex>'"``): no key derivation is needed for a random key.

    ``passphrase``: a secret the agent chose, used where no keychain is available. SQLCipher 4
    derives the page key from it with PBKDF2-HMAC-SHA512, 256,000 iterations and a random
    16-byte salt stored at the start of the file: a strong, deliberately slow KDF (about
    0.1 s per open on the 2-core dev machine), so guessing passphrases from a stolen file
    is expensive. Nothing derived from the passphrase is stored anywhere.

    ``repr`` never shows the secret (keys end up in logs and tracebacks otherwise).
    """

    raw: bytes | None = None
    passphrase: str | None = None

    def __post_init__(self) -> None:
        if (self.raw is None) == (self.passphrase is None):
            raise ValueError("a workspace key is either raw bytes or a passphrase")
        if self.raw is not None and len(self.raw) != RAW_KEY_BYTES:
            raise ValueError(f"a raw workspace key is {RAW_KEY_BYTES} bytes")
        if self.passphrase is not None:
            # An empty key would mean "no encryption" to SQLCipher: never allow it.
            if not self.passphrase:
                raise ValueError("the passphrase is empty")
            if len(self.passphrase) > MAX_PASSPHRASE_CHARS:
                raise ValueError(f"the passphrase is longer than {MAX_PASSPHRASE_CHARS} characters")
            if "\0" in self.passphrase:
                raise ValueError("the passphrase contains a NUL character")

    @classmethod
    def from_raw(cls, raw: bytes) -> WorkspaceKey:
        """A key from the keychain's 32 random bytes."""
        return cls(raw=bytes(raw))

    @classmethod
    def from_passphrase(cls, text: str) -> WorkspaceKey:
        """A key from the agent's passphrase (derived by SQLCipher's PBKDF2)."""
        return cls(passphrase=text)

    @classmethod
    def generate(cls) -> WorkspaceKey:
        """A new random key (for a new workspace whose key goes to the keychain)."""
        return cls(raw=secrets.token_bytes(RAW_KEY_BYTES))

    def sql_literal(self) -> str:
        """The key as the SQL literal ``PRAGMA key`` and ``ATTACH ... KEY`` take.

        PRAGMAs cannot take bound parameters, so the literal is built here, quoted: a raw key
        is hex digits only; a passphrase has its single quotes doubled."""
        if self.raw is not None:
            return "\"x'" + self.raw.hex() + "'\""
        assert self.passphrase is not None
        return "'" + self.passphrase.replace("'", "''") + "'"

    def attach_value(self) -> str:
        """The key as the bound value of ``ATTACH ... KEY ?`` (same meaning as the literal)."""
        if self.raw is not None:
            return "x'" + self.raw.hex() + "'"
        assert self.passphrase is not None
        return self.passphrase

    def __repr__(self) -> str:
        return (
            "WorkspaceKey(raw=<hidden>)"
            if self.raw is not None
            else ("WorkspaceKey(passphrase=<hidden>)")
        )

    __str__ = __repr__


def _head(path: Path) -> tuple[bytes, int] | None:
    """The file's first 16 bytes and its size (None: no file)."""
    try:
        with Path(path).open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)), os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        return None


def _state(head: tuple[bytes, int] | None) -> FileState:
    if head is None or not head[0]:
        return "missing"
    if head[0] == SQLITE_HEADER:
        return "plain"
    return "encrypted" if head[1] % _MIN_PAGE == 0 else "other"


def file_state(path: Path) -> FileState:
    """What the file at ``path`` is, from its size and first 16 bytes (no SQLite involved).

    ``missing``: no file, or an empty one (nothing to protect: SQLite makes a new database
    of it). ``plain``: the SQLite header. ``encrypted``: no header and a size that is a
    whole number of pages (SQLCipher files start with their random salt and are made of
    pages of 512 bytes or a multiple of it). ``other``: neither, so no workspace at all (a
    text file, a truncated copy). Only the key can tell an encrypted file from random
    bytes of the right size."""
    return _state(_head(path))


def file_salt(path: Path) -> bytes | None:
    """The random salt an encrypted workspace starts with (its first 16 bytes, written by
    SQLCipher when the file was made, never changed by writes): what tells this file from
    any other wherever it is moved. None for a file that is not encrypted."""
    try:
        head = _head(path)
    except OSError:
        return None
    return head[0] if head is not None and _state(head) == "encrypted" else None


def apply_key(conn: sqlite3.Connection, key: WorkspaceKey, path: Path) -> None:
    """Key ``conn`` (a connection on which nothing has run yet) and prove the key opens it.

    ``PRAGMA key`` must come before anything reads the file and never fails by itself; the
    first read proves it. A key that does not open the file is StoreError(WRONG_KEY);
    other problems are classified as usual."""
    # SQLCipher logs failed HMAC checks to stderr at WARN level; a wrong passphrase is an
    # expected event here, reported as WRONG_KEY, not noise on the console.
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = {key.sql_literal()}")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc).lower():
            raise StoreError(
                StoreProblem.WRONG_KEY,
                path,
                "This workspace is encrypted and the key does not open it",
            ) from exc
        raise classify(exc, path) or exc from exc


def _sidecars(path: Path, suffix: str) -> list[Path]:
    """``path`` + ``suffix`` and the journal/WAL files SQLite may have left beside it."""
    base = path.with_name(path.name + suffix)
    return [base] + [base.with_name(base.name + extra) for extra in ("-journal", "-wal", "-shm")]


def recover_interrupted(path: Path) -> None:
    """Finish or undo an encryption that was interrupted (crash, power cut, kill).

    Runs at every open, before the file is touched. The rules follow from the order of
    :func:`encrypt_in_place` (the encrypted copy replaces the main file only once verified):

    - a leftover ``<name>.encrypting`` is an unfinished or unswapped copy: deleted (the
      plain file, or its backup, still holds everything);
    - ``<name>.plain-backup`` without a main file: the crash came between the two renames;
      the backup is put back (the migration runs again at this open);
    - ``<name>.plain-backup`` beside an encrypted main file: the swap was done; the backup
      is deleted. Beside a plain main file (cannot happen by this module): left alone.
    """
    path = Path(path)
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    if backup.exists():
        if not path.exists():
            log.warning("restoring %s from an interrupted encryption", path)
            backup.replace(path)
            _fsync_folder(path.parent)
        elif file_state(path) == "encrypted":
            backup.unlink()
            _fsync_folder(path.parent)
        else:
            log.warning("leaving %s alone: the main file is not encrypted", backup)
    for leftover in _sidecars(path, ENCRYPTING_SUFFIX):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make renames in ``folder`` durable (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _row_counts(conn: sqlite3.Connection, schema: str = "main") -> dict[str, int]:
    """Rows of every table in ``schema`` (virtual search tables and their shadow tables too)."""
    names = [
        row[0]
        for row in conn.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
    return {
        name: int(
            conn.execute(
                f'SELECT count(*) FROM {schema}."{name.replace(chr(34), chr(34) * 2)}"'
            ).fetchone()[0]
        )
        for name in names
    }


def encrypt_in_place(
    path: Path, key: WorkspaceKey, *, step_hook: Callable[[str], None] | None = None
) -> None:
    """Turn the plain workspace at ``path`` into an encrypted one, losing nothing on a crash.

    Copy, encrypt, verify, swap: the WAL is checkpointed into the plain file; an encrypted
    copy is written beside it (``<name>.encrypting``, ``sqlcipher_export``, with the
    schema version) and fsynced; it is reopened with the key and verified (integrity
    check, SQLCipher's page HMAC check, the row count of every table equal to the plain
    file's); only then is the plain file renamed to ``<name>.plain-backup``, the copy
    renamed into place, the folder fsynced and the backup deleted. At every instant one
    complete copy of the data exists under a name :func:`recover_interrupted` knows.

    The backup is unlinked, not overwritten: its plain bytes may remain in free disk
    blocks until the file system reuses them (full-disk encryption is the OS's answer to
    that; overwriting in place does not reliably reach the old blocks on SSDs or
    copy-on-write file systems anyway).

    Needs free space for one more copy of the file. CrossDesk is the only writer of its
    workspace and this runs while it opens it; another connection still open on the file
    makes the journal-mode switch fail, which is reported as LOCKED. ``step_hook(name)``
    is called after each step of :data:`ENCRYPT_STEPS` (tests kill the process there).
    """
    path = Path(path)
    hook = step_hook or (lambda _name: None)
    recover_interrupted(path)
    if file_state(path) != "plain":
        raise StoreError(StoreProblem.UNREADABLE, path, "not a plain workspace file")
    copy = path.with_name(path.name + ENCRYPTING_SUFFIX)
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    if backup.exists():  # left by something else beside a plain file: never overwrite it
        raise StoreError(
            StoreProblem.UNREADABLE, backup, "move this file away, then open the workspace again"
        )
    try:
        counts, version = _export(path, copy, key, hook)
        # The copy takes the plain file's permissions (a private file stays private).
        copy.chmod(stat.S_IMODE(path.stat().st_mode))
        _fsync_file(copy)
        hook("synced")
        _verify(copy, key, counts, path)
        hook("verified")
    except BaseException as exc:
        for leftover in _sidecars(path, ENCRYPTING_SUFFIX):
            with contextlib.suppress(OSError):
                leftover.unlink()
        if isinstance(exc, (sqlite3.Error, OSError)):
            known = classify(exc, path)
            if known is not None:
                raise known from exc
        raise
    path.replace(backup)
    _fsync_folder(path.parent)
    hook("backed-up")
    copy.replace(path)
    _fsync_folder(path.parent)
    hook("swapped")
    backup.unlink()
    _fsync_folder(path.parent)
    hook("cleaned")
    log.info("encrypted workspace %s (schema %d, %d tables)", path, version, len(counts))


def _export(
    path: Path, copy: Path, key: WorkspaceKey, hook: Callable[[str], None]
) -> tuple[dict[str, int], int]:
    """Checkpoint the plain file and write the encrypted copy; return its row counts and
    schema version (read in the same transaction as the export)."""
    for leftover in _sidecars(path, ENCRYPTING_SUFFIX):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    conn = sqlite3.connect(path, isolation_level=None, timeout=5.0)
    try:
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy is not None and busy[0]:
            raise StoreError(StoreProblem.LOCKED, path, "the file is in use (checkpoint)")
        # Leaving WAL mode needs the only connection: proves nobody else has the file open,
        # and the plain -wal/-shm files disappear with this connection.
        if conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] != "delete":
            raise StoreError(StoreProblem.LOCKED, path, "the file is in use (journal mode)")
        hook("checkpointed")
        conn.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(copy), key.attach_value()))
        # A read transaction on the plain file (a deferred BEGIN): the counts and the export
        # see the same snapshot, and only the copy is written, so the commit needs no
        # super-journal spanning both files (BEGIN IMMEDIATE would make one).
        conn.execute("BEGIN")
        try:
            counts = _row_counts(conn)
            version = int(conn.execute("PRAGMA main.user_version").fetchone()[0])
            conn.execute("SELECT sqlcipher_export('encrypted')")
            conn.execute(f"PRAGMA encrypted.user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
    hook("exported")
    return counts, version


def _verify(copy: Path, key: WorkspaceKey, expected: dict[str, int], path: Path) -> None:
    """Reopen the encrypted copy with the key and prove it holds what the plain file holds."""
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        apply_key(conn, key, copy)
        problems: list[str] = []
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems.append("integrity: " + "; ".join(str(x) for x in integrity[:3]))
        hmac = [row[0] for row in conn.execute("PRAGMA cipher_integrity_check")]
        if hmac:
            problems.append("page check: " + "; ".join(str(x) for x in hmac[:3]))
        counts = _row_counts(conn)
        if counts != expected:
            differ = sorted(
                n for n in expected.keys() | counts.keys() if expected.get(n) != counts.get(n)
            )
            problems.append("row counts differ in " + ", ".join(differ[:5]))
    finally:
        conn.close()
    if problems:
        raise StoreError(
            StoreProblem.CORRUPT,
            path,
            "the encrypted copy did not verify (the plain file is unchanged): "
            + " / ".join(problems),
        )
