"""Desktop notifications in the window: asks :mod:`app.ops.notifications` after every sync
cycle and every minute (SLA warnings), shows what it returns in the system tray or, where
there is no tray, as in-app toasts; a click opens the conversation and raises the window.

One controller per signed-in server workspace, owned by the application (not the window:
the window is rebuilt when the settings change, the watermarks and the tray icon stay).
There is none for the demo or a ``--now`` pretend run (no sync: nothing arrives, nothing
real is read).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from app.ops.context import AppContext
from app.ops.notifications import Batch, Notification, Notifier, Preferences
from app.ui.notify.toasts import ToastStack, is_locked
from app.ui.notify.tray import Tray
from app.ui.shell.icons import icon
from app.ui.shell.menus import add_action, view_menu
from app.ui.sync.status import SyncController

if TYPE_CHECKING:
    from app.sync.api import SyncReport
    from app.ui.shell.main_window import MainWindow

CHECK_INTERVAL_MS = 60_000  # SLA warnings: checked every minute
FOCUS_KEYS = "Ctrl+Shift+M"


class NotificationController(QObject):
    """Owns the :class:`Notifier` (watermarks), the tray icon or the window's toasts.

    Signals:
        shown(object): a Notification was shown (tray message or toast).
        unread_changed(int): customer messages unread in my conversations.
    """

    shown = Signal(object)
    unread_changed = Signal(int)

    def __init__(
        self,
        ctx: AppContext,
        sync: SyncController,
        parent: QObject | None = None,
        *,
        tray_available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
        beep: Callable[[], None] = QApplication.beep,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.sync = sync
        self._beep = beep
        self.notifier = Notifier()  # touched on the store lane only
        self.window: MainWindow | None = None
        self.toasts: ToastStack | None = None
        self.tray: Tray | None = None
        if tray_available():
            self.tray = Tray(ctx.i18n, icon("crossdesk"), self)
            self.tray.open_requested.connect(self.open)
        self.unread = 0
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(lambda: self.check())
        sync.finished.connect(self._synced)

    # ------------------------------------------------------------------ wiring
    def attach(self, ctx: AppContext, window: MainWindow) -> None:
        """A (new) window: its toasts, the current settings and language; a first check
        (the baseline: nothing already in the store is news)."""
        self._ctx = ctx
        self.window = window
        if self.tray is not None:
            self.tray.set_i18n(ctx.i18n)
        else:
            self.toasts = ToastStack(ctx.i18n, window)
            self.toasts.open_requested.connect(self.open)
            add_action(  # the keyboard's way to a toast (then Enter opens, Escape dismisses)
                window,
                view_menu(window),
                ctx.i18n._("Go to the newest notification"),
                [FOCUS_KEYS],
                self.focus_newest,
            )
        self._timer.start()
        self.check()

    def focus_newest(self) -> None:
        """Put the keyboard on the newest toast (View menu, Ctrl+Shift+M)."""
        if self._live_window() is not None and self.toasts is not None and self.toasts.toasts:
            self.toasts.toasts[-1].setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _live_window(self) -> MainWindow | None:
        """The window, unless it has been closed and deleted (sign-out, another workspace:
        the application replaces this controller when it shows the next window)."""
        if self.window is not None and not shiboken6.isValid(self.window):
            self.window = None
            self.toasts = None
        return self.window

    def dispose(self) -> None:
        """The workspace closes (sign-out, another workspace): no more checks, no icon."""
        self._timer.stop()
        self.sync.finished.disconnect(self._synced)
        if self.tray is not None:
            self.tray.dispose()
        self.deleteLater()

    # ------------------------------------------------------------------ checking
    def looking_at(self) -> int | None:
        """The conversation on screen in the active window (never notified)."""
        window = self._live_window()
        if window is None or not window.isActiveWindow() or window.isMinimized():
            return None
        return window.conversation.conversation_id

    def _synced(self, report: SyncReport) -> None:
        self.check(synced=report.online and report.error is None and not report.signed_out)

    def check(self, *, synced: bool = False) -> None:
        """Ask the store lane what is new (after a sync, or on the minute timer)."""
        if self._live_window() is None:
            return
        notifier, i18n = self.notifier, self._ctx.i18n
        prefs = Preferences.from_settings(self._ctx.settings)
        now, looking_at = self._ctx.clock(), self.looking_at()
        self._ctx.tasks.run_store(
            lambda store: notifier.check(
                store, i18n, prefs, now, looking_at=looking_at, synced=synced
            ),
            lambda batch: self._show(batch, prefs),
            owner=self,
        )

    def _show(self, batch: Batch, prefs: Preferences) -> None:
        self.unread = batch.unread
        if self.tray is not None:
            self.tray.set_unread(batch.unread)
        self.unread_changed.emit(batch.unread)
        looking_at = self.looking_at()  # it may have changed since the check was asked
        shown = [
            n for n in batch.notifications if looking_at is None or n.conversation_id != looking_at
        ]
        for notification in shown:
            self._present(notification)
        if shown and prefs.sound:
            self._beep()

    def _present(self, notification: Notification) -> None:
        if self.tray is not None:
            self.tray.show_notification(notification, locked=is_locked(self._live_window()))
        elif self._live_window() is not None and self.toasts is not None:
            self.toasts.show_notification(notification)
        else:
            return
        self.shown.emit(notification)

    # ------------------------------------------------------------------ clicking
    def open(self, conversation_id: int | None) -> None:
        """A notification or the tray icon was clicked: the window comes to the front,
        with the conversation open."""
        window = self._live_window()
        if window is None:
            return
        if window.isMinimized():
            window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
        window.show()
        window.raise_()
        window.activateWindow()
        if conversation_id is not None:
            window.open_conversation(conversation_id)


def install_notifications(
    current: NotificationController | None,
    ctx: AppContext,
    window: MainWindow,
    sync: SyncController | None,
) -> NotificationController | None:
    """The application's hook when it shows a window: keep the controller of the same
    workspace (same sync), else replace it; none without sync (demo, pretend runs)."""
    if current is not None and current.sync is sync:
        current.attach(ctx, window)
        return current
    if current is not None:
        current.dispose()
    if sync is None:
        return None
    controller = NotificationController(ctx, sync, sync.parent())
    controller.attach(ctx, window)
    return controller
