"""The message thread, built as a read-only text document (selectable, copyable).

Customer text is inserted with ``QTextCursor.insertText``: it is never parsed as
HTML or Markdown, so ``<img src=http://…>`` shows as those characters and loads
nothing; :meth:`ThreadView.loadResource` refuses every resource as a second wall.
Very long messages are cut for display with a link that opens the whole text.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFrameFormat,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from app.domain.models import ConversationDetail, Message, MessageKind
from app.i18n import I18n
from app.ui import style
from app.ui.labels import channel_label, isolate

DISPLAY_LIMIT = 8_000  # characters of one message shown inline
FULL_MESSAGE_SCHEME = "crossdesk-message"
SIDE_GAP = 64


def size_label(i18n: I18n, chars: int) -> str:
    """Message size as agents think of it: characters, or KB/MB for huge pastes."""
    if chars < 10_000:
        return i18n.ngettext("{count} character", "{count} characters", chars).format(
            count=i18n.number(chars)
        )
    if chars < 1_000_000:
        return i18n._("{size} KB").format(size=i18n.number(round(chars / 1000)))
    return i18n._("{size} MB").format(size=i18n.number(round(chars / 1_000_000, 1)))


class ThreadView(QTextBrowser):
    """Shows one conversation's messages and notes.

    Signals:
        full_message_requested(int): the id of a long message the agent wants to read whole.
    """

    full_message_requested = Signal(int)

    def __init__(self, i18n: I18n, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._i18n = i18n
        self.setObjectName("thread")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.setAccessibleName(i18n._("Messages"))
        self.anchorClicked.connect(self._anchor_clicked)
        self.messages: tuple[Message, ...] = ()
        self.refused_resources: list[str] = []
        self._build_formats()

    def loadResource(self, kind: int, name: QUrl) -> Any:  # noqa: N802 - Qt override
        """Never load anything: no images, no style sheets, local or remote."""
        self.refused_resources.append(name.toString())
        return QByteArray()

    def _anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == FULL_MESSAGE_SCHEME and url.path().isdigit():
            self.full_message_requested.emit(int(url.path()))

    def clear_thread(self) -> None:
        self.messages = ()
        self.setDocument(QTextDocument(self))

    def show_detail(self, detail: ConversationDetail, now: int) -> None:
        """Lay out every message of the conversation and scroll to the newest."""
        self.messages = detail.messages
        document = QTextDocument(self)
        document.setUndoRedoEnabled(False)
        document.setDefaultFont(self.font())
        document.setDocumentMargin(12)
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        for message in detail.messages:
            self._insert_message(cursor, message, detail, now)
        cursor.endEditBlock()
        self.setDocument(document)
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())

    # ------------------------------------------------------------------ layout
    def _build_formats(self) -> None:
        # Built once per view: creating formats per message costs more than laying out.
        self._frames: dict[MessageKind, QTextFrameFormat] = {}
        for kind in MessageKind:
            frame = QTextFrameFormat()
            frame.setBackground(style.BUBBLE[kind])
            frame.setPadding(8)
            frame.setTopMargin(10)
            if kind is MessageKind.CUSTOMER:
                frame.setRightMargin(SIDE_GAP)
            elif kind is MessageKind.AGENT:
                frame.setLeftMargin(SIDE_GAP)
            elif kind is MessageKind.NOTE:
                frame.setLeftMargin(SIDE_GAP // 2)
                frame.setRightMargin(SIDE_GAP // 2)
                frame.setBorder(1)
                frame.setBorderBrush(QColor("#E8C64A"))
                frame.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Dashed)
            self._frames[kind] = frame
        self._header = QTextCharFormat()
        self._header.setFontWeight(QFont.Weight.DemiBold)
        self._header.setForeground(style.TEXT)
        self._muted = QTextCharFormat()
        self._muted.setForeground(style.MUTED)
        self._muted.setFontPointSize(max(self.font().pointSizeF() - 1, 7))
        self._header_block = QTextBlockFormat()
        self._header_block.setLayoutDirection(QGuiApplication.layoutDirection())
        self._body_block = QTextBlockFormat()
        self._body_block.setTopMargin(4)
        self._body = QTextCharFormat()
        self._body.setForeground(style.TEXT)
        self._link = QTextCharFormat()
        self._link.setAnchor(True)
        self._link.setForeground(style.ACCENT)
        self._link.setFontUnderline(True)

    def _insert_message(
        self, cursor: QTextCursor, message: Message, detail: ConversationDetail, now: int
    ) -> None:
        i18n = self._i18n
        kind = message.kind
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertFrame(self._frames[kind])
        cursor.setBlockFormat(self._header_block)  # the header line reads in the UI's direction
        if kind is MessageKind.CUSTOMER:
            author = isolate(detail.customer.name)
        elif kind is MessageKind.NOTE:
            author = i18n._("Internal note · {agent}").format(
                agent=isolate(message.author_name or "")
            )
        elif kind is MessageKind.AGENT:
            author = isolate(message.author_name) if message.author_name else i18n._("Agent")
        else:
            author = i18n._("System")
        cursor.insertText(author, self._header)
        details = [i18n.day_and_time(message.created_at, now)]
        zone = detail.customer.timezone
        theirs = i18n.time(message.created_at, zone)
        if theirs != i18n.time(message.created_at):
            details.append(i18n._("{time} customer time").format(time=theirs))
        if kind is not MessageKind.NOTE:
            details.append(channel_label(i18n, message.channel))
        cursor.insertText("   " + "  ·  ".join(details), self._muted)
        cursor.insertBlock(self._body_block, self._body)
        text = message.body
        if len(text) <= DISPLAY_LIMIT:
            cursor.insertText(text, self._body)
            return
        cursor.insertText(text[:DISPLAY_LIMIT] + "…", self._body)
        link = QTextCharFormat(self._link)
        link.setAnchorHref(f"{FULL_MESSAGE_SCHEME}:{message.id}")
        cursor.insertBlock(QTextBlockFormat(), self._body)
        cursor.insertText(
            i18n._("Show the whole message ({size})").format(size=size_label(i18n, len(text))), link
        )
