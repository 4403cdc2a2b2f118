"""Bulk actions: one transaction each, only what needs changing, and an exact undo."""

from __future__ import annotations

import pytest

from app.domain.models import Status
from app.ops import bulk
from app.storage.store import Store
from tests.helpers.builders import NOW


def state(repo: Store, cid: int) -> tuple[Status, int | None, int | None, tuple[str, ...]]:
    row = repo.conversations.conversation_row(cid)
    return row.status, row.snoozed_until, row.assignee_id, row.tags


def test_resolve_many_then_undo_puts_each_back(repo: Store, standard_inbox: dict[str, int]) -> None:
    ids = list(standard_inbox.values())
    before = {cid: state(repo, cid) for cid in ids}
    result = bulk.set_status(repo, ids, Status.RESOLVED, NOW)
    assert result.count == 6  # Somchai was resolved already: left alone, not counted
    assert result.changes.list_membership and result.changes.outbox
    assert all(state(repo, cid)[0] is Status.RESOLVED for cid in ids)
    changes = bulk.undo(repo, result.undo, NOW + 5)
    assert changes.list_membership
    assert {cid: state(repo, cid) for cid in ids} == before  # snoozed Priya snoozed again


def test_assign_and_tag_many_and_undo_only_what_changed(
    repo: Store, standard_inbox: dict[str, int]
) -> None:
    colleague = repo.conversations.agent_by_uid("colleague")
    assert colleague is not None
    ana, jonas, yuki = (standard_inbox[n] for n in ("Ana Souza", "Jonas Müller", "Yuki Tanaka"))
    assigned = bulk.assign(repo, [ana, jonas, yuki], colleague.id, NOW)
    assert assigned.count == 2  # Yuki was the colleague's already
    assert {state(repo, c)[2] for c in (ana, jonas, yuki)} == {colleague.id}
    tagged = bulk.add_tag(repo, [ana, jonas], "  gdpr ", NOW)
    assert tagged.count == 1  # Jonas had it
    bulk.undo(repo, tagged.undo, NOW)
    assert state(repo, jonas)[3] == ("gdpr",)  # not removed: this action did not add it
    assert "gdpr" not in state(repo, ana)[3]
    bulk.undo(repo, assigned.undo, NOW)
    assert state(repo, jonas)[2] is None and state(repo, yuki)[2] == colleague.id


def test_snooze_many_skips_resolved(repo: Store, standard_inbox: dict[str, int]) -> None:
    ids = [standard_inbox["Somchai Dee"], standard_inbox["Carlos Pérez"]]
    result = bulk.snooze(repo, ids, NOW + 7200, NOW)
    assert result.count == 1
    assert state(repo, standard_inbox["Carlos Pérez"])[:2] == (Status.SNOOZED, NOW + 7200)
    assert state(repo, standard_inbox["Somchai Dee"])[0] is Status.RESOLVED


def test_a_failure_half_way_changes_nothing(
    repo: Store, standard_inbox: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = list(standard_inbox.values())
    before = {cid: state(repo, cid) for cid in ids}
    calls = 0
    real = bulk.inbox.set_status

    def flaky(*args: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("disk full")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(bulk.inbox, "set_status", flaky)
    with pytest.raises(RuntimeError):
        bulk.set_status(repo, ids, Status.RESOLVED, NOW)
    assert {cid: state(repo, cid) for cid in ids} == before


def test_the_selection_is_bounded_and_not_empty(repo: Store) -> None:
    with pytest.raises(bulk.BulkError, match="at most 1000 conversations"):
        bulk.set_status(repo, list(range(1, bulk.MAX_BULK + 2)), Status.RESOLVED, NOW)
    with pytest.raises(bulk.BulkError, match="No conversations"):
        bulk.assign(repo, [], None, NOW)
    with pytest.raises(bulk.BulkError, match="needs a name"):
        bulk.add_tag(repo, [1], "  ", NOW)
    assert bulk.checked_ids([3, 3, 1]) == [3, 1]
