"""The left pane: filters, the result count and the conversation list."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.display import display_text
from app.domain.filters import InboxQuery
from app.domain.models import Agent, Status
from app.ops import inbox
from app.ops.bulk import MAX_BULK
from app.ops.context import AppContext
from app.ops.inbox import InboxPage
from app.ui.inbox.bulk import BulkBar
from app.ui.inbox.delegate import ConversationDelegate
from app.ui.inbox.filter_bar import FilterBar
from app.ui.inbox.model import ConversationListModel
from app.ui.inbox.queue_keys import install_queue_keys
from app.ui.inbox.queues import QueueList

CLOCK_TICK_MS = 30_000
IDS_DELAY_MS = 150  # pause after a filter change before the full id list is fetched


class InboxPane(QWidget):
    """Filter bar + list; owns the list model and the query round-trips.

    Signals:
        conversation_selected(object): the selected conversation id, or None.
        page_loaded(): a query result has been applied to the list.
    """

    conversation_selected = Signal(object)
    page_loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        _ = ctx.i18n._
        self._selected: int | None = None
        self._selected_row = 0
        self._pending_selection: tuple[int | None, int] | None = None
        self._follow_neighbour = False
        self._reselect: list[int] = []
        self._quiet = False

        self.queues = QueueList(ctx, self)
        self.queue_keys = install_queue_keys(self.queues, ctx.i18n)  # Alt+1 ... Alt+8
        self.filters = FilterBar(ctx.i18n, self)
        self.filters.query_changed.connect(self.run_query)
        self.queues.query_requested.connect(self.filters.set_query)
        self.count = QLabel(self)
        self.count.setObjectName("muted")
        self.count.setContentsMargins(12, 0, 12, 4)

        self.model = ConversationListModel(ctx.tasks, ctx.i18n)
        self.model.now = ctx.clock()
        # A one-column table rather than a QListView: QListView re-lays out every
        # row (calling rowCount() per row) on each reset, 300 ms at 100k rows;
        # a table with fixed row heights resets in under a millisecond.
        self.list = QTableView(self)
        self.list.setObjectName("conversationList")
        self.list.setAccessibleName(_("Conversations"))
        self.list.setModel(self.model)
        delegate = ConversationDelegate(ctx.i18n, self.list)
        self.list.setItemDelegate(delegate)
        self.list.horizontalHeader().hide()
        self.list.horizontalHeader().setStretchLastSection(True)
        rows = self.list.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(delegate.row_height(self.list.font()))
        self.list.setShowGrid(False)
        self.list.setWordWrap(False)
        self.list.setTabKeyNavigation(False)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Ctrl/Shift-click and Ctrl+A select several: the bulk bar acts on them.
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.bulk = BulkBar(ctx, self.selected_ids, self)
        self.list.selectionModel().selectionChanged.connect(
            lambda _s, _d: self.bulk.selection_changed()
        )
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        single = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.list)
        single.setContext(Qt.ShortcutContext.WidgetShortcut)
        single.activated.connect(self.keep_only_current)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        self.model.ids_completed.connect(self._ids_arrived)
        # Queued: it is emitted from inside data(), where the model must not change.
        self.model.ids_needed.connect(self._request_ids, Qt.ConnectionType.QueuedConnection)
        self._ids_requested_for: InboxQuery | None = None
        self._ids_timer = QTimer(self)
        self._ids_timer.setSingleShot(True)
        self._ids_timer.setInterval(IDS_DELAY_MS)
        self._ids_timer.timeout.connect(self._request_ids)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.queues)
        layout.addWidget(self.filters)
        layout.addWidget(self.count)
        layout.addWidget(self.bulk)
        layout.addWidget(self.list, 1)

        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_TICK_MS)
        self._clock.timeout.connect(lambda: self.model.set_now(self._ctx.clock()))
        self._clock.timeout.connect(self.queues.refresh)  # Breached and Due move with time
        self._clock.start()

    # ------------------------------------------------------------ queries
    def apply_changes(self, changes: Changes, initiator: object = None) -> None:
        """The window's one change path: re-query only if which conversations the list
        holds (or their order) may differ, else re-read only the listed rows named; the
        filter menus only if what they offer may differ.

        ``initiator``: whoever acted (None: the server or a timer). An agent's action that
        takes the open conversation out of the list opens its neighbour; a sync does not.
        """
        if changes.list_membership:
            self.run_query(after_action=initiator is not None)
        elif changes.conversation_ids:
            self.model.refresh_rows(changes.conversation_ids)
        if changes:  # any change may move a count; after the list's own read (one lane)
            self.queues.refresh()
        if changes.choices:
            self.load_filter_options()

    def load_filter_options(self) -> None:
        """Fill the filter menus from the store (channels, languages, countries, tags), and
        the queues' counts and saved views."""

        def show(result: tuple[dict[str, tuple[str, ...]], tuple[Agent, ...]]) -> None:
            self.filters.set_options(*result)
            self.bulk.set_choices(result[1], result[0].get("tag", ()))

        self._ctx.tasks.run_store(inbox.filter_choices, show, key="filter-options", owner=self)
        # After the first page (queued behind it on the store lane): the list paints first.
        QTimer.singleShot(0, self.queues, self.queues.refresh)
        QTimer.singleShot(0, self.queues, self.queues.load_views)

    def run_query(self, query: InboxQuery | None = None, *, after_action: bool = False) -> None:
        """Run a query (or re-run the current one) and replace the list with its result.

        ``after_action``: the agent acted on the open conversation (resolved,
        snoozed...); if it left the list, open its neighbour, the "done, next"
        flow. After a filter or search change the open conversation stays on
        screen even when the new list does not contain it.

        The count and first page come back first and are painted at once; the
        full id list (needed only to scroll further or find a row) is fetched
        after a short pause, or at once if the agent scrolls, so clicking
        through filters never queues behind it.
        """
        query = query or self.filters.query()
        self._follow_neighbour = after_action
        # After an action, the rest of a multi-selection stays selected where still listed
        # (assign, then tag, the same conversations).
        self._reselect = [c for c in self.selected_ids() if c is not None] if after_action else []
        self._ids_timer.stop()
        me_id = self._ctx.workspace.me_id
        now = self._ctx.clock()
        self._ctx.tasks.run_store(
            lambda repo: inbox.load_page(repo, query, me_id, now),
            self._apply_page,
            key="inbox-page",
            owner=self,
        )

    def _request_ids(self) -> None:
        """Fetch every id of the current result (after the pause, or when scrolled to)."""
        self._ids_timer.stop()
        model = self.model
        if model.ids_complete or self._ids_requested_for is model.query:
            return
        query, me_id, now = model.query, self._ctx.workspace.me_id, self._ctx.clock()
        self._ids_requested_for = query
        self._ctx.tasks.run_store(
            lambda repo: inbox.load_all_ids(repo, query, me_id, now),
            lambda ids: model.complete_ids(query, ids),
            key="inbox-ids",
            owner=self,
        )

    def _apply_page(self, page: InboxPage) -> None:
        keep, row_before = self._selected, self._selected_row
        self.model.now = self._ctx.clock()
        self.model.apply_page(page)
        self.queues.show_current(page.query)
        self._ids_requested_for = None
        if not page.complete:
            self._ids_timer.start()
        search = self.model.query.search
        if not page.count and not inbox.search_has_terms(search):
            self.count.setText(
                self._ctx.i18n._(
                    "Nothing to search for in “{text}”: type a word, a number or an emoji"
                ).format(text=display_text(search, 40))
            )
        elif inbox.is_search(search) and page.query.statuses == frozenset(Status):
            self.count.setText(
                self._ctx.i18n.ngettext(
                    "{count} conversation (all statuses)",
                    "{count} conversations (all statuses)",
                    page.count,
                ).format(count=self._ctx.i18n.number(page.count))
            )
        else:
            self.count.setText(
                self._ctx.i18n.ngettext(
                    "{count} conversation", "{count} conversations", page.count
                ).format(count=self._ctx.i18n.number(page.count))
            )
        self._pending_selection = (keep, row_before)
        if page.complete or (keep is not None and self.model.row_of(keep) is not None):
            self._settle_selection()
        elif keep is not None and self._follow_neighbour:
            self._request_ids()  # the open conversation may be further down: find it now
        elif keep is not None:
            self._quietly_clear_selection()  # highlighted later if the full list has it
        self.page_loaded.emit()

    def _ids_arrived(self) -> None:
        self._settle_selection()
        current = self.list.currentIndex()
        if current.isValid():  # the agent may have moved onto a row whose id was pending
            self._current_changed(current, current)

    def _settle_selection(self) -> None:
        """Keep the open conversation selected, or take its neighbour if it left the list."""
        if self._pending_selection is None:
            return
        keep, row_before = self._pending_selection
        self._pending_selection = None
        total = self.model.rowCount()
        row = self.model.row_of(keep) if keep is not None else None
        if row is None and keep is not None and total and self._follow_neighbour:
            row = min(row_before, total - 1)
        if row is not None:
            self.select_row(row)
        elif keep is not None and self._follow_neighbour:
            self._selected = None
            self.conversation_selected.emit(None)
        elif keep is not None:
            self._quietly_clear_selection()  # the conversation stays open beside the list
        model, selection = self.model, self.list.selectionModel()
        for cid in self._reselect:
            again = model.row_of(cid)
            if again is not None:
                selection.select(
                    model.index(again),
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
        self._reselect = []

    def _quietly_clear_selection(self) -> None:
        self._quiet = True
        try:
            self.list.selectionModel().clear()
        finally:
            self._quiet = False

    # ------------------------------------------------------------ selection
    def select_row(self, row: int) -> None:
        index = self.model.index(row)
        self.list.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.list.scrollTo(index)

    def select_conversation(self, conversation_id: int) -> bool:
        row = self.model.row_of(conversation_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def step(self, delta: int) -> None:
        """Move to the next (+1) or previous (-1) conversation."""
        count = self.model.rowCount()
        if not count:
            return
        current = self.list.currentIndex().row()
        if current < 0 and self._selected is not None:  # open but filtered out of the list
            current = -1 if delta > 0 else 1
        target = 0 if current < 0 else min(max(current + delta, 0), count - 1)
        self.select_row(target)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet:
            return
        if current.isValid():  # the agent's choice: the old one is no longer looked for
            self._pending_selection = None
        conversation_id = self.model.conversation_id(current.row()) if current.isValid() else None
        if conversation_id is None and current.isValid():
            return  # a row whose id has not arrived yet: select it once it has
        if conversation_id != self._selected:
            self._selected = conversation_id
            self._selected_row = current.row()
            if conversation_id is not None:
                self.model.clear_unread(conversation_id)  # opening it marks it read
            self.conversation_selected.emit(conversation_id)
            if self.queues.counts is not None and self.queues.counts.mentions:
                self.queues.refresh()  # opening it saw my mentions there (after the open)

    def selected_ids(self) -> list[int | None]:
        """The ids of the selected rows, in list order (None for a row whose id is still
        on its way: a Ctrl+A on a long list)."""
        selection = [
            self.list.selectionModel().selection().at(i)
            for i in range(self.list.selectionModel().selection().size())
        ]
        count = sum(part.height() for part in selection)
        if count > MAX_BULK:  # refused anyway: not worth 100,000 index objects
            return [None] * count
        rows = sorted({row for part in selection for row in range(part.top(), part.bottom() + 1)})
        if rows and rows[-1] >= len(self.model.ids_so_far()):
            self._request_ids()
        return [self.model.conversation_id(row) for row in rows]

    def keep_only_current(self) -> None:
        """Esc in the list: back from a multi-selection to the open conversation alone."""
        current = self.list.currentIndex()
        if current.isValid():
            self.list.selectionModel().select(
                current,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _context_menu(self, position: QPoint) -> None:
        """Right-click: the bulk actions on the selection (the row under the mouse joins it)."""
        index = self.list.indexAt(position)
        if index.isValid() and not self.list.selectionModel().isSelected(index):
            self.select_row(index.row())
        if self.selected_ids():
            self.bulk.context_menu().exec(self.list.viewport().mapToGlobal(position))

    @property
    def selected_id(self) -> int | None:
        return self._selected

    def focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()
