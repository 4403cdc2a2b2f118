"""The queues with live counts (Mine, Unassigned, Breached, Due within the hour, Needs
translation and, under it, the replies given to me to translate, Mentions, All) and the
agent's saved views, above the conversation list: the first way to find work, one click
(or Alt+1 ... Alt+8, see :mod:`app.ui.inbox.queue_keys`) each.

Counts are re-read after every change that reaches the inbox (the window's ``Changes``
path) and on the inbox's clock tick (Breached and Due move with time alone).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QMenu,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.display import display_text
from app.domain.filters import AssigneeFilter, InboxQuery, SlaFilter
from app.domain.models import Status
from app.i18n import N_
from app.ops import queues
from app.ops.context import AppContext
from app.ops.queues import QueueCounts, SavedView
from app.ui.conversation.header import plain_label
from app.ui.shell import style
from app.ui.shell.labels import localize

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
VIEW_NAME_CHARS = 60
MAX_LIST_ROWS = 14  # rows shown before the list scrolls (the conversations need the room)
SUB_QUEUES = {"held_for_me": "held"}  # shown indented under their parent queue
SUB_INDENT = 14
URGENT = ("breached", "mentions", "held", "held_for_me")  # bold while not empty


@dataclass(frozen=True, slots=True)
class Queue:
    """One queue: its key (a QueueCounts field), its label, and the filters it sets."""

    key: str
    label: str
    query: InboxQuery
    hint: str


ALL_STATUSES = frozenset(Status)
QUEUES = (
    Queue(
        "mine",
        N_("Mine"),
        InboxQuery(assignee=AssigneeFilter.ME),
        N_("Open and pending conversations assigned to you"),
    ),
    Queue(
        "unassigned",
        N_("Unassigned"),
        InboxQuery(assignee=AssigneeFilter.UNASSIGNED),
        N_("Open and pending conversations nobody has taken"),
    ),
    Queue(
        "breached",
        N_("Breached"),
        InboxQuery(sla=SlaFilter.BREACHED),
        N_("Open and pending conversations past their response time"),
    ),
    Queue(
        "due_soon",
        N_("Due within the hour"),
        InboxQuery(sla=SlaFilter.DUE_SOON),
        N_("Open and pending conversations whose response is due within the hour"),
    ),
    Queue(
        "held",
        N_("Needs translation"),
        InboxQuery(statuses=ALL_STATUSES, held=True),
        N_("Conversations with a reply waiting for a human translation, in any status"),
    ),
    Queue(
        "held_for_me",
        N_("For me"),
        InboxQuery(statuses=ALL_STATUSES, held_for_me=True),
        N_("Replies a colleague gave you to translate, in any status"),
    ),
    Queue(
        "mentions",
        N_("Mentions"),
        InboxQuery(statuses=ALL_STATUSES, mentioned=True),
        N_("Conversations where a colleague mentioned you in a note you have not opened yet"),
    ),
    Queue("all", N_("All"), InboxQuery(), N_("Every open and pending conversation")),
)


def queue_of(query: InboxQuery) -> str | None:
    """The queue a query is (its sort aside); a queue's flag kept under other filters still
    names it (Needs translation in one channel is still Needs translation)."""
    plain = query.with_(sort=InboxQuery().sort)
    for queue in QUEUES:
        if plain == queue.query:
            return queue.key
    if query.held_for_me:
        return "held_for_me"
    if query.held:
        return "held"
    if query.mentioned:
        return "mentions"
    return None


class QueueList(QWidget):
    """Queues and saved views in one list; choosing one asks for its filters.

    Signals:
        query_requested(object): the InboxQuery of the queue or view chosen (its sort is
            the one the list has now).
        counts_shown(): fresh counts are on screen.
    """

    query_requested = Signal(object)
    counts_shown = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        _ = ctx.i18n._
        self.counts: QueueCounts | None = None
        self.views: list[SavedView] = []
        self._current_query = InboxQuery()
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("queueList")
        self.tree.setAccessibleName(_("Queues and saved views"))
        self.tree.setColumnCount(2)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(SUB_INDENT)  # top-level rows are not indented, sub-rows are
        self.tree.setItemsExpandable(False)
        self.tree.setExpandsOnDoubleClick(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setFrameShape(QFrame.Shape.NoFrame)
        self.tree.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemClicked.connect(lambda item, _col: self._chosen(item))
        self.tree.itemActivated.connect(lambda item, _col: self._chosen(item))
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.items: dict[str, QTreeWidgetItem] = {}
        for queue in QUEUES:
            item = QTreeWidgetItem([_(queue.label), ""])
            item.setData(0, KEY_ROLE, queue.key)
            item.setToolTip(0, _(queue.hint))
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            above = SUB_QUEUES.get(queue.key)
            if above is None:
                self.tree.addTopLevelItem(item)
            else:
                self.items[above].addChild(item)
                self.items[above].setExpanded(True)
            self.items[queue.key] = item
        self.views_header = QTreeWidgetItem([_("Saved views"), ""])
        self.views_header.setFlags(Qt.ItemFlag.NoItemFlags)
        bold = QFont(self.tree.font())
        bold.setBold(True)
        self.views_header.setFont(0, bold)
        self.tree.addTopLevelItem(self.views_header)

        self.save_button = QToolButton(self)
        self.save_button.setObjectName("saveView")
        self.save_button.setText(_("Save view…"))
        self.save_button.setToolTip(_("Give the current filters and search a name"))
        self.save_button.setAutoRaise(True)
        self.save_button.clicked.connect(lambda: self.save_view())
        self.notice = plain_label(self, "muted")
        self.notice.setWordWrap(True)
        self.notice.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 0)
        layout.setSpacing(0)
        layout.addWidget(self.tree)
        layout.addWidget(self.notice)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._fit_height()

    # ------------------------------------------------------------ loading
    def refresh(self) -> None:
        """Re-read every queue's count (the newest request wins)."""
        me_id, now = self._ctx.workspace.me_id, self._ctx.clock()
        self._ctx.tasks.run_store(
            lambda repo: queues.counts(repo, me_id, now),
            self.show_counts,
            key="queue-counts",
            owner=self,
        )

    def load_views(self) -> None:
        me_id = self._ctx.workspace.me_id
        self._ctx.tasks.run_store(
            lambda repo: queues.saved_views(repo, me_id),
            self.show_views,
            self._failed,
            key="saved-views",
            owner=self,
        )

    def show_counts(self, counts: QueueCounts) -> None:
        self.counts = counts
        number = self._ctx.i18n.number
        for key, item in self.items.items():
            value = int(getattr(counts, key))
            item.setText(1, number(value))
            urgent = key in URGENT and value > 0
            item.setForeground(1, style.DANGER if key == "breached" and urgent else style.MUTED)
            font = QFont(self.tree.font())
            font.setBold(urgent)
            item.setFont(1, font)
        self.counts_shown.emit()

    def show_views(self, views: list[SavedView]) -> None:
        _ = self._ctx.i18n._
        self.notice.hide()  # saved, renamed or deleted: an earlier problem is past
        self.views = views
        for index in reversed(range(self.tree.topLevelItemCount())):
            item = self.tree.topLevelItem(index)
            if item is not None and isinstance(item.data(0, KEY_ROLE), int):
                self.tree.takeTopLevelItem(index)
        for view in views:
            item = QTreeWidgetItem([display_text(view.name, VIEW_NAME_CHARS), ""])
            item.setData(0, KEY_ROLE, view.id)
            item.setToolTip(0, _("Right-click to rename or delete this view"))
            if view.problem is not None:
                item.setForeground(0, style.FAINT)
                item.setToolTip(
                    0,
                    _("This view cannot be used: {reason}").format(
                        reason=localize(self._ctx.i18n, view.problem)
                    ),
                )
            self.tree.addTopLevelItem(item)
        self.views_header.setHidden(not views)
        self._fit_height()
        self.show_current(self._current_query)

    def rows(self) -> list[QTreeWidgetItem]:
        """Every row in display order: queues (sub-rows after their parent), then views."""
        rows: list[QTreeWidgetItem] = []
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None:
                rows.append(item)
                rows.extend(c for j in range(item.childCount()) if (c := item.child(j)))
        return rows

    def _fit_height(self) -> None:
        rows = sum(1 for item in self.rows() if not item.isHidden())
        row_height = self.tree.sizeHintForRow(0)
        if row_height <= 0:  # not laid out yet
            row_height = self.fontMetrics().height() + 4
        frame = self.tree.frameWidth() * 2
        self.tree.setFixedHeight(min(rows, MAX_LIST_ROWS) * row_height + frame + 2)

    # ------------------------------------------------------------ choosing
    def show_current(self, query: InboxQuery) -> None:
        """Highlight the queue or view the list shows now (none for a hand-made filter)."""
        self._current_query = query
        key: str | int | None = queue_of(query)
        plain = query.with_(sort=InboxQuery().sort)
        for view in self.views:
            if view.query is not None and view.query.with_(sort=InboxQuery().sort) == plain:
                key = view.id
        target = None
        for item in self.rows():
            if key is not None and item.data(0, KEY_ROLE) == key:
                target = item
        self.tree.blockSignals(True)
        if target is not None:
            self.tree.setCurrentItem(target)
        else:  # a hand-made filter: no queue is highlighted
            self.tree.setCurrentIndex(QModelIndex())
        self.tree.blockSignals(False)

    def choose(self, key: str | int) -> None:
        """Choose a queue (by key) or a saved view (by id), as a click would."""
        for item in self.rows():
            if item.data(0, KEY_ROLE) == key:
                self._chosen(item)

    def _chosen(self, item: QTreeWidgetItem) -> None:
        key = item.data(0, KEY_ROLE)
        sort = self._current_query.sort
        self.notice.hide()
        if isinstance(key, str):
            queue = next(q for q in QUEUES if q.key == key)
            self.query_requested.emit(queue.query.with_(sort=sort))
            return
        view = next((v for v in self.views if v.id == key), None)
        if view is None:
            return
        if view.query is None:
            reason = localize(self._ctx.i18n, view.problem) if view.problem else ""
            self._say(
                self._ctx.i18n._(
                    "The view “{name}” cannot be used and was ignored: {reason}. "
                    "Delete it, or save the filters again under its name."
                ).format(name=display_text(view.name, VIEW_NAME_CHARS), reason=reason)
            )
            self.show_current(self._current_query)
            return
        self.query_requested.emit(view.query)

    # ------------------------------------------------------------ saved views
    def save_view(self, name: str | None = None) -> None:
        """Save the filters and search the list shows now under a name (asked if not given)."""
        _ = self._ctx.i18n._
        if name is None:
            name, ok = QInputDialog.getText(
                self, _("Save view"), _("Name of the view:"), QLineEdit.EchoMode.Normal
            )
            if not ok:
                return
        me_id, query, now = self._ctx.workspace.me_id, self._current_query, self._ctx.clock()
        self._ctx.tasks.run_store(
            lambda repo: queues.save_view(repo, me_id, name, query, now),
            lambda _id: self.load_views(),
            self._failed,
            owner=self,
        )

    def rename_view(self, view_id: int, name: str | None = None) -> None:
        _ = self._ctx.i18n._
        if name is None:
            old = next((v.name for v in self.views if v.id == view_id), "")
            name, ok = QInputDialog.getText(
                self, _("Rename view"), _("New name:"), QLineEdit.EchoMode.Normal, old
            )
            if not ok:
                return
        me_id, now = self._ctx.workspace.me_id, self._ctx.clock()
        self._ctx.tasks.run_store(
            lambda repo: queues.rename_view(repo, me_id, view_id, name, now),
            lambda _none: self.load_views(),
            self._failed,
            owner=self,
        )

    def delete_view(self, view_id: int) -> None:
        me_id = self._ctx.workspace.me_id
        self._ctx.tasks.run_store(
            lambda repo: queues.delete_view(repo, me_id, view_id),
            lambda _none: self.load_views(),
            self._failed,
            owner=self,
        )

    def _context_menu(self, position: QPoint) -> None:
        item = self.tree.itemAt(position)
        menu = self.view_menu(item.data(0, KEY_ROLE) if item is not None else None)
        if menu is not None:
            menu.exec(self.tree.viewport().mapToGlobal(position))

    def view_menu(self, key: object) -> QMenu | None:
        """Rename… and Delete for a saved view (None for a queue)."""
        if not isinstance(key, int):
            return None
        _ = self._ctx.i18n._
        menu = QMenu(self)
        menu.addAction(_("Rename…")).triggered.connect(lambda: self.rename_view(key))
        menu.addAction(_("Delete")).triggered.connect(lambda: self.delete_view(key))
        return menu

    def _failed(self, error: BaseException) -> None:
        self._say(localize(self._ctx.i18n, error))

    def _say(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()
