"""Workspace keys: kept in the keychain before use, a passphrase where there is none."""

from __future__ import annotations

from pathlib import Path

import keyring
import keyring.backends.null
import keyring.errors
import pytest

from app.ops import workspace_keys as keys
from app.ops.types import Store
from tests.helpers.keychain import MemoryKeyring


def test_a_new_key_is_stored_then_read_back(memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    path = tmp_path / "team.sqlite3"
    key = keys.key_for(path, create=True)
    assert key.raw is not None and len(key.raw) == 32
    stored = memory_keyring.secrets[("CrossDesk", f"workspace-key|{path.resolve()}")]
    assert stored == key.raw.hex()
    again = keys.key_for(path, create=False)
    assert again.raw == key.raw
    assert keys.key_for(path, create=True).raw == key.raw  # an existing key is reused
    assert "<hidden>" in repr(key) and key.raw.hex() not in repr(key)


def test_the_key_opens_the_workspace_it_made(memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    path = tmp_path / "team.sqlite3"
    store = Store.open(path, key=keys.key_for(path, create=True))
    store.close()
    assert keys.needs_new_key(path) is False
    Store.open(path, create=False, key=keys.key_for(path, create=False)).close()
    assert keys.unlocks(path, keys.key_for(path, create=False))


def test_no_keychain_asks_for_a_passphrase_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "team.sqlite3"
    with pytest.raises(keys.NeedsPassphraseError) as caught:
        keys.key_for(path, create=True)
    assert caught.value.new is True
    assert "passphrase" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_the_null_backend_is_not_a_keychain(tmp_path: Path) -> None:
    keyring.set_keyring(keyring.backends.null.Keyring())
    with pytest.raises(keys.NeedsPassphraseError) as caught:
        keys.key_for(tmp_path / "w.sqlite3", create=False)
    assert caught.value.new is False
    assert "keyring.backends.null" in str(caught.value)


def test_an_encrypted_workspace_without_a_stored_key_needs_its_passphrase(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    path = tmp_path / "team.sqlite3"
    with pytest.raises(keys.NeedsPassphraseError) as caught:
        keys.key_for(path, create=False)
    assert caught.value.new is False and str(path) in str(caught.value)
    assert memory_keyring.secrets == {}


class ForgetfulKeyring(MemoryKeyring):
    """Accepts a secret and loses it (a misbehaving keychain)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        return None


class RefusingKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("locked collection")


@pytest.mark.parametrize("keychain", [ForgetfulKeyring, RefusingKeyring])
def test_a_key_the_keychain_does_not_keep_is_never_used(
    keychain: type[MemoryKeyring], tmp_path: Path
) -> None:
    keyring.set_keyring(keychain())
    with pytest.raises(keys.NeedsPassphraseError) as caught:
        keys.key_for(tmp_path / "w.sqlite3", create=True)
    assert caught.value.new is True


def test_a_damaged_entry_is_replaced_only_when_a_new_key_is_wanted(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    path = tmp_path / "w.sqlite3"
    memory_keyring.secrets[("CrossDesk", keys.account(path))] = "not hex"
    with pytest.raises(keys.NeedsPassphraseError):
        keys.key_for(path, create=False)
    key = keys.key_for(path, create=True)
    assert memory_keyring.secrets[("CrossDesk", keys.account(path))] == key.raw.hex()  # type: ignore[union-attr]


def test_forget_removes_the_key(memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite3"
    keys.key_for(path, create=True)
    keys.forget(path)
    keys.forget(path)  # twice: nothing to remove, no error
    assert memory_keyring.secrets == {}


def test_unlock_checks(memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite3"
    key = keys.key_for(path, create=True)
    other = keys.WorkspaceKey.generate()
    assert keys.unlocks(path, key) and not keys.unlocks(path, other)
    keys.forget(path)
    assert not keys.unlocks(path, key)  # the keychain no longer gives it
    phrase = keys.WorkspaceKey.from_passphrase("correct horse battery")
    assert keys.same_passphrase(phrase, "correct horse battery")
    assert not keys.same_passphrase(phrase, "correct horse batterY")
    assert not keys.same_passphrase(key, "anything")


def test_env_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(keys.PASSPHRASE_ENV, raising=False)
    assert keys.env_passphrase() is None
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "a script's passphrase")
    key = keys.env_passphrase()
    assert key is not None and key.passphrase == "a script's passphrase"


def test_strength_hint() -> None:
    assert not keys.passphrase_strength("short").acceptable
    assert keys.passphrase_strength("aaaaaaaaaaaa").score == 0
    assert keys.passphrase_strength("abcdefghijkl").acceptable
    assert keys.passphrase_strength("tall trees by the river").score >= 2
    assert keys.passphrase_strength("Tall trees by the river, 1987!").score == 3
    assert not keys.passphrase_strength("x" * 1025).acceptable


def test_a_moved_workspace_finds_its_key_by_its_salt(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    """The keychain entry is named after the path; a copy under the file's own salt means a
    workspace moved, renamed or restored elsewhere still opens (no passphrase exists)."""
    path = tmp_path / "team.sqlite3"
    key = keys.key_for(path, create=True)
    Store.open(path, key=key).close()
    keys.remember(path, key)
    keys.remember(path, key)  # once is enough; again changes nothing
    assert len(memory_keyring.secrets) == 2
    moved = tmp_path / "elsewhere" / "renamed.sqlite3"
    moved.parent.mkdir()
    path.rename(moved)
    found = keys.key_for(moved, create=False)
    assert found.raw == key.raw
    assert memory_keyring.secrets[("CrossDesk", keys.account(moved))] == key.raw.hex()  # type: ignore[union-attr]
    Store.open(moved, create=False, key=found).close()
    keys.forget(moved)  # its path and its salt
    assert set(memory_keyring.secrets) == {("CrossDesk", keys.account(path))}  # the old path's


def test_another_encrypted_file_never_gets_this_key(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    for path in (first, second):
        key = keys.key_for(path, create=True)
        Store.open(path, key=key).close()
        keys.remember(path, key)
    memory_keyring.secrets.pop(("CrossDesk", keys.account(second)))
    assert keys.key_for(second, create=False).raw != keys.key_for(first, create=False).raw
    assert keys.unlocks(second, keys.key_for(second, create=False))
