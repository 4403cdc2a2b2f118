"""The workspace file: schema versions, WAL, and every way opening it can go wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.models import MessageKind, Status
from app.storage.db import connect
from app.storage.errors import StoreError, StoreProblem, classify
from app.storage.migrations import LATEST
from app.storage.sqlite import sqlite3
from app.storage.store import Store
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.helpers.sql import sql


def test_new_file_is_migrated_to_latest_in_wal_mode(store_path: Path) -> None:
    db = connect(store_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"conversations", "messages", "customers", "agents", "tags", "drafts"} <= set(
        r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    )
    db.close()


def test_reopening_keeps_data_and_does_not_migrate_twice(store_path: Path) -> None:
    repo = Store.open(store_path)
    cid = add_conversation(repo, Conv(), add_agents(repo))
    repo.close()
    again = Store.open(store_path)
    assert again.conversations.conversation_row(cid).customer_name == "Alice Example"
    again.close()


def test_customer_text_is_stored_exactly(repo: Store) -> None:
    text = "مرحبا \u202eevil\u202c 👍🏽 \u200b零宽 <b>x</b>\r\n\ttab  "
    cid = add_conversation(repo, Conv(messages=[(MessageKind.CUSTOMER, text)]), add_agents(repo))
    assert repo.messages.messages(cid)[0].body == text


def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "workspace.sqlite3"
    content = b"this is a text file, not SQLite\n" * 100
    path.write_bytes(content)
    with pytest.raises(StoreError) as caught:
        connect(path)
    assert caught.value.problem is StoreProblem.CORRUPT
    assert caught.value.path == path
    assert path.read_bytes() == content
    assert not (tmp_path / "workspace.sqlite3-wal").exists()


def test_a_damaged_database_is_reported_as_corrupt(store_path: Path) -> None:
    repo = Store.open(store_path)
    add_conversation(repo, Conv(), add_agents(repo))
    sql(repo).execute("PRAGMA wal_checkpoint(TRUNCATE)")
    repo.close()
    data = bytearray(store_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the first page after the header
    store_path.write_bytes(bytes(data))
    with pytest.raises(StoreError) as caught:
        connect(store_path)
    assert caught.value.problem is StoreProblem.CORRUPT


def test_a_folder_that_cannot_be_written_is_reported() -> None:
    # /proc refuses new files even to root, so this holds in every CI container.
    target = Path("/proc/self/crossdesk-test/workspace.sqlite3")
    with pytest.raises(StoreError) as caught:
        connect(target)
    assert caught.value.problem in (StoreProblem.READ_ONLY, StoreProblem.UNREADABLE)
    assert caught.value.path == target


def test_read_only_file_is_reported_when_writing(store_path: Path) -> None:
    repo = Store.open(store_path)
    cid = add_conversation(repo, Conv(), add_agents(repo))
    repo.close()
    uri = f"file:{store_path}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    ro = Store(conn)
    with pytest.raises(sqlite3.OperationalError) as caught:
        ro.drafts.save_draft(cid, MessageKind.AGENT, "hello", NOW)
    known = classify(caught.value, store_path)
    assert known is not None and known.problem is StoreProblem.READ_ONLY


def test_disk_full_is_reported_and_the_transaction_rolled_back(repo: Store) -> None:
    cid = add_conversation(repo, Conv(), add_agents(repo))
    pages = sql(repo).execute("PRAGMA page_count").fetchone()[0]
    sql(repo).execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.DatabaseError) as caught:
        repo.messages.add_message(cid, MessageKind.AGENT, "x" * 200_000, NOW)
    known = classify(caught.value, Path("w"))
    assert known is not None and known.problem is StoreProblem.DISK_FULL
    assert len(repo.messages.messages(cid)) == 1  # nothing half-written
    assert not sql(repo).in_transaction


def test_a_file_from_a_newer_crossdesk_is_refused(store_path: Path) -> None:
    connect(store_path).close()
    conn = sqlite3.connect(store_path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    with pytest.raises(StoreError) as caught:
        connect(store_path)
    assert caught.value.problem is StoreProblem.NEWER_SCHEMA


def test_an_inner_failure_rolls_back_only_the_inner_part(repo: Store) -> None:
    """Nested transactions are savepoints: an outer transaction that catches an inner
    failure keeps its own writes and none of the inner ones."""
    cid = add_conversation(repo, Conv(), add_agents(repo))
    with repo.transaction():
        repo.drafts.save_draft(cid, MessageKind.AGENT, "outer", NOW)
        with pytest.raises(KeyError), repo.transaction():
            repo.conversations.add_tag(cid, "inner", NOW)
            repo.messages.add_message(cid, MessageKind.AGENT, "never", NOW)
            repo.conversations.set_status(cid + 999, Status.PENDING, NOW)  # no such row
        repo.conversations.add_tag(cid, "after", NOW)
    assert not sql(repo).in_transaction
    draft = repo.drafts.draft(cid)
    assert draft is not None and draft.body == "outer"
    row = repo.conversations.conversation_row(cid)
    assert row.tags == ("after",)
    assert "never" not in [m.body for m in repo.messages.messages(cid)]


def test_an_outer_failure_rolls_back_the_inner_parts_too(repo: Store) -> None:
    cid = add_conversation(repo, Conv(), add_agents(repo))
    with pytest.raises(RuntimeError), repo.transaction():
        with repo.transaction():
            repo.drafts.save_draft(cid, MessageKind.AGENT, "inner", NOW)
        raise RuntimeError("outer fails after the inner part was released")
    assert repo.drafts.draft(cid) is None
