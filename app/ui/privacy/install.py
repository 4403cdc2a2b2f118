"""Plugs data-subject requests into the main window: View → Data requests… (Ctrl+Shift+D)
opens the queue; "Data request…" on the customer card, in the Conversation menu and in
the inbox's right-click menu opens a request for that customer; deadline reminders.

The queue is a window of its own, as the review and KPI rooms are: requests are about
customers, not conversations, so they do not fit the inbox's conversation queues. The
queue and the dialogs are imported when first opened (Export's PDF writer and redaction
libraries are not needed before the inbox's first paint).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton

from app.domain.changes import Changes
from app.domain.data_requests import RequestStatus
from app.ops import customer, inbox, privacy
from app.ops.culture import CultureData, load_culture
from app.ops.privacy import OpenedRequest, RequestRow
from app.ui.privacy import texts
from app.ui.privacy.reminders import Reminders
from app.ui.shell.menus import add_action, conversation_menu, view_menu

if TYPE_CHECKING:  # the dialogs (and the PDF writer behind Export) load on first use
    from app.domain.customer import CustomerView
    from app.domain.models import ConversationRow
    from app.ui.privacy.request_dialog import RequestDialog
    from app.ui.privacy.requests_view import RequestsWindow
    from app.ui.shell.main_window import MainWindow

QUEUE_KEYS = ["Ctrl+Shift+D"]
CARD_ROWS = 3  # open requests listed on the customer's card


class PrivacyRoom(QObject):
    """The data-request entries of one main window, its queue window and reminders."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._ctx = window._ctx
        _ = self._ctx.i18n._
        self.view: RequestsWindow | None = None
        self.dialog: RequestDialog | None = None
        self._culture: CultureData | None = None
        self._waiting: list[Callable[[CultureData], None]] = []
        menu = view_menu(window)
        menu.addSeparator()
        self.queue_action: QAction = add_action(
            window, menu, _("Data requests…"), QUEUE_KEYS, self.open_queue
        )
        self.request_action: QAction = add_action(
            window, conversation_menu(window), _("Data request…"), [], self.request_for_open
        )
        panel = window.side_panel.customer
        panel.data_request_requested.connect(self._from_panel)
        window.changes_applied.connect(self._changes)
        self._wrap_inbox_menu()
        self.reminders = Reminders(self._ctx, window, self.open_queue, window._ui_state)
        self.due_button = QToolButton(window)  # "Data requests: 2 due soon" in the status bar
        self.due_button.setObjectName("dataRequestsDue")
        self.due_button.setAutoRaise(True)
        self.due_button.clicked.connect(self.open_queue)
        self.due_button.hide()
        window.statusBar().addPermanentWidget(self.due_button)
        self.reminders.counted.connect(self._show_due)
        window.conversation.loaded.connect(lambda _cid: self.refresh_card())
        QTimer.singleShot(0, self, self.reminders.check)

    def _wrap_inbox_menu(self) -> None:
        """The inbox's right-click menu gains "Data request…" for one selected row."""

        def add(menu: QMenu, cid: int) -> None:
            action = menu.addAction(self.request_action.text())
            action.setObjectName("dataRequest")
            action.triggered.connect(lambda _c=False: self.request_for(cid))

        self.window.inbox.bulk.row_actions.append(add)

    def _show_due(self, due: int, overdue: int) -> None:
        i18n = self._ctx.i18n
        if overdue:
            text = i18n.ngettext(
                "Data requests: {count} overdue", "Data requests: {count} overdue", overdue
            ).format(count=i18n.number(overdue))
        else:
            text = i18n.ngettext(
                "Data requests: {count} due soon", "Data requests: {count} due soon", due
            ).format(count=i18n.number(due))
        self.due_button.setText(text)
        self.due_button.setToolTip(i18n._("Open the data requests (View → Data requests…)"))
        self.due_button.setAccessibleName(text)
        self.due_button.setVisible(due > 0)

    def refresh_card(self) -> None:
        """The open requests of the open conversation's customer, on their card."""
        note = self.window.side_panel.customer.requests_note
        detail = self.window.conversation.detail
        if detail is None:
            note.hide()
            return
        cid, now, lang = detail.customer.id, self._ctx.clock(), self._ctx.i18n.ui_locale
        self._ctx.tasks.run_store(
            lambda store: privacy.requests_for_customer(store, cid, now, lang),
            lambda rows: self._show_card(cid, rows),
            lambda _error: note.hide(),  # erased meanwhile: nothing to list
            key="customer-data-requests",
            owner=self,
        )

    def _show_card(self, customer_id: int, rows: list[RequestRow]) -> None:
        note = self.window.side_panel.customer.requests_note
        detail = self.window.conversation.detail
        if detail is None or detail.customer.id != customer_id:
            return
        i18n = self._ctx.i18n
        lines = [
            i18n._("Data request: {kind}, due {date} · {left}").format(
                kind=texts.kind_label(i18n, row.kind),
                date=i18n.day(row.due_at, detail.customer.timezone),
                left=texts.time_left(i18n, row),
            )
            for row in rows
            if row.status is RequestStatus.OPEN
        ]
        shown = lines[:CARD_ROWS]
        if len(lines) > CARD_ROWS:
            shown.append(i18n._("… and more in View → Data requests"))
        note.setText("\n".join(shown))
        note.setVisible(bool(shown))

    # ------------------------------------------------------------------ culture
    def culture(self, ready: Callable[[CultureData], None]) -> None:
        """Call ``ready`` with the etiquette data: the window's, once loaded, else loaded
        here on the compute lane (a dialog opened before start-up finished)."""
        data = self.window.side_panel.culture_data or self._culture
        if data is not None:
            ready(data)
            return
        self._waiting.append(ready)
        if len(self._waiting) == 1:
            paths = self._ctx.paths
            self._ctx.tasks.run(lambda: load_culture(paths), self._loaded, owner=self)

    def _loaded(self, data: CultureData) -> None:
        self._culture = data
        waiting, self._waiting = self._waiting, []
        for ready in waiting:
            ready(data)

    # ------------------------------------------------------------------ opening a request
    def request_for_open(self) -> RequestDialog | None:
        """Conversation → Data request…: for the open conversation's customer."""
        detail = self.window.conversation.detail
        if detail is None:
            self.window.statusBar().showMessage(
                self._ctx.i18n._("Open a conversation first: the request is for its customer."),
                8000,
            )
            return None
        customer = detail.customer
        return self.open_request(customer.id, customer.name, customer.timezone)

    def request_for(self, conversation_id: int) -> None:
        """From the inbox's menu: the customer of that conversation (read first)."""
        self._ctx.tasks.run_store(
            lambda store: (
                customer.customer_view(store, conversation_id, 1),
                inbox.conversation_rows(store, [conversation_id]).get(conversation_id),
            ),
            lambda found: self._from_row(*found),
            owner=self,
        )

    def _from_row(self, view: CustomerView, row: ConversationRow | None) -> None:
        self.open_request(view.customer_id, view.customer_name, row.timezone if row else None)

    def _from_panel(self, customer_id: int, name: str) -> None:
        detail = self.window.conversation.detail
        zone = detail.customer.timezone if detail is not None else None
        self.open_request(customer_id, name, zone)

    def open_request(self, customer_id: int, name: str, zone: str | None) -> RequestDialog:
        from app.ui.privacy.request_dialog import RequestDialog

        dialog = RequestDialog(self._ctx, customer_id, name, zone, self.culture, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(lambda changes: self.window.apply_changes(changes, dialog))
        dialog.opened.connect(self._opened)
        dialog.destroyed.connect(lambda _o=None: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _opened(self, opened: OpenedRequest) -> None:
        _ = self._ctx.i18n._
        self.window.statusBar().showMessage(
            _("Data request recorded. It is in View → Data requests."), 8000
        )
        if self.view is not None:
            self.view.refresh()
            self.view.select(opened.uid)

    # ------------------------------------------------------------------ the queue
    def open_queue(self) -> RequestsWindow:
        """Show the queue (brought forward if open)."""
        if self.view is not None:
            self.view.refresh()
            self.view.show()
            self.view.raise_()
            self.view.activateWindow()
            return self.view
        from app.ui.privacy.requests_view import RequestsWindow  # not before the first paint

        view = RequestsWindow(self._ctx, self.window)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.changed.connect(lambda changes: self.window.apply_changes(changes, view))
        view.destroyed.connect(lambda _o=None: setattr(self, "view", None))
        self.culture(lambda data: setattr(view, "culture", data))
        self.view = view
        view.show()
        return view

    def _changes(self, changes: Changes, initiator: object = None) -> None:
        if self.view is not None and initiator is not self.view:
            self.view.apply_changes(changes)
        if changes.data_requests:
            self.reminders.check()
            self.refresh_card()


def install_privacy(window: MainWindow) -> PrivacyRoom:
    return PrivacyRoom(window)
