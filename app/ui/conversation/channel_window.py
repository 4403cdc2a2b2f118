"""Channel realities in the conversation view: WhatsApp's (and Messenger's) 24-hour reply
window in the header, the composer's notice once it has closed, and the customer's
typing indicator where the backend provides one.

The rules live in ``app.domain.channel_window``; these widgets only show them. Nothing is
shown on channels without a documented window, and no typing indicator without the
backend's word (no fake indicators).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.domain.channel_window import (
    ReplyWindow,
    WindowState,
    last_customer_message_at,
    reply_window,
    split_duration,
)
from app.domain.models import ConversationDetail, Message, MessageKind
from app.i18n import I18n
from app.ui.shell import style
from app.ui.shell.labels import channel_label

TYPING_MAX_SECONDS = 120  # a backend's "typing until" further away than this is clamped


def duration_text(i18n: I18n, seconds: int) -> str:
    """ "3 h 12 min", "45 min", "2 d 4 h", "under a minute" (the countdown's units)."""
    _ = i18n._
    days, hours, minutes = split_duration(seconds)
    if days:
        return _("{days} d {hours} h").format(days=days, hours=hours)
    if hours and not minutes:
        return _("{hours} h").format(hours=hours)
    if hours:
        return _("{hours} h {minutes} min").format(hours=hours, minutes=minutes)
    if minutes:
        return _("{minutes} min").format(minutes=minutes)
    return _("under a minute")


def window_text(i18n: I18n, window: ReplyWindow) -> str:
    """The header's line for the window."""
    _ = i18n._
    if window.closes_at is None:
        return _("Reply window closed: the customer has not written here")
    if window.is_open:
        return _("Reply window: {time} left").format(time=duration_text(i18n, window.remaining))
    return _("Reply window closed {time} ago").format(time=duration_text(i18n, window.closed_for))


def closed_notice(i18n: I18n, window: ReplyWindow) -> str:
    """What the composer says up front once the window has closed."""
    _ = i18n._
    channel = channel_label(i18n, window.channel)
    hours = window.length // 3600
    if window.closes_at is None:
        first = _(
            "The customer has not written on {channel}: a free-form reply won't be delivered."
        ).format(channel=channel)
    else:
        first = _(
            "{channel}'s {hours}-hour window closed {time} ago: a free-form reply won't be "
            "delivered."
        ).format(channel=channel, hours=hours, time=duration_text(i18n, window.closed_for))
    if window.template_allowed:
        return first + " " + _("Send an approved template.")
    return first + " " + _("Wait for the customer to write again, or add an internal note.")


def last_read(messages: tuple[Message, ...]) -> Message | None:
    """The agent's newest message the customer has read (a backend's read receipt)."""
    for message in reversed(messages):
        if message.kind is MessageKind.AGENT and message.read_at is not None:
            return message
    return None


class ChannelStatus(QWidget):
    """In the header: the reply window's countdown (amber under an hour, red once closed)
    and "typing…" while the backend says the customer is typing."""

    def __init__(self, i18n: I18n, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._i18n = i18n
        self.reply_window: ReplyWindow | None = None
        self._last_customer_at: int | None = None
        self._detail: ConversationDetail | None = None
        self.window_label = QLabel(self)
        self.window_label.setObjectName("replyWindow")
        self.window_label.setTextFormat(Qt.TextFormat.PlainText)
        self.typing_label = QLabel(i18n._("typing…"), self)
        self.typing_label.setObjectName("customerTyping")
        self.typing_label.hide()
        self._typing_timer = QTimer(self)
        self._typing_timer.setSingleShot(True)
        self._typing_timer.timeout.connect(self.typing_label.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.typing_label)
        layout.addWidget(self.window_label)
        self.hide()

    def show_detail(self, detail: ConversationDetail, now: int) -> None:
        if self._detail is None or self._detail.row.id != detail.row.id:
            self.set_typing_until(None, now)
        self._detail = detail
        self._last_customer_at = last_customer_message_at(detail.messages)
        self.tick(now)

    def tick(self, now: int) -> None:
        """Recount the window (the pane's clock)."""
        detail = self._detail
        self.reply_window = (
            None
            if detail is None
            else reply_window(detail.row.channel, self._last_customer_at, now)
        )
        window = self.reply_window
        self.window_label.setVisible(window is not None)
        if window is not None:
            self.window_label.setText(window_text(self._i18n, window))
            color = {
                WindowState.OPEN: "",
                WindowState.CLOSING: f"color: {style.WARNING.name()}; font-weight: 600;",
                WindowState.CLOSED: f"color: {style.DANGER.name()}; font-weight: 600;",
            }[window.state]
            self.window_label.setProperty("level", window.state.value)
            self.window_label.setStyleSheet(color)
            self.window_label.setToolTip(
                self._i18n._(
                    "Free-form replies reach the customer only within {hours} hours of their "
                    "last message; each message from them opens the window again."
                ).format(hours=window.length // 3600)
            )
        self._fit_visibility()

    def set_typing_until(self, until: int | None, now: int) -> None:
        """The backend's "customer typing until" (None: not typing, or not provided)."""
        self._typing_timer.stop()
        left = 0 if until is None else min(until - now, TYPING_MAX_SECONDS)
        self.typing_label.setVisible(left > 0)
        if left > 0:
            self._typing_timer.start(left * 1000)
        self._fit_visibility()

    def _fit_visibility(self) -> None:
        self.setVisible(not self.window_label.isHidden() or not self.typing_label.isHidden())


class WindowGate(QFrame):
    """Above the composer once the window has closed: says why a free-form reply is not
    sent and offers the approved templates. ``blocked_changed(bool)`` tells the composer
    to refuse free-form replies (notes still work)."""

    blocked_changed = Signal(bool)
    template_requested = Signal()

    def __init__(self, i18n: I18n, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("windowGate")
        self.setAutoFillBackground(True)  # coloured by the app's style sheet (style.py)
        self._i18n = i18n
        self.blocked = False
        self.reply_window: ReplyWindow | None = None
        self.text = QLabel(self)
        self.text.setObjectName("windowGateText")
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        self.template_button = QPushButton(i18n._("Choose template…"), self)
        self.template_button.setObjectName("chooseTemplate")
        self.template_button.clicked.connect(self.template_requested.emit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 6, 14, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.template_button)
        self.hide()

    def show_window(self, window: ReplyWindow | None) -> None:
        """Show (or hide) the notice for the window as it stands now."""
        self.reply_window = window
        closed = window is not None and not window.is_open
        if closed and window is not None:
            self.text.setText(closed_notice(self._i18n, window))
            self.template_button.setVisible(window.template_allowed)
        self.setVisible(closed)
        if closed != self.blocked:
            self.blocked = closed
            self.blocked_changed.emit(closed)


def read_mark(i18n: I18n, messages: tuple[Message, ...], message: Message, now: int) -> str | None:
    """ "Read 14:05" under the agent's newest message the customer has read (the thread's
    delivery line); None for every other message, and where the backend sends no receipts."""
    if message.read_at is None or message is not last_read(messages):
        return None
    return i18n._("Read {when}").format(when=i18n.day_and_time(message.read_at, now))
