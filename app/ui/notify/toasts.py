"""In-app toasts where there is no system tray: a small stack in the window's corner.

Plain text only (a customer's name or words are never rich text), auto-hiding after a few
seconds unless the pointer or the keyboard focus is on one, reachable with Tab: Enter or
Space opens the conversation, Escape dismisses. At most :data:`MAX_VISIBLE` at once (the
notifier already coalesces bursts; the oldest goes first).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import I18n
from app.ops.notifications import Notification

AUTO_HIDE_MS = 7_000
MAX_VISIBLE = 3
WIDTH = 340
MARGIN = 16


LOCKED = "crossdeskLocked"  # the window's property while the screen lock is on


def is_locked(window: QWidget | None) -> bool:
    """Whether the screen lock is on for ``window`` (what notifications may say follows)."""
    return window is not None and bool(window.property(LOCKED))


def withheld(i18n: I18n, notification: Notification) -> Notification:
    """What a notification says while CrossDesk is locked: that something came, never
    who or what (a locked screen shows no customer data, toasts and tray messages too)."""
    return Notification(
        notification.kind,
        notification.conversation_id,
        "CrossDesk",
        i18n._("Something new arrived. Unlock CrossDesk to see it."),
    )


class Toast(QFrame):
    """One notification.

    Signals:
        activated(object): the conversation id to open (None: just the window).
        dismissed(): closed without opening.
    """

    activated = Signal(object)
    dismissed = Signal()

    def __init__(self, notification: Notification, i18n: I18n, parent: QWidget) -> None:
        super().__init__(parent)
        self.notification = notification
        self.setObjectName("toast")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFixedWidth(WIDTH)
        self.setAccessibleName(notification.title)
        self.setAccessibleDescription(notification.body)
        self.title = QLabel(notification.title, self)
        self.title.setObjectName("toastTitle")
        self.body = QLabel(notification.body, self)
        self.body.setObjectName("toastBody")
        for label in (self.title, self.body):
            label.setTextFormat(Qt.TextFormat.PlainText)  # customer text: never markup
            label.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.body.setVisible(bool(notification.body))
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("toastClose")
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip(i18n._("Dismiss"))
        self.close_button.setAccessibleName(i18n._("Dismiss"))
        self.close_button.clicked.connect(self.dismissed)
        text = QVBoxLayout()
        text.addWidget(self.title)
        text.addWidget(self.body)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 8, 6, 8)
        row.addLayout(text, 1)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.setStyleSheet(
            "QFrame#toast { background: palette(base); border: 1px solid palette(mid);"
            " border-radius: 6px; }"
        )
        self.setFixedHeight(self._height(row, text))  # wrapped lines, never clipped
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTO_HIDE_MS)
        self.timer.timeout.connect(self._expire)
        self.timer.start()

    def _height(self, row: QHBoxLayout, text: QVBoxLayout) -> int:
        """The height the wrapped title and body need at the toast's fixed width."""
        margins = row.contentsMargins()
        button = self.close_button.sizeHint()
        width = WIDTH - margins.left() - margins.right() - row.spacing() - button.width() - 4
        height = self.title.heightForWidth(width)
        if self.notification.body:
            height += text.spacing() + self.body.heightForWidth(width)
        return max(height, button.height()) + margins.top() + margins.bottom() + 4

    def _expire(self) -> None:
        if self.underMouse() or self.hasFocus() or self.close_button.hasFocus():
            self.timer.start()  # the agent is on it: wait
            return
        self.dismissed.emit()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self.activated.emit(self.notification.conversation_id)
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit(self.notification.conversation_id)
        elif event.key() == Qt.Key.Key_Escape:
            self.dismissed.emit()
        else:
            super().keyPressEvent(event)


class ToastStack(QWidget):
    """The toasts over the window's bottom-right corner (a child widget: no frame, moves
    with the window).

    Signals:
        open_requested(object): a toast was clicked: the conversation id (or None).
    """

    open_requested = Signal(object)

    def __init__(self, i18n: I18n, window: QWidget) -> None:
        super().__init__(window)
        self._i18n = i18n
        self._window = window
        self.setObjectName("toastStack")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, False)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        self.toasts: list[Toast] = []
        window.installEventFilter(self)
        self.hide()

    def set_i18n(self, i18n: I18n) -> None:
        self._i18n = i18n

    def clear(self) -> None:
        """The window locks: the toasts on screen go (they may name a customer)."""
        for toast in list(self.toasts):
            self._remove(toast)

    def show_notification(self, notification: Notification) -> Toast:
        """Add a toast (newest at the bottom); the oldest goes beyond MAX_VISIBLE."""
        if is_locked(self._window):
            notification = withheld(self._i18n, notification)
        while len(self.toasts) >= MAX_VISIBLE:
            self._remove(self.toasts[0])
        toast = Toast(notification, self._i18n, self)
        toast.activated.connect(lambda cid, t=toast: self._activated(t, cid))
        toast.dismissed.connect(lambda t=toast: self._remove(t))
        self.toasts.append(toast)
        self._layout.addWidget(toast)
        self._place()
        self.show()
        self.raise_()
        return toast

    def _activated(self, toast: Toast, conversation_id: int | None) -> None:
        self._remove(toast)
        self.open_requested.emit(conversation_id)

    def _remove(self, toast: Toast) -> None:
        if toast not in self.toasts:
            return
        self.toasts.remove(toast)
        toast.timer.stop()
        toast.hide()
        self._layout.removeWidget(toast)
        toast.deleteLater()
        if self.toasts:
            self._place()
        else:
            self.hide()

    def _place(self) -> None:
        # Each toast has a fixed height: the stack is their sum (the layout's own hint lags
        # behind a toast just added).
        height = sum(t.height() for t in self.toasts)
        height += self._layout.spacing() * (len(self.toasts) - 1)
        bottom = self._window.height() - MARGIN
        if isinstance(self._window, QMainWindow) and self._window.statusBar().isVisible():
            bottom -= self._window.statusBar().height()  # the toasts never cover the status bar
        top = max(bottom - height, 0)
        self.setGeometry(
            max(self._window.width() - WIDTH - MARGIN, 0), top, WIDTH, min(height, bottom - top)
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._window and event.type() == QEvent.Type.Resize and self.toasts:
            self._place()
        return False
