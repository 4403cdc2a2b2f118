"""Images from attachments, decoded safely: limits are checked before a pixel is decoded.

An attachment is hostile until proven otherwise. :func:`decode_image` reads at most
``MAX_IMAGE_BYTES`` from the local file (never from the network), lets Qt sniff the
format from the content (a ``.png`` that is a PDF is not an image), reads the header's
size and refuses a picture above ``MAX_IMAGE_PIXELS`` *before* decoding (a 50,000 ×
50,000 "decompression bomb" is 40 KB on disk and 10 GB in memory), caps Qt's own
allocation, and decodes straight to the size it will be shown at (JPEG decodes scaled,
cheaply), turned as the camera's EXIF says. Anything else is a :class:`Decoded` with a
:class:`Refusal` the thread shows as "Can't show this image: …".

It runs on the compute lane: ``QImage`` and ``QImageReader`` are safe off the UI
thread; ``QPixmap`` is made on the UI thread from the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QColor, QImage, QImageReader, QPainter, QPen

from app.domain.attachments import MAX_ATTACHMENT_BYTES, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE
from app.i18n import I18n

MAX_IMAGE_BYTES = MAX_ATTACHMENT_BYTES  # a phone photo is 2-8 MB
MAX_IMAGE_EDGE = MAX_IMAGE_SIDE  # a 1 x 40M strip is not a picture either
# MAX_IMAGE_PIXELS: 40 MP, a modern phone camera; 160 MB decoded at 4 bytes per pixel
ALLOCATION_LIMIT_MB = 192  # Qt's own cap on one decoded image (its default is 256)
SAFE_FORMATS = frozenset({"png", "jpeg", "gif", "webp", "bmp"})  # no SVG (it references files)
THUMB_EDGE = 160  # a thumbnail fits in this square (logical pixels)


class Refusal(StrEnum):
    """Why an image is not shown (the reason the agent reads is :func:`refusal_text`)."""

    MISSING = "missing"
    TOO_LARGE_FILE = "too-large-file"
    TOO_MANY_PIXELS = "too-many-pixels"
    NOT_AN_IMAGE = "not-an-image"
    DAMAGED = "damaged"


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded (scaled) image, or why there is none; ``width``/``height`` are the
    picture's own size from its header (0 when unknown)."""

    image: QImage | None
    refusal: Refusal | None = None
    width: int = 0
    height: int = 0
    detail: str = ""  # Qt's error text, for the log; never shown raw


def refusal_text(i18n: I18n, refusal: Refusal) -> str:
    """The reason as the agent reads it after "Can't show this image:"."""
    _ = i18n._
    if refusal is Refusal.MISSING:
        return _("the file is not on this computer")
    if refusal is Refusal.TOO_LARGE_FILE:
        return _("the file is larger than {size} MB").format(
            size=i18n.number(MAX_IMAGE_BYTES // (1024 * 1024))
        )
    if refusal is Refusal.TOO_MANY_PIXELS:
        return _("the picture is larger than {count} megapixels").format(
            count=i18n.number(MAX_IMAGE_PIXELS // 1_000_000)
        )
    if refusal is Refusal.NOT_AN_IMAGE:
        return _("the file is not a picture this app shows")
    return _("the file is damaged or incomplete")


def fit_within(width: int, height: int, edge: int) -> QSize:
    """``width`` x ``height`` scaled down (never up) to fit an ``edge`` square."""
    if width <= 0 or height <= 0:
        return QSize(edge, edge)
    scale = min(1.0, edge / max(width, height))
    return QSize(max(1, round(width * scale)), max(1, round(height * scale)))


def _read_bounded(path: Path) -> bytes | Refusal:
    try:
        if not path.is_file():
            return Refusal.MISSING
        if path.stat().st_size > MAX_IMAGE_BYTES:
            return Refusal.TOO_LARGE_FILE
        with path.open("rb") as handle:
            data = handle.read(MAX_IMAGE_BYTES + 1)
    except OSError:
        return Refusal.MISSING
    if len(data) > MAX_IMAGE_BYTES:  # grew while we looked
        return Refusal.TOO_LARGE_FILE
    return data


def _complete(kind: str, data: bytes) -> bool:
    """The format's end marker is there: a truncated upload is not half-shown as grey."""
    if kind == "png":
        return b"IEND" in data[-64:]
    if kind == "jpeg":
        return data.rfind(b"\xff\xd9") > 2
    if kind == "gif":
        return b";" in data[-16:]
    return True


def decode_image(path: Path, edge: int = THUMB_EDGE) -> Decoded:
    """Decode the image at ``path`` scaled to fit an ``edge`` square, within the limits.

    Never raises for a bad file: every refusal is a :class:`Decoded` without an image.
    """
    data = _read_bounded(path)
    if isinstance(data, Refusal):
        return Decoded(None, data)
    return decode_bytes(data, edge)


def decode_bytes(data: bytes, edge: int = THUMB_EDGE) -> Decoded:
    """:func:`decode_image` for bytes already in memory (at most ``MAX_IMAGE_BYTES``)."""
    if len(data) > MAX_IMAGE_BYTES:
        return Decoded(None, Refusal.TOO_LARGE_FILE)
    if not data:
        return Decoded(None, Refusal.DAMAGED)
    array = QByteArray(data)
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setDecideFormatFromContent(True)
    kind = bytes(reader.format().data()).decode("ascii", "replace").lower()
    if kind not in SAFE_FORMATS:
        return Decoded(None, Refusal.NOT_AN_IMAGE, detail=kind)
    size = reader.size()
    width, height = size.width(), size.height()
    if width <= 0 or height <= 0:
        return Decoded(None, Refusal.DAMAGED, detail=reader.errorString())
    if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_EDGE:
        return Decoded(None, Refusal.TOO_MANY_PIXELS, width, height)
    if not _complete(kind, data):
        return Decoded(None, Refusal.DAMAGED, width, height, "truncated")
    reader.setAllocationLimit(ALLOCATION_LIMIT_MB)
    reader.setAutoTransform(True)
    reader.setScaledSize(fit_within(width, height, edge))
    image = reader.read()
    if image.isNull():
        return Decoded(None, Refusal.DAMAGED, width, height, reader.errorString())
    return Decoded(image, None, width, height)


def placeholder_tile(size: QSize, busy: bool) -> QImage:
    """The grey tile shown where a thumbnail will be (``busy``) or cannot be (a cross)."""
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#EEF1F5"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#C5CCD6"), 1))
    painter.drawRect(0, 0, size.width() - 1, size.height() - 1)
    pen = QPen(QColor("#98A2B3"), 2)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    cx, cy = size.width() // 2, size.height() // 2
    r = max(4, min(size.width(), size.height()) // 8)
    if busy:  # a small picture frame: something will show here
        painter.drawRect(cx - r, cy - r * 3 // 4, 2 * r, r * 3 // 2)
        painter.drawLine(cx - r, cy + r * 3 // 4, cx, cy)
        painter.drawLine(cx, cy, cx + r, cy + r * 3 // 4)
    else:  # a cross: nothing will
        painter.drawLine(cx - r, cy - r, cx + r, cy + r)
        painter.drawLine(cx - r, cy + r, cx + r, cy - r)
    painter.end()
    return image
