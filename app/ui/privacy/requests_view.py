"""The "Data requests" queue: every request with its customer, kind, law, when it was
opened, when it is due and the time left ("12d 3h left", "Overdue by 2d" in red), open
ones by deadline first; and what answers a request: Export… (a zip of everything held
about the customer), Erase…, Mark fulfilled, Extend (when the law allows), Cancel request.

All reads and writes go through :mod:`app.ops.privacy` on the store lane; the archive is
made by :mod:`app.ui.privacy.export` (its PDF laid out on the UI thread) and written whole
or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.data_requests import RequestKind, RequestStatus
from app.domain.display import display_text
from app.ops import privacy
from app.ops.context import AppContext
from app.ops.culture import CultureData
from app.ops.privacy import RequestRow
from app.ops.types import Store
from app.ui.conversation.header import plain_label
from app.ui.privacy import texts
from app.ui.privacy.erase_dialog import EraseDialog
from app.ui.privacy.export import export_customer_file
from app.ui.shell import style
from app.ui.shell.labels import localize

UID_ROLE = Qt.ItemDataRole.UserRole
TICK_MS = 60_000  # the countdown moves with time alone
COLUMNS = 6
PathChooser = Callable[[str], Path | None]


class RequestsWindow(QDialog):
    """The queue (one per main window, modeless).

    Signals:
        changed(object): Changes of an action here (the window's change path).
    """

    changed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        _ = ctx.i18n._
        self.setWindowTitle(_("Data requests"))
        self.setObjectName("dataRequestsWindow")
        self.setModal(False)
        self.rows: list[RequestRow] = []
        self.erase_dialog: EraseDialog | None = None  # the open confirmation (tests answer it)
        self.choose_path: PathChooser = self._ask_path  # where an export goes (tests replace)
        self.culture: CultureData | None = None  # set by the room once loaded (Extend's calendar)
        self.summary = plain_label(self, "muted")
        self.show_closed = QCheckBox(_("Show fulfilled and cancelled requests"), self)
        self.show_closed.setChecked(True)
        self.show_closed.toggled.connect(lambda _on: self.refresh())
        self.table = QTableWidget(0, COLUMNS, self)
        self.table.setObjectName("dataRequestsTable")
        self.table.setAccessibleName(_("Data requests"))
        self.table.setHorizontalHeaderLabels(
            [_("Customer"), _("Request"), _("Law"), _("Opened"), _("Due"), _("Time left")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.empty = plain_label(self, "muted")
        self.empty.setText(
            _("No data requests. Open one from a customer's card or the Conversation menu.")
        )
        self.empty.hide()
        self.export_button = self._button(_("Export…"), "exportCustomerData", self.export)
        self.erase_button = self._button(_("Erase…"), "eraseCustomer", self.erase)
        self.fulfil_button = self._button(_("Mark fulfilled"), "fulfilRequest", self.fulfil)
        self.extend_button = self._button(_("Extend"), "extendRequest", self.extend)
        self.cancel_button = self._button(_("Cancel request"), "cancelRequest", self.cancel)
        self.notice = plain_label(self, "notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        actions = QHBoxLayout()
        for button in (
            self.export_button,
            self.erase_button,
            self.fulfil_button,
            self.extend_button,
            self.cancel_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        close = QPushButton(_("Close"), self)
        close.setAutoDefault(False)
        close.clicked.connect(self.close)
        actions.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.show_closed)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.notice)
        layout.addLayout(actions)
        self.resize(920, 420)
        self._clock = QTimer(self)
        self._clock.setInterval(TICK_MS)
        self._clock.timeout.connect(self.refresh)
        self._clock.start()
        self._update_buttons()
        self.refresh()

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _c=False: slot())
        return button

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        now, lang = self._ctx.clock(), self._ctx.i18n.ui_locale
        closed = self.show_closed.isChecked()
        self._ctx.tasks.run_store(
            lambda store: privacy.list_requests(store, now, lang, include_closed=closed),
            self._show,
            self._say_failed,
            key="data-requests",
            owner=self,
        )

    def apply_changes(self, changes: Changes, _initiator: object = None) -> None:
        """Re-read when requests or customers changed (an erasure, a merge, a sync)."""
        if changes.data_requests or changes.list_membership:
            self.refresh()

    def _show(self, rows: list[RequestRow]) -> None:
        i18n = self._ctx.i18n
        selected = self.selected()
        self.rows = rows
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            cells = (
                texts.customer_text(i18n, row.customer_name),
                texts.kind_label(i18n, row.kind),
                texts.law_text(i18n, row.law, row.country),
                i18n.day(row.opened_at),
                self._due(row),
                texts.time_left(i18n, row),
            )
            items = [QTableWidgetItem(display_text(text, 200)) for text in cells]
            for column, item in enumerate(items):
                item.setData(UID_ROLE, row.uid)
                self.table.setItem(index, column, item)
            items[2].setToolTip(display_text(row.law, 600))
            left = items[5]
            if row.overdue:
                left.setForeground(style.DANGER)
                font = QFont(left.font())
                font.setBold(True)
                left.setFont(font)
            elif row.status is not RequestStatus.OPEN:
                left.setForeground(style.MUTED)
        open_rows = [r for r in rows if r.status is RequestStatus.OPEN]
        overdue = sum(1 for r in open_rows if r.overdue)
        text = i18n.ngettext("{count} open request", "{count} open requests", len(open_rows))
        text = text.format(count=i18n.number(len(open_rows)))
        if overdue:
            text += " · " + i18n.ngettext("{count} overdue", "{count} overdue", overdue).format(
                count=i18n.number(overdue)
            )
        self.summary.setText(text)
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))
        self.select(selected if selected is not None else None)
        self._update_buttons()

    def _due(self, row: RequestRow) -> str:
        text = self._ctx.i18n.day(row.due_at)
        if row.extended:
            text = self._ctx.i18n._("{date} (extended)").format(date=text)
        return text

    # ------------------------------------------------------------------ selection
    def select(self, uid: str | None) -> bool:
        """Select the row of request ``uid`` (the first row when None or not listed)."""
        for index, row in enumerate(self.rows):
            if row.uid == uid:
                self.table.selectRow(index)
                return True
        if self.rows:
            self.table.selectRow(0)
        return False

    def selected(self) -> str | None:
        row = self.current()
        return row.uid if row is not None else None

    def current(self) -> RequestRow | None:
        index = self.table.currentRow()
        picked = self.table.selectionModel().selectedRows()
        if picked:
            index = picked[0].row()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def _update_buttons(self) -> None:
        row = self.current()
        is_open = row is not None and row.status is RequestStatus.OPEN
        known = row is not None and row.customer_id is not None
        self.export_button.setEnabled(is_open and known)
        self.erase_button.setEnabled(
            is_open and known and row is not None and row.kind is RequestKind.ERASE
        )
        self.fulfil_button.setEnabled(is_open)
        self.extend_button.setEnabled(row is not None and row.can_extend)
        self.cancel_button.setEnabled(is_open)
        _ = self._ctx.i18n._
        self.erase_button.setToolTip(
            _("Erase the customer for an open erasure request")
            if row is None or row.kind is not RequestKind.ERASE
            else ""
        )

    # ------------------------------------------------------------------ actions
    def _run(self, work: Callable[[Store], Changes], done_text: str) -> None:
        def done(changes: Changes) -> None:
            self.say(done_text)
            self.changed.emit(changes)
            self.refresh()

        self._ctx.tasks.run_store(work, done, self._say_failed, owner=self)

    def fulfil(self) -> None:
        row, now = self.current(), self._ctx.clock()
        if row is not None and row.status is RequestStatus.OPEN:
            uid = row.uid
            self._run(
                lambda store: privacy.mark_fulfilled(store, uid, now),
                self._ctx.i18n._("The request is marked fulfilled."),
            )

    def extend(self) -> None:
        row, now = self.current(), self._ctx.clock()
        if row is not None and row.can_extend:
            uid, culture = row.uid, self.culture
            self._run(
                lambda store: privacy.extend(store, uid, now, culture),
                self._ctx.i18n._("The deadline is extended as the law allows."),
            )

    def cancel(self) -> None:
        row, now = self.current(), self._ctx.clock()
        if row is not None and row.status is RequestStatus.OPEN:
            uid = row.uid
            self._run(
                lambda store: privacy.cancel(store, uid, now),
                self._ctx.i18n._("The request is cancelled."),
            )

    def export(self) -> None:
        """Export…: ask where (default ``<customer id>-data-<date>.zip``), then write."""
        row = self.current()
        if row is None or row.customer_id is None:
            return
        day = dt.datetime.fromtimestamp(self._ctx.clock(), dt.UTC).astimezone().date()
        path = self.choose_path(texts.export_name(row.customer_uid, day.isoformat()))
        if path is not None:
            self.export_to(row, path)

    def _ask_path(self, name: str) -> Path | None:
        _ = self._ctx.i18n._
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        ) or str(Path.home())
        title, kinds = _("Export the customer's data"), _("Zip archives (*.zip)")
        chosen, _filter = QFileDialog.getSaveFileName(self, title, str(Path(folder) / name), kinds)
        if not chosen:
            return None
        path = Path(chosen).expanduser()
        return path if path.suffix.lower() == ".zip" else path.with_name(path.name + ".zip")

    def export_to(self, row: RequestRow, path: Path) -> None:
        """Build the archive (app.ui.privacy.export) and write it whole or not at all."""
        i18n = self._ctx.i18n
        if row.customer_id is None:
            return
        cid, uid = row.customer_id, row.uid

        def done(size: int) -> None:
            self.say(
                i18n._(
                    "Exported to {path} ({size} KB). Mark the request fulfilled once the "
                    "customer has it."
                ).format(path=str(path)[:300], size=i18n.number(max(size // 1024, 1)))
            )
            self.changed.emit(Changes(data_requests=True))

        self.say(i18n._("Exporting…"))
        export_customer_file(self._ctx, cid, uid, path, done, self._say_export_failed, self)

    def erase(self) -> EraseDialog | None:
        """Erase…: confirm (the customer's name typed), then erase and fulfil the request."""
        row = self.current()
        if row is None or row.customer_id is None or row.kind is not RequestKind.ERASE:
            return None
        dialog = EraseDialog(self._ctx.i18n, row.customer_name or "", self)
        cid, uid = row.customer_id, row.uid
        dialog.accepted.connect(lambda: self._erase(cid, uid))
        dialog.finished.connect(lambda _r: setattr(self, "erase_dialog", None))
        self.erase_dialog = dialog
        dialog.open()
        return dialog

    def _erase(self, customer_id: int, request_uid: str) -> None:
        now = self._ctx.clock()
        self._run(
            lambda store: privacy.erase_customer(store, customer_id, request_uid, now),
            self._ctx.i18n._("The customer is erased and the request fulfilled."),
        )

    # ------------------------------------------------------------------ notices
    def say(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()

    def _say_failed(self, error: BaseException) -> None:
        self.say(
            self._ctx.i18n._("That did not work: {reason}").format(
                reason=localize(self._ctx.i18n, error)[:300]
            )
        )

    def _say_export_failed(self, error: BaseException) -> None:
        reason = localize(self._ctx.i18n, error)
        if isinstance(error, OSError) and error.strerror:
            reason = f"{error.strerror}: {error.filename or ''}".strip(": ")
        self.say(
            self._ctx.i18n._("The data was not exported: {reason}").format(reason=reason[:300])
        )
