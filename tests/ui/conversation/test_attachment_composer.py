"""Files in the composer on real widgets: Attach, drop and paste put them on the draft
(a refused file is named with its reason), the × takes one off, and a reply or a note may
be files alone; at 1366x768 the thread keeps its room while the tray shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QLabel, QToolButton
from pytestqt.qtbot import QtBot

from app.domain.attachments import MAX_IMAGE_SIDE, MAX_PER_MESSAGE
from app.domain.models import MessageKind
from app.storage.store import Store
from app.ui.conversation.pane import ConversationPane
from app.ui.conversation.split import THREAD_MIN_HEIGHT
from tests.helpers.attachments import encode, jonas, make_pane, photo, thread
from tests.helpers.builders import Conv, add_agents, add_conversation
from tests.helpers.fixtures import ContextFactory
from tests.ui.conftest import ErrorSink, WindowFactory

pytestmark = pytest.mark.gui


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


def files_on_disk(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "desktop"
    folder.mkdir(exist_ok=True)
    files = {
        "photo.jpg": encode(photo(900, 600, seed=9)),
        "notes.txt": b"Order 778, shipped 3 Nov\n",
        "tool.exe": b"MZ\x90\x00\x03" + b"\x00" * 200,
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in files}


def drop(widget: Any, paths: list[Path], while_over: Any = None) -> bool:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = QPointF(20, 20)
    enter = QDragEnterEvent(
        point.toPoint(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    if while_over is not None:
        while_over()
    event = QDropEvent(
        point,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


def chips(pane: ConversationPane) -> list[str]:
    return [
        label.text().split("  ·  ")[0].replace("\u2068", "").replace("\u2069", "")
        for label in pane.attach.tray.chips.findChildren(QLabel)
        if "  ·  " in label.text()
    ]


def test_dropped_files_are_attached_and_a_refused_one_is_named_with_the_reason(
    conversation: tuple[int, int], repo: Store, pane: ConversationPane, tmp_path: Path
) -> None:
    cid = conversation[0]
    files = files_on_disk(tmp_path)
    assert drop(pane.composer.editor.viewport(), list(files.values()))
    assert chips(pane) == ["photo.jpg", "notes.txt"]
    assert pane.attach.tray.refusals.isVisibleTo(pane) and pane.attach.tray.refusals.text() == (
        "Not attached: tool.exe is not a type CrossDesk attaches (images, PDF, text, CSV and"
        " office documents)"
    )
    assert [a.filename for a in repo.attachments.draft(cid)] == ["photo.jpg", "notes.txt"]
    assert pane.composer.text() == ""  # no file path was typed into the reply

    other = add_conversation(repo, Conv(customer="Mia Other"), add_agents(repo))
    pane.show_conversation(other)  # the files are the draft's: back after a switch
    assert chips(pane) == [] and not pane.attach.tray.isVisibleTo(pane)
    pane.show_conversation(cid)
    assert chips(pane) == ["photo.jpg", "notes.txt"]
    assert not pane.attach.tray.refusals.isVisibleTo(pane)


def test_files_dropped_on_the_thread_go_onto_the_draft_too(
    conversation: tuple[int, int], repo: Store, pane: ConversationPane, tmp_path: Path
) -> None:
    files = files_on_disk(tmp_path)
    over: list[object] = []
    viewport = pane.thread_view.viewport()
    assert drop(
        viewport, [files["photo.jpg"]], lambda: over.append(pane.composer.property("dropping"))
    )
    assert over == [True] and pane.composer.property("dropping") is False  # highlighted, then not
    assert [a.filename for a in repo.attachments.draft(conversation[0])] == ["photo.jpg"]
    assert chips(pane) == ["photo.jpg"]


def test_more_files_than_a_message_carries_are_refused_by_count(
    conversation: tuple[int, int], repo: Store, pane: ConversationPane, tmp_path: Path
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    paths = []
    for n in range(MAX_PER_MESSAGE + 2):
        path = folder / f"note-{n:02}.txt"
        path.write_text(f"note {n}\n")
        paths.append(path)
    assert drop(pane.composer, paths)
    assert len(repo.attachments.draft(conversation[0])) == MAX_PER_MESSAGE
    assert pane.attach.tray.refusals.text() == (
        f"Not attached: A message can carry at most {MAX_PER_MESSAGE} attachments"
        f" ({MAX_PER_MESSAGE + 2} chosen)"
    )


def test_paste_of_a_picture_attaches_a_png_and_text_still_pastes(
    conversation: tuple[int, int], repo: Store, pane: ConversationPane, qtbot: QtBot
) -> None:
    cid = conversation[0]
    clipboard = QGuiApplication.clipboard()
    picture = photo(320, 200, seed=2)
    clipboard.setImage(picture)
    pane.composer.editor.setFocus()
    qtbot.keyClick(pane.composer.editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    draft = repo.attachments.draft(cid)
    assert [(a.filename, a.content_type, a.width, a.height) for a in draft] == [
        ("pasted-image.png", "image/png", 320, 200)
    ]
    assert chips(pane) == ["pasted-image.png"] and pane.composer.text() == ""
    clipboard.setText("tracking 1Z999")
    qtbot.keyClick(pane.composer.editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert pane.composer.text() == "tracking 1Z999"
    assert len(repo.attachments.draft(cid)) == 1

    clipboard.setImage(QImage(MAX_IMAGE_SIDE + 1, 2, QImage.Format.Format_RGB32))
    qtbot.keyClick(pane.composer.editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert pane.attach.tray.refusals.text() == (
        f"Not attached: pasted-image.png is {MAX_IMAGE_SIDE + 1}×2 pixels;"
        " images may have at most 40 million"
    )
    assert len(repo.attachments.draft(cid)) == 1 and pane.composer.text() == "tracking 1Z999"


@pytest.mark.parametrize("kind", [MessageKind.AGENT, MessageKind.NOTE])
def test_files_alone_can_be_sent_and_show_under_the_new_message(
    conversation: tuple[int, int],
    repo: Store,
    pane: ConversationPane,
    tmp_path: Path,
    kind: MessageKind,
    error_sink: ErrorSink,
) -> None:
    cid = conversation[0]
    files = files_on_disk(tmp_path)
    pane.composer.set_kind(kind)
    assert not pane.composer.send_button.isEnabled()
    pane.attach.choose_files = lambda _parent, _title: [str(files["photo.jpg"])]
    button = pane.composer.findChild(QToolButton, "attachButton")
    assert isinstance(button, QToolButton) and button.text() == "Attach"
    button.click()
    assert chips(pane) == ["photo.jpg"]
    assert pane.composer.send_button.isEnabled()  # files and no text: sendable
    pane.composer.send_button.click()
    assert error_sink.errors == []
    sent = repo.messages.messages(cid)[-1]
    assert sent.kind is kind and sent.body == ""
    assert [a.filename for a in repo.attachments.for_message(sent.id)] == ["photo.jpg"]
    assert repo.attachments.draft(cid) == ()
    assert chips(pane) == [] and not pane.attach.tray.isVisibleTo(pane)
    after = thread(pane).split("The box was crushed.")[1]
    header = "Internal note · Mei Agent" if kind is MessageKind.NOTE else "Mei Agent"
    assert header in after and after.index("📎 photo.jpg") > after.index(header)
    assert not pane.composer.send_button.isEnabled()


def test_the_cross_on_a_chip_takes_the_file_off_the_draft(
    conversation: tuple[int, int], repo: Store, pane: ConversationPane, tmp_path: Path
) -> None:
    cid = conversation[0]
    files = files_on_disk(tmp_path)
    pane.attach.attach_files([files["notes.txt"]])
    assert pane.composer.send_button.isEnabled()
    remove = pane.attach.tray.chips.findChild(QToolButton, "removeAttachment")
    assert isinstance(remove, QToolButton)
    assert remove.accessibleName() == "Remove notes.txt"
    remove.click()
    assert repo.attachments.draft(cid) == ()
    assert not pane.composer.send_button.isEnabled()
    assert not pane.attach.tray.isVisibleTo(pane)


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1366, 768)])
def test_on_a_laptop_screen_the_thread_keeps_its_room_with_files_in_the_tray(
    conversation: tuple[int, int],
    open_window: WindowFactory,
    qtbot: QtBot,
    tmp_path: Path,
    width: int,
    height: int,
) -> None:
    window = open_window()
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.size().toTuple() == (width, height), timeout=2000)
    pane = window.conversation
    qtbot.waitUntil(lambda: pane.conversation_id == conversation[0], timeout=3000)
    files = files_on_disk(tmp_path)
    pane.attach.attach_files([files["photo.jpg"], files["notes.txt"], files["tool.exe"]])
    pane.composer.editor.setPlainText("\n".join(f"Line {n} of a long reply." for n in range(12)))
    QApplication.processEvents()
    assert chips(pane) == ["photo.jpg", "notes.txt"]
    assert pane.attach.tray.isVisibleTo(window) and pane.attach.tray.refusals.isVisibleTo(window)
    thread_view = pane.thread_view
    qtbot.waitUntil(lambda: thread_view.viewport().height() >= THREAD_MIN_HEIGHT - 10, timeout=2000)
    assert pane.attach.button.isVisibleTo(window)
    assert pane.attach.button.geometry().right() <= pane.composer.width()
