"""Encryption at rest: a keyed workspace is unreadable without its key, on disk and in its
write-ahead log, and opens with it; wrong and missing keys say what is wrong."""

from __future__ import annotations

import sqlite3  # the standard library's, on purpose: what anyone who copies the file has
from pathlib import Path

import pytest

from app.config.paths import attachments_folder
from app.domain.filters import InboxQuery
from app.domain.models import MessageKind
from app.storage.attachments import FileTooLarge
from app.storage.cipher import WorkspaceKey, apply_key, file_state
from app.storage.errors import StoreError, StoreProblem
from app.storage.snapshot import copy_workspace
from app.storage.sqlite import sqlite3 as cipher_sqlite3
from app.storage.store import Store
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.helpers.sql import sql

NAME = "Zofia Wróblewska-Quintanilla"
TEXT = "My parcel XK-99417-ZEBRA never arrived at Ulica Kwiatowa 12"
KEY = WorkspaceKey.from_raw(bytes(range(32)))
PASSPHRASE = WorkspaceKey.from_passphrase("correct horse 'battery' staple ✓")


def _fill(store: Store) -> int:
    return add_conversation(
        store, Conv(customer=NAME, messages=[(MessageKind.CUSTOMER, TEXT)]), add_agents(store)
    )


def _secrets_in(data: bytes) -> list[str]:
    """Which of the customer's name and words appear anywhere in ``data``."""
    needles = [NAME, "Wróblewska", "XK-99417-ZEBRA", "Kwiatowa", TEXT]
    found = []
    for needle in needles:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            if needle.encode(encoding) in data:
                found.append(f"{needle} ({encoding})")
    return found


def _shows_customer(store: Store, cid: int) -> None:
    assert store.conversations.conversation_row(cid).customer_name == NAME
    assert store.messages.messages(cid)[0].body == TEXT
    assert list(store.conversations.conversation_ids(InboxQuery(search="ZEBRA"), None, NOW)) == [
        cid
    ]


@pytest.mark.parametrize("key", [KEY, PASSPHRASE], ids=["keychain", "passphrase"])
def test_an_encrypted_workspace_is_unreadable_without_its_key(
    store_path: Path, key: WorkspaceKey
) -> None:
    store = Store.open(store_path, key=key)
    cid = _fill(store)
    wal = store_path.with_name(store_path.name + "-wal")
    # While it is open the newest pages are in the write-ahead log: encrypted too.
    assert wal.stat().st_size > 0
    assert _secrets_in(wal.read_bytes()) == []
    assert _secrets_in(store_path.read_bytes()) == []
    store.close()

    assert file_state(store_path) == "encrypted"
    assert _secrets_in(store_path.read_bytes()) == []
    plain = sqlite3.connect(store_path)
    with pytest.raises(sqlite3.DatabaseError):
        plain.execute("SELECT * FROM sqlite_master").fetchall()
    plain.close()

    again = Store.open(store_path, key=key)
    _shows_customer(again, cid)
    again.close()


def test_a_plain_workspace_shows_the_same_text_in_its_bytes(store_path: Path) -> None:
    """The control for the test above: the needles are found where there is no encryption."""
    store = Store.open(store_path)
    _fill(store)
    store.close()
    assert file_state(store_path) == "plain"
    assert _secrets_in(store_path.read_bytes()) != []


def test_the_wrong_key_is_refused_and_the_file_left_unchanged(store_path: Path) -> None:
    store = Store.open(store_path, key=KEY)
    _fill(store)
    store.close()
    before = store_path.read_bytes()
    for wrong in (WorkspaceKey.from_raw(b"\x01" * 32), WorkspaceKey.from_passphrase("guess")):
        with pytest.raises(StoreError) as caught:
            Store.open(store_path, key=wrong)
        assert caught.value.problem is StoreProblem.WRONG_KEY
        assert caught.value.path == store_path
        assert "key does not open it" in caught.value.detail
    assert store_path.read_bytes() == before


def test_no_key_for_an_encrypted_file_says_it_needs_one(store_path: Path) -> None:
    Store.open(store_path, key=KEY).close()
    with pytest.raises(StoreError) as caught:
        Store.open(store_path)
    assert caught.value.problem is StoreProblem.ENCRYPTED
    assert "needs its key" in caught.value.detail


def test_a_file_that_is_no_workspace_is_corrupt_with_or_without_a_key(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    content = b"this is a text file, not SQLite\n" * 100
    path.write_bytes(content)
    for key in (None, KEY):
        with pytest.raises(StoreError) as caught:
            Store.open(path, key=key)
        assert caught.value.problem is StoreProblem.CORRUPT
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite3"]


def test_apply_key_alone_reports_a_wrong_key(store_path: Path) -> None:
    Store.open(store_path, key=PASSPHRASE).close()
    conn = cipher_sqlite3.connect(store_path)
    with pytest.raises(StoreError) as caught:
        apply_key(conn, WorkspaceKey.from_passphrase("correct horse"), store_path)
    conn.close()
    assert caught.value.problem is StoreProblem.WRONG_KEY


def test_a_key_never_shows_its_secret() -> None:
    raw = WorkspaceKey.from_raw(b"\xab" * 32)
    phrase = WorkspaceKey.from_passphrase("hunter2-secret")
    for key in (raw, phrase):
        for text in (repr(key), str(key), f"{key}", repr([key])):
            assert "ab" * 4 not in text
            assert "hunter2" not in text
            assert "<hidden>" in text
    assert WorkspaceKey.generate() != WorkspaceKey.generate()


@pytest.mark.parametrize(
    ("raw", "passphrase"),
    [
        (None, None),
        (b"\0" * 32, "x"),
        (b"short", None),
        (None, ""),
        (None, "a\0b"),
        (None, "x" * 1025),
    ],
)
def test_bad_keys_are_refused(raw: bytes | None, passphrase: str | None) -> None:
    with pytest.raises(ValueError):
        WorkspaceKey(raw=raw, passphrase=passphrase)


def test_file_state(tmp_path: Path) -> None:
    assert file_state(tmp_path / "none.sqlite3") == "missing"
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    assert file_state(empty) == "missing"
    Store.open(tmp_path / "plain.sqlite3").close()
    assert file_state(tmp_path / "plain.sqlite3") == "plain"
    Store.open(tmp_path / "enc.sqlite3", key=KEY).close()
    assert file_state(tmp_path / "enc.sqlite3") == "encrypted"
    text = tmp_path / "notes.txt"
    text.write_text("not a workspace\n" * 10)
    assert file_state(text) == "other"


def test_an_empty_file_opened_with_a_key_becomes_an_encrypted_workspace(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.write_bytes(b"")
    store = Store.open(path, key=KEY)
    cid = _fill(store)
    store.close()
    assert file_state(path) == "encrypted"
    again = Store.open(path, key=KEY)
    _shows_customer(again, cid)
    again.close()


def test_the_now_copy_of_an_encrypted_workspace_is_encrypted_with_the_same_key(
    store_path: Path, tmp_path: Path
) -> None:
    store = Store.open(store_path, key=KEY)
    cid = _fill(store)
    # Still open: the newest pages are only in the WAL, and the copy must include them.
    target = tmp_path / "copy.sqlite3"
    copy_workspace(store_path, target, KEY)
    store.close()
    assert file_state(target) == "encrypted"
    assert _secrets_in(target.read_bytes()) == []
    copy = Store.open(target, key=KEY)
    _shows_customer(copy, cid)
    copy.close()

    with pytest.raises(StoreError) as caught:
        copy_workspace(store_path, tmp_path / "no-key.sqlite3")
    assert caught.value.problem is StoreProblem.ENCRYPTED
    with pytest.raises(StoreError) as caught:
        copy_workspace(store_path, tmp_path / "wrong.sqlite3", WorkspaceKey.from_raw(b"\2" * 32))
    assert caught.value.problem is StoreProblem.WRONG_KEY
    assert caught.value.path == store_path


def _attachment_files(store_path: Path) -> list[Path]:
    folder = attachments_folder(store_path)
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_attachment_files_of_an_encrypted_workspace_are_encrypted(store_path: Path) -> None:
    photo = b"\x89PNG receipt for " + TEXT.encode() + bytes(range(256)) * 40
    store = Store.open(store_path, key=KEY)
    sha = store.attachments.put_bytes(photo)
    assert store.attachments.put_bytes(photo) == sha  # stored once, not rewritten
    store.close()
    [on_disk] = _attachment_files(store_path)
    assert on_disk.name == sha
    assert _secrets_in(on_disk.read_bytes()) == []
    assert bytes(range(256)) not in on_disk.read_bytes()
    again = Store.open(store_path, key=KEY)
    assert again.attachments.read_file(sha, 10**6) == photo
    with pytest.raises(FileTooLarge):
        again.attachments.read_file(sha, len(photo) - 1)
    again.close()


def test_a_tampered_attachment_file_is_refused_not_shown(store_path: Path) -> None:
    store = Store.open(store_path, key=KEY)
    sha = store.attachments.put_bytes(b"the original receipt")
    [on_disk] = _attachment_files(store_path)
    blob = bytearray(on_disk.read_bytes())
    blob[-1] ^= 1
    on_disk.write_bytes(bytes(blob))
    with pytest.raises(OSError, match="does not decrypt"):
        store.attachments.read_file(sha, 10**6)
    store.close()


def test_encrypting_a_workspace_encrypts_its_existing_attachment_files(store_path: Path) -> None:
    photos = [TEXT.encode() + bytes([n]) * 500 for n in range(3)]
    store = Store.open(store_path)
    shas = [store.attachments.put_bytes(photo) for photo in photos]
    store.close()
    assert all(TEXT.encode() in p.read_bytes() for p in _attachment_files(store_path))

    store = Store.open(store_path, key=KEY)
    assert [store.attachments.read_file(sha, 10**6) for sha in shas] == photos
    store.close()
    files = _attachment_files(store_path)
    assert [p.name for p in files] == sorted(shas)
    assert all(_secrets_in(p.read_bytes()) == [] for p in files)
    assert file_state(store_path) == "encrypted"


def test_the_now_copy_of_a_plain_workspace_opened_with_a_key_is_encrypted(
    store_path: Path, tmp_path: Path
) -> None:
    store = Store.open(store_path)
    cid = _fill(store)
    target = tmp_path / "copy.sqlite3"
    copy_workspace(store_path, target, KEY)  # while open: the WAL's pages are included
    store.close()
    assert file_state(store_path) == "plain"  # the original is not touched
    assert file_state(target) == "encrypted"
    assert _secrets_in(target.read_bytes()) == []
    copy = Store.open(target, key=KEY)
    _shows_customer(copy, cid)
    copy.close()


def test_sealing_cut_short_leaves_every_file_readable_and_the_next_open_finishes(
    store_path: Path,
) -> None:
    """A crash in the middle of sealing: some files sealed, some still plain."""
    photos = [TEXT.encode() + bytes([n]) * 500 for n in range(3)]
    store = Store.open(store_path)
    shas = [store.attachments.put_bytes(photo) for photo in photos]
    store.close()
    store = Store.open(store_path, key=KEY)
    # Back to the state of a crash after the first file: the others plain, the pass unfinished.
    for sha, photo in zip(shas[1:], photos[1:], strict=True):
        store.attachments.path_of(sha).write_bytes(photo)
    sql(store).execute("DELETE FROM meta WHERE key = 'attachment_files_sealed'")
    assert [store.attachments.read_file(sha, 10**6) for sha in shas] == photos
    store.close()

    store = Store.open(store_path, key=KEY)
    assert [store.attachments.read_file(sha, 10**6) for sha in shas] == photos
    store.close()
    assert all(_secrets_in(p.read_bytes()) == [] for p in _attachment_files(store_path))
