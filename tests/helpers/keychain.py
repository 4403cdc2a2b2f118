"""Keychains for tests: never the developer's real one.

Every test starts with keyring's "fail" backend (what a headless machine without
Secret Service has), so nothing reaches a real keychain by accident; tests that
sign in ask for ``memory_keyring``, an in-memory backend that behaves like a real
one (and that CrossDesk accepts, unlike the plaintext/null backends).
"""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors
import pytest


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Secrets in a dict, for the length of one test."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)

    def tokens(self) -> dict[tuple[str, str], str]:
        """The sign-in tokens only, not the workspaces' encryption keys (which stay while
        their workspace files do)."""
        return {k: v for k, v in self.secrets.items() if not k[1].startswith("workspace-key|")}


@pytest.fixture(autouse=True)
def no_real_keychain() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring(no_real_keychain: None) -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend
