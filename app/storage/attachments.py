"""Attachments: their rows, and their files beside the workspace file (store lane only).

Files are content-addressed (``<folder>/<sha256[:2]>/<sha256>``): the same photo sent
twice is stored once, and a file's name on disk never comes from a customer. A file is
written to a temporary name in the same folder and moved into place (``os.replace``),
so a crash never leaves half a file under a hash; links are never followed, and nothing
is read past the size limit.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.config.paths import attachments_folder
from app.domain.attachments import (
    ALLOWED_TYPES,
    MAX_ATTACHMENT_BYTES,
    MAX_IMAGE_PIXELS,
    MAX_IMAGE_SIDE,
    MAX_PER_MESSAGE,
    Attachment,
    AttachmentError,
    AttachmentState,
    decode_reason,
    encode_reason,
    safe_filename,
    too_large,
    too_many_pixels,
    unsupported,
)
from app.domain.rules import preview_of
from app.storage.file_cipher import (
    META_KEY,
    META_SEALED,
    OVERHEAD,
    FileCipher,
    is_sealed,
    new_secret,
    seal_folder,
)
from app.storage.link import Link
from app.storage.sqlite import sqlite3

_COLUMNS = (
    "id, uid, conversation_id, message_id, filename, content_type, size, sha256, width,"
    " height, state, refused_reason, stored_path, remote_id"
)
_CHUNK = 256 * 1024


class FileTooLarge(Exception):  # noqa: N818 - reads as what happened
    """The file grew past the limit while it was read (the caller names it for the user)."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


@dataclass(frozen=True, slots=True)
class NewAttachment:
    """A row to add: the file is already in the folder (or not yet, for a received one)."""

    conversation_id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None
    state: AttachmentState = AttachmentState.DRAFT
    message_id: int | None = None
    remote_id: str | None = None
    stored: bool = True  # the file is in the folder
    uid: str | None = None


def read_bounded(path: Path, limit: int) -> bytes:
    """A regular file's bytes, at most ``limit`` (FileTooLarge past it); a link, a
    folder or a device is refused (OSError), never followed or read."""
    # O_NONBLOCK: opening a named pipe must not wait for a writer (it is then refused)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_NONBLOCK", 0)
    if os.name == "nt" and path.is_symlink():
        raise OSError(f"{path} is a link")
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path} is not a regular file")
        if info.st_size > limit:
            raise FileTooLarge(info.st_size)
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, _CHUNK):
            total += len(chunk)
            if total > limit:
                raise FileTooLarge(total)
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


class AttachmentRepository:
    """Attachment rows and their files (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self._conn = link.conn
        row = self._conn.execute("PRAGMA database_list").fetchone()
        self.folder = attachments_folder(Path(row[2])) if row and row[2] else None
        self.cipher: FileCipher | None = None  # set for an encrypted workspace

    def encrypt_files(self) -> int:
        """From now on files are sealed (AES-256-GCM, :mod:`app.storage.file_cipher`);
        seal the plain ones already there (once: a workspace just encrypted); how many.

        Only for an encrypted workspace: the file secret lives in its ``meta`` table."""
        with self._link.transaction():
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,))
            found = row.fetchone()
            if found is None:
                secret = new_secret()
                self._conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?)", (META_KEY, secret.hex())
                )
            else:
                secret = bytes.fromhex(found[0])
        self.cipher = FileCipher(secret)
        done = self._conn.execute("SELECT 1 FROM meta WHERE key = ?", (META_SEALED,)).fetchone()
        if done is not None or self.folder is None:
            return 0
        sealed = seal_folder(self.folder, self.cipher, MAX_ATTACHMENT_BYTES)
        with self._link.transaction():
            self._conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", (META_SEALED,)
            )
        return sealed

    # ------------------------------------------------------------------ files
    def _folder(self) -> Path:
        if self.folder is None:
            raise OSError("this store has no folder for attachments (an in-memory store)")
        return self.folder

    def path_of(self, sha256: str) -> Path:
        """Where the file with this hash lives (it may not be there yet)."""
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 in lower-case hex")
        return self._folder() / sha256[:2] / sha256

    def has_file(self, sha256: str) -> bool:
        path = self.path_of(sha256)
        return path.is_file() and not path.is_symlink()

    def put_bytes(self, data: bytes) -> str:
        """Keep ``data`` under its hash (once); return the hash."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path_of(sha)
        stored = self.cipher.seal(data, sha) if self.cipher is not None else data
        size = len(data) + OVERHEAD if self.cipher is not None else len(data)
        if self.has_file(sha) and target.stat().st_size == size:
            return sha
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".incoming-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(stored)
                out.flush()
                os.fsync(out.fileno())
            Path(temp).replace(target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return sha

    def read_file(self, sha256: str, limit: int) -> bytes:
        """A stored file's bytes (bounded, links refused); a sealed file decrypted
        (SealedFileError if it does not decrypt)."""
        if self.cipher is None:
            return read_bounded(self.path_of(sha256), limit)
        blob = read_bounded(self.path_of(sha256), limit + OVERHEAD)
        data = self.cipher.open(blob, sha256) if is_sealed(blob) else blob  # not sealed yet
        if len(data) > limit:
            raise FileTooLarge(len(data))
        return data

    def _drop_file_if_unused(self, sha256: str) -> None:
        used = self._conn.execute(
            "SELECT 1 FROM attachments WHERE sha256 = ? AND stored_path IS NOT NULL LIMIT 1",
            (sha256,),
        ).fetchone()
        if used is None and self.folder is not None:
            self.path_of(sha256).unlink(missing_ok=True)

    def sweep_files(self) -> int:
        """Delete the files no row keeps (their conversations were erased or removed, a
        draft's file was taken off); how many. Never follows a link out of the folder."""
        if self.folder is None or not self.folder.is_dir():
            return 0
        kept = {
            r[0]
            for r in self._conn.execute(
                "SELECT DISTINCT sha256 FROM attachments WHERE stored_path IS NOT NULL"
            )
        }
        swept = 0
        for shard in self.folder.iterdir():
            if len(shard.name) != 2 or shard.is_symlink() or not shard.is_dir():
                continue
            for path in shard.iterdir():
                stale = path.name.startswith(".incoming-")
                if (len(path.name) == 64 and path.name not in kept) or stale:
                    path.unlink(missing_ok=True)
                    swept += 1
        return swept

    # ------------------------------------------------------------------ rows
    def add(self, new: NewAttachment, now: int) -> int:
        stored = f"{new.sha256[:2]}/{new.sha256}" if new.stored else None
        cursor = self._conn.execute(
            "INSERT INTO attachments (uid, conversation_id, message_id, filename, content_type,"
            " size, sha256, width, height, stored_path, remote_id, state, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new.uid or str(uuid.uuid4()),
                new.conversation_id,
                new.message_id,
                new.filename,
                new.content_type,
                new.size,
                new.sha256,
                new.width,
                new.height,
                stored,
                new.remote_id,
                new.state.value,
                now,
            ),
        )
        return int(cursor.lastrowid or 0)

    def attachment(self, attachment_id: int) -> Attachment | None:
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM attachments WHERE id = ?", (attachment_id,)
        ).fetchone()
        return self._attachment(row) if row else None

    def draft(self, conversation_id: int) -> tuple[Attachment, ...]:
        """The files on the conversation's draft, in the order they were added."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM attachments WHERE conversation_id = ?"
            " AND message_id IS NULL ORDER BY id",
            (conversation_id,),
        )
        return tuple(self._attachment(r) for r in rows)

    def for_conversation(
        self, conversation_id: int
    ) -> tuple[Mapping[int, tuple[Attachment, ...]], tuple[Attachment, ...]]:
        """(files by message id, files on the draft): one query for the whole thread."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM attachments WHERE conversation_id = ? ORDER BY id",
            (conversation_id,),
        )
        by_message: dict[int, list[Attachment]] = {}
        draft: list[Attachment] = []
        for row in rows:
            item = self._attachment(row)
            if item.message_id is None:
                draft.append(item)
            else:
                by_message.setdefault(item.message_id, []).append(item)
        return {k: tuple(v) for k, v in by_message.items()}, tuple(draft)

    def for_message(self, message_id: int) -> tuple[Attachment, ...]:
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM attachments WHERE message_id = ? ORDER BY id",
            (message_id,),
        )
        return tuple(self._attachment(r) for r in rows)

    def for_message_uid(self, message_uid: str) -> tuple[Attachment, ...]:
        """The files of a message named by its uid (an outbox operation names it so)."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM attachments WHERE message_id ="
            " (SELECT id FROM messages WHERE uid = ?) ORDER BY id",
            (message_uid,),
        )
        return tuple(self._attachment(r) for r in rows)

    def remove_draft(self, attachment_id: int) -> Attachment | None:
        """Take a file off a draft (not off a sent message); the removed one, or None."""
        with self._link.transaction():
            item = self.attachment(attachment_id)
            if item is None or item.message_id is not None:
                return None
            self._conn.execute("DELETE FROM attachments WHERE id = ?", (attachment_id,))
            self._drop_file_if_unused(item.sha256)
        return item

    def move_draft_to(self, conversation_id: int, message_id: int) -> int:
        """The draft's files go with the message just written; how many."""
        cursor = self._conn.execute(
            "UPDATE attachments SET message_id = ?, state = ? WHERE conversation_id = ?"
            " AND message_id IS NULL",
            (message_id, AttachmentState.LOCAL.value, conversation_id),
        )
        if cursor.rowcount:
            _files_preview(self._conn, conversation_id, message_id)
        return cursor.rowcount

    def set_uploaded(self, attachment_id: int, remote_id: str) -> None:
        self._conn.execute(
            "UPDATE attachments SET state = ?, remote_id = ?, refused_reason = NULL WHERE id = ?",
            (AttachmentState.UPLOADED.value, remote_id, attachment_id),
        )

    def set_refused(self, attachment_id: int, reason: AttachmentError | str) -> None:
        """Refused: by the server (its words) or here (an error, shown translated)."""
        self._conn.execute(
            "UPDATE attachments SET state = ?, refused_reason = ? WHERE id = ?",
            (AttachmentState.REFUSED.value, encode_reason(reason), attachment_id),
        )

    def set_stored(self, attachment_id: int, sha256: str) -> None:
        """A received file was fetched and verified: it is here now."""
        self._conn.execute(
            "UPDATE attachments SET stored_path = ?, refused_reason = NULL WHERE id = ?",
            (f"{sha256[:2]}/{sha256}", attachment_id),
        )

    def by_remote_ids(self, remote_ids: Iterable[str]) -> set[str]:
        """Which of these server ids are mirrored already."""
        ids = list(remote_ids)
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ",".join("?" * len(part))
            rows = self._conn.execute(
                f"SELECT remote_id FROM attachments WHERE remote_id IN ({marks})", part
            )
            found.update(r[0] for r in rows)
        return found

    def mirror_received(self, messages: Sequence[Any]) -> set[int]:
        """See :func:`_mirror` (called by ``RemoteMirror.upsert_messages``, same transaction)."""
        return _mirror(self, self._conn, messages)

    def _attachment(self, r: Any) -> Attachment:
        refusal = decode_reason(str(r[11])) if r[11] is not None else None
        stored = r[12]
        path = self.folder / str(stored) if stored is not None and self.folder else None
        return Attachment(
            id=int(r[0]),
            uid=str(r[1]),
            conversation_id=int(r[2]),
            message_id=None if r[3] is None else int(r[3]),
            filename=str(r[4]),
            content_type=str(r[5]),
            size=int(r[6]),
            sha256=str(r[7]),
            width=None if r[8] is None else int(r[8]),
            height=None if r[9] is None else int(r[9]),
            state=AttachmentState(r[10]),
            refused_reason=refusal[0] if refusal else None,
            path=path,
            remote_id=None if r[13] is None else str(r[13]),
            refused_template=refusal[1] if refusal else None,
            refused_params=refusal[2] if refusal else (),
        )


def _mirror(
    repo: AttachmentRepository, conn: sqlite3.Connection, messages: Sequence[Any]
) -> set[int]:
    """The files of the server's messages (``wire.Message``), as rows waiting to be fetched
    (state ``remote``) or refused with a reason (a type, size or picture CrossDesk does not
    take: the thread shows the reason, never the file). A message whose files are here
    already (ours, or a page read twice) is left alone. Returns the conversations changed."""
    with_files = [m for m in messages if getattr(m, "attachments", None)]
    if not with_files:
        return set()
    local: dict[str, tuple[int, int]] = {}
    uids = [m.id for m in with_files]
    for start in range(0, len(uids), 500):
        part = uids[start : start + 500]
        marks = ",".join("?" * len(part))
        rows = conn.execute(
            f"SELECT m.uid, m.id, m.conversation_id FROM messages m WHERE m.uid IN ({marks})"
            " AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = m.id)",
            part,
        )
        local.update((r[0], (r[1], r[2])) for r in rows)
    changed: set[int] = set()
    for message in with_files:
        if message.id not in local:
            continue
        message_id, conversation_id = local[message.id]
        for file in message.attachments[:MAX_PER_MESSAGE]:
            refused = received_refusal(file)
            name = safe_filename(file.filename)
            stored = refused is None and repo.folder is not None and repo.has_file(file.sha256)
            row = repo.add(
                NewAttachment(
                    conversation_id,
                    name,
                    file.content_type[:255],
                    int(file.size),
                    file.sha256,
                    file.width,
                    file.height,
                    AttachmentState.REFUSED if refused else AttachmentState.REMOTE,
                    message_id,
                    remote_id=file.id,
                    stored=stored,
                ),
                int(message.created_at),
            )
            if refused:
                repo.set_refused(row, refused)
        _files_preview(conn, conversation_id, message_id)
        changed.add(conversation_id)
    return changed


def _files_preview(conn: sqlite3.Connection, conversation_id: int, message_id: int) -> None:
    """A message of files only (no text) is the list's preview as its file names, if it is
    the newest message the customer sees (a text preview stays as it is)."""
    names = [
        str(r[0])
        for r in conn.execute(
            "SELECT filename FROM attachments WHERE message_id = ? ORDER BY id", (message_id,)
        )
    ]
    conn.execute(
        "UPDATE conversations SET last_message_preview = ? WHERE id = ? AND EXISTS ("
        " SELECT 1 FROM messages m WHERE m.id = ? AND m.body = '' AND m.state = 'sent'"
        " AND m.kind IN ('customer', 'agent') AND NOT EXISTS (SELECT 1 FROM messages later"
        " WHERE later.conversation_id = m.conversation_id AND later.seq > m.seq"
        " AND later.state = 'sent' AND later.kind IN ('customer', 'agent')))",
        (preview_of("📎 " + ", ".join(names)), conversation_id, message_id),
    )


def received_refusal(file: Any) -> AttachmentError | None:
    """Why a received file's metadata rules it out before it is fetched, or None."""
    name = safe_filename(file.filename)
    try:
        if file.content_type not in ALLOWED_TYPES:
            raise unsupported(name)
        if file.size > MAX_ATTACHMENT_BYTES:
            raise too_large(name, file.size)
        width, height = file.width or 0, file.height or 0
        if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE:
            raise too_many_pixels(name, width, height)
    except AttachmentError as error:
        return error
    return None
