"""The inbox's queues (live counts) and the agent's saved views, run on the store lane."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.filters import FilterFormatError, InboxQuery, query_from_json, query_to_json
from app.storage.queues import QueueCounts
from app.storage.store import Store

__all__ = [
    "QueueCounts",
    "SavedView",
    "counts",
    "delete_view",
    "rename_view",
    "save_view",
    "saved_views",
]


@dataclass(frozen=True, slots=True)
class SavedView:
    """A saved view as the list shows it: ``query`` is None when its filters could not be
    read, and ``problem`` says why (the view is listed, greyed, and can be deleted)."""

    id: int
    name: str
    query: InboxQuery | None
    problem: FilterFormatError | None = None


def counts(repo: Store, me_id: int | None, now: int) -> QueueCounts:
    """Every queue's count now (after each change, and on a timer for Breached and Due)."""
    return repo.queues.counts(me_id, now)


def saved_views(repo: Store, me_id: int | None) -> list[SavedView]:
    """My saved views, each checked: a damaged one comes back with its problem, not a crash."""
    views: list[SavedView] = []
    for row in repo.saved_views.views(me_id):
        try:
            views.append(SavedView(row.id, row.name, query_from_json(row.filters)))
        except FilterFormatError as error:
            views.append(SavedView(row.id, row.name, None, error))
    return views


def save_view(repo: Store, me_id: int | None, name: str, query: InboxQuery, now: int) -> int:
    """Save the current filters under ``name`` (the same name replaces that view's filters)."""
    return repo.saved_views.save(me_id, name, query_to_json(query), now)


def rename_view(repo: Store, me_id: int | None, view_id: int, name: str, now: int) -> None:
    repo.saved_views.rename(me_id, view_id, name, now)


def delete_view(repo: Store, me_id: int | None, view_id: int) -> None:
    repo.saved_views.delete(me_id, view_id)
