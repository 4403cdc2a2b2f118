"""What a screen reader says for an inbox row: the painted row as one sentence.

The delegate paints a name, two badges, an SLA chip and an unread bubble; a screen
reader gets the same facts in words (the SLA chip's own strings, the country named,
not coded) and, as the row's description, what the customer last said.
"""

from __future__ import annotations

from app.domain.display import display_text
from app.domain.models import ConversationRow, MessageKind, Status
from app.i18n import I18n
from app.ui.shell.labels import channel_label, status_label

NAME_CHARS = 120  # of a customer's name, as the list shows it
SAID_CHARS = 240  # of the last message (a screen reader does not need all of it)
SUBJECT_CHARS = 120


def sla_words(i18n: I18n, row: ConversationRow, now: int) -> str:
    """The SLA chip in words: "Due in 2h 15m", "Overdue 40m", a snooze, or "No SLA"."""
    _ = i18n._
    if row.status is Status.SNOOZED:
        if row.snooze_until_reply:
            return _("Snoozed until the customer replies")
        if row.snoozed_until:
            return _("Snoozed until {when}").format(when=i18n.day_and_time(row.snoozed_until, now))
    if row.status not in (Status.OPEN, Status.PENDING):
        return status_label(i18n, row.status)
    if row.sla_due_at is None or not now:
        return _("No SLA")
    remaining = row.sla_due_at - now
    duration = i18n.duration(remaining)
    if remaining < 0:
        return _("Overdue {duration}").format(duration=duration)
    return _("Due in {duration}").format(duration=duration)


def spoken_row(i18n: I18n, row: ConversationRow, now: int) -> str:
    """The row's accessible text: customer, country, SLA state, unread count."""
    unread = i18n.ngettext("{count} unread", "{count} unread", row.unread_count).format(
        count=i18n.number(row.unread_count)
    )
    return i18n._("{customer}, {country}: {sla}, {unread}").format(
        customer=display_text(row.customer_name, NAME_CHARS),
        country=i18n.country_name(row.country) if row.country else "—",
        sla=sla_words(i18n, row, now),
        unread=unread,
    )


def spoken_detail(i18n: I18n, row: ConversationRow, said: str | None = None) -> str:
    """The row's accessible description: the channel, the subject, the last message (or
    where a search matched, ``said``), all plain text."""
    text = display_text(said if said is not None else row.last_message_preview, SAID_CHARS)
    if said is None and row.last_message_kind is MessageKind.AGENT:
        text = i18n._("You: {text}").format(text=text)
    parts = [channel_label(i18n, row.channel)]
    if row.subject and row.subject.strip():
        parts.append(display_text(row.subject, SUBJECT_CHARS))
    parts.append(text)
    return " · ".join(parts)
