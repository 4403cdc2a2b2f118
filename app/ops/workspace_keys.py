"""The key that opens a real workspace: a random key kept in the OS keychain, else the
agent's passphrase.

A workspace holding real customer data is encrypted at rest (:mod:`app.storage.cipher`).
Its key is 32 random bytes, stored in the system keychain (service ``CrossDesk``, account
``workspace-key|<absolute path>``) *before* it is first used, so no file is ever encrypted
with a key that is not saved. Once the file is encrypted the key is also stored under the
file's own salt (``workspace-key|salt:<hex>``, :func:`remember`), so a workspace that is
moved, renamed or restored from a backup elsewhere still finds its key. Where no safe
keychain exists (a headless Linux without Secret Service, or only keyring's
plaintext/null/fail backends) nothing is written anywhere: :class:`NeedsPassphraseError`
tells the caller to ask the agent for a passphrase (the window asks; a script sets
``CROSSDESK_PASSPHRASE``). A key never lands on disk beside the file. The demo workspace
is sample data and stays plain; it never gets here.
"""

from __future__ import annotations

import contextlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path

import keyring
import keyring.errors

from app.config.keychain import unsafe_backend
from app.domain.errors import N_, LocalizedError
from app.storage.cipher import WorkspaceKey, file_salt, file_state

SERVICE = "CrossDesk"  # the same keychain service as the sign-in tokens (app.sync.auth)
ACCOUNT_PREFIX = "workspace-key|"
PASSPHRASE_ENV = "CROSSDESK_PASSPHRASE"  # scripts: the passphrase of the workspace they open
MIN_PASSPHRASE_CHARS = 12
MAX_PASSPHRASE_CHARS = 1024  # WorkspaceKey refuses longer ones
KEY_BYTES = 32


class NeedsPassphraseError(LocalizedError):
    """The keychain cannot give (or keep) this workspace's key: ask for a passphrase.

    Attributes:
        new: True when the workspace is not encrypted yet (the agent chooses a passphrase,
            typed twice); False when it is (the agent types the one it was encrypted with).
    """

    def __init__(self, template: str, *, new: bool, **params: object) -> None:
        self.new = new
        super().__init__(template, **params)


def account(path: Path) -> str:
    """The keychain account of the workspace at ``path`` (absolute, symlinks resolved)."""
    return ACCOUNT_PREFIX + str(path.expanduser().resolve())


def content_account(salt: bytes) -> str:
    """The keychain account that follows the file wherever it goes (its SQLCipher salt)."""
    return ACCOUNT_PREFIX + "salt:" + salt.hex()


def keychain_problem() -> str | None:
    """Why the keychain cannot be trusted with a key (None: it can)."""
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # a broken keyring configuration: treat as no keychain
        return str(exc) or type(exc).__name__
    return unsafe_backend(backend)


def needs_new_key(path: Path) -> bool:
    """True when opening ``path`` with a key encrypts it (missing or plain), False when it
    is already encrypted and only its own key opens it."""
    return file_state(path) != "encrypted"


def will_encrypt(path: Path) -> bool:
    """True when opening ``path`` with a key encrypts an existing plain file in place (a
    minute for a large workspace: the UI says so while it runs)."""
    return path.exists() and file_state(path) == "plain"


def key_for(path: Path, *, create: bool) -> WorkspaceKey:
    """The workspace's key from the keychain; with ``create``, a new random one, saved and
    read back before it is returned. Raises :class:`NeedsPassphraseError` when the keychain
    is unsafe, unreadable, refuses the key, or (without ``create``) has none."""
    problem = keychain_problem()
    if problem is not None:
        raise NeedsPassphraseError(
            N_(
                "No secure system keychain is available ({backend}), so the workspace's "
                "key cannot be kept there. Protect the workspace with a passphrase."
            ),
            new=create,
            backend=problem,
        )
    name = account(path)
    stored = _read(name, create) or _by_content(path, name, create)
    if stored is not None:
        return stored
    if not create:
        raise NeedsPassphraseError(
            N_(
                "The system keychain holds no key for {path}. It was probably protected "
                "with a passphrase: type it to open the workspace."
            ),
            new=False,
            path=str(path),
        )
    key = WorkspaceKey.generate()
    assert key.raw is not None  # generate() makes a raw key
    try:
        keyring.set_password(SERVICE, name, key.raw.hex())
        kept = keyring.get_password(SERVICE, name)
    except keyring.errors.KeyringError as exc:
        raise NeedsPassphraseError(
            N_(
                "The system keychain refused to keep the workspace's key ({error}). "
                "Protect the workspace with a passphrase."
            ),
            new=True,
            error=str(exc),
        ) from exc
    if kept is None or not hmac.compare_digest(kept, key.raw.hex()):
        raise NeedsPassphraseError(
            N_(
                "The system keychain did not keep the workspace's key. Protect the "
                "workspace with a passphrase."
            ),
            new=True,
        )
    return key


def _by_content(path: Path, name: str, create: bool) -> WorkspaceKey | None:
    """The key of a moved (or renamed, or restored) encrypted file, found by its salt; kept
    under its new path too, so the next open finds it at once."""
    salt = file_salt(path)
    key = _read(content_account(salt), create) if salt is not None else None
    if key is not None and key.raw is not None:
        with contextlib.suppress(keyring.errors.KeyringError):
            keyring.set_password(SERVICE, name, key.raw.hex())
    return key


def remember(path: Path, key: WorkspaceKey | None) -> None:
    """After ``path`` opened with a keychain ``key``: keep the key under the file's salt as
    well (once; best effort: the key is already kept under the path)."""
    salt = file_salt(path) if key is not None and key.raw is not None else None
    if salt is None or key is None or key.raw is None:
        return
    name = content_account(salt)
    with contextlib.suppress(keyring.errors.KeyringError):
        if keyring.get_password(SERVICE, name) != key.raw.hex():
            keyring.set_password(SERVICE, name, key.raw.hex())


def _read(name: str, create: bool) -> WorkspaceKey | None:
    """The key stored under ``name``; None if there is none (or only a damaged entry)."""
    try:
        text = keyring.get_password(SERVICE, name)
    except keyring.errors.KeyringError as exc:
        raise NeedsPassphraseError(
            N_(
                "The system keychain could not be read ({error}). Unlock it, or type the "
                "workspace's passphrase."
            ),
            new=create,
            error=str(exc),
        ) from exc
    if not text or len(text) != 2 * KEY_BYTES:
        return None
    try:
        return WorkspaceKey.from_raw(bytes.fromhex(text))
    except ValueError:
        return None


def forget(path: Path) -> None:
    """Remove the workspace's key from the keychain, under its path and its salt (without
    the key an encrypted file can never be read again)."""
    salt = file_salt(path)
    names = [account(path)] + ([content_account(salt)] if salt is not None else [])
    for name in names:
        with contextlib.suppress(keyring.errors.KeyringError):
            keyring.delete_password(SERVICE, name)


def unlocks(path: Path, key: WorkspaceKey | None) -> bool:
    """The screen lock's check: the keychain still gives this workspace's key (the OS
    account is unlocked) and it is the one the workspace is open with."""
    if key is None or key.raw is None:
        return False
    try:
        stored = key_for(path, create=False)
    except NeedsPassphraseError:
        return False
    return stored.raw is not None and hmac.compare_digest(stored.raw, key.raw)


def same_passphrase(key: WorkspaceKey | None, typed: str) -> bool:
    """The screen lock's check for a passphrase workspace (constant-time)."""
    if key is None or key.passphrase is None:
        return False
    return hmac.compare_digest(key.passphrase.encode("utf-8"), typed.encode("utf-8"))


def env_passphrase() -> WorkspaceKey | None:
    """``CROSSDESK_PASSPHRASE``, when set: the workspace's passphrase for a script (or a
    headless run), used instead of the keychain. ValueError if it cannot be a passphrase."""
    text = os.environ.get(PASSPHRASE_ENV)
    if not text:
        return None
    return WorkspaceKey.from_passphrase(text)


def script_key(path: Path) -> WorkspaceKey | None:
    """The key a command-line tool opens ``path`` with: none for a plain (or missing) file,
    which it opens as it is (the window encrypts it the next time it opens it);
    ``CROSSDESK_PASSPHRASE`` when set; else the keychain's. Raises
    :class:`NeedsPassphraseError` (:func:`script_hint` says what to do)."""
    if file_state(path) != "encrypted":
        return None
    try:
        from_env = env_passphrase()
    except ValueError as exc:
        raise NeedsPassphraseError(
            N_("{env} is set but cannot be a passphrase: {error}"),
            new=False,
            env=PASSPHRASE_ENV,
            error=str(exc),
        ) from exc
    return from_env or key_for(path, create=False)


def script_hint(path: Path, error: NeedsPassphraseError) -> str:
    """One line for a script that cannot open an encrypted workspace."""
    if PASSPHRASE_ENV in error.params.values():
        return str(error)
    return (
        f"{path} is encrypted and this computer's keychain does not give its key; to run "
        f"this from a script, set {PASSPHRASE_ENV} to the workspace's passphrase"
    )


@dataclass(frozen=True, slots=True)
class Strength:
    """How hard a new passphrase is to guess, for the dialog's hint (0 weak .. 3 strong)."""

    score: int
    acceptable: bool


def passphrase_strength(text: str) -> Strength:
    """A rough guess from length and variety; the minimum length is the only hard rule."""
    kinds = sum(
        (
            any(c.islower() for c in text),
            any(c.isupper() for c in text),
            any(c.isdigit() for c in text),
            any(not c.isalnum() for c in text),
        )
    )
    distinct = len(set(text))
    long_enough = len(text) >= MIN_PASSPHRASE_CHARS
    score = 0
    if long_enough and distinct >= 6:
        score = 1
        if len(text) >= 16 and kinds >= 2:
            score = 2
        if (len(text) >= 20 and kinds >= 3) or (len(text) >= 28 and distinct >= 10):
            score = 3
    return Strength(score, long_enough and len(text) <= MAX_PASSPHRASE_CHARS)
