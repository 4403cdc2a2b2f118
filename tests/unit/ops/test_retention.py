"""Retention: resolved conversations older than N days leave the store with no trace; the
recent one stays whole and searchable; the server's N wins over the local setting."""

from __future__ import annotations

from pathlib import Path

from app.config.paths import attachments_folder
from app.contract import models as wire
from app.domain.changes import NOTHING
from app.domain.models import MessageKind, Status
from app.ops import retention
from app.storage.store import Store
from app.storage.translation_store import cache_key
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.helpers.sql import sql
from tests.unit.storage.test_purge import KEPT, OLD, plant

DAY = 86_400


def _bytes_of(folder: Path) -> bytes:
    return b"".join(p.read_bytes().lower() for p in sorted(folder.rglob("*")) if p.is_file())


def test_retention_leaves_no_trace_of_the_old_conversation(tmp_path: Path) -> None:
    path = tmp_path / "agent.sqlite3"
    repo = Store.open(path)
    agents = add_agents(repo)
    old = plant(repo, OLD, agents, age=120 * DAY, resolved=True, outbox=False)
    kept = plant(repo, KEPT, agents, age=3 * DAY, resolved=True, outbox=False)
    old_text = f"Hallo bodyxqz{OLD}"

    changes = retention.apply_retention(repo, NOW, 90)

    assert changes.conversation_ids == frozenset({old.conversation_id})
    assert changes.list_membership and changes.translation_data and changes.reviews
    assert repo.search.hits(f"bodyxqz{OLD}") == 0
    assert repo.search.hits(f"bodywvy{KEPT}") == 1
    assert repo.search.hits(f"Subjectwvy{KEPT}") == 1
    key = cache_key(old_text, "de", "en", "argos-de-en|b4|gabc")
    assert repo.translation.cached([key]) == {}
    assert (
        sql(repo)
        .execute("SELECT count(*) FROM translation_cache WHERE translated LIKE ?", (f"%{OLD}%",))
        .fetchone()[0]
        == 0
    )
    detail = repo.messages.messages(kept.conversation_id)
    assert [m.body for m in detail][:1] == [f"Hallo bodywvy{KEPT}"]
    repo.close()

    wal = path.with_name(path.name + "-wal")
    for name in (path, wal):
        assert not name.exists() or OLD.encode() not in name.read_bytes().lower()
    assert OLD.encode() not in _bytes_of(attachments_folder(path))
    assert KEPT.encode() in path.read_bytes().lower()
    assert KEPT.encode() in _bytes_of(attachments_folder(path))


def test_only_old_resolved_conversations_without_unsent_changes_go(tmp_path: Path) -> None:
    repo = Store.open(tmp_path / "agent.sqlite3")
    agents = add_agents(repo)
    gone = add_conversation(repo, Conv(status=Status.RESOLVED, age=100 * DAY, sla_in=None), agents)
    open_old = add_conversation(repo, Conv(status=Status.OPEN, age=100 * DAY), agents)
    recent = add_conversation(repo, Conv(status=Status.RESOLVED, age=10 * DAY, sla_in=None), agents)
    unsent = add_conversation(
        repo, Conv(status=Status.RESOLVED, age=100 * DAY, sla_in=None), agents
    )
    uid = sql(repo).execute("SELECT uid FROM conversations WHERE id = ?", (unsent,)).fetchone()[0]
    with repo.transaction():
        repo.outbox.enqueue(uid, "patch", {"status": "resolved"}, NOW)
    # resolved long ago but the customer wrote a minute ago: last activity counts
    lively = add_conversation(
        repo,
        Conv(status=Status.RESOLVED, age=100 * DAY, sla_in=None,
             messages=[(MessageKind.CUSTOMER, "old"), (MessageKind.CUSTOMER, "new")]),
        agents,
    )  # fmt: skip
    sql(repo).execute(
        "UPDATE conversations SET last_activity_at = ? WHERE id = ?", (NOW - 60, lively)
    )

    changes = retention.apply_retention(repo, NOW, 30)

    assert changes.conversation_ids == frozenset({gone})
    left = {r[0] for r in sql(repo).execute("SELECT id FROM conversations")}
    assert left == {open_old, recent, unsent, lively}
    assert retention.apply_retention(repo, NOW, None) == NOTHING
    assert retention.apply_retention(repo, NOW, 0) == NOTHING
    repo.close()


def test_the_servers_retention_wins_and_zero_there_keeps_everything(tmp_path: Path) -> None:
    repo = Store.open(tmp_path / "agent.sqlite3")
    assert retention.effective_days(repo, 0) is None
    assert retention.effective_days(repo, 30) == 30
    assert retention.effective_days(repo, 10**9) == retention.MAX_DAYS
    retention.set_server_days(repo, 7)
    assert retention.effective_days(repo, 30) == 7
    retention.set_server_days(repo, 0)
    assert retention.effective_days(repo, 30) is None  # the team keeps everything
    retention.set_server_days(repo, None)
    assert retention.effective_days(repo, 30) == 30
    repo.close()


def test_retention_runs_once_a_day(tmp_path: Path) -> None:
    repo = Store.open(tmp_path / "agent.sqlite3")
    agents = add_agents(repo)
    first = add_conversation(repo, Conv(status=Status.RESOLVED, age=40 * DAY, sla_in=None), agents)

    assert retention.run_due(repo, NOW, 30).conversation_ids == frozenset({first})
    later = add_conversation(repo, Conv(status=Status.RESOLVED, age=40 * DAY, sla_in=None), agents)
    assert retention.run_due(repo, NOW + 3600, 30) == NOTHING  # not a day yet
    assert retention.run_due(repo, NOW + DAY, 30).conversation_ids == frozenset({later})
    assert retention.run_due(repo, NOW + DAY, 30, force=True) == NOTHING
    repo.close()


def _server_conversation(version: int, last_activity_at: int) -> wire.Conversation:
    return wire.Conversation(
        id="srv-old",
        version=version,
        customer=wire.Customer(id="cus-old", name="Ana", country="BR", language="pt-BR"),
        channel="whatsapp",
        status="resolved",
        last_message_seq=1,
        last_activity_at=last_activity_at,
        created_at=last_activity_at - 3600,
        updated_at=last_activity_at,
    )


def _server_message(seq: int) -> wire.Message:
    return wire.Message(
        id=f"srv-old-m{seq}",
        conversation_id="srv-old",
        seq=seq,
        kind="customer",
        author=wire.Author(type="customer"),
        body=f"message {seq}",
        created_at=NOW - 100 * DAY + seq,
    )


def test_the_sync_does_not_bring_back_what_retention_removed_until_it_changes(
    tmp_path: Path,
) -> None:
    repo = Store.open(tmp_path / "agent.sqlite3")
    add_agents(repo)
    (local,) = repo.remote.upsert_conversations([_server_conversation(3, NOW - 100 * DAY)], NOW)
    assert repo.remote.upsert_messages([_server_message(1)]) == set()

    assert retention.apply_retention(repo, NOW, 30).conversation_ids == frozenset({local})

    # a full re-snapshot lists it again, unchanged: it stays away, and so do its messages
    again = repo.remote.upsert_conversations([_server_conversation(3, NOW - 100 * DAY)], NOW)
    assert again == set()
    assert repo.remote.upsert_messages([_server_message(1)]) == {"srv-old"}
    assert repo.remote.conversation_ids(["srv-old"]) == {}
    # the customer writes again: a new version comes back, with what the feed brings now
    (back,) = repo.remote.upsert_conversations([_server_conversation(4, NOW)], NOW)
    assert repo.remote.upsert_messages([_server_message(2)]) == set()
    assert [m.body for m in repo.messages.messages(back)] == ["message 2"]
    assert repo.remote.upsert_conversations([_server_conversation(4, NOW)], NOW) == {back}
    repo.close()
