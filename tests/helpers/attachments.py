"""Files for attachment tests and benchmarks: real pictures, hostile ones, rows in the store."""

from __future__ import annotations

import hashlib
import random
import struct
import zlib
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QLinearGradient, QPainter, QPen
from pytestqt.qtbot import QtBot

from app.domain.attachments import AttachmentState
from app.domain.models import MessageKind
from app.ops.context import AppContext
from app.storage.attachments import NewAttachment
from app.storage.store import Store
from app.ui.conversation.pane import ConversationPane
from tests.helpers.builders import Conv, add_agents, add_conversation


def photo(width: int, height: int, seed: int = 1) -> QImage:
    """A photo-like picture (gradients, shapes, grain): compresses like a real photo."""
    rng = random.Random(seed)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    sky = QLinearGradient(QPointF(0, 0), QPointF(width, height))
    sky.setColorAt(0, QColor(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    sky.setColorAt(1, QColor(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    painter.fillRect(image.rect(), QBrush(sky))
    for _ in range(60):
        color = QColor(rng.randrange(256), rng.randrange(256), rng.randrange(256), 140)
        painter.setBrush(color)
        painter.setPen(QPen(color.darker(140), max(1, width // 400)))
        w, h = rng.randrange(width // 20, width // 3), rng.randrange(height // 20, height // 3)
        painter.drawEllipse(rng.randrange(width), rng.randrange(height), w, h)
    painter.setPen(Qt.PenStyle.NoPen)
    for _ in range(width * height // 400):  # grain
        painter.setBrush(QColor(rng.randrange(256), rng.randrange(256), rng.randrange(256), 60))
        painter.drawRect(rng.randrange(width), rng.randrange(height), 2, 2)
    painter.end()
    return image


def encode(image: QImage, kind: str = "JPEG", quality: int = 85) -> bytes:
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, kind, quality)  # type: ignore[call-overload]
    return bytes(array.data())


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bomb_png(width: int = 50_000, height: int = 50_000) -> bytes:
    """A decompression bomb: a few KB on disk, ``width`` x ``height`` pixels decoded."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * ((width + 1) * 64), 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


def attach(
    repo: Store,
    conversation_id: int,
    message_id: int | None,
    filename: str,
    data: bytes,
    content_type: str,
    size: tuple[int, int] | None = None,
    now: int = 0,
    stored: bool = True,
) -> int:
    """A file on a message as if it had been received (the store keeps the bytes as they
    are: the thread must cope with whatever a server sent). ``stored=False``: only its
    metadata arrived; the file is still on the server."""
    state = AttachmentState.LOCAL if message_id is not None else AttachmentState.DRAFT
    if not stored:
        state = AttachmentState.REMOTE
    with repo.transaction():
        sha = repo.attachments.put_bytes(data) if stored else hashlib.sha256(data).hexdigest()
        assert sha == hashlib.sha256(data).hexdigest()
        return repo.attachments.add(
            NewAttachment(
                conversation_id,
                filename,
                content_type,
                len(data),
                sha,
                size[0] if size else None,
                size[1] if size else None,
                state,
                message_id,
                stored=stored,
            ),
            now,
        )


def jonas(repo: Store) -> tuple[int, int]:
    """A conversation whose customer wrote one message: (its id, the message's id)."""
    conv = Conv(customer="Jonas Weber", messages=[(MessageKind.CUSTOMER, "The box was crushed.")])
    cid = add_conversation(repo, conv, add_agents(repo))
    return cid, repo.messages.messages(cid)[0].id


def make_pane(ctx: AppContext, report_error: Any, qtbot: QtBot) -> ConversationPane:
    """A conversation pane on its own, refreshing itself after a change as the window does."""
    widget = ConversationPane(ctx, report_error)
    widget.changed.connect(widget.apply_changes)
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def thread(pane: ConversationPane) -> str:
    """The thread as the agent reads it (bidi isolate marks are invisible)."""
    return pane.thread_view.toPlainText().replace("\u2068", "").replace("\u2069", "")
