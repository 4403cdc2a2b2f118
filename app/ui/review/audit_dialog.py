"""The review audit log for admins (View → Audit log…): who reviewed or annotated another
agent's work, and when, as the server recorded it (``GET /v1/audit``).

Read online, page by page, on the compute lane; nothing is stored on this computer. The
entries hold ids, roles and times only (the server never puts text in them); every cell
is plain text."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.review import Role
from app.i18n import N_, I18n
from app.ops import review
from app.ops.context import AppContext
from app.sync import session
from app.ui.shell.menus import add_action

if TYPE_CHECKING:
    from app.contract.audit_models import AuditEntry, AuditPage
    from app.ui.shell.main_window import MainWindow

MAX_ROWS = 5000  # what the window lists at most
ACTIONS = {
    "review_read": N_("Downloaded a review"),
    "review_write": N_("Wrote a review"),
    "annotation_write": N_("Wrote an annotation"),
    "annotation_delete": N_("Deleted an annotation"),
}
ROLE_NAMES = {
    "agent": N_("agent"),
    "lead": N_("lead"),
    "trainer": N_("trainer"),
    "admin": N_("admin"),
}

AuditReader = Callable[[int], "AuditPage"]  # pydantic loads only when the log is read


def entry_cells(i18n: I18n, entry: AuditEntry) -> list[str]:
    """One row as the table shows it (plain text)."""
    _ = i18n._
    roles = ", ".join(_(ROLE_NAMES.get(r, r)) for r in entry.actor_roles)
    return [
        i18n.datetime(entry.at),
        entry.actor_id,
        roles,
        _(ACTIONS.get(entry.action, entry.action)),
        entry.conversation_id,
        entry.agent_id or "",
        entry.record_id or "",
    ]


class AuditDialog(QDialog):
    """The audit log, oldest first; "Load more" reads the next page."""

    def __init__(
        self, ctx: AppContext, reader: AuditReader | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._reader = reader
        self._since = 0
        self.loading = False
        _ = ctx.i18n._
        self.setObjectName("auditDialog")
        self.setWindowTitle(_("Audit log"))
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        headers = [
            _("When"),
            _("Who"),
            _("Roles"),
            _("What"),
            _("Conversation"),
            _("Agent reviewed"),
            _("Record"),
        ]
        self.table = QTableWidget(0, len(headers), self)
        self.table.setObjectName("auditTable")
        self.table.setAccessibleName(_("Audit log entries"))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setTabKeyNavigation(False)
        self.more_button = QPushButton(_("Load more"), self)
        self.more_button.setEnabled(False)
        close = QPushButton(_("Close"), self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.more_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.more_button.clicked.connect(self.load_more)
        close.clicked.connect(self.reject)
        self.resize(900, 480)
        if reader is None:
            self.status.setText(
                _("The audit log is kept on your team's server: sign in to it and sync first.")
            )
        else:
            self.load_more()

    def load_more(self) -> None:
        """Read the page after the last entry shown."""
        if self.loading or self._reader is None:
            return
        reader = self._reader
        self.loading = True
        self.more_button.setEnabled(False)
        self.status.setText(self._ctx.i18n._("Reading the audit log from the server…"))
        since = self._since
        self._ctx.tasks.run(lambda: reader(since), self._show, self._failed, owner=self)

    def _show(self, page: AuditPage) -> None:
        i18n = self._ctx.i18n
        _ = i18n._
        self.loading = False
        room = MAX_ROWS - self.table.rowCount()
        for entry in page.items[: max(room, 0)]:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, text in enumerate(entry_cells(i18n, entry)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self._since = page.next_since
        full = self.table.rowCount() >= MAX_ROWS
        self.more_button.setEnabled(page.has_more and not full)
        if self.table.rowCount() == 0:
            self.status.setText(_("No one has reviewed another agent's work yet."))
        elif full and page.has_more:
            self.status.setText(
                _("Showing the first {count} entries.").format(count=i18n.number(MAX_ROWS))
            )
        else:
            self.status.setText(
                _("{count} entries, oldest first.").format(count=i18n.number(self.table.rowCount()))
            )

    def _failed(self, error: BaseException) -> None:
        _ = self._ctx.i18n._
        self.loading = False
        self.more_button.setEnabled(True)  # try again
        status = getattr(error, "status", None)
        if status == 403:
            text = _("Only administrators can read the audit log.")
        elif status == 404:
            text = _("This server keeps no audit log.")
        else:
            text = _("Could not read the audit log: {reason}").format(
                reason=str(error) or type(error).__name__
            )
        self.status.setText(text)


class AuditEntryPoint(QObject):
    """View → "Audit log…": enabled for an administrator (by the roles the server gave)."""

    def __init__(self, window: MainWindow, menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self._ctx = window._ctx
        _ = self._ctx.i18n._
        self.is_admin = False
        self.action: QAction = add_action(window, menu, _("Audit log…"), [], self.open)
        self._set_admin(False)
        window.changes_applied.connect(self._changes)
        self.refresh()

    def refresh(self) -> None:
        self._ctx.tasks.run_store(
            lambda repo: Role.ADMIN in review.my_roles(repo),
            self._set_admin,
            key="audit-roles",
            owner=self,
        )

    def _set_admin(self, admin: bool) -> None:
        _ = self._ctx.i18n._
        self.is_admin = admin
        self.action.setEnabled(admin)
        self.action.setToolTip("" if admin else _("Only administrators read the audit log."))

    def _changes(self, changes: Changes, _initiator: object = None) -> None:
        if changes.choices or changes.reviews:
            self.refresh()

    def open(self) -> AuditDialog | None:
        if not self.is_admin:
            return None
        sync = self.window.sync
        reader = session.audit_reader(sync.engine if sync is not None else None)
        dialog = AuditDialog(self._ctx, reader, self.window)
        dialog.open()
        return dialog
