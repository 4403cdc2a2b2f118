"""The workspace file: schema versions, WAL, and every way opening it can go wrong."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from app.domain.models import MessageKind
from app.storage.db import open_database
from app.storage.errors import StoreError, StoreProblem, classify
from app.storage.migrations import LATEST
from app.storage.repository import InboxRepository
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation


def test_new_file_is_migrated_to_latest_in_wal_mode(store_path: Path) -> None:
    db = open_database(store_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"conversations", "messages", "customers", "agents", "tags", "drafts"} <= set(
        db.table_names()
    )
    db.conn.close()


def test_reopening_keeps_data_and_does_not_migrate_twice(store_path: Path) -> None:
    repo = InboxRepository(open_database(store_path))
    cid = add_conversation(repo, Conv(), add_agents(repo))
    repo.conn.close()
    again = InboxRepository(open_database(store_path))
    assert again.conversation_row(cid).customer_name == "Alice Example"
    again.conn.close()


def test_customer_text_is_stored_exactly(repo: InboxRepository) -> None:
    text = "مرحبا \u202eevil\u202c 👍🏽 \u200b零宽 <b>x</b>\r\n\ttab  "
    cid = add_conversation(repo, Conv(messages=[(MessageKind.CUSTOMER, text)]), add_agents(repo))
    assert repo.messages(cid)[0].body == text


def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "workspace.sqlite3"
    content = b"this is a text file, not SQLite\n" * 100
    path.write_bytes(content)
    with pytest.raises(StoreError) as caught:
        open_database(path)
    assert caught.value.problem is StoreProblem.CORRUPT
    assert caught.value.path == path
    assert path.read_bytes() == content
    assert not (tmp_path / "workspace.sqlite3-wal").exists()


def test_a_damaged_database_is_reported_as_corrupt(store_path: Path) -> None:
    repo = InboxRepository(open_database(store_path))
    add_conversation(repo, Conv(), add_agents(repo))
    repo.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    repo.conn.close()
    data = bytearray(store_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the first page after the header
    store_path.write_bytes(bytes(data))
    with pytest.raises(StoreError) as caught:
        open_database(store_path)
    assert caught.value.problem is StoreProblem.CORRUPT


def test_a_folder_that_cannot_be_written_is_reported() -> None:
    # /proc refuses new files even to root, so this holds in every CI container.
    target = Path("/proc/self/crossdesk-test/workspace.sqlite3")
    with pytest.raises(StoreError) as caught:
        open_database(target)
    assert caught.value.problem in (StoreProblem.READ_ONLY, StoreProblem.UNREADABLE)
    assert caught.value.path == target


def test_read_only_file_is_reported_when_writing(store_path: Path) -> None:
    repo = InboxRepository(open_database(store_path))
    cid = add_conversation(repo, Conv(), add_agents(repo))
    repo.conn.close()
    uri = f"file:{store_path}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    ro = InboxRepository(sqlite_utils.Database(conn))
    with pytest.raises(sqlite3.OperationalError) as caught:
        ro.save_draft(cid, MessageKind.AGENT, "hello", NOW)
    known = classify(caught.value, store_path)
    assert known is not None and known.problem is StoreProblem.READ_ONLY


def test_disk_full_is_reported_and_the_transaction_rolled_back(repo: InboxRepository) -> None:
    cid = add_conversation(repo, Conv(), add_agents(repo))
    pages = repo.conn.execute("PRAGMA page_count").fetchone()[0]
    repo.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.DatabaseError) as caught:
        repo.add_message(cid, MessageKind.AGENT, "x" * 200_000, NOW)
    known = classify(caught.value, Path("w"))
    assert known is not None and known.problem is StoreProblem.DISK_FULL
    assert len(repo.messages(cid)) == 1  # nothing half-written
    assert not repo.conn.in_transaction


def test_a_file_from_a_newer_crossdesk_is_refused(store_path: Path) -> None:
    open_database(store_path).conn.close()
    conn = sqlite3.connect(store_path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    with pytest.raises(StoreError) as caught:
        open_database(store_path)
    assert caught.value.problem is StoreProblem.NEWER_SCHEMA
