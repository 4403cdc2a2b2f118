"""Files on the reply being written: Attach (Ctrl+U), drop files, paste a picture; the tray.

The files belong to the conversation's draft in the store (``app.ops.attachments``), so
they survive a switch of conversation and a restart like the text does, and the send
moves them onto the message in the same transaction. Every file is checked there (type
from its bytes, size, pixels, count); a refused file is named with the reason under the
tray and the others are attached. A pasted picture is saved as PNG (encoded off the UI
thread). Works the same in Reply and Internal note mode.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QMimeData, QObject, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.attachments import (
    MAX_IMAGE_PIXELS,
    MAX_IMAGE_SIDE,
    MAX_PER_MESSAGE,
    Attachment,
    AttachmentError,
    too_many,
    too_many_pixels,
)
from app.domain.changes import Changes
from app.domain.display import isolated
from app.domain.models import ConversationDetail
from app.ops import attachments as attachment_ops
from app.ops.context import AppContext
from app.ops.types import Store
from app.ui.conversation.attachment_viewer import byte_size
from app.ui.conversation.composer import Composer
from app.ui.shell.icons import icon
from app.ui.shell.labels import localize

ATTACH_KEYS = "Ctrl+U"  # as in Slack; free in the window and unused by a plain-text editor
CHIP_NAME_CHARS = 28
PASTED_NAME = "pasted-image.png"

ChooseFiles = Callable[[QWidget, str], list[str]]


def ask_files(parent: QWidget, title: str) -> list[str]:
    """Qt's open dialog for one or more files."""
    chosen, _filter = QFileDialog.getOpenFileNames(parent, title)
    return chosen


def local_files(mime: QMimeData) -> list[Path]:
    """The local files a drop or paste carries (nothing if any is not a local file)."""
    if not mime.hasUrls():
        return []
    urls = mime.urls()
    if not urls or not all(url.isLocalFile() for url in urls):
        return []
    return [Path(url.toLocalFile()) for url in urls]


def png_bytes(image: QImage) -> bytes:
    """A picture as PNG (safe on the compute lane: QImage is not tied to the UI thread)."""
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; str works
    buffer.close()
    return bytes(array.data())


class AttachmentTray(QFrame):
    """One chip per file on the draft (name, size, ×), and why a file was not attached.

    Signals:
        remove_requested(int): the attachment id whose × was clicked.
    """

    remove_requested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._i18n = ctx.i18n
        self.setObjectName("attachmentTray")
        self.items: tuple[Attachment, ...] = ()
        self.chips = QWidget(self)
        self._row = QHBoxLayout(self.chips)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(6)
        self._row.addStretch(1)
        self.scroller = QScrollArea(self)
        self.scroller.setWidget(self.chips)
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setFixedHeight(34)
        self.refusals = QLabel(self)
        self.refusals.setObjectName("attachmentRefusals")
        self.refusals.setTextFormat(Qt.TextFormat.PlainText)
        self.refusals.setWordWrap(True)
        self.refusals.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.scroller)
        layout.addWidget(self.refusals)
        self.scroller.hide()
        self.hide()

    def set_items(self, items: Sequence[Attachment]) -> None:
        """Show these files (the draft's, in the order they were added)."""
        self.items = tuple(items)
        while self._row.count() > 1:
            item = self._row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.setParent(None)  # gone from the tray now
                widget.deleteLater()
        for position, attachment in enumerate(self.items):
            self._row.insertWidget(position, self._chip(attachment))
        self.scroller.setVisible(bool(self.items))
        self._update_visible()

    def _chip(self, attachment: Attachment) -> QFrame:
        _ = self._i18n._
        chip = QFrame(self.chips)
        chip.setObjectName("attachmentChip")
        name = isolated(attachment.filename, CHIP_NAME_CHARS)
        label = QLabel(f"{name}  ·  {byte_size(self._i18n, attachment.size)}", chip)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setToolTip(attachment.filename)
        remove = QToolButton(chip)
        remove.setObjectName("removeAttachment")
        remove.setText("×")
        remove.setAutoRaise(True)
        remove.setAccessibleName(_("Remove {file}").format(file=attachment.filename))
        remove.setToolTip(_("Remove {file}").format(file=attachment.filename))
        remove.clicked.connect(lambda: self.remove_requested.emit(attachment.id))
        row = QHBoxLayout(chip)
        row.setContentsMargins(8, 2, 2, 2)
        row.setSpacing(2)
        icon_label = QLabel(chip)
        icon_label.setPixmap(icon("attach").pixmap(14, 14))
        row.addWidget(icon_label)
        row.addWidget(label)
        row.addWidget(remove)
        return chip

    def show_refusals(self, reasons: Sequence[str]) -> None:
        """Why files were not attached (empty: clear)."""
        _ = self._i18n._
        lines = [_("Not attached: {reason}").format(reason=reason) for reason in reasons]
        self.refusals.setText("\n".join(lines))
        self.refusals.setVisible(bool(lines))
        self._update_visible()

    def _update_visible(self) -> None:
        self.setVisible(bool(self.items) or self.refusals.isVisibleTo(self))


class ComposerAttachments(QObject):
    """Connects the composer's Attach button, drops and pastes to the draft's files.

    Signals:
        changed(object): the Changes of an added or removed file (the pane reloads).
    """

    changed = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        composer: Composer,
        report_error: Callable[[BaseException], None],
        choose_files: ChooseFiles = ask_files,
    ) -> None:
        super().__init__(composer)
        self._ctx = ctx
        self._composer = composer
        self._report_error = report_error
        self.choose_files = choose_files
        _ = ctx.i18n._
        self.tray = AttachmentTray(ctx, composer)
        self.tray.remove_requested.connect(self.remove)
        composer.add_panel(self.tray)
        self.button = QToolButton(composer)
        self.button.setObjectName("attachButton")
        self.button.setIcon(icon("attach"))
        self.button.setText(_("Attach"))
        self.button.setAutoRaise(True)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        shortcut = QKeySequence(ATTACH_KEYS)
        self.button.setToolTip(
            _("Attach files ({keys})").format(
                keys=shortcut.toString(QKeySequence.SequenceFormat.NativeText)
            )
        )
        self.button.clicked.connect(self.attach_chosen)
        composer.add_tool(self.button)
        keys = QShortcut(shortcut, composer)
        keys.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        keys.activated.connect(self.attach_chosen)
        composer.setAcceptDrops(True)
        composer.installEventFilter(self)
        composer.editor.installEventFilter(self)
        composer.editor.viewport().installEventFilter(self)

    def accept_drops_on(self, widget: QWidget) -> None:
        """Files dropped on ``widget`` too (the thread: agents drop anywhere on the
        conversation) go onto the draft; other drops are left to the widget."""
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    # ------------------------------------------------------------------ showing
    def show_draft(self, detail: ConversationDetail | None) -> None:
        """The open conversation's draft files (after it opened or was reloaded)."""
        cid = self._composer.conversation_id
        if detail is None or detail.row.id != cid:
            return
        if tuple(detail.draft_attachments) != self.tray.items:
            self._show(detail.draft_attachments)
        if self._shown_for != cid:
            self.tray.show_refusals(())
        self._shown_for = cid

    _shown_for: int | None = None

    def _show(self, items: Sequence[Attachment]) -> None:
        self.tray.set_items(items)
        self._composer.set_has_attachments(bool(items))

    # ------------------------------------------------------------------ adding
    def attach_chosen(self) -> None:
        """Attach (button, Ctrl+U): choose files, attach them."""
        if self._composer.conversation_id is None:
            return
        chosen = self.choose_files(self._composer, self._ctx.i18n._("Attach files"))
        if chosen:
            self.attach_files([Path(name) for name in chosen])

    def attach_files(self, paths: Sequence[Path]) -> None:
        """Attach files from disk; each refused one is named with its reason."""
        cid, now = self._composer.conversation_id, self._ctx.clock()
        if cid is None or not paths:
            return
        chosen = list(paths)

        def work(store: Store) -> tuple[Changes, tuple[Attachment, ...], list[str]]:
            changes, refused = Changes(), []
            existing = len(attachment_ops.draft_attachments(store, cid))
            room = max(0, MAX_PER_MESSAGE - existing)
            if len(chosen) > room:  # the first ones fit; the rest are named as too many
                refused.append(localize(self._ctx.i18n, too_many(existing + len(chosen))))
            for source in chosen[:room]:
                try:
                    changes |= attachment_ops.add_file_to_draft(store, cid, source, now)
                except AttachmentError as error:
                    refused.append(localize(self._ctx.i18n, error))
            return changes, attachment_ops.draft_attachments(store, cid), refused

        self._ctx.tasks.run_store(work, lambda r: self._added(cid, *r), self._failed, owner=self)

    def attach_image(self, image: QImage) -> None:
        """A pasted picture: PNG-encoded on the compute lane, then attached."""
        cid, now = self._composer.conversation_id, self._ctx.clock()
        if cid is None or image.isNull():
            return
        width, height = image.width(), image.height()
        if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE:
            error = too_many_pixels(PASTED_NAME, width, height)  # refused before encoding
            self.tray.show_refusals([localize(self._ctx.i18n, error)])
            return
        picture = image.copy()

        def store_png(data: bytes) -> None:
            def work(store: Store) -> tuple[Changes, tuple[Attachment, ...], list[str]]:
                try:
                    changes = attachment_ops.add_bytes_to_draft(store, cid, data, PASTED_NAME, now)
                except AttachmentError as error:
                    refused = [localize(self._ctx.i18n, error)]
                    return Changes(), attachment_ops.draft_attachments(store, cid), refused
                return changes, attachment_ops.draft_attachments(store, cid), []

            self._ctx.tasks.run_store(
                work, lambda r: self._added(cid, *r), self._failed, owner=self
            )

        self._ctx.tasks.run(lambda: png_bytes(picture), store_png, self._failed, owner=self)

    def remove(self, attachment_id: int) -> None:
        """× on a chip: the file leaves the draft."""
        cid = self._composer.conversation_id
        if cid is None:
            return

        def work(store: Store) -> tuple[Changes, tuple[Attachment, ...], list[str]]:
            changes = attachment_ops.remove_from_draft(store, attachment_id)
            return changes, attachment_ops.draft_attachments(store, cid), []

        self._ctx.tasks.run_store(work, lambda r: self._added(cid, *r), self._failed, owner=self)

    def _added(
        self, cid: int, changes: Changes, items: tuple[Attachment, ...], refused: list[str]
    ) -> None:
        if self._composer.conversation_id == cid:
            self._show(items)
            self.tray.show_refusals(refused)
            self._shown_for = cid
        if changes:
            self.changed.emit(changes)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, AttachmentError):
            self.tray.show_refusals([localize(self._ctx.i18n, error)])
        else:
            self._report_error(error)

    # ------------------------------------------------------------------ drop and paste
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Files dropped anywhere on the composer are attached; Ctrl+V of a picture (or
        of copied files) attaches it; text drops and pastes go to the editor as before."""
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and isinstance(
            event, QDragEnterEvent | QDropEvent
        ):
            if local_files(event.mimeData()) and self._composer.conversation_id is not None:
                event.acceptProposedAction()
                self._set_dropping(True)  # the composer shows where the files will go
                return True
        elif kind == QEvent.Type.DragLeave:
            self._set_dropping(False)
        elif kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
            self._set_dropping(False)
            files = local_files(event.mimeData())
            if files and self._composer.conversation_id is not None:
                event.acceptProposedAction()
                self.attach_files(files)
                return True
        elif (
            kind == QEvent.Type.KeyPress
            and watched is self._composer.editor
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Paste)
        ):
            return self._paste()
        return super().eventFilter(watched, event)

    def _set_dropping(self, dropping: bool) -> None:
        composer = self._composer
        if composer.property("dropping") != dropping:
            composer.setProperty("dropping", dropping)
            composer.style().unpolish(composer)
            composer.style().polish(composer)

    def _paste(self) -> bool:
        """True if the clipboard held files or a picture (attached), False for text."""
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None or self._composer.conversation_id is None:
            return False
        files = local_files(mime)
        if files:
            self.attach_files(files)
            return True
        if mime.hasImage() and not mime.hasText():
            image = QGuiApplication.clipboard().image()
            if not image.isNull():
                self.attach_image(image)
                return True
        return False
