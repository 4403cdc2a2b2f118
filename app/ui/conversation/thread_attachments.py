"""Attachments under their message in the thread: thumbnails that fill in, and file chips.

The thread is laid out at once with a grey tile where each picture goes (sized from the
picture's header when known, so nothing moves when it arrives); the pictures are decoded
on the compute lane (:func:`images.decode_image`: limits first, scaled decode) and put
into the document under a private ``crossdesk-thumb:`` name, which the view paints from
memory: :meth:`ThreadView.loadResource` still refuses everything else. A picture that
cannot be shown keeps a crossed tile and says why ("Can't show this image: …"); the rest
of the thread is untouched. A received file not downloaded yet is asked for once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, QSize, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QPixmap,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextImageFormat,
)
from PySide6.QtWidgets import QTextBrowser

from app.domain.attachments import Attachment, AttachmentState
from app.domain.changes import Changes
from app.domain.display import isolated
from app.i18n import I18n
from app.ops.tasks import TaskRunner
from app.ui.conversation.attachment_viewer import AttachmentViewer, byte_size
from app.ui.conversation.images import (
    THUMB_EDGE,
    Decoded,
    Refusal,
    decode_image,
    fit_within,
    placeholder_tile,
    refusal_text,
)
from app.ui.shell import style

ATTACHMENT_SCHEME = "crossdesk-attachment"
THUMB_SCHEME = "crossdesk-thumb"
NAME_CHARS = 60  # of a file name on its chip
CACHE_SIZE = 300  # thumbnails kept in memory (about 100 KB each)
TILE_CACHE_SIZE = 64  # grey placeholder tiles, one per size

Fetch = Callable[[Attachment], None]


def _key(attachment: Attachment) -> str:
    """One thumbnail per content: the same photo on two messages is decoded once."""
    return attachment.sha256 or f"id-{attachment.id}"


class ThreadAttachments(QObject):
    """Puts a thread's attachments into its document and fills the thumbnails in.

    ``fetch``: asks for a received file that is not on this computer yet (the sync
    engine's lazy download); the conversation is re-shown when it arrives.

    Signals:
        filled(): every thumbnail the thread asked for is in (or refused).
    """

    filled = Signal()

    def __init__(
        self,
        i18n: I18n,
        tasks: TaskRunner,
        view: QTextBrowser,
        rerender: Callable[[], None],
        fetch: Fetch | None = None,
    ) -> None:
        super().__init__(view)
        self._i18n = i18n
        self._tasks = tasks
        self._view = view
        self._rerender = rerender
        self.fetch = fetch
        self.thumbnails: OrderedDict[str, QPixmap] = OrderedDict()
        self.refused: dict[str, Refusal] = {}
        self.shown: dict[int, Attachment] = {}  # in the document now, by id
        self._wanted: dict[str, Attachment] = {}  # to decode after the layout
        self._decoding: set[str] = set()
        self._fetched: set[int] = set()  # asked once per attachment and session
        self._tiles: dict[tuple[int, int, bool], QPixmap] = {}
        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(0)
        self._relayout.timeout.connect(self._rerender)
        self._link = QTextCharFormat()
        self._link.setAnchor(True)
        self._link.setForeground(style.LINK)
        self._muted = QTextCharFormat()
        self._muted.setForeground(style.MUTED)

    @property
    def pending(self) -> int:
        """Thumbnails asked for and not yet in (benchmarks and tests wait for 0)."""
        return len(self._decoding) + len(self._wanted)

    def begin(self) -> None:
        """A new layout of the thread starts."""
        self.shown = {}
        self._wanted = {}

    # ------------------------------------------------------------------ layout
    def insert(self, cursor: QTextCursor, attachments: Sequence[Attachment]) -> None:
        """Under a message: its pictures in a row, then one chip per file."""
        if not attachments:
            return
        document = cursor.document()
        images = [a for a in attachments if a.is_image]
        if images:
            block = QTextBlockFormat()
            block.setTopMargin(6)
            cursor.insertBlock(block, self._muted)
            for attachment in images:
                self._insert_thumbnail(cursor, document, attachment)
                cursor.insertText("  ", self._muted)
        block = QTextBlockFormat()
        block.setTopMargin(4)
        for attachment in attachments:
            self.shown[attachment.id] = attachment
            cursor.insertBlock(block, self._muted)
            self._insert_chip(cursor, attachment)

    def _box(self, attachment: Attachment) -> QSize:
        width, height = attachment.width or 0, attachment.height or 0
        return fit_within(width, height, THUMB_EDGE) if width and height else QSize(120, 90)

    def _insert_thumbnail(
        self, cursor: QTextCursor, document: QTextDocument, attachment: Attachment
    ) -> None:
        key = _key(attachment)
        name = f"{THUMB_SCHEME}:{key}"
        pixmap = self.thumbnails.get(key)
        if pixmap is not None:
            self.thumbnails.move_to_end(key)  # recently shown: kept longest
            size = pixmap.deviceIndependentSize().toSize()
        else:
            size = self._box(attachment)
            waiting = key not in self.refused and attachment.state is not AttachmentState.REFUSED
            pixmap = self._tile(size, waiting)
            if waiting:
                self._want(attachment)
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), pixmap)
        image = QTextImageFormat()
        image.setName(name)
        image.setWidth(size.width())
        image.setHeight(size.height())
        image.setAnchor(True)
        image.setAnchorHref(f"{ATTACHMENT_SCHEME}:{attachment.id}")
        image.setToolTip(attachment.filename)
        cursor.insertImage(image)

    def _insert_chip(self, cursor: QTextCursor, attachment: Attachment) -> None:
        i18n = self._i18n
        link = QTextCharFormat(self._link)
        link.setAnchorHref(f"{ATTACHMENT_SCHEME}:{attachment.id}")
        cursor.insertText("📎 ", self._muted)
        cursor.insertText(isolated(attachment.filename, NAME_CHARS), link)
        details = [byte_size(i18n, attachment.size)]
        reason = self._reason(attachment)
        if reason:
            details.append(reason)
        cursor.insertText("  " + " · ".join(details), self._muted)

    def _reason(self, attachment: Attachment) -> str | None:
        """Why there is no picture (or no file) to show, if that is so."""
        _ = self._i18n._
        if attachment.state is AttachmentState.REFUSED:
            return _("Refused: {reason}").format(reason=attachment.refused_reason or "")
        refusal = self.refused.get(_key(attachment))
        if refusal is not None:
            return _("Can't show this image: {reason}").format(
                reason=refusal_text(self._i18n, refusal)
            )
        if attachment.path is None:
            return _("Not downloaded yet")
        return None

    def _tile(self, size: QSize, waiting: bool) -> QPixmap:
        key = (size.width(), size.height(), waiting)
        tile = self._tiles.get(key)
        if tile is None:
            if len(self._tiles) >= TILE_CACHE_SIZE:  # one per picture shape seen: bounded
                self._tiles.clear()
            tile = self._tiles[key] = QPixmap.fromImage(placeholder_tile(size, waiting))
        return tile

    # ------------------------------------------------------------------ decoding
    def _want(self, attachment: Attachment) -> None:
        key = _key(attachment)
        if key not in self._decoding:
            self._wanted[key] = attachment

    def start(self) -> None:
        """The thread is on screen: decode what it is waiting for, off the UI thread."""
        wanted, self._wanted = self._wanted, {}
        ratio = max(1.0, self._view.devicePixelRatioF())
        for key, attachment in wanted.items():
            if attachment.path is not None:
                self._decode(key, attachment.path, ratio)
            elif self.fetch is not None and attachment.id not in self._fetched:
                self._fetched.add(attachment.id)
                self.fetch(attachment)
        if not self._decoding:
            self.filled.emit()

    def _decode(self, key: str, path: Path, ratio: float) -> None:
        edge = round(THUMB_EDGE * ratio)

        def work() -> Decoded:
            return decode_image(path, edge)

        def done(decoded: Decoded) -> None:
            self._decoded(key, decoded, ratio)

        def failed(_error: BaseException) -> None:  # decode_image does not raise; a guard
            self._decoded(key, Decoded(None, Refusal.DAMAGED), ratio)

        self._decoding.add(key)
        self._tasks.run(work, done, failed, owner=self)

    def _decoded(self, key: str, decoded: Decoded, ratio: float) -> None:
        self._decoding.discard(key)
        document = self._view.document()
        if decoded.image is None:
            self.refused[key] = decoded.refusal or Refusal.DAMAGED
            while len(self.refused) > CACHE_SIZE:
                del self.refused[next(iter(self.refused))]
            self._relayout.start()  # the chip says why; the tile gets its cross
        else:
            pixmap = QPixmap.fromImage(decoded.image)
            pixmap.setDevicePixelRatio(ratio)
            self.thumbnails[key] = pixmap
            while len(self.thumbnails) > CACHE_SIZE:
                self.thumbnails.popitem(last=False)
            shown = next((a for a in self.shown.values() if _key(a) == key), None)
            size = pixmap.deviceIndependentSize().toSize()
            if shown is not None and size != self._box(shown):
                self._relayout.start()  # turned by EXIF, or its size was unknown
            name = QUrl(f"{THUMB_SCHEME}:{key}")
            document.addResource(QTextDocument.ResourceType.ImageResource, name, pixmap)
            self._view.viewport().update()
        if not self._decoding and not self._relayout.isActive():
            self.filled.emit()

    def fetch_failed(self, attachment_id: int) -> None:
        """The server could not be reached: ask again the next time the thread shows it."""
        self._fetched.discard(attachment_id)

    # ------------------------------------------------------------------ opening
    def open(self, attachment_id: int) -> AttachmentViewer | None:
        """The viewer for a clicked thumbnail or chip."""
        attachment = self.shown.get(attachment_id)
        if attachment is None:
            return None
        viewer = AttachmentViewer(self._i18n, self._tasks, attachment, self._view)
        viewer.open()
        return viewer


class _Window(Protocol):
    """What :func:`install_attachment_fetch` needs of the main window."""

    conversation: Any

    def apply_changes(self, changes: Changes, initiator: object = None) -> None: ...


class _Fetcher(Protocol):
    def fetch_attachment(
        self,
        attachment_id: int,
        done: Callable[[Changes], None],
        failed: Callable[[BaseException], None],
    ) -> None: ...


def install_attachment_fetch(window: _Window, sync: _Fetcher) -> None:
    """A received file not here yet is fetched from the server when its thread shows it;
    the conversation is re-shown with it (or with the reason it was refused)."""
    files: ThreadAttachments | None = window.conversation.thread_view.attachments
    if files is None:
        return

    def fetch(attachment: Attachment) -> None:
        sync.fetch_attachment(
            attachment.id,
            lambda changes: window.apply_changes(changes, sync),
            lambda _error: files.fetch_failed(attachment.id),
        )

    files.fetch = fetch
