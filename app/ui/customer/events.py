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
from app.i18n import I18n
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


def event_text(i18n: I18n, event: ConversationEvent, now: int) -> str:
    """The line for one event, in the agent's words ("Resolved by you · 14:10")."""
    _ = i18n._
    detail = event.detail
    who = isolated(event.actor_name or _("Someone"), NAME_CHARS)
    tag = isolated(str(detail.get("tag") or ""), 60)
    to = isolated(str(detail.get("to") or ""), NAME_CHARS)
    mine = event.by_me
    kind = event.kind
    if kind == "assigned":
        text = (
            _("You assigned this to {agent}").format(agent=to)
            if mine
            else _("{actor} assigned this to {agent}").format(actor=who, agent=to)
        )
    elif kind == "unassigned":
        text = _("Unassigned by you") if mine else _("Unassigned by {actor}").format(actor=who)
    elif kind == "resolved":
        text = _("Resolved by you") if mine else _("Resolved by {actor}").format(actor=who)
    elif kind == "reopened":
        text = _("Reopened by you") if mine else _("Reopened by {actor}").format(actor=who)
    elif kind == "pending":
        text = (
            _("Set to pending by you") if mine else _("Set to pending by {actor}").format(actor=who)
        )
    elif kind == "snoozed":
        until = detail.get("until")
        when = i18n.day_and_time(until, now) if isinstance(until, int) else ""
        if when:
            text = (
                _("Snoozed by you until {time}").format(time=when)
                if mine
                else _("Snoozed by {actor} until {time}").format(actor=who, time=when)
            )
        else:
            text = _("Snoozed by you") if mine else _("Snoozed by {actor}").format(actor=who)
    elif kind == "tagged":
        text = (
            _("You tagged this “{tag}”").format(tag=tag)
            if mine
            else _("{actor} tagged this “{tag}”").format(actor=who, tag=tag)
        )
    elif kind == "untagged":
        text = (
            _("You removed the tag “{tag}”").format(tag=tag)
            if mine
            else _("{actor} removed the tag “{tag}”").format(actor=who, tag=tag)
        )
    elif kind == "held":
        text = (
            _("You held a reply for a human translation")
            if mine
            else _("{actor} held a reply for a human translation").format(actor=who)
        )
    elif kind == "released":
        text = (
            _("You sent the held reply, translated")
            if mine
            else _("{actor} sent the held reply, translated").format(actor=who)
        )
    elif kind == "held_assigned" and detail.get("to"):  # app.ops.held
        text = (
            _("You asked {agent} to translate the held reply").format(agent=to)
            if mine
            else _("{actor} asked {agent} to translate the held reply").format(actor=who, agent=to)
        )
    elif kind == "hold_cancelled":
        text = (
            _("You took the held reply back")
            if mine
            else _("{actor} took the held reply back").format(actor=who)
        )
    elif kind == "merged":
        subject = isolated(str(detail.get("subject") or "") or _("(no subject)"), 80)
        text = (
            _("You merged “{subject}” into this conversation").format(subject=subject)
            if mine
            else _("{actor} merged “{subject}” into this conversation").format(
                actor=who, subject=subject
            )
        )
    else:
        return ""  # a kind this version does not know: no line rather than a wrong one
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
