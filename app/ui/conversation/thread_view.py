"""The message thread, built as a read-only text document (selectable, copyable).

Customer text is inserted with ``QTextCursor.insertText``: it is never parsed as
HTML or Markdown, so ``<img src=http://…>`` shows as those characters and loads
nothing; :meth:`ThreadView.loadResource` refuses every resource as a second wall.
Very long messages are cut for display with a link that opens the whole text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, Qt, QUrl, Signal
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFrameFormat,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from app.domain.display import display_body, isolated
from app.domain.models import ConversationDetail, ConversationEvent, Message, MessageKind
from app.i18n import I18n
from app.ops.tasks import TaskRunner
from app.translation.api import Provenance, Result
from app.ui.conversation.channel_window import read_mark
from app.ui.conversation.mentions import highlight_mentions
from app.ui.conversation.thread_attachments import ATTACHMENT_SCHEME, Fetch, ThreadAttachments
from app.ui.customer.events import EventFormats, in_time_order, insert_event
from app.ui.shell import style
from app.ui.shell.labels import channel_label, provenance_details, provenance_text
from app.ui.translation.held_view import HELD_ACTIONS, held_content, held_frame

DISPLAY_LIMIT = 8_000  # characters of one message shown inline
AUTHOR_CHARS = 120  # of a customer's (or agent's) name above each message
FULL_MESSAGE_SCHEME = "crossdesk-message"
FLIP_SCHEME = "crossdesk-flip"  # original <-> translation of one message
PACKS_SCHEME = "crossdesk-packs"
HELD_SCHEME = "crossdesk-held"
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


class ShownState(StrEnum):
    """How one customer message's translation stands (a StrEnum: equal to its plain name)."""

    PENDING = "pending"  # being translated: "Translating…" under the message
    TRANSLATED = "translated"  # the translation is shown
    SAME = "same"  # already in the agent's language: nothing to show
    MISSING = "missing"  # could not be translated here (``note`` says why)
    UNAVAILABLE = "unavailable"  # no pack at all: the banner says so, once


@dataclass(frozen=True, slots=True)
class Shown:
    """How one customer message's translation stands, for display."""

    state: ShownState
    result: Result | None = None
    note: str | None = None  # why it is missing


def _looks(shown: Shown | None) -> tuple[str, str | None, str | None] | None:
    """What a translation state changes on screen (None: the message as written, alone)."""
    if shown is None or shown.state in (ShownState.SAME, ShownState.UNAVAILABLE):
        return None
    return shown.state, shown.result.text if shown.result else None, shown.note


class ThreadView(QTextBrowser):
    """Shows one conversation's messages and notes, customer messages translated.

    Signals:
        full_message_requested(int): the id of a long message the agent wants to read whole.
        packs_requested(): the agent clicked "Language packs…" under an untranslated message.
        held_reply_requested(int): the id of a held reply someone wants to translate and send.
        held_action_requested(str, int): assign or cancel (a HELD_ACTIONS scheme), and the id.
    """

    full_message_requested = Signal(int)
    packs_requested = Signal()
    held_reply_requested = Signal(int)
    held_action_requested = Signal(str, int)

    def __init__(self, i18n: I18n, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._i18n = i18n
        self.setObjectName("thread")
        # Text wraps to the width: a horizontal bar would only come and go as wide pieces
        # (a picture) are laid out, each time changing the height and laying it all out again.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.setAccessibleName(i18n._("Messages"))
        self.anchorClicked.connect(self._anchor_clicked)
        self.messages: tuple[Message, ...] = ()
        self.events: tuple[ConversationEvent, ...] = ()  # shown as system lines
        self.refused_resources: list[str] = []
        self.attachments: ThreadAttachments | None = None  # see use_attachments
        self.translations: dict[int, Shown] = {}
        self.mention_agents: list[tuple[int, str]] = []  # (id, name): @mentions in notes
        self._detail: ConversationDetail | None = None
        self._now = 0
        self._flipped: set[int] = set()  # messages showing the other text (original/your words)
        # Pinned to the newest message until the agent scrolls up: the document is laid
        # out in steps after it is set, so the bottom keeps moving after _render.
        self._pinned = False
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._range_changed)
        bar.actionTriggered.connect(self._scrolled)
        self._build_formats()

    def loadResource(self, kind: int, name: QUrl | str) -> Any:  # noqa: N802 - Qt override
        """Never load anything: no images, no style sheets, local or remote."""
        self.refused_resources.append(name.toString() if isinstance(name, QUrl) else name)
        return QByteArray()

    def _anchor_clicked(self, url: QUrl) -> None:
        scheme, target = url.scheme(), url.path()
        if scheme == FULL_MESSAGE_SCHEME and target.isdigit():
            self.full_message_requested.emit(int(target))
        elif scheme == FLIP_SCHEME and target.isdigit():
            self._flipped ^= {int(target)}
            self._render(keep_scroll=True)
        elif scheme == PACKS_SCHEME:
            self.packs_requested.emit()
        elif scheme == HELD_SCHEME and target.isdigit():
            self.held_reply_requested.emit(int(target))
        elif scheme in HELD_ACTIONS and target.isdigit():
            self.held_action_requested.emit(scheme, int(target))
        elif scheme == ATTACHMENT_SCHEME and target.isdigit() and self.attachments:
            self.attachments.open(int(target))

    def clear_thread(self) -> None:
        self.messages = ()
        self._detail = None
        self.translations = {}
        self.setDocument(QTextDocument(self))

    def show_detail(
        self, detail: ConversationDetail, now: int, translations: dict[int, Shown] | None = None
    ) -> None:
        """Lay out every message of the conversation and scroll to the newest.

        Re-shown (a reload), the scroll place is kept unless the agent just added the
        newest message (a reply or note): then the thread follows it to the bottom.
        """
        same_conversation = self._detail is not None and self._detail.row.id == detail.row.id
        if not same_conversation:
            self._flipped.clear()
        known = {m.id for m in self.messages} if same_conversation else set()
        newest = detail.messages[-1] if detail.messages else None
        sent_now = (
            newest is not None
            and newest.id not in known
            and newest.kind in (MessageKind.AGENT, MessageKind.NOTE)
        )
        self._detail, self._now = detail, now
        self.messages = detail.messages
        self.events = detail.events
        self.translations = dict(translations or {})
        self._render(keep_scroll=same_conversation and not sent_now)

    def use_attachments(self, tasks: TaskRunner, fetch: Fetch | None = None) -> None:
        """Show files under their messages, thumbnails decoded on ``tasks``' compute lane."""

        def rerender() -> None:
            self._render(keep_scroll=True)

        self.attachments = ThreadAttachments(self._i18n, tasks, self, rerender, fetch)

    def refresh_attachments(self, detail: ConversationDetail) -> None:
        """The same thread with other files (one arrived, one was refused): lay it out again."""
        shown = self._detail
        same = shown is not None and shown.row.id == detail.row.id
        if same and shown.attachments != detail.attachments:  # type: ignore[union-attr]
            self._detail = detail
            self._render(keep_scroll=True)

    def set_translations(self, translations: dict[int, Shown]) -> None:
        """New translation states arrived (progressively): redraw, keeping the scroll place.

        States that change nothing on screen (no pack: shown as written, as before) do not
        lay the thread out again: that costs tens of milliseconds for a long conversation.
        """
        changed = any(
            _looks(self.translations.get(mid)) != _looks(shown)
            for mid, shown in translations.items()
        )
        self.translations.update(translations)
        if changed:
            self._render(keep_scroll=True)

    def shown_text(self, message_id: int) -> str | None:
        """The text the agent currently reads for a message (tests, copy actions)."""
        shown = self.translations.get(message_id)
        flipped = message_id in self._flipped
        if shown is not None and shown.result is not None and not flipped:
            return shown.result.text
        message = next((m for m in self.messages if m.id == message_id), None)
        return message.body if message else None

    def _render(self, *, keep_scroll: bool) -> None:
        detail, now = self._detail, self._now
        if detail is None:
            return
        bar = self.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 4
        previous = bar.value()
        document = QTextDocument(self)
        document.setUndoRedoEnabled(False)
        document.setDefaultFont(self.font())
        document.setDocumentMargin(12)
        if self.attachments is not None:
            self.attachments.begin()
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        for item in in_time_order(detail.messages, detail.events):  # system lines among them
            if isinstance(item, Message):
                self._insert_message(cursor, item, detail, now)
            else:
                insert_event(cursor, self._i18n, item, now, self._event_formats)
        cursor.endEditBlock()
        self._pinned = not keep_scroll or at_bottom
        self.setDocument(document)
        if self.attachments is not None:
            self.attachments.start()  # thumbnails fill in after the thread is shown
        if self._pinned:  # the text cursor too: showing or focusing the view scrolls to it
            self.moveCursor(QTextCursor.MoveOperation.End)
        bar.setValue(bar.maximum() if self._pinned else previous)

    def _range_changed(self, _minimum: int, maximum: int) -> None:
        if self._pinned:
            self.verticalScrollBar().setValue(maximum)

    def _scrolled(self, _action: int) -> None:
        """The agent scrolled (wheel, bar, keys): pinned again only at the bottom."""
        bar = self.verticalScrollBar()
        self._pinned = bar.sliderPosition() >= bar.maximum() - 4

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """A new appearance (the OS turned dark, high contrast): the thread's colours too."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._theme != style.THEME:
            self._build_formats()
            self._render(keep_scroll=True)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """A new width lays the thread out again; Qt keeps the top line, not the newest."""
        super().resizeEvent(event)
        if self._pinned:
            self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())

    # ------------------------------------------------------------------ layout
    def _build_formats(self) -> None:
        # Built once per view (and per appearance): creating formats per message costs more
        # than laying out.
        self._theme = style.THEME
        self._frames: dict[MessageKind, QTextFrameFormat] = {}
        # The customer's bubbles sit at the start side (left, or right in an Arabic UI).
        mirrored = QGuiApplication.layoutDirection() is Qt.LayoutDirection.RightToLeft
        for kind in MessageKind:
            frame = QTextFrameFormat()
            frame.setBackground(style.BUBBLE[kind])
            frame.setPadding(8)
            frame.setTopMargin(10)
            if kind in (MessageKind.CUSTOMER, MessageKind.AGENT):
                at_start = (kind is MessageKind.CUSTOMER) != mirrored
                (frame.setRightMargin if at_start else frame.setLeftMargin)(SIDE_GAP)
            elif kind is MessageKind.NOTE:
                frame.setLeftMargin(SIDE_GAP // 2)
                frame.setRightMargin(SIDE_GAP // 2)
                frame.setBorder(1)
                frame.setBorderBrush(style.NOTE_BORDER)
                frame.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Dashed)
            self._frames[kind] = frame
        self._held_frame = held_frame(self._frames[MessageKind.AGENT])
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
        self._meta_block = QTextBlockFormat()
        self._meta_block.setTopMargin(4)
        self._meta_block.setLayoutDirection(QGuiApplication.layoutDirection())
        self._body = QTextCharFormat()
        self._body.setForeground(style.TEXT)
        self._link = QTextCharFormat()
        self._link.setAnchor(True)
        self._link.setForeground(style.LINK)
        self._link.setFontUnderline(True)
        self._event_formats = EventFormats(self.font().pointSizeF())

    def _insert_message(
        self, cursor: QTextCursor, message: Message, detail: ConversationDetail, now: int
    ) -> None:
        i18n = self._i18n
        kind = message.kind
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertFrame(self._held_frame if message.held else self._frames[kind])
        cursor.setBlockFormat(self._header_block)  # the header line reads in the UI's direction
        if kind is MessageKind.CUSTOMER:
            author = isolated(detail.customer.name, AUTHOR_CHARS)
        elif kind is MessageKind.NOTE:
            author = i18n._("Internal note · {agent}").format(
                agent=isolated(message.author_name, AUTHOR_CHARS)
            )
        elif kind is MessageKind.AGENT:
            author = (
                isolated(message.author_name, AUTHOR_CHARS)
                if message.author_name
                else i18n._("Agent")
            )
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
        text, meta, links = self._body_and_meta(message)
        self._insert_text(cursor, message, text)
        if meta or links:
            cursor.insertBlock(self._meta_block, self._muted)
            cursor.insertText(meta, self._meta_format(message))
            for label, href in links:
                link = QTextCharFormat(self._link)
                link.setFontPointSize(self._muted.fontPointSize())
                link.setAnchorHref(href)
                cursor.insertText("  ", self._muted)
                cursor.insertText(label, link)
        if self.attachments is not None:
            self.attachments.insert(cursor, detail.attachments.get(message.id, ()))

    def _meta_format(self, message: Message) -> QTextCharFormat:
        """The muted line, with the translation's route (the exact packs) as its tooltip."""
        meta = QTextCharFormat(self._muted)
        shown = self.translations.get(message.id)
        if shown is not None and shown.result is not None:
            provenance: Provenance | None = shown.result.provenance
        else:
            provenance = Provenance.from_json(message.provenance) if message.original_body else None
        if provenance is not None:
            meta.setToolTip(provenance_details(self._i18n, provenance))
        return meta

    def _body_and_meta(self, message: Message) -> tuple[str, str, list[tuple[str, str]]]:
        """The text to show, a muted line under it, and links for that line."""
        flipped = message.id in self._flipped
        flip = f"{FLIP_SCHEME}:{message.id}"
        delivery = self._delivery_text(message)
        body, meta, links = self._content(message, flipped, flip)
        if delivery:
            meta = f"{delivery} · {meta}" if meta else delivery
        return body, meta, links

    def _delivery_text(self, message: Message) -> str | None:
        _ = self._i18n._
        read = read_mark(self._i18n, self.messages, message, self._now)
        if read is not None:  # the backend's read receipt (shown once: the newest read)
            return read
        if message.delivery == "queued":
            return _("Queued: sent as soon as the server is reachable")
        if message.delivery == "sent":
            return _("Sent")
        if message.delivery == "failed":
            return _("Not sent: the server refused it (see “needs attention” in the status bar)")
        return None

    def _content(
        self, message: Message, flipped: bool, flip: str
    ) -> tuple[str, str, list[tuple[str, str]]]:
        i18n = self._i18n
        if message.kind is MessageKind.AGENT and message.held:
            return held_content(i18n, message, f"{HELD_SCHEME}:{message.id}")
        if message.kind is MessageKind.AGENT and message.original_body is not None:
            provenance = Provenance.from_json(message.provenance)
            label = provenance_text(i18n, provenance, outgoing=True) if provenance else ""
            if provenance is not None and provenance.kind == "untranslated":
                return message.body, label, []
            if flipped:
                return (
                    message.original_body,
                    i18n._("Your words, before translation."),
                    [(i18n._("Show what was sent"), flip)],
                )
            return message.body, label, [(i18n._("Show your words"), flip)]
        if message.kind is not MessageKind.CUSTOMER:
            return message.body, "", []
        shown = self.translations.get(message.id)
        if shown is None or shown.state in (ShownState.SAME, ShownState.UNAVAILABLE):
            return message.body, "", []  # unavailable: the banner above the thread says why
        if shown.state == ShownState.PENDING:
            return message.body, i18n._("Translating…"), []
        if shown.state == ShownState.MISSING:
            return (
                message.body,
                i18n._("Not translated: {reason}").format(reason=shown.note),
                [(i18n._("Language packs…"), f"{PACKS_SCHEME}:")],
            )
        assert shown.result is not None
        label = provenance_text(i18n, shown.result.provenance)
        if flipped:
            return message.body, i18n._("Original text."), [(i18n._("Show translation"), flip)]
        return shown.result.text, label, [(i18n._("Show original"), flip)]

    def _insert_text(self, cursor: QTextCursor, message: Message, text: str) -> None:
        i18n = self._i18n
        # Shown with overrides turned into isolates and combining stacks clamped (see
        # app.domain.display); the store and the whole-message viewer keep it as received.
        if len(text) <= DISPLAY_LIMIT:
            start, shown = cursor.position(), display_body(text)
            cursor.insertText(shown, self._body)
            if message.kind is MessageKind.NOTE and self.mention_agents:
                highlight_mentions(cursor.document(), start, shown, self.mention_agents)
            return
        cursor.insertText(display_body(text[:DISPLAY_LIMIT]) + "…", self._body)
        link = QTextCharFormat(self._link)
        link.setAnchorHref(f"{FULL_MESSAGE_SCHEME}:{message.id}")
        cursor.insertBlock(QTextBlockFormat(), self._body)
        cursor.insertText(
            i18n._("Show the whole message ({size})").format(size=size_label(i18n, len(text))), link
        )
