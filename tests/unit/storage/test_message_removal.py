"""Messages removed by the server's tombstones leave a store whose list columns, search
text and rollups (demand heat map, KPI counters) are those of a store that never
received them."""

from __future__ import annotations

from pathlib import Path

from app.contract import models as wire
from app.storage.store import Store
from tests.helpers.builders import NOW
from tests.helpers.sql import sql
from tests.unit.storage.test_rollups_paths import (
    PAGE,
    Sent,
    _recomputed,
    _rollups,
    _store,
    mirror_numbered,
)

# Every conversation loses something: its newest message (0, 3), its only agent
# replies (1), a machine-translated reply rated low (1), a customer message in the
# middle (2), a system line (3).
REMOVED = {1, 4, 7, 9, 10, 11, 6}


def _mirror(repo: Store, ids: list[int], numbered: list[tuple[int, Sent]]) -> None:
    mirror_numbered(repo, ids, numbered, "m")


def _list_columns(repo: Store) -> list[tuple[object, ...]]:
    return (
        sql(repo)
        .execute(
            "SELECT c.id, c.last_message_preview, c.last_message_kind, c.unread_count,"
            " c.first_response_at, c.kpi_messages, c.kpi_machine, c.kpi_rated, c.kpi_low, f.body"
            " FROM conversations c JOIN conversations_fts f ON f.rowid = c.id ORDER BY c.id"
        )
        .fetchall()
    )


def test_removed_messages_leave_the_store_as_if_never_received(tmp_path: Path) -> None:
    numbered = list(enumerate(PAGE))
    removed_repo, ids, _ = _store(tmp_path / "removed.sqlite3")
    _mirror(removed_repo, ids, numbered)
    fresh_repo, fresh_ids, _ = _store(tmp_path / "fresh.sqlite3")
    _mirror(fresh_repo, fresh_ids, [(n, sent) for n, sent in numbered if n not in REMOVED])
    seqs_before = dict(sql(removed_repo).execute("SELECT uid, seq FROM messages").fetchall())

    touched = removed_repo.remote.remove_messages(
        [wire.Tombstone(id=f"m-{n}", deleted_at=NOW) for n in sorted(REMOVED)]
        + [wire.Tombstone(id="never-seen", deleted_at=NOW)]
    )

    assert touched == set(ids)
    assert ids == fresh_ids
    assert _list_columns(removed_repo) == _list_columns(fresh_repo)
    assert _rollups(removed_repo) == _rollups(fresh_repo)
    assert _rollups(removed_repo) == _recomputed(sql(removed_repo))
    kept = dict(sql(removed_repo).execute("SELECT uid, seq FROM messages").fetchall())
    assert kept == {uid: seq for uid, seq in seqs_before.items() if uid in kept}  # no renumbering
    mirrored = {uid for uid in kept if uid.startswith("m-")}  # the builder's first messages aside
    assert mirrored == {f"m-{n}" for n, _ in numbered if n not in REMOVED}
    assert removed_repo.remote.remove_messages([wire.Tombstone(id="m-1", deleted_at=NOW)]) == set()
    removed_repo.close()
    fresh_repo.close()
