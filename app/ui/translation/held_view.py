"""How a reply held for a human translator looks in the thread, and what can be done with
it there: a distinct bubble, "Not sent yet — waiting for a translator (name)", and links to
translate and send it, give it to a colleague, or take it back into the composer."""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextFrameFormat

from app.domain.display import isolated
from app.domain.models import Message
from app.i18n import I18n
from app.ui.shell import style

HELD_ASSIGN_SCHEME = "crossdesk-held-assign"
HELD_CANCEL_SCHEME = "crossdesk-held-cancel"
HELD_ACTIONS = (HELD_ASSIGN_SCHEME, HELD_CANCEL_SCHEME)
HELD_BACKGROUND = QColor("#FFF1E0")  # amber: not the blue of a reply that went out
HELD_BORDER = QColor("#E08A1E")
NAME_CHARS = 80


def held_frame(reply_frame: QTextFrameFormat) -> QTextFrameFormat:
    """The agent-reply bubble, amber with a dashed border: it has not gone out."""
    frame = QTextFrameFormat(reply_frame)
    frame.setBackground(style.HELD)  # HELD_BACKGROUND in the light theme
    frame.setBorder(1.5)
    frame.setBorderBrush(style.HELD_BORDER)
    frame.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Dashed)
    return frame


def waiting_text(i18n: I18n, message: Message) -> str:
    """The line under a held reply: not sent, and whom it waits for."""
    if message.held_for_name and message.held_for_name.strip():
        name = isolated(message.held_for_name, NAME_CHARS)
        return i18n._("Not sent yet — waiting for a translator ({name})").format(name=name)
    return i18n._("Not sent yet — waiting for a translator")


def held_content(
    i18n: I18n, message: Message, translate_href: str
) -> tuple[str, str, list[tuple[str, str]]]:
    """The agent's words, the waiting line, and the held reply's actions (as links)."""
    return (
        message.original_body or message.body,
        waiting_text(i18n, message),
        [
            (i18n._("Translate and send…"), translate_href),
            (i18n._("Assign to colleague…"), f"{HELD_ASSIGN_SCHEME}:{message.id}"),
            (i18n._("Cancel hold"), f"{HELD_CANCEL_SCHEME}:{message.id}"),
        ],
    )
