"""Reading what the user sees in the main window."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.domain.models import ConversationRow
from app.ui.inbox.model import ROW_ROLE
from app.ui.shell.main_window import MainWindow


def visible_rows(window: MainWindow) -> list[ConversationRow]:
    model = window.inbox.model
    rows = [model.data(model.index(i), ROW_ROLE) for i in range(model.rowCount())]
    assert all(r is not None for r in rows), "some rows are still loading"
    return rows


def visible_names(window: MainWindow) -> list[str]:
    return [row.customer_name for row in visible_rows(window)]


def choose(combo: object, data: object) -> None:
    """Pick the entry of a filter menu whose data is ``data`` (as a click would)."""
    index = combo.findData(data)  # type: ignore[attr-defined]
    assert index >= 0, f"{data!r} is not offered"
    combo.setCurrentIndex(index)  # type: ignore[attr-defined]


def thread_text(window: MainWindow) -> str:
    """The thread as a reader sees it (bidi isolate marks are invisible)."""
    return window.conversation.thread_view.toPlainText().replace("\u2068", "").replace("\u2069", "")


def type_reply_at(window: MainWindow, qtbot: QtBot, width: int, height: int, draft: str) -> None:
    """Resize the window, type ``draft`` into the composer and wait for its translation
    preview (the test packs translate English to lower case)."""
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.size().toTuple() == (width, height), timeout=2000)
    panel = window.conversation.reply_translation
    window.conversation.composer.editor.setFocus()
    window.conversation.composer.editor.setPlainText(draft)
    qtbot.waitUntil(lambda: panel.editor.toPlainText() == draft.lower(), timeout=5000)


def focus(window: MainWindow, qtbot: QtBot) -> MainWindow:
    """Make the window the active one, so shortcuts and focus behave as for the agent."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    return window


def open_conversation(window: MainWindow, name: str) -> int:
    """Open the customer's conversation from the inbox list; its id."""
    window.inbox.select_row(visible_names(window).index(name))
    assert window.conversation.header.customer_name.text() == name
    cid = window.conversation.conversation_id
    assert cid is not None
    return cid
