"""Customer text is untrusted: it is shown literally and never loads anything."""

from __future__ import annotations

import socket
import threading

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from app.domain.models import Channel, MessageKind
from app.storage.repository import InboxRepository
from app.ui.conversation.thread_view import DISPLAY_LIMIT
from app.ui.dialogs.message_viewer import MessageViewer
from app.ui.inbox.model import ROW_ROLE
from tests.helpers.builders import Conv, add_agents, add_conversation
from tests.ui.conftest import WindowFactory

pytestmark = pytest.mark.gui


@pytest.fixture
def listener() -> tuple[int, list[bytes]]:
    """A real TCP server on loopback that records any connection made to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    hits: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append(conn.recv(1024))
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join()
    server.close()


def test_html_in_names_and_messages_is_shown_literally_and_loads_nothing(
    repo: InboxRepository,
    open_window: WindowFactory,
    listener: tuple[int, list[bytes]],
    qtbot: QtBot,
) -> None:
    port, hits = listener
    body = (
        f'<img src="http://127.0.0.1:{port}/pixel.png"> <b>bold</b> '
        f'<a href="http://127.0.0.1:{port}/x">click</a> <script>alert(1)</script> &amp;'
    )
    name = f"<b>Evil</b><img src=http://127.0.0.1:{port}/n.png>"
    add_conversation(
        repo,
        Conv(
            customer=name,
            subject="<i>Re:</i> <style>x</style>",
            messages=[(MessageKind.CUSTOMER, body)],
        ),
        add_agents(repo),
    )
    window = open_window()
    conversation = window.conversation
    document = conversation.thread.document()

    assert body in conversation.thread.toPlainText()
    assert conversation.header.customer_name.text() == name
    assert conversation.header.customer_name.textFormat() == Qt.TextFormat.PlainText
    assert conversation.header.subject.text() == "<i>Re:</i> <style>x</style>"
    assert conversation.header.subject.textFormat() == Qt.TextFormat.PlainText
    assert window.side_panel.card.textFormat() == Qt.TextFormat.PlainText
    qtbot.waitUntil(lambda: name in window.side_panel.card.text(), timeout=3000)
    row = window.inbox.model.data(window.inbox.model.index(0), ROW_ROLE)
    assert row.customer_name == name and row.last_message_preview.startswith("<img src=")

    cursor = QTextCursor(document)  # no image, no link, no markup made it into the document
    while not cursor.atEnd():
        cursor.movePosition(
            QTextCursor.MoveOperation.NextCharacter, QTextCursor.MoveMode.KeepAnchor
        )
        fmt = cursor.charFormat()
        assert not fmt.isImageFormat()
        assert not fmt.isAnchor() or fmt.anchorHref().startswith("crossdesk-message:")
        cursor.clearSelection()
    window.grab()  # paint everything once
    qtbot.wait(300)  # give any (forbidden) fetch time to arrive at the listener
    assert hits == []
    assert conversation.thread.refused_resources == []


def test_bidi_overrides_zero_width_and_emoji_only_messages(
    repo: InboxRepository, open_window: WindowFactory
) -> None:
    texts = [
        "👍",
        "🙏🏽🙏🏽",
        "order \u202eLM-2026-1\u202c ok",
        "zero\u200bwidth\u200djoin\ufeff",
        "مرحبا، أين طلبي LM-2026-104233؟",
    ]
    add_conversation(
        repo,
        Conv(
            customer="\u202eEvil Name",
            channel=Channel.WHATSAPP,
            messages=[(MessageKind.CUSTOMER, t) for t in texts],
        ),
        add_agents(repo),
    )
    window = open_window()
    shown = window.conversation.thread.toPlainText()
    for text in texts:
        assert text in shown
    assert window.conversation.header.customer_name.text() == "\u202eEvil Name"
    window.grab()  # painting must not fail


def test_a_right_to_left_name_does_not_flip_the_message_header(
    repo: InboxRepository, open_window: WindowFactory
) -> None:
    add_conversation(
        repo,
        Conv(
            customer="عبدالله الحربي",
            country="SA",
            language="ar",
            timezone="Asia/Riyadh",
            messages=[(MessageKind.CUSTOMER, "السلام عليكم")],
        ),
        add_agents(repo),
    )
    window = open_window()
    header_block = window.conversation.thread.document().firstBlock()
    while header_block.isValid() and not header_block.text().strip():
        header_block = header_block.next()
    assert header_block.text().startswith("\u2068عبدالله الحربي\u2069")  # isolated
    assert header_block.blockFormat().layoutDirection() == Qt.LayoutDirection.LeftToRight
    card = window.side_panel.card
    assert card.alignment() & Qt.AlignmentFlag.AlignAbsolute


def test_a_one_megabyte_message_opens_quickly_and_can_be_read_whole(
    repo: InboxRepository, open_window: WindowFactory, qtbot: QtBot
) -> None:
    huge = ("Lorem ipsum dolor sit amet " * 40_000)[:1_000_000]
    add_conversation(repo, Conv(messages=[(MessageKind.CUSTOMER, huge)]), add_agents(repo))
    window = open_window()
    thread = window.conversation.thread
    shown = thread.toPlainText()
    assert len(shown) < DISPLAY_LIMIT + 1000
    assert "Show the whole message (1 MB)" in shown
    preview = window.inbox.model.data(window.inbox.model.index(0), ROW_ROLE).last_message_preview
    assert len(preview) <= 160
    message_id = thread.messages[0].id
    with qtbot.waitSignal(thread.full_message_requested) as blocker:
        thread.anchorClicked.emit(QUrl(f"crossdesk-message:{message_id}"))
    assert blocker.args == [message_id]
    viewer = window.conversation.findChild(MessageViewer)
    assert viewer is not None and viewer.isVisible()
    assert viewer.view.toPlainText().replace("\n", "") == huge.replace("\n", "")
    viewer.close()
