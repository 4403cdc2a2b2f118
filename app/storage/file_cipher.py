"""Attachment files of an encrypted workspace, encrypted too (AES-256-GCM).

The workspace file is SQLCipher; the attachments beside it (``<stem>.attachments/``) are
ordinary files, so an encrypted workspace seals each one: ``MAGIC | 12-byte nonce |
AES-256-GCM ciphertext and tag``, with the file's name (the SHA-256 of its plain bytes) as
associated data, so a file cannot be swapped for another one under a different name
without the tag failing.

The file key is derived with HKDF-SHA256 from a random 32-byte secret kept in the
encrypted workspace itself (``meta``): whoever can open the workspace can read its
attachments, nobody else. Keeping the secret in the database rather than deriving it
from the workspace key directly works the same for a keychain key and a passphrase (HKDF
is no password KDF; SQLCipher's PBKDF2 already guards the passphrase) and survives a
change of passphrase without rewriting every file.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"CDATTv1\n"  # CrossDesk attachment, version 1
NONCE_BYTES = 12
TAG_BYTES = 16
OVERHEAD = len(MAGIC) + NONCE_BYTES + TAG_BYTES
SECRET_BYTES = 32
META_KEY = "attachment_file_secret"  # hex, in the (encrypted) workspace's meta table
META_SEALED = "attachment_files_sealed"  # "1" once every file in the folder is sealed
_INFO = b"crossdesk attachment files v1"


class SealedFileError(OSError):
    """A sealed attachment file that does not decrypt (damaged, or not this workspace's).

    An OSError: callers already treat an unreadable attachment file as a missing one."""


def new_secret() -> bytes:
    """A new random secret for a workspace's attachment files."""
    return secrets.token_bytes(SECRET_BYTES)


class FileCipher:
    """Seals and opens one workspace's attachment files. ``repr`` hides the key."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) != SECRET_BYTES:
            raise ValueError(f"the attachment secret is {SECRET_BYTES} bytes")
        # Imported here: only an encrypted workspace pays for loading cryptography (~9 ms).
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret)
        self._aead: AESGCM = AESGCM(key)

    def seal(self, data: bytes, name: str) -> bytes:
        """The sealed form of ``data`` stored under ``name``."""
        nonce = os.urandom(NONCE_BYTES)
        return MAGIC + nonce + self._aead.encrypt(nonce, data, name.encode("ascii"))

    def open(self, blob: bytes, name: str) -> bytes:
        """The plain bytes of a sealed file (SealedFileError if it does not decrypt)."""
        if not is_sealed(blob) or len(blob) < OVERHEAD:
            raise SealedFileError(f"{name} is not a sealed attachment file")
        nonce = blob[len(MAGIC) : len(MAGIC) + NONCE_BYTES]
        from cryptography.exceptions import InvalidTag

        try:
            return self._aead.decrypt(nonce, blob[len(MAGIC) + NONCE_BYTES :], name.encode("ascii"))
        except InvalidTag as exc:
            raise SealedFileError(
                f"{name} does not decrypt: damaged or not this workspace's"
            ) from exc

    def __repr__(self) -> str:
        return "FileCipher(<hidden>)"


def is_sealed(blob: bytes) -> bool:
    """Whether ``blob`` (or its first bytes) is a sealed attachment file."""
    return blob[: len(MAGIC)] == MAGIC


def seal_folder(folder: Path, cipher: FileCipher, limit: int) -> int:
    """Seal every plain attachment file in ``folder`` (a workspace just encrypted); how many.

    One file at a time, each written to a temporary name, fsynced and moved over the plain
    one, so a crash leaves every file either plain or sealed (both are read; the next open
    finishes the job). Links are never followed; a file over ``limit`` is left as it is
    (it cannot have been stored by CrossDesk). As with the workspace file, the plain bytes
    may remain in free disk blocks (an OS-level matter)."""
    if not folder.is_dir() or folder.is_symlink():
        return 0
    sealed = 0
    for shard in sorted(folder.iterdir()):
        if len(shard.name) != 2 or shard.is_symlink() or not shard.is_dir():
            continue
        for path in sorted(shard.iterdir()):
            if len(path.name) != 64 or path.is_symlink() or not path.is_file():
                continue
            with path.open("rb") as handle:
                if is_sealed(handle.read(len(MAGIC))):
                    continue
            if path.stat().st_size > limit:
                continue
            data = path.read_bytes()
            fd, temp = tempfile.mkstemp(prefix=".incoming-", dir=shard)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(cipher.seal(data, path.name))
                    out.flush()
                    os.fsync(out.fileno())
                Path(temp).replace(path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
            sealed += 1
    return sealed
