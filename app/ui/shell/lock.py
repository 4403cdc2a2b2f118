"""The screen lock: after the chosen idle time (Settings → General) and when the OS session
locks, the window hides everything it shows behind a lock panel until the agent proves
they may see it again. Also the status bar's "Encrypted" / "not encrypted" label.

While locked: the panes are replaced by the panel (hidden widgets are neither painted nor
grabbed), the status bar is hidden (the undo bar names customers), the menus and every
keyboard shortcut are off, other windows of the app (a customer's history, KPIs, a
dialog) are hidden and come back on unlock, and the title names no customer. The draft
being typed is saved first.

Unlocking:
- a workspace whose key is in the keychain: the keychain must still give that key (the
  OS account is unlocked) — read on the compute lane, since a keychain may prompt;
- a passphrase workspace: its passphrase, compared with the one it was opened with;
- the demo (sample data, not encrypted): one click. The lock there only keeps the screen
  private; there is no secret to check.
"""

from __future__ import annotations

import time
from enum import StrEnum

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.i18n import I18n
from app.ops import workspace_keys
from app.ops.context import AppContext
from app.ui.notify.toasts import LOCKED, ToastStack
from app.ui.shell.icons import icon
from app.ui.shell.main_window import MainWindow
from app.ui.shell.session_lock import SessionLockWatch
from app.ui.shell.workspace_key import KeyGate

MINUTE_MS = 60_000
COLUMN_WIDTH = 520  # the lock panel's text column, in pixels at 100 %
TOUCH_EVERY_S = 1.0  # a stream of mouse moves restarts the idle timer at most this often
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class UnlockBy(StrEnum):
    CLICK = "click"  # the demo
    KEYCHAIN = "keychain"
    PASSPHRASE = "passphrase"


def unlock_by(keys: KeyGate) -> UnlockBy:
    """How the open workspace is unlocked, from the key it was opened with."""
    key = keys.opened_with
    if key is None:
        return UnlockBy.CLICK
    return UnlockBy.PASSPHRASE if key.passphrase is not None else UnlockBy.KEYCHAIN


class LockPanel(QWidget):
    """What a locked window shows: no customer data, an Unlock button (and the passphrase
    field for a passphrase workspace).

    Signals:
        unlock_requested(str): the typed passphrase ("" when none is asked).
    """

    unlock_requested = Signal(str)

    def __init__(self, i18n: I18n, by: UnlockBy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _ = i18n._
        self.setObjectName("lockPanel")
        title = QLabel(_("CrossDesk is locked"), self)
        title.setObjectName("lockTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        title.setFont(font)
        explain = {
            UnlockBy.CLICK: _(
                "The demo workspace holds sample data only and is not encrypted: "
                "click Unlock to continue."
            ),
            UnlockBy.KEYCHAIN: _(
                "Unlocking checks that your computer account's keychain still holds this "
                "workspace's key."
            ),
            UnlockBy.PASSPHRASE: _("Type the workspace's passphrase to unlock it."),
        }[by]
        self.explanation = QLabel(explain, self)
        self.explanation.setWordWrap(True)
        self.passphrase = QLineEdit(self)
        self.passphrase.setObjectName("lockPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setMaxLength(workspace_keys.MAX_PASSPHRASE_CHARS)
        self.passphrase.setAccessibleName(_("Passphrase"))
        self.passphrase.setVisible(by is UnlockBy.PASSPHRASE)
        self.passphrase.returnPressed.connect(self._request)
        self.problem = QLabel(self)
        self.problem.setObjectName("lockProblem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.unlock_button = QPushButton(_("Unlock"), self)
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.clicked.connect(self._request)
        # One centred column: word-wrapped labels get their full height in it.
        column = QWidget(self)
        column.setMaximumWidth(COLUMN_WIDTH)
        inner = QVBoxLayout(column)
        for label in (title, self.explanation, self.problem):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            inner.addWidget(label)
        inner.addWidget(self.passphrase)
        inner.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignHCenter)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, 3)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def _request(self) -> None:
        self.unlock_requested.emit(self.passphrase.text())

    def refuse(self, text: str) -> None:
        self.unlock_button.setEnabled(True)
        self.passphrase.clear()
        self.problem.setText(text)
        self.problem.show()

    def reset(self) -> None:
        self.unlock_button.setEnabled(True)
        self.passphrase.clear()
        self.problem.hide()


class ScreenLock(QObject):
    """Locks ``window`` after ``settings.lock_after_minutes`` without input in the app (0:
    never) and when the OS session locks.

    Signals:
        locked_changed(bool): locked (True) or unlocked (False).
    """

    locked_changed = Signal(bool)

    def __init__(self, window: MainWindow, ctx: AppContext, keys: KeyGate) -> None:
        super().__init__(window)
        self.window, self._ctx, self._keys = window, ctx, keys
        self.by = unlock_by(keys)
        self.locked = False
        self._title = ""
        self._hidden: list[QWidget] = []
        self._touched = 0.0
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        minutes = max(0, int(getattr(ctx.settings, "lock_after_minutes", 0)))
        self.timer.setInterval(minutes * MINUTE_MS)
        self.panel = LockPanel(ctx.i18n, self.by)
        self.panel.unlock_requested.connect(self.try_unlock)
        content = window.takeCentralWidget()
        self.stack = QStackedWidget(window)
        self.stack.setObjectName("lockStack")
        if content is not None:
            self.stack.addWidget(content)
        self.stack.addWidget(self.panel)
        window.setCentralWidget(self.stack)
        if content is not None:
            self.stack.setCurrentWidget(content)
        qt_app = QApplication.instance()
        if qt_app is not None:
            qt_app.installEventFilter(self)
        self.session = SessionLockWatch(window)
        self.session.locked.connect(self.lock)
        if minutes:
            self.timer.start()

    # ------------------------------------------------------------------ idle
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if self.locked:  # no action of this window runs behind the lock
            return kind == QEvent.Type.Shortcut and self._owns(watched)
        if kind in INPUT_EVENTS and self.timer.interval() > 0:
            now = time.monotonic()
            if now - self._touched >= TOUCH_EVERY_S:
                self._touched = now
                self.timer.start()
        return False

    def _owns(self, target: QObject | None) -> bool:
        """``target`` (an action, a shortcut) belongs to this window."""
        while target is not None:
            if target is self.window:
                return True
            target = target.parent()
        return False

    # ------------------------------------------------------------------ lock
    def lock(self) -> None:
        """Hide every piece of customer data the app shows."""
        if self.locked:
            return
        self.locked = True
        self.timer.stop()
        window = self.window
        window.conversation.composer.flush_draft()
        self._hidden = []
        for widget in QApplication.topLevelWidgets():
            if not widget.isVisible() or widget is window:
                continue
            widget.hide()
            if widget.windowType() not in (Qt.WindowType.Popup, Qt.WindowType.ToolTip):
                self._hidden.append(widget)  # a menu or a tooltip is not brought back
        self._title = window.windowTitle()
        window.setWindowTitle(self._ctx.i18n._("CrossDesk — locked"))
        window.menuBar().setEnabled(False)
        window.statusBar().hide()
        window.setProperty(LOCKED, True)  # notifications now say only that something came
        for toasts in window.findChildren(ToastStack):
            toasts.clear()
        self.panel.reset()
        self.stack.setCurrentWidget(self.panel)
        self.panel.passphrase.setFocus()
        self.locked_changed.emit(True)

    def try_unlock(self, typed: str = "") -> None:
        """Check what unlocks this workspace; unlock, or say why not and stay locked."""
        if not self.locked:
            return
        _ = self._ctx.i18n._
        if self.by is UnlockBy.CLICK:
            self.unlock()
        elif self.by is UnlockBy.PASSPHRASE:
            if workspace_keys.same_passphrase(self._keys.opened_with, typed):
                self.unlock()
            else:
                self.panel.refuse(_("That passphrase does not open this workspace."))
        else:
            self.panel.unlock_button.setEnabled(False)
            path, key = self._keys.choice.path, self._keys.opened_with
            self._ctx.tasks.run(
                lambda: workspace_keys.unlocks(path, key),
                self._keychain_answered,
                lambda _error: self._keychain_answered(False),
                owner=self,
            )

    def _keychain_answered(self, ok: bool) -> None:
        if not self.locked:
            return
        if ok:
            self.unlock()
            return
        self.panel.refuse(
            self._ctx.i18n._(
                "The system keychain did not give this workspace's key. Unlock your "
                "keychain (or your computer account), then try again."
            )
        )

    def unlock(self) -> None:
        window = self.window
        self.stack.setCurrentIndex(0)
        window.menuBar().setEnabled(True)
        window.statusBar().show()
        window.setProperty(LOCKED, False)
        window.setWindowTitle(self._title)
        for widget in self._hidden:
            widget.show()
        self._hidden = []
        self.locked = False
        if self.timer.interval() > 0:
            self.timer.start()
        self.locked_changed.emit(False)


def show_encryption(window: MainWindow, i18n: I18n, by: UnlockBy) -> QLabel:
    """The status bar says whether the workspace is encrypted at rest (the demo is not)."""
    _ = i18n._
    label = QLabel(window)
    label.setObjectName("encryptionState")
    label.setTextFormat(Qt.TextFormat.PlainText)
    if by is UnlockBy.CLICK:
        label.setText(_("Not encrypted (sample data)"))
        tip = _("Demo workspace: sample data, not encrypted")
        window.workspace_label.setToolTip(tip)
    else:
        label.setText(_("Encrypted"))
        badge = QLabel(window)
        badge.setObjectName("encryptionIcon")
        badge.setAccessibleName(_("Encrypted"))
        size = label.fontMetrics().height()
        badge.setPixmap(icon("lock").pixmap(size, size))
        window.statusBar().addPermanentWidget(badge)
        tip = (
            _("This workspace is encrypted on this computer; its key is in the system keychain.")
            if by is UnlockBy.KEYCHAIN
            else _("This workspace is encrypted on this computer with your passphrase.")
        )
    label.setToolTip(tip)
    label.setAccessibleName(tip)
    window.statusBar().addPermanentWidget(label)
    return label


def add_lock_action(window: MainWindow, lock: ScreenLock, i18n: I18n) -> QAction:
    """File → Lock now, above Quit (the File menu is the one holding Settings…)."""
    action = QAction(i18n._("Lock now"), window)
    action.setObjectName("lockNowAction")
    action.setShortcut(QKeySequence("Ctrl+L"))  # leaving the desk: one key, as the OS's Win+L
    action.triggered.connect(lambda _checked=False: lock.lock())
    for entry in window.menuBar().actions():
        menu = entry.menu()
        if not isinstance(menu, QMenu):
            continue
        entries = menu.actions()
        if any(a.shortcut() == QKeySequence("Ctrl+,") for a in entries):
            separators = [a for a in entries if a.isSeparator()]
            menu.insertAction(separators[-1] if separators else entries[-1], action)
            break
    window.addAction(action)
    return action


def install_lock(window: MainWindow, ctx: AppContext, keys: KeyGate) -> ScreenLock:
    """The encryption label, the screen lock and File → Lock now of a new main window."""
    show_encryption(window, ctx.i18n, unlock_by(keys))
    lock = ScreenLock(window, ctx, keys)
    add_lock_action(window, lock, ctx.i18n)
    return lock
