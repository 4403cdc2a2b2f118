"""The conversation list model: every matching id, rows fetched a page at a time.

At 100,000 conversations the model holds 100,000 integers and only the rows
that have been looked at (a bounded cache). A row that is not loaded yet
paints as a placeholder while its page is fetched on the store lane.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from app.domain.display import display_text
from app.domain.filters import InboxQuery
from app.domain.models import ConversationRow
from app.i18n import I18n
from app.ops import inbox, matches
from app.ops.inbox import PAGE_SIZE, InboxPage
from app.ops.tasks import TaskRunner
from app.ui.inbox.spoken import spoken_detail, spoken_row

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
MATCH_ROLE = Qt.ItemDataRole.UserRole + 3  # a search result's matched text (ops.matches.Match)
CACHE_ROWS = 3000
NAME_CHARS = 120  # what a screen reader or a view reads of a customer's name

AnyIndex = QModelIndex | QPersistentModelIndex


class ConversationListModel(QAbstractListModel):
    """A list of conversations in display order.

    A filter result arrives in two steps: the count and the first page (what the
    agent waits for), then every id (so any row can be fetched when scrolled to).

    Signals:
        page_applied(): a new filter result replaced the list.
        ids_completed(): the full id list of the current result arrived.
        ids_needed(): a row beyond the first page was asked for before its id arrived.
        rows_loaded(int): a page of rows arrived (its first row number).
    """

    page_applied = Signal()
    ids_completed = Signal()
    ids_needed = Signal()
    rows_loaded = Signal(int)

    def __init__(self, tasks: TaskRunner, i18n: I18n | None = None) -> None:
        super().__init__()
        self._tasks = tasks
        self._i18n = i18n  # for the rows' accessible text (None: the name only)
        self._ids: array[int] = array("q")
        self._count = 0
        self._position: dict[int, int] | None = None
        self._rows: OrderedDict[int, ConversationRow] = OrderedDict()
        self._wanted_pages: set[int] = set()
        self._requested_pages: set[int] = set()
        self._generation = 0
        self.query = InboxQuery()
        self.now = 0
        # A search's matched text, for the rows painted: looked up after they are painted
        # (a few rows, never a whole page: the next search must not wait behind it).
        self._matches: dict[int, matches.Match | None] = {}
        self._matches_wanted: set[int] = set()
        self._match_timer = QTimer(self)
        self._match_timer.setSingleShot(True)
        self._match_timer.setInterval(0)
        self._match_timer.timeout.connect(self._find_matches)
        self._fetch_timer = QTimer(self)
        self._fetch_timer.setSingleShot(True)
        self._fetch_timer.setInterval(0)
        self._fetch_timer.timeout.connect(self._fetch_wanted)

    # ------------------------------------------------------------ Qt model API
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._count

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._count:
            return None
        if index.row() >= len(self._ids):  # its id is still on the way
            self._want(index.row() // PAGE_SIZE)
            self.ids_needed.emit()
            return None
        conversation_id = self._ids[index.row()]
        if role == ID_ROLE:
            return conversation_id
        row = self._rows.get(conversation_id)
        if row is None:
            self._want(index.row() // PAGE_SIZE)
            return None
        if role == ROW_ROLE:
            return row
        if role == MATCH_ROLE:
            if conversation_id not in self._matches and inbox.is_search(self.query.search):
                self._matches_wanted.add(conversation_id)
                if not self._match_timer.isActive():
                    self._match_timer.start()
            return self._matches.get(conversation_id)
        if role == Qt.ItemDataRole.DisplayRole:
            return display_text(row.customer_name, NAME_CHARS)
        # No ToolTipRole: Qt renders tooltips that look like HTML as rich text, and
        # customer text must never be interpreted; the preview is in the row anyway.
        if role == Qt.ItemDataRole.AccessibleTextRole:  # what a screen reader says first
            if self._i18n is None:
                return display_text(row.customer_name, NAME_CHARS)
            return spoken_row(self._i18n, row, self.now)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and self._i18n is not None:
            found = self._matches.get(conversation_id)  # a search result: where it matched
            return spoken_detail(self._i18n, row, found.text if found is not None else None)
        return None

    # ------------------------------------------------------------ updates
    def apply_page(self, page: InboxPage) -> None:
        """Replace the whole list with a new filter result."""
        self.beginResetModel()
        self._generation += 1
        self.query = page.query
        self._ids = page.ids
        self._count = page.count
        self._position = None
        self._rows = OrderedDict(page.first_rows)
        self._matches = {}
        self._matches_wanted.clear()
        self._wanted_pages.clear()
        self._requested_pages.clear()
        self.endResetModel()
        self.page_applied.emit()

    @property
    def ids_complete(self) -> bool:
        return len(self._ids) >= self._count

    def complete_ids(self, query: InboxQuery, ids: array[int]) -> None:
        """The full id list for ``query`` arrived (ignored if the list moved on)."""
        if query is not self.query or self.ids_complete:
            return
        self._ids = ids
        self._position = None
        if len(ids) != self._count:  # the store changed in between: trust the full list
            self.beginResetModel()
            self._count = len(ids)
            self.endResetModel()
        self.ids_completed.emit()
        if self._wanted_pages and not self._fetch_timer.isActive():
            self._fetch_timer.start()

    def refresh_rows(self, conversation_ids: frozenset[int]) -> None:
        """Re-fetch rows whose data changed (status, tags...) without resetting the list."""
        rows = [self.row_of(cid) for cid in conversation_ids]
        stale = [cid for cid, r in zip(conversation_ids, rows, strict=True) if r is not None]
        if not stale:
            return
        generation = self._generation
        self._tasks.run_store(
            lambda store: inbox.conversation_rows(store, stale),
            lambda fetched: self._store_rows(generation, fetched),
            owner=self,
        )

    def clear_unread(self, conversation_id: int) -> None:
        """Drop the row's unread badge now: opening it marks it read in the store, and the
        agent should not wait for that round trip to see it."""
        row = self._rows.get(conversation_id)
        if row is None or not row.unread_count:
            return
        self._rows[conversation_id] = replace(row, unread_count=0)
        number = self.row_of(conversation_id)
        if number is not None:
            self.dataChanged.emit(self.index(number), self.index(number))

    def ids_so_far(self) -> array[int]:
        """The ids known yet (all of them once ``ids_complete``)."""
        return self._ids

    def conversation_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, conversation_id: int) -> int | None:
        """Row number of a conversation in the current list (None if filtered out)."""
        if self._position is None:
            self._position = {cid: i for i, cid in enumerate(self._ids)}
        return self._position.get(conversation_id)

    def cached_row(self, conversation_id: int) -> ConversationRow | None:
        return self._rows.get(conversation_id)

    def set_now(self, now: int) -> None:
        """Move the clock used for SLA countdowns and local times; repaint visible rows."""
        self.now = now
        if self._count:
            self.dataChanged.emit(self.index(0), self.index(self._count - 1), [ROW_ROLE])

    # ------------------------------------------------------------ paging
    def _want(self, page: int) -> None:
        if page in self._requested_pages:
            return
        self._wanted_pages.add(page)
        if not self._fetch_timer.isActive():
            self._fetch_timer.start()

    def _fetch_wanted(self) -> None:
        known = (len(self._ids) + PAGE_SIZE - 1) // PAGE_SIZE if self.ids_complete else 0
        pages = sorted(
            p
            for p in self._wanted_pages - self._requested_pages
            if p < known or (p + 1) * PAGE_SIZE <= len(self._ids)
        )
        self._wanted_pages.difference_update(pages)
        if not pages:
            return
        self._requested_pages.update(pages)
        ids = [cid for p in pages for cid in self._ids[p * PAGE_SIZE : (p + 1) * PAGE_SIZE]]
        generation = self._generation
        first_row = pages[0] * PAGE_SIZE
        self._tasks.run_store(
            lambda store: inbox.conversation_rows(store, ids),
            lambda fetched: self._store_rows(generation, fetched, first_row),
            owner=self,
        )

    def _store_rows(
        self,
        generation: int,
        fetched: dict[int, ConversationRow],
        first_row: int | None = None,
    ) -> None:
        if generation != self._generation:
            return  # the list was replaced while the page was on its way
        self._rows.update(fetched)
        for cid in fetched:
            self._rows.move_to_end(cid)
        while len(self._rows) > CACHE_ROWS:
            evicted, _ = self._rows.popitem(last=False)
            row = self.row_of(evicted)
            if row is not None:
                self._requested_pages.discard(row // PAGE_SIZE)
            self._matches.pop(evicted, None)
        rows = [r for r in (self.row_of(cid) for cid in fetched) if r is not None]
        if rows:
            self.dataChanged.emit(self.index(min(rows)), self.index(max(rows)))
        if first_row is not None:
            self.rows_loaded.emit(first_row)

    def _find_matches(self) -> None:
        """Look up where the search matched in the rows just painted (one task; a newer
        one replaces it while queued)."""
        search = self.query.search
        wanted = sorted(self._matches_wanted)
        if not wanted or not inbox.is_search(search):
            return
        generation = self._generation

        def arrived(found: dict[int, matches.Match]) -> None:
            if generation != self._generation:
                return
            self._matches_wanted.difference_update(wanted)
            for cid in wanted:
                self._matches[cid] = found.get(cid)  # None: only the name matched
            rows = [r for r in (self.row_of(cid) for cid in found) if r is not None]
            if rows:
                self.dataChanged.emit(self.index(min(rows)), self.index(max(rows)), [MATCH_ROLE])

        self._tasks.run_store(
            lambda store: matches.search_matches(store, wanted, search),
            arrived,
            key="search-matches",
            owner=self,
        )
