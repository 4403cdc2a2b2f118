"""Quiet system lines in the thread: "Ana Lima assigned this to Wei Zhang · 14:05".

The thread view asks :func:`in_time_order` for its messages and events interleaved and
hands each event to :func:`insert_event`: one centred, small grey paragraph, plain text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextBlockFormat, QTextCharFormat, QTextCursor

from app.domain.display import isolated
from app.domain.models import ConversationEvent, Message
from app.i18n import N_, I18n
from app.ui.shell import style

NAME_CHARS = 80


def in_time_order(
    messages: Sequence[Message], events: Sequence[ConversationEvent]
) -> Iterator[Message | ConversationEvent]:
    """Messages in their order, each event before the first message written after it."""
    pending = list(events)
    index = 0
    for message in messages:
        while index < len(pending) and pending[index].at < message.created_at:
            yield pending[index]
            index += 1
        yield message
    yield from pending[index:]


# kind -> (the line when the agent did it, the line when someone else did); the values
# they may name: {actor}, {agent} (assigned to), {tag}, {subject} (merged), {time}
_LINES: dict[str, tuple[str, str]] = {
    "assigned": (N_("You assigned this to {agent}"), N_("{actor} assigned this to {agent}")),
    "unassigned": (N_("Unassigned by you"), N_("Unassigned by {actor}")),
    "resolved": (N_("Resolved by you"), N_("Resolved by {actor}")),
    "reopened": (N_("Reopened by you"), N_("Reopened by {actor}")),
    "pending": (N_("Set to pending by you"), N_("Set to pending by {actor}")),
    "snoozed": (N_("Snoozed by you"), N_("Snoozed by {actor}")),
    "tagged": (N_("You tagged this “{tag}”"), N_("{actor} tagged this “{tag}”")),
    "untagged": (N_("You removed the tag “{tag}”"), N_("{actor} removed the tag “{tag}”")),
    "held": (
        N_("You held a reply for a human translation"),
        N_("{actor} held a reply for a human translation"),
    ),
    "released": (
        N_("You sent the held reply, translated"),
        N_("{actor} sent the held reply, translated"),
    ),
    "held_assigned": (  # app.ops.held
        N_("You asked {agent} to translate the held reply"),
        N_("{actor} asked {agent} to translate the held reply"),
    ),
    "hold_cancelled": (N_("You took the held reply back"), N_("{actor} took the held reply back")),
    "merged": (
        N_("You merged “{subject}” into this conversation"),
        N_("{actor} merged “{subject}” into this conversation"),
    ),
}
_SNOOZED_UNTIL = (N_("Snoozed by you until {time}"), N_("Snoozed by {actor} until {time}"))


def event_text(i18n: I18n, event: ConversationEvent, now: int) -> str:
    """The line for one event, in the agent's words ("Resolved by you · 14:10")."""
    _ = i18n._
    detail = event.detail
    kind = event.kind
    until = detail.get("until")
    when = i18n.day_and_time(until, now) if kind == "snoozed" and isinstance(until, int) else ""
    lines = _SNOOZED_UNTIL if when else _LINES.get(kind)
    if lines is None or (kind == "held_assigned" and not detail.get("to")):
        return ""  # a kind this version does not know: no line rather than a wrong one
    mine, others = lines
    template = _(mine) if event.by_me else _(others)
    text = template.format(
        actor=isolated(event.actor_name or _("Someone"), NAME_CHARS),
        agent=isolated(str(detail.get("to") or ""), NAME_CHARS),
        tag=isolated(str(detail.get("tag") or ""), 60),
        subject=isolated(str(detail.get("subject") or "") or _("(no subject)"), 80),
        time=when,
    )
    return f"{text} · {i18n.day_and_time(event.at, now)}"


class EventFormats:
    """The look of a system line, built once per thread view."""

    def __init__(self, point_size: float) -> None:
        self.block = QTextBlockFormat()
        self.block.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.block.setTopMargin(8)
        self.block.setBottomMargin(2)
        self.chars = QTextCharFormat()
        self.chars.setForeground(style.MUTED)
        self.chars.setFontPointSize(max(point_size - 1.5, 7))


def insert_event(
    cursor: QTextCursor, i18n: I18n, event: ConversationEvent, now: int, formats: EventFormats
) -> None:
    """One centred grey line after everything in the document so far."""
    text = event_text(i18n, event, now)
    if not text:
        return
    cursor.movePosition(QTextCursor.MoveOperation.End)
    cursor.insertBlock(formats.block, formats.chars)
    cursor.insertText(text, formats.chars)
