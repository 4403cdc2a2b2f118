"""Schema 11: the data-request records, and the outbox that can carry an erasure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.domain.data_requests import DeadlineRule, RequestKind, RequestStatus
from app.storage import migrations
from app.storage.sqlite import sqlite3
from app.storage.store import Store
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.helpers.sql import sql


def _version_10_store(path: Path) -> None:
    """A workspace as issue 15's CrossDesk left it, with an operation waiting to be sent."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    migrations.migrate(conn, migrations.MIGRATIONS[:10])
    conn.execute(
        "INSERT INTO outbox (conversation_uid, op, payload, idempotency_key, created_at)"
        " VALUES ('c-1', 'send_message', '{\"body\": \"hi\"}', 'key-1', ?)",
        (NOW,),
    )
    conn.close()


def test_version_10_is_migrated_and_its_outbox_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _version_10_store(path)
    repo = Store.open(path)
    try:
        conn = sql(repo)
        assert migrations.current_version(conn) == migrations.LATEST == 11
        assert conn.execute("SELECT op, idempotency_key FROM outbox").fetchall() == [
            ("send_message", "key-1")
        ]
        conn.execute(
            "INSERT INTO outbox (conversation_uid, op, payload, idempotency_key, created_at)"
            " VALUES ('customer:c1', 'customer.erase', '{}', 'key-2', ?)",
            (NOW,),
        )
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO outbox (conversation_uid, op, payload, idempotency_key, created_at)"
                " VALUES ('customer:c1', 'drop_everything', '{}', 'key-3', ?)",
                (NOW,),
            )
        assert repo.data_requests.all() == []
    finally:
        repo.close()


def _add(repo: Store, customer_id: int, uid: str, due: int, note: str = "") -> str:
    return repo.data_requests.add(
        kind=RequestKind.ERASE,
        customer_id=customer_id,
        customer_uid=uid,
        country="DE",
        timezone="Europe/Berlin",
        law_en="GDPR",
        law_zh="GDPR",
        source_url="https://eur-lex.europa.eu/eli/reg/2016/679/oj",
        rule=DeadlineRule(months=1, extension_months=2),
        opened_at=NOW,
        opened_by=None,
        due_at=due,
        note=note,
    )


def test_a_record_outlives_its_customer_without_their_data(repo: Store) -> None:
    conversation = add_conversation(repo, Conv(), add_agents(repo))
    customer_id = repo.conversations.customer_id(conversation)
    uid = repo.data_requests.customer_rows([customer_id])[0]["uid"]
    request = _add(repo, customer_id, uid, NOW + 100, "Alice Example called")
    with repo.transaction():
        sql(repo).execute("DELETE FROM conversations WHERE id = ?", (conversation,))
        repo.data_requests.delete_customers([customer_id])
    repo.data_requests.scrub_notes([uid], lambda text: text.replace("Alice Example", "-"), NOW)
    stored = repo.data_requests.get(request)
    assert stored is not None and stored.customer_id is None and stored.customer_uid == uid
    assert stored.note == "- called" and stored.rule.months == 1
    row = sql(repo).execute("SELECT * FROM data_requests").fetchone()
    assert "Alice" not in json.dumps(row)


def test_closing_is_once_and_the_queue_is_ordered_by_the_current_deadline(repo: Store) -> None:
    conversation = add_conversation(repo, Conv(), add_agents(repo))
    customer_id = repo.conversations.customer_id(conversation)
    first = _add(repo, customer_id, "c", NOW + 300)
    second = _add(repo, customer_id, "c", NOW + 200)
    assert [r.uid for r in repo.data_requests.all()] == [second, first]
    assert repo.data_requests.set_extended(second, NOW + 900, NOW)
    assert not repo.data_requests.set_extended(second, NOW + 999, NOW)  # once
    assert [r.uid for r in repo.data_requests.all()] == [first, second]
    assert [r.uid for r in repo.data_requests.due_before(NOW + 300)] == [first]
    assert repo.data_requests.close(first, RequestStatus.FULFILLED, NOW, None, {"messages": 3})
    assert not repo.data_requests.close(first, RequestStatus.CANCELLED, NOW, None)
    done = repo.data_requests.get(first)
    assert done is not None and done.status is RequestStatus.FULFILLED
    assert done.outcome == {"messages": 3}
    assert [r.uid for r in repo.data_requests.all(open_only=True)] == [second]


def test_a_note_is_bounded_by_the_schema(repo: Store) -> None:
    conversation = add_conversation(repo, Conv(), add_agents(repo))
    customer_id = repo.conversations.customer_id(conversation)
    with pytest.raises(sqlite3.IntegrityError):
        _add(repo, customer_id, "c", NOW, "x" * 2001)
