"""The in-app notice that a colleague gave you a reply to translate: a status-bar message
when it arrives and a badge ("2 replies to translate") that opens the newest one.
Desktop notifications are another matter (issue 14)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMenu, QStatusBar, QToolButton, QWidget

from app.domain.changes import Changes
from app.domain.display import display_text
from app.ops import held
from app.ops.context import AppContext

if TYPE_CHECKING:
    from app.ui.shell.main_window import MainWindow

MESSAGE_MS = 15_000  # how long the arrival message stays in the status bar
MENU_ROWS = 20  # replies listed in the badge's menu (the newest)


class HeldNotice(QToolButton):
    """The badge; hidden while nothing waits for the signed-in agent's translation. A
    click opens the newest; its menu lists them all (my own "for me" list).

    Signals:
        open_requested(int): the conversation of a reply waiting for me.
    """

    open_requested = Signal(int)

    def __init__(self, ctx: AppContext, bar: QStatusBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._bar = bar
        self.setObjectName("heldNotice")
        self.setAutoRaise(True)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.setMenu(QMenu(self))
        self.waiting: tuple[held.HeldReply, ...] = ()
        self._known: set[int] | None = None  # None: not loaded yet (no "new" at start-up)
        self.clicked.connect(self._open_newest)
        self.hide()

    def refresh(self) -> None:
        """Ask the store what waits for me (a small query on the held-reply index)."""
        me = self._ctx.workspace.me_id
        self._ctx.tasks.run_store(
            lambda store: held.for_agent(store, me), self._show, key="held-notice", owner=self
        )

    def apply_changes(self, changes: Changes, _initiator: object = None) -> None:
        """The window's change path: messages or conversations changed (here or by a sync)."""
        if changes.messages or changes.conversation_ids:
            self.refresh()

    def _show(self, waiting: tuple[held.HeldReply, ...]) -> None:
        i18n = self._ctx.i18n
        known, self._known = self._known, {w.message_id for w in waiting}
        self.waiting = waiting
        if waiting:
            self.setText(
                i18n.ngettext(
                    "{count} reply to translate", "{count} replies to translate", len(waiting)
                ).format(count=i18n.number(len(waiting)))
            )
            self.setToolTip(i18n._("Open the newest reply a colleague gave you to translate"))
            self.setMinimumWidth(self.sizeHint().width())  # the status bar's message squeezes it
        self._fill_menu(waiting)
        self.setVisible(bool(waiting))
        new = [w for w in waiting if known is not None and w.message_id not in known]
        if new:
            self._bar.showMessage(
                i18n._("A colleague gave you a reply to translate: {customer}").format(
                    customer=display_text(new[0].customer_name, 80)
                ),
                MESSAGE_MS,
            )

    def _fill_menu(self, waiting: tuple[held.HeldReply, ...]) -> None:
        i18n = self._ctx.i18n
        menu = self.menu()
        menu.clear()
        for reply in waiting[:MENU_ROWS]:
            label = display_text(reply.customer_name, 60)
            if reply.language:
                label = f"{label} · {i18n.language_name(reply.language)}"
            action = menu.addAction(
                f"{label} · {i18n.day_and_time(reply.created_at, self._ctx.clock())}"
            )
            action.triggered.connect(
                lambda _c=False, cid=reply.conversation_id: self.open_requested.emit(cid)
            )

    def _open_newest(self) -> None:
        if self.waiting:
            self.open_requested.emit(self.waiting[0].conversation_id)


def install_held_notice(window: MainWindow) -> HeldNotice:
    """Put the badge in the window's status bar, on the window's change path; its click
    selects the conversation, or opens it even if the filters hide it."""
    notice = HeldNotice(window._ctx, window.statusBar(), window)
    window.statusBar().addPermanentWidget(notice)
    window.changes_applied.connect(notice.apply_changes)
    notice.open_requested.connect(window.open_conversation)
    return notice
