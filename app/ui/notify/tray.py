"""The system tray icon: the unread count as a badge on the icon and in its tooltip,
notifications through :meth:`QSystemTrayIcon.showMessage`, a click that opens CrossDesk.

Only used where :meth:`QSystemTrayIcon.isSystemTrayAvailable` says there is a tray (the
controller falls back to in-app toasts otherwise).
"""

from __future__ import annotations

import html
import sys

from PySide6.QtCore import QObject, QRect, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app.i18n import I18n
from app.ops.notifications import Notification
from app.ui.notify.toasts import withheld

ICON_SIZE = 64
BADGE_COLOR = QColor(211, 47, 47)  # a red badge, as mail and chat apps draw one
MESSAGE_MS = 8_000
MAX_BADGE = 99  # more shows as "99+"


def badge_icon(base: QIcon, count: int) -> QIcon:
    """``base`` with the count in a red circle at its top right (no badge at 0)."""
    pixmap = base.pixmap(ICON_SIZE, ICON_SIZE)
    if pixmap.isNull():
        pixmap = QPixmap(ICON_SIZE, ICON_SIZE)
        pixmap.fill(QColor(90, 110, 140))
    if count <= 0:
        return QIcon(pixmap)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    diameter = ICON_SIZE * 5 // 8
    rect = QRect(ICON_SIZE - diameter, 0, diameter, diameter)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(BADGE_COLOR)
    painter.drawEllipse(rect)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(diameter // 2 if count > 9 else diameter * 2 // 3)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    text = f"{MAX_BADGE}+" if count > MAX_BADGE else str(count)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return QIcon(pixmap)


def tray_body(text: str) -> str:
    """The body as the desktop's notifier shows it literally: on Linux the freedesktop
    notification servers read simple markup in the body (a customer's ``<b>`` would be
    bold), so ``& < >`` go as entities there; elsewhere the text is plain already."""
    return html.escape(text, quote=False) if sys.platform.startswith("linux") else text


class Tray(QObject):
    """The tray icon and its menu.

    Signals:
        open_requested(object): a conversation id to open (None: just show the window).
    """

    open_requested = Signal(object)

    def __init__(self, i18n: I18n, base: QIcon, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._base = base
        self.unread = 0
        self.last_conversation: int | None = None  # what clicking the last message opens
        self.icon = QSystemTrayIcon(badge_icon(base, 0), self)
        self.menu = QMenu()
        self._open_action = self.menu.addAction("")
        self._open_action.triggered.connect(lambda: self.open_requested.emit(None))
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.icon.messageClicked.connect(lambda: self.open_requested.emit(self.last_conversation))
        self.set_i18n(i18n)
        self.icon.show()

    def set_i18n(self, i18n: I18n) -> None:
        self._i18n = i18n
        self._open_action.setText(i18n._("Open CrossDesk"))
        self.set_unread(self.unread)

    def set_unread(self, count: int) -> None:
        """The badge and the tooltip follow the unread count."""
        self.unread = count
        self.icon.setIcon(badge_icon(self._base, count))
        if count:
            tip = self._i18n.ngettext(
                "CrossDesk · {count} unread message", "CrossDesk · {count} unread messages", count
            ).format(count=self._i18n.number(count))
        else:
            tip = self._i18n._("CrossDesk · nothing unread")
        self.icon.setToolTip(tip)

    def show_notification(self, notification: Notification, *, locked: bool = False) -> None:
        """A desktop message; ``locked``: CrossDesk is locked, it says only that something
        came."""
        if locked:
            notification = withheld(self._i18n, notification)
        self.last_conversation = notification.conversation_id
        self.icon.showMessage(
            notification.title,
            tray_body(notification.body),
            QSystemTrayIcon.MessageIcon.Information,
            MESSAGE_MS,
        )

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_requested.emit(None)

    def dispose(self) -> None:
        self.icon.hide()
        self.menu.deleteLater()
