"""A channel's customer-service window: how long after the customer's last message a
free-form reply is still delivered (Qt-free).

Only what is documented is encoded (/work/shared/research/kpis-channels-privacy.md,
"WhatsApp's customer-service window"):

- WhatsApp: a customer's message opens a 24-hour customer-service window and each
  further customer message resets it to 24 hours; the business's own messages do not
  refresh it. While it is open free-form messages may be sent; after it closes only
  pre-approved template messages can be sent, and sending a template does not reopen
  the window until the customer answers. Sources: Meta's WhatsApp Business Platform
  "Service messages" page (updated May 2026); Twilio error 63016; YCloud and Bird docs.
- Messenger: a similar 24-hour standard messaging window for user-initiated
  conversations (same research note). Messenger has no approved-template path in the
  research, so there the agent is told the window closed but offered no template.

Every other channel (e-mail, web chat, LINE, SMS, phone) has no documented window:
:func:`reply_window` returns None and nothing is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from app.domain.models import Channel, Message, MessageKind

HOUR = 3600
# Channel -> seconds after the customer's last message during which free-form replies are
# delivered. Sourced above; nothing else is guessed.
WINDOWS: dict[Channel, int] = {
    Channel.WHATSAPP: 24 * HOUR,
    Channel.MESSENGER: 24 * HOUR,
}
# Channels where a closed window can be answered with an approved message template.
TEMPLATE_CHANNELS: frozenset[Channel] = frozenset({Channel.WHATSAPP})
CLOSING_SOON = HOUR  # under this the header turns amber


class WindowState(Enum):
    """Where the window stands now."""

    OPEN = "open"
    CLOSING = "closing"  # open, less than CLOSING_SOON left
    CLOSED = "closed"  # closed, or never opened (the customer never wrote on this channel)


@dataclass(frozen=True, slots=True)
class ReplyWindow:
    """A conversation's window at one moment.

    ``closes_at`` is None when the customer has never written (no window was opened);
    ``remaining`` is 0 once closed; ``closed_for`` how long ago it closed (0 while open
    or when it never opened).
    """

    channel: Channel
    length: int
    closes_at: int | None
    now: int

    @property
    def remaining(self) -> int:
        return 0 if self.closes_at is None else max(0, self.closes_at - self.now)

    @property
    def closed_for(self) -> int:
        return 0 if self.closes_at is None else max(0, self.now - self.closes_at)

    @property
    def state(self) -> WindowState:
        left = self.remaining
        if left <= 0:
            return WindowState.CLOSED
        return WindowState.CLOSING if left < CLOSING_SOON else WindowState.OPEN

    @property
    def is_open(self) -> bool:
        return self.state is not WindowState.CLOSED

    @property
    def template_allowed(self) -> bool:
        """Whether an approved template can reach the customer once it is closed."""
        return self.channel in TEMPLATE_CHANNELS


def last_customer_message_at(messages: tuple[Message, ...] | list[Message]) -> int | None:
    """When the customer last wrote (the window's start), or None if they never did."""
    times = [m.created_at for m in messages if m.kind is MessageKind.CUSTOMER]
    return max(times) if times else None


def reply_window(channel: Channel, last_customer_at: int | None, now: int) -> ReplyWindow | None:
    """The window of a conversation on ``channel`` whose customer last wrote at
    ``last_customer_at``; None for channels without a documented window."""
    length = WINDOWS.get(channel)
    if length is None:
        return None
    closes_at = None if last_customer_at is None else last_customer_at + length
    return ReplyWindow(channel, length, closes_at, now)


def split_duration(seconds: int) -> tuple[int, int, int]:
    """Days, hours and minutes in ``seconds`` (minutes rounded down; under a minute is 0)."""
    seconds = max(0, seconds)
    days, rest = divmod(seconds, 24 * HOUR)
    hours, rest = divmod(rest, HOUR)
    return days, hours, rest // 60
