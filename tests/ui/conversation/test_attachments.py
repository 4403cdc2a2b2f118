"""Attachments in the thread on real widgets: thumbnails fill in after the thread is
shown, hostile pictures are refused with a reason and the thread stays usable, the viewer
zooms and saves, received files are fetched when shown, the demo carries real photos.
(The composer's side: test_attachment_composer.py.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QTextCursor,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.config.paths import resources_dir
from app.domain.attachments import Attachment
from app.domain.changes import Changes
from app.ops.demo import load_demo_into
from app.ops.tasks import InlineTaskRunner, Lane, OnDone, OnError, TaskHandle
from app.storage.store import Store
from app.ui.conversation.attachment_viewer import AttachmentViewer
from app.ui.conversation.pane import ConversationPane
from app.ui.conversation.thread_attachments import ATTACHMENT_SCHEME, THUMB_SCHEME
from tests.helpers.attachments import attach, bomb_png, encode, jonas, make_pane, photo, thread
from tests.helpers.builders import NOW
from tests.helpers.fixtures import ContextFactory
from tests.ui.conftest import ErrorSink

pytestmark = pytest.mark.gui
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
NOT_A_PICTURE = "the file is not a picture this app shows"


class DeferredComputeRunner(InlineTaskRunner):
    """Store work at once, compute work only on :meth:`flush`: lets a test see the thread
    before the thumbnails are decoded, as the agent does on the real threads."""

    def __init__(self, inner: InlineTaskRunner) -> None:
        super().__init__(lambda: inner.repository)
        self.queued: list[Any] = []

    def _submit(
        self,
        lane: Lane,
        handle: TaskHandle,
        work: Any,
        on_done: OnDone[Any] | None,
        on_error: OnError | None,
        owner: object | None,
    ) -> TaskHandle:
        if lane == "compute":
            self.queued.append((lane, handle, work, on_done, on_error, owner))
            return handle
        return super()._submit(lane, handle, work, on_done, on_error, owner)

    def flush(self) -> None:
        queued, self.queued = self.queued, []
        for job in queued:
            super()._submit(*job)


@pytest.fixture
def conversation(repo: Store) -> tuple[int, int]:
    """(conversation id, the customer's message id)."""
    return jonas(repo)


@pytest.fixture
def pane(
    conversation: tuple[int, int], make_ctx: ContextFactory, error_sink: ErrorSink, qtbot: QtBot
) -> ConversationPane:
    widget = make_pane(make_ctx(), error_sink, qtbot)
    widget.show_conversation(conversation[0])
    return widget


def resource_color(pane: ConversationPane, key: str) -> QColor:
    pixmap = pane.thread_view.document().resource(1, QUrl(f"{THUMB_SCHEME}:{key}"))
    image = pixmap.toImage()
    return image.pixelColor(6, 6)  # inside the tile's border, away from its icon


def test_thumbnails_show_a_placeholder_then_fill_in(
    conversation: tuple[int, int],
    repo: Store,
    make_ctx: ContextFactory,
    error_sink: ErrorSink,
    qtbot: QtBot,
) -> None:
    cid, mid = conversation
    red = photo(1200, 900, seed=3)
    red.fill(QColor("#D02020"))
    attach(repo, cid, mid, "parcel.jpg", encode(red), "image/jpeg", (1200, 900))
    ctx = make_ctx()
    runner = DeferredComputeRunner(ctx.tasks)  # type: ignore[arg-type]
    widget = make_pane(ctx.with_(tasks=runner), error_sink, qtbot)
    widget.show_conversation(cid)

    shown = thread(widget)  # the thread is there before any picture is decoded
    assert "The box was crushed." in shown and "📎 parcel.jpg" in shown
    files = widget.thread_view.attachments
    assert files is not None and files.pending == 1
    key = repo.attachments.for_message(mid)[0].sha256
    assert resource_color(widget, key) == QColor("#EEF1F5")  # the grey tile

    with qtbot.waitSignal(files.filled, timeout=3000):
        runner.flush()
    color = resource_color(widget, key)
    assert color.red() > 180 and color.green() < 80  # the picture itself
    pixmap = widget.thread_view.document().resource(1, QUrl(f"{THUMB_SCHEME}:{key}"))
    assert pixmap.deviceIndependentSize().toSize().width() == 160  # 1200x900 fit to 160
    assert widget.thread_view.refused_resources == []  # nothing asked of loadResource


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("bomb.png", bomb_png, "the picture is larger than 40 megapixels"),
        ("cut.jpg", lambda: encode(photo(800, 600))[:4000], "the file is damaged or incomplete"),
        (
            "invoice.png",
            lambda: b"%PDF-1.4\n" + b"0" * 400,
            "the file is not a picture this app shows",
        ),
        (
            "noise.png",
            lambda: b"\x89PNG\r\n\x1a\n" + b"\x00junk" * 40,
            "the file is damaged or incomplete",
        ),
    ],
)
def test_a_hostile_picture_is_refused_with_a_reason_and_the_thread_stays_usable(
    conversation: tuple[int, int],
    repo: Store,
    pane: ConversationPane,
    qtbot: QtBot,
    error_sink: ErrorSink,
    name: str,
    data: Callable[[], bytes],
    reason: str,
) -> None:
    cid, mid = conversation
    attach(repo, cid, mid, name, data(), "image/png" if name.endswith("png") else "image/jpeg")
    attach(repo, cid, mid, "fine.jpg", encode(photo(640, 480)), "image/jpeg", (640, 480))
    pane.show_conversation(None)
    pane.show_conversation(cid)
    files = pane.thread_view.attachments
    assert files is not None
    qtbot.waitUntil(
        lambda: files.pending == 0 and f"Can't show this image: {reason}" in thread(pane)
    )
    assert "📎 fine.jpg" in thread(pane) and len(files.thumbnails) == 1  # the other one shows

    qtbot.keyClicks(pane.composer.editor, "Sorry about that, Jonas.")  # still usable
    pane.composer.send_button.click()
    assert repo.messages.messages(cid)[-1].body == "Sorry about that, Jonas."
    assert "Sorry about that, Jonas." in thread(pane)
    assert f"Can't show this image: {reason}" in thread(pane)
    assert error_sink.errors == []

    hostile = next(a for a in repo.attachments.for_message(mid) if a.filename == name)
    viewer = files.open(hostile.id)
    assert viewer is not None
    qtbot.addWidget(viewer)
    assert viewer.picture.text() == f"Can't show this image: {reason}"
    assert viewer.save_button.isEnabled()  # it can still be saved to look at elsewhere


def click_thumbnail(pane: ConversationPane, qtbot: QtBot, attachment_id: int) -> None:
    """A mouse click on the picture itself, where the thread shows it."""
    view = pane.thread_view
    cursor = QTextCursor(view.document())
    href = f"{ATTACHMENT_SCHEME}:{attachment_id}"
    while not cursor.atEnd():
        cursor.movePosition(QTextCursor.MoveOperation.NextCharacter)
        found = cursor.charFormat()
        if found.isImageFormat() and found.anchorHref() == href:
            break
    else:
        raise AssertionError("no thumbnail for this attachment")
    view.setTextCursor(cursor)
    view.ensureCursorVisible()
    before = QTextCursor(cursor)
    before.setPosition(cursor.position() - 1)
    left, right = view.cursorRect(before), view.cursorRect(cursor)  # the picture's two sides
    point = QPoint((left.left() + right.left()) // 2, right.center().y())
    assert view.anchorAt(point) == href
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_the_viewer_fits_zooms_and_saves_without_overwriting_silently(
    conversation: tuple[int, int], repo: Store, pane: ConversationPane, qtbot: QtBot, tmp_path: Path
) -> None:
    cid, mid = conversation
    data = encode(photo(2400, 1800, seed=5))
    aid = attach(repo, cid, mid, "receipt.jpg", data, "image/jpeg", (2400, 1800))
    pane.show_conversation(None)
    pane.show_conversation(cid)
    files = pane.thread_view.attachments
    assert files is not None
    click_thumbnail(pane, qtbot, aid)
    viewer = pane.findChild(AttachmentViewer)
    assert isinstance(viewer, AttachmentViewer)
    qtbot.waitUntil(lambda: viewer.pixmap is not None)
    assert viewer.name_label.text() == "receipt.jpg"
    assert viewer.size_label.text() == f"{round(len(data) / 1000)} KB"
    fitted = viewer.zoom
    shown = viewer.canvas.size()
    room = viewer.scroller.viewport().size()
    assert fitted < 1 and shown.width() <= room.width() and shown.height() <= room.height()
    painted = viewer.canvas.grab().toImage()
    sample = range(0, min(painted.width(), painted.height()), 13)
    assert len({painted.pixel(x, y) for x in sample for y in sample}) > 20  # the photo shows

    viewer.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is viewer)
    qtbot.keyClick(viewer, Qt.Key.Key_Plus)
    assert viewer.zoom == pytest.approx(fitted * 1.25)
    wheel = QWheelEvent(
        QPointF(50, 50),
        QPointF(50, 50),
        QPoint(0, 0),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewer.scroller.viewport(), wheel)
    assert viewer.zoom == pytest.approx(fitted * 1.25**3)
    qtbot.keyClick(viewer, Qt.Key.Key_0)
    assert viewer.zoom == pytest.approx(fitted) and viewer.fitting

    asked: list[str] = []
    target = tmp_path / "saved" / "receipt copy.jpg"
    target.parent.mkdir()
    target.write_bytes(b"keep me")

    def cancel(_parent: Any, _title: str, suggested: str) -> str | None:
        asked.append(suggested)
        return None  # the agent answered "No" to replacing it

    viewer.choose_path = cancel
    viewer.save_button.click()
    assert asked[0].endswith("receipt.jpg") and target.read_bytes() == b"keep me"
    viewer.choose_path = lambda _p, _t, _s: str(target)  # confirmed in the dialog
    viewer.save_button.click()
    assert target.read_bytes() == data
    assert viewer.status.text() == f"Saved to {target}"
    assert [p.name for p in target.parent.iterdir()] == ["receipt copy.jpg"]  # no temp left


@pytest.mark.parametrize(
    ("name", "content_type", "data", "openable"),
    [
        ("label.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n", True),
        ("setup.exe", "application/x-msdownload", b"MZ\x90\x00" + b"\0" * 60, False),
        (
            "terms.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK\x03\x04" + b"\0" * 60,
            False,
        ),
    ],
)
def test_a_file_is_a_tile_and_open_is_offered_only_for_what_cannot_run(
    conversation: tuple[int, int],
    repo: Store,
    pane: ConversationPane,
    name: str,
    content_type: str,
    data: bytes,
    openable: bool,
    qtbot: QtBot,
) -> None:
    cid, mid = conversation
    aid = attach(repo, cid, mid, name, data, content_type)
    pane.show_conversation(None)
    pane.show_conversation(cid)
    assert f"📎 {name}" in thread(pane)
    files = pane.thread_view.attachments
    assert files is not None
    viewer = files.open(aid)
    assert viewer is not None
    qtbot.addWidget(viewer)
    assert name in viewer.picture.text()
    assert not viewer.zoom_in.isVisibleTo(viewer)
    assert viewer.open_button.isVisibleTo(viewer) is openable
    assert viewer.save_button.isEnabled()
    opened = viewer.open_external_path()
    assert (opened is not None) is openable
    if opened is not None:
        assert opened.suffix == ".pdf" and opened.read_bytes() == data


def test_a_received_file_not_here_yet_is_fetched_once_and_then_shown(
    conversation: tuple[int, int], repo: Store, pane: ConversationPane, qtbot: QtBot
) -> None:
    cid, mid = conversation
    data = encode(photo(800, 600, seed=4))
    aid = attach(repo, cid, mid, "label.jpg", data, "image/jpeg", (800, 600), stored=False)
    files = pane.thread_view.attachments
    assert files is not None
    asked: list[int] = []

    def fetch(attachment: Attachment) -> None:  # what the sync engine does, from a server
        asked.append(attachment.id)

    files.fetch = fetch
    pane.show_conversation(None)
    pane.show_conversation(cid)
    assert asked == [aid]
    assert "📎 label.jpg  " in thread(pane) and "Not downloaded yet" in thread(pane)
    assert files.thumbnails == {}
    pane.show_conversation(None)  # shown again before it arrived: not asked twice
    pane.show_conversation(cid)
    assert asked == [aid]

    with repo.transaction():  # the engine stored it
        sha = repo.attachments.put_bytes(data)
        repo.attachments.set_stored(aid, sha)
    pane.apply_changes(Changes.of(cid))
    qtbot.waitUntil(lambda: files.pending == 0 and len(files.thumbnails) == 1)
    assert "Not downloaded yet" not in thread(pane)


def test_the_demo_workspace_carries_real_photos(
    repo: Store, make_ctx: ContextFactory, error_sink: ErrorSink, qtbot: QtBot
) -> None:
    load_demo_into(repo, resources_dir() / "demo", NOW)
    cid = repo.conversations.conversation_id_by_uid("us-0005")
    assert cid is not None
    files = [a for items in repo.attachments.for_conversation(cid)[0].values() for a in items]
    assert [(a.filename, a.content_type, a.width, a.height) for a in files] == [
        ("rug-damage.jpg", "image/jpeg", 1200, 900)
    ]
    assert all(a.size < 100_000 for a in files)
    widget = make_pane(make_ctx(), error_sink, qtbot)
    widget.show_conversation(cid)
    shown = widget.thread_view.attachments
    assert shown is not None
    qtbot.waitUntil(lambda: shown.pending == 0 and len(shown.thumbnails) == 1)
    assert "📎 rug-damage.jpg" in thread(widget)
    load_demo_into(repo, resources_dir() / "demo", NOW)  # again: nothing twice
    assert len(repo.attachments.for_conversation(cid)[0]) == 1
