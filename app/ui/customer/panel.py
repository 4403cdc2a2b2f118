"""The Customer section of the side panel: order details, notes on the customer, and
their other and earlier conversations (a click opens one).

Read in one store-lane trip per conversation switch (:func:`app.ops.customer.customer_view`);
everything shown is plain text (names, subjects and fields come from customers and servers).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.customer import HISTORY_LIMIT, HISTORY_MAX, CustomerView, PastConversation
from app.domain.display import display_text, isolated
from app.domain.fields import field_label, field_text
from app.domain.models import ConversationDetail
from app.ops import customer
from app.ops.context import AppContext
from app.ops.customer import CustomerMerge
from app.ui.conversation.header import plain_label
from app.ui.customer.merge import MergeCustomersDialog
from app.ui.customer.merging import ConversationMerger
from app.ui.customer.notes import NotesSection
from app.ui.shell.labels import channel_label, status_label

SUBJECT_CHARS = 90
FIELD_VALUE_CHARS = 200
ID_ROLE = Qt.ItemDataRole.UserRole
HISTORY_ROWS_SHOWN = 5


class CustomerPanel(QScrollArea):
    """Fields, notes and history of the open conversation's customer.

    Signals:
        conversation_requested(int): the agent clicked one of the other conversations.
        changed(object): Changes of a note or a merge (the window's change path).
    """

    conversation_requested = Signal(int)
    changed = Signal(object)
    data_request_requested = Signal(int, str)  # customer id, name (app.ui.privacy opens it)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        _ = ctx.i18n._
        self.setObjectName("customerPanel")
        self.setAccessibleName(_("Customer"))
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view: CustomerView | None = None
        self._conversation_id: int | None = None
        body = self._body = QWidget(self)
        self.aliases = plain_label(body, "muted")
        self.aliases.setWordWrap(True)
        self.aliases.hide()
        self.fields_title = self._title(body, _("Details"))
        self.fields = QFormLayout()
        self.fields.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.fields.setContentsMargins(0, 0, 0, 0)
        self.history_title = self._title(body, _("Other conversations"))
        self.history = QListWidget(body)
        self.history.setObjectName("customerHistory")
        self.history.setWordWrap(True)
        self.history.setSpacing(2)
        self.history.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.history.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.history.itemActivated.connect(self._open)
        self.history.itemClicked.connect(self._open)
        self.history.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.history.customContextMenuRequested.connect(self._history_menu)
        self.merger: ConversationMerger | None = None  # set by install_customer
        self.more = QToolButton(body)  # "Show 12 more": the list grows to HISTORY_MAX
        self.more.setObjectName("customerHistoryMore")
        self.more.setAutoRaise(True)
        self.more.clicked.connect(self.show_more)
        self.more.hide()
        self._limit = HISTORY_LIMIT
        self.no_history = plain_label(body, "muted")
        self.no_history.setText(_("No other conversations with this customer."))
        self.notes = NotesSection(ctx, body)
        self.notes.changed.connect(self.changed)
        self.merge_button = QPushButton(_("Merge customers…"), body)
        self.merge_button.setObjectName("mergeCustomers")
        self.merge_button.clicked.connect(self.open_merge)
        self.merge_notice = plain_label(body, "muted")
        self.merge_notice.setWordWrap(True)
        self.merge_notice.hide()
        self.merge_undo = QToolButton(body)
        self.merge_undo.setText(_("Undo"))
        self.merge_undo.setObjectName("undoMerge")
        self.merge_undo.setAutoRaise(True)
        self.merge_undo.clicked.connect(self.undo_merge)
        self.merge_undo.hide()
        self._merge: CustomerMerge | None = None
        self.request_button = QPushButton(_("Data request…"), body)
        self.request_button.setObjectName("dataRequest")
        self.request_button.setToolTip(
            _("Record the customer's request to access, correct, export or erase their data")
        )
        self.request_button.clicked.connect(self._data_request)
        self.requests_note = plain_label(body, "muted")  # their open data requests (app.ui.privacy)
        self.requests_note.setWordWrap(True)
        self.requests_note.hide()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addWidget(self.aliases)
        layout.addWidget(self.fields_title)
        layout.addLayout(self.fields)
        layout.addWidget(self.history_title)
        layout.addWidget(self.history)
        layout.addWidget(self.more)
        layout.addWidget(self.no_history)
        layout.addWidget(self._title(body, _("Notes on the customer")))
        layout.addWidget(self.notes)
        merge_row = QHBoxLayout()
        merge_row.addWidget(self.merge_button)
        merge_row.addWidget(self.merge_notice, 1)
        merge_row.addWidget(self.merge_undo)
        layout.addLayout(merge_row)
        layout.addWidget(self.request_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.requests_note)
        layout.addStretch(1)
        self.setWidget(body)
        self.setEnabled(False)

    @staticmethod
    def _title(parent: QWidget, text: str) -> QLabel:
        label = QLabel(text, parent)
        label.setObjectName("sectionTitle")
        return label

    # ------------------------------------------------------------------ loading
    def show_for(self, detail: ConversationDetail | None) -> None:
        """Load the customer of ``detail`` (None: nothing open)."""
        conversation_id = detail.row.id if detail is not None else None
        if conversation_id != self._conversation_id:
            self._limit = HISTORY_LIMIT
        self._conversation_id = conversation_id
        self.refresh()

    def show_more(self) -> None:
        """List the rest of the customer's conversations (up to HISTORY_MAX)."""
        self._limit = HISTORY_MAX
        self.refresh()

    def refresh(self) -> None:
        cid = self._conversation_id
        if cid is None:
            self.view = None
            self.setEnabled(False)
            return
        limit = self._limit
        self._ctx.tasks.run_store(
            lambda store: customer.customer_view(store, cid, limit),
            self._show,
            self._gone,
            key="customer-view",
            owner=self,
        )

    def _gone(self, error: BaseException) -> None:
        """The conversation went while this was asked (erased, removed by retention): the
        card empties, as for no conversation; anything else is a real error."""
        if not isinstance(error, KeyError):
            self._ctx.tasks.default_error(error)  # reported as any other failure
            return
        if self._conversation_id in error.args:
            self.view = None
            self.setEnabled(False)

    def apply_changes(self, changes: Changes, _initiator: object = None) -> None:
        """Re-read if a conversation of this person changed (a note, a merge, a status)."""
        view = self.view
        if view is None:
            return
        shown = {view.conversation_id, *(c.id for c in view.others)}
        if changes.conversation_ids & shown or changes.list_membership:
            self.refresh()

    def _show(self, view: CustomerView) -> None:
        if view.conversation_id != self._conversation_id:
            return
        i18n = self._ctx.i18n
        _ = i18n._
        self.view = view
        self.setEnabled(True)
        if view.merged_names:
            names = ", ".join(isolated(n, 60) for n in view.merged_names[:5])
            self.aliases.setText(_("Same person as: {names}").format(names=names))
        self.aliases.setVisible(bool(view.merged_names))
        self._show_fields(view)
        self.history.clear()
        for past in view.others:
            self.history.addItem(self._item(past))
        self.history.setVisible(bool(view.others))
        rows = range(min(len(view.others), HISTORY_ROWS_SHOWN))  # then the list scrolls
        spacing = self.history.spacing() * 2
        height = sum(self.history.sizeHintForRow(row) + spacing for row in rows)
        self.history.setFixedHeight(height + 2 * self.history.frameWidth() + 2)
        self.no_history.setVisible(not view.others)
        self.more.setText(
            i18n.ngettext("Show {count} more", "Show {count} more", view.more).format(
                count=i18n.number(view.more)
            )
        )
        self.more.setVisible(view.more > 0)
        self.notes.show_notes(view.customer_id, view.notes)
        self.merge_button.setEnabled(view.local_only)
        self.merge_button.setToolTip(
            ""
            if view.local_only
            else _("Merging is available in a local workspace only: the server has no merge.")
        )

    def _show_fields(self, view: CustomerView) -> None:
        _ = self._ctx.i18n._
        while self.fields.rowCount():
            self.fields.removeRow(0)
        # The conversation's (its order) first, then the customer's (plan, since when).
        shown = {**view.conversation_fields}
        shown.update((k, v) for k, v in view.customer_fields.items() if k not in shown)
        for key, value in shown.items():
            name = plain_label(self._body, "fieldName")
            name.setText(display_text(field_label(key), 64))
            text = plain_label(self._body, "fieldValue")
            text.setWordWrap(True)
            text.setText(display_text(field_text(value, _("Yes"), _("No")), FIELD_VALUE_CHARS))
            self.fields.addRow(name, text)
        self.fields_title.setVisible(bool(shown))

    def _item(self, past: PastConversation) -> QListWidgetItem:
        i18n = self._ctx.i18n
        title = past.subject or past.preview or i18n._("(no subject)")
        facts = " · ".join(
            (
                status_label(i18n, past.status),
                channel_label(i18n, past.channel),
                i18n.day_and_time(past.last_activity_at, self._ctx.clock()),
            )
        )
        item = QListWidgetItem(f"{display_text(title, SUBJECT_CHARS)}\n{facts}")
        item.setData(ID_ROLE, past.id)
        item.setToolTip(display_text(past.preview, 300))
        return item

    def history_menu(self, item: QListWidgetItem) -> QMenu:
        """Open, or merge with the open conversation (the open one is kept by default)."""
        _ = self._ctx.i18n._
        menu = QMenu(self)
        menu.addAction(_("Open")).triggered.connect(lambda _c=False: self._open(item))
        cid, view = item.data(ID_ROLE), self.view
        if self.merger is not None and view is not None and isinstance(cid, int):
            self.merger.action(
                menu, (view.conversation_id, cid), _("Merge with this conversation…")
            )
        return menu

    def _history_menu(self, position: QPoint) -> None:
        item = self.history.itemAt(position)
        if item is not None:
            self.history_menu(item).exec(self.history.viewport().mapToGlobal(position))

    def _open(self, item: QListWidgetItem) -> None:
        cid = item.data(ID_ROLE)
        if isinstance(cid, int):
            self.conversation_requested.emit(cid)

    def _data_request(self) -> None:
        if self.view is not None:
            self.data_request_requested.emit(self.view.customer_id, self.view.customer_name)

    # ------------------------------------------------------------------ merging
    def open_merge(self) -> MergeCustomersDialog | None:
        """ "Merge customers…": choose the other handle of this person, confirm, Undo."""
        view = self.view
        if view is None or not view.local_only:
            return None
        dialog = MergeCustomersDialog(self._ctx, view.customer_id, view.customer_name, self)
        dialog.merged.connect(self._merged)
        dialog.changed.connect(self.changed)
        dialog.open()
        return dialog

    def _merged(self, merge: CustomerMerge) -> None:
        self._merge = merge
        self.merge_notice.setText(
            self._ctx.i18n._("Merged: their conversations and notes now show here.")
        )
        self.merge_notice.show()
        self.merge_undo.show()

    def undo_merge(self) -> None:
        """Separate the two customers again (the last merge made here)."""
        merge, self._merge = self._merge, None
        self.merge_undo.hide()
        self.merge_notice.hide()
        if merge is None:
            return
        self._ctx.tasks.run_store(
            lambda store: customer.undo_merge_customers(store, merge),
            self.changed.emit,
            owner=self,
        )
