"""The attachment viewer: a picture fit to the window with zoom, or a file's tile; Save as….

The picture is decoded with the same limits as a thumbnail (:mod:`images`), off the UI
thread, at most ``VIEW_EDGE`` pixels on its long side. A file is opened with the
computer's own application only when its type cannot run anything (pictures, PDF, plain
text); everything else can only be saved. Saving never overwrites without asking.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPixmap,
    QShortcut,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.attachments import IMAGE_TYPES, Attachment, AttachmentState, safe_filename
from app.i18n import I18n
from app.ops.tasks import TaskRunner
from app.ui.conversation.images import Decoded, Refusal, decode_image, refusal_text
from app.ui.shell.icons import icon

VIEW_EDGE = 4096  # the picture is decoded at most this large on its long side
ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.05, 8.0
# Types the computer's own application may open: they cannot run anything.
OPENABLE = IMAGE_TYPES | {"application/pdf", "text/plain", "text/csv"}
_SUFFIX = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/csv": ".csv",
}

ChoosePath = Callable[[QWidget, str, str], str | None]


class ZoomedPicture(QWidget):
    """The picture drawn scaled to this widget's size at paint time: zooming in never
    makes an enlarged copy (8x of a 4096-pixel picture would be gigabytes)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pixmap: QPixmap | None = None

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        if self.pixmap is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setClipRect(event.rect())
        painter.drawPixmap(self.rect(), self.pixmap)
        painter.end()


def byte_size(i18n: I18n, size: int) -> str:
    """A file size as people read it: 812 bytes, 84 KB, 2.4 MB."""
    if size < 1000:
        return i18n.ngettext("{count} byte", "{count} bytes", size).format(count=i18n.number(size))
    if size < 1_000_000:
        return i18n._("{size} KB").format(size=i18n.number(round(size / 1000)))
    return i18n._("{size} MB").format(size=i18n.number(round(size / 1_000_000, 1)))


def can_open(attachment: Attachment) -> bool:
    """Whether "Open" is offered: a type that runs nothing, and the file is here."""
    return attachment.content_type in OPENABLE and attachment.path is not None


def ask_save_path(parent: QWidget, title: str, suggested: str) -> str | None:
    """Qt's save dialog: it asks before replacing an existing file."""
    chosen, _filter = QFileDialog.getSaveFileName(parent, title, suggested)
    return chosen or None


def save_copy(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` through a temporary file in the target's folder, so a
    failed copy leaves no half file (and a replaced file is replaced whole)."""
    if target.resolve() == source.resolve():
        return
    handle, temporary = tempfile.mkstemp(prefix=".crossdesk-", dir=target.parent)
    os.close(handle)
    try:
        shutil.copyfile(source, temporary)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class AttachmentViewer(QDialog):
    """One attachment: the picture with zoom, or the file's tile; Save as… and maybe Open.

    ``choose_path(parent, title, suggested)`` asks where to save (tests give their own).
    """

    def __init__(
        self,
        i18n: I18n,
        tasks: TaskRunner,
        attachment: Attachment,
        parent: QWidget | None = None,
        choose_path: ChoosePath = ask_save_path,
    ) -> None:
        super().__init__(parent)
        self._i18n = i18n
        self.choose_path = choose_path
        self.attachment = attachment
        _ = i18n._
        self.setObjectName("attachmentViewer")
        name = safe_filename(attachment.filename)
        self.setWindowTitle(name)
        self.resize(900, 680)
        self.zoom = 1.0
        self.fitting = True
        self.pixmap: QPixmap | None = None

        self.name_label = QLabel(name, self)
        self.name_label.setObjectName("attachmentName")
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        self.size_label = QLabel(byte_size(i18n, attachment.size), self)
        self.size_label.setObjectName("muted")
        self.picture = QLabel(self)  # the file's tile, or why there is no picture
        self.picture.setObjectName("attachmentPicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setTextFormat(Qt.TextFormat.PlainText)
        self.picture.setWordWrap(True)
        self.canvas = ZoomedPicture(self)
        self.scroller = QScrollArea(self)
        self.scroller.setWidget(self.canvas)
        self.scroller.setWidgetResizable(False)
        self.scroller.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroller.viewport().installEventFilter(self)
        self.scroller.hide()
        self.status = QLabel(self)
        self.status.setObjectName("muted")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)

        self.zoom_out = QPushButton("−", self)
        self.zoom_out.setAccessibleName(_("Zoom out"))
        self.zoom_out.clicked.connect(lambda: self.zoom_by(1 / ZOOM_STEP))
        self.fit_button = QPushButton(_("Fit"), self)
        self.fit_button.clicked.connect(self.fit)
        self.zoom_in = QPushButton("+", self)
        self.zoom_in.setAccessibleName(_("Zoom in"))
        self.zoom_in.clicked.connect(lambda: self.zoom_by(ZOOM_STEP))
        self.save_button = QPushButton(_("Save as…"), self)
        self.save_button.setObjectName("saveAttachment")
        self.save_button.clicked.connect(self.save_as)
        self.open_button = QPushButton(_("Open in its app"), self)
        self.open_button.setObjectName("openAttachment")
        self.open_button.clicked.connect(self.open_externally)
        self.open_button.setVisible(can_open(attachment))
        close = QPushButton(_("Close"), self)
        close.clicked.connect(self.reject)
        for button in (self.zoom_out, self.fit_button, self.zoom_in):
            button.setVisible(attachment.is_image)
        self.save_button.setEnabled(attachment.path is not None)

        top = QHBoxLayout()
        badge = QLabel(self)
        badge.setPixmap(icon("attach").pixmap(QSize(20, 20)))
        top.addWidget(badge)
        top.addWidget(self.name_label, 1)
        top.addWidget(self.size_label)
        bottom = QHBoxLayout()
        for widget in (self.zoom_out, self.fit_button, self.zoom_in):
            bottom.addWidget(widget)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.open_button)
        bottom.addWidget(self.save_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.scroller, 1)
        layout.addLayout(bottom)

        for standard, step in (
            (QKeySequence.StandardKey.ZoomIn, ZOOM_STEP),
            (QKeySequence.StandardKey.ZoomOut, 1 / ZOOM_STEP),
        ):
            QShortcut(standard, self).activated.connect(lambda s=step: self.zoom_by(s))
        for keys in ("+", "=", "Ctrl+="):
            QShortcut(QKeySequence(keys), self).activated.connect(lambda: self.zoom_by(ZOOM_STEP))
        QShortcut(QKeySequence("-"), self).activated.connect(lambda: self.zoom_by(1 / ZOOM_STEP))
        for keys in ("0", "Ctrl+0"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.fit)

        self._show_file_tile()
        path = attachment.path
        if attachment.is_image and path is not None:
            self.picture.setText(_("Loading the picture…"))
            tasks.run(lambda: decode_image(path, VIEW_EDGE), self._decoded, owner=self)

    # ------------------------------------------------------------------ content
    def _show_file_tile(self) -> None:
        _ = self._i18n._
        attachment = self.attachment
        lines = [safe_filename(attachment.filename), byte_size(self._i18n, attachment.size)]
        if attachment.path is None:
            if attachment.state is AttachmentState.REFUSED and attachment.refused_reason:
                lines.append(attachment.refused_reason)
            else:
                lines.append(_("The file is not on this computer yet."))
        elif attachment.content_type not in OPENABLE:
            lines.append(_("Save it to open it with the right application."))
        self.picture.setText("\n".join(lines))
        self.picture.setAccessibleName("\n".join(lines))

    def _decoded(self, decoded: Decoded) -> None:
        if decoded.image is None:
            reason = refusal_text(self._i18n, decoded.refusal or Refusal.DAMAGED)
            text = self._i18n._("Can't show this image: {reason}").format(reason=reason)
            self.picture.setText(text)
            for button in (self.zoom_out, self.fit_button, self.zoom_in):
                button.setEnabled(False)
            return
        self.pixmap = QPixmap.fromImage(decoded.image)
        self.canvas.pixmap = self.pixmap
        self.picture.hide()
        self.scroller.show()
        self.fit()

    def _apply_zoom(self) -> None:
        if self.pixmap is None:
            return
        self.canvas.resize(self.pixmap.size() * self.zoom)  # painted scaled: no huge copy
        self.canvas.update()
        self.status.setText(
            self._i18n._("{percent}%").format(percent=self._i18n.number(round(self.zoom * 100)))
        )

    def fit(self) -> None:
        """The whole picture in the window (never enlarged past its own size)."""
        if self.pixmap is None:
            return
        self.fitting = True
        room = self.scroller.viewport().size()
        width, height = max(1, self.pixmap.width()), max(1, self.pixmap.height())
        self.zoom = max(MIN_ZOOM, min(1.0, room.width() / width, room.height() / height))
        self._apply_zoom()

    def zoom_by(self, factor: float) -> None:
        if self.pixmap is None:
            return
        self.fitting = False
        self.zoom = max(MIN_ZOOM, min(MAX_ZOOM, self.zoom * factor))
        self._apply_zoom()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Ctrl+wheel zooms; a resized window keeps the picture fitted."""
        if watched is self.scroller.viewport():
            if event.type() == QEvent.Type.Wheel and isinstance(event, QWheelEvent):
                if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                    steps = event.angleDelta().y() / 120
                    if steps:
                        self.zoom_by(ZOOM_STEP**steps)
                    return True
            elif event.type() == QEvent.Type.Resize and self.fitting:
                self.fit()
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ files
    def save_as(self) -> Path | None:
        """Ask where (the dialog asks before replacing a file), then copy; the saved path."""
        _ = self._i18n._
        source = self.attachment.path
        if source is None:
            return None
        suggested = str(Path.home() / safe_filename(self.attachment.filename))
        chosen = self.choose_path(self, _("Save attachment"), suggested)
        if not chosen:
            return None
        target = Path(chosen)
        try:
            save_copy(source, target)
        except OSError as error:
            self.status.setText(
                _("Could not save {file}: {reason}").format(
                    file=target.name, reason=error.strerror or str(error)
                )
            )
            return None
        self.status.setText(_("Saved to {path}").format(path=str(target)))
        return target

    def open_external_path(self) -> Path | None:
        """A copy of the file under its own name and the suffix of its real type, in a
        private temporary folder: what "Open" hands to the computer's application."""
        source = self.attachment.path
        if source is None or not can_open(self.attachment):
            return None
        name = Path(safe_filename(self.attachment.filename))
        folder = Path(tempfile.mkdtemp(prefix="crossdesk-open-"))
        target = folder / f"{name.stem}{_SUFFIX.get(self.attachment.content_type, '.bin')}"
        shutil.copyfile(source, target)
        return target

    def open_externally(self) -> None:
        try:
            target = self.open_external_path()
        except OSError as error:
            self.status.setText(str(error.strerror or error))
            return
        if target is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))
