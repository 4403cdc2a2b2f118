"""The left pane: filters, the result count and the conversation list."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QLabel, QListView, QVBoxLayout, QWidget

from app.domain.filters import InboxQuery
from app.services import inbox
from app.services.context import AppContext
from app.services.inbox import InboxPage
from app.ui.inbox.delegate import ConversationDelegate
from app.ui.inbox.filter_bar import FilterBar
from app.ui.inbox.model import ConversationListModel

CLOCK_TICK_MS = 30_000


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

        self.filters = FilterBar(ctx.i18n, self)
        self.filters.query_changed.connect(self.run_query)
        self.count = QLabel(self)
        self.count.setObjectName("muted")
        self.count.setContentsMargins(12, 0, 12, 4)

        self.model = ConversationListModel(ctx.tasks)
        self.model.now = ctx.clock()
        self.list = QListView(self)
        self.list.setObjectName("conversationList")
        self.list.setAccessibleName(_("Conversations"))
        self.list.setModel(self.model)
        self.list.setItemDelegate(ConversationDelegate(ctx.i18n, self.list))
        self.list.setUniformItemSizes(True)  # no per-row size query: fast at 100k rows
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.selectionModel().currentChanged.connect(self._current_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.filters)
        layout.addWidget(self.count)
        layout.addWidget(self.list, 1)

        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_TICK_MS)
        self._clock.timeout.connect(lambda: self.model.set_now(self._ctx.clock()))
        self._clock.start()

    # ------------------------------------------------------------ queries
    def load_filter_options(self) -> None:
        """Fill the filter menus from the store (channels, languages, countries, tags)."""
        self._ctx.tasks.run_store(
            lambda repo: (repo.distinct_values(), repo.agents()),
            lambda result: self.filters.set_options(*result),
            key="filter-options",
            owner=self,
        )

    def run_query(self, query: InboxQuery | None = None) -> None:
        """Run a query (or re-run the current one) and replace the list with its result."""
        query = query or self.filters.query()
        me_id = self._ctx.workspace.me_id
        now = self._ctx.clock()
        self._ctx.tasks.run_store(
            lambda repo: inbox.load_page(repo, query, me_id, now),
            self._apply_page,
            key="inbox-page",
            owner=self,
        )

    def _apply_page(self, page: InboxPage) -> None:
        keep, row_before = self._selected, self._selected_row
        self.model.now = self._ctx.clock()
        self.model.apply_page(page)
        total = len(page.ids)
        self.count.setText(
            self._ctx.i18n.ngettext("{count} conversation", "{count} conversations", total).format(
                count=self._ctx.i18n.number(total)
            )
        )
        row = self.model.row_of(keep) if keep is not None else None
        if row is None and keep is not None and total:
            row = min(row_before, total - 1)  # the open one left the list: take its neighbour
        if row is not None:
            self.select_row(row)
        elif keep is not None:
            self._selected = None
            self.conversation_selected.emit(None)
        self.page_loaded.emit()

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
        target = 0 if current < 0 else min(max(current + delta, 0), count - 1)
        self.select_row(target)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        conversation_id = self.model.conversation_id(current.row()) if current.isValid() else None
        if conversation_id != self._selected:
            self._selected = conversation_id
            self._selected_row = current.row()
            self.conversation_selected.emit(conversation_id)

    @property
    def selected_id(self) -> int | None:
        return self._selected

    def focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()
