"""The customer beside the thread, on real widgets: their earlier conversations (a click
opens one), notes on them, order details from the backend, merging two handles of one
person, and the quiet system lines in the thread."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.domain.customer import NOTE_MAX_CHARS
from app.domain.models import Status
from app.ops import customer as customer_ops
from app.storage.store import Store
from app.ui.customer.panel import CustomerPanel
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.helpers.person import another_conversation
from tests.ui.conftest import WindowFactory
from tests.ui.helpers import thread_text

pytestmark = pytest.mark.gui


@pytest.fixture
def desk(repo: Store) -> dict[str, int]:
    agents = add_agents(repo)
    lucia = add_conversation(
        repo, Conv(customer="Lucía García", subject="Where is LM-2026-104233?"), agents
    )
    ids = {
        "lucia": lucia,
        "refund": another_conversation(repo, lucia, "Refund for a cable", age=40 * 86400),
        "size": another_conversation(repo, lucia, "Wrong size", age=3 * 86400),
        "other": add_conversation(repo, Conv(customer="lucia.g (WhatsApp)", sla_in=7200), agents),
    }
    with repo.transaction():
        repo.customers.set_conversation_fields(
            lucia,
            {
                "order_number": "LM-2026-104233",
                "order_status": "Shipped",
                "paid": True,
                "script": "<b>bold</b>",
                "nested": {"no": "objects"},
            },
        )
        repo.customers.set_customer_fields(repo.conversations.customer_id(lucia), {"plan": "Gold"})
    return ids


def panel_of(window: MainWindow) -> CustomerPanel:
    return window.side_panel.customer


def open_lucia(window: MainWindow, qtbot: QtBot, desk: dict[str, int]) -> CustomerPanel:
    window.inbox.select_conversation(desk["lucia"])
    panel = panel_of(window)
    qtbot.waitUntil(
        lambda: panel.view is not None and panel.view.conversation_id == desk["lucia"],
        timeout=5000,
    )
    window.side_panel.tabs.setCurrentWidget(panel)
    return panel


def history_lines(panel: CustomerPanel) -> list[str]:
    return [panel.history.item(i).text() for i in range(panel.history.count())]


def test_the_history_lists_earlier_conversations_and_a_click_opens_one(
    open_window: WindowFactory, qtbot: QtBot, desk: dict[str, int]
) -> None:
    window = open_window()
    panel = open_lucia(window, qtbot, desk)
    lines = history_lines(panel)
    assert [line.split("\n")[0] for line in lines] == ["Wrong size", "Refund for a cable"]
    assert "Resolved" in lines[0] and "Email" in lines[0]  # status, channel, date
    assert panel.history.isVisible() and not panel.no_history.isVisible()
    assert not any("lucia.g" in line for line in lines)  # another customer's
    # A resolved one is not in the (open) list: it opens all the same.
    item = panel.history.item(1)
    panel.history.itemClicked.emit(item)
    qtbot.waitUntil(lambda: window.conversation.conversation_id == desk["refund"], timeout=5000)
    qtbot.waitUntil(lambda: "My earlier order never arrived." in thread_text(window), timeout=5000)
    qtbot.waitUntil(lambda: panel.view is not None and panel.view.conversation_id == desk["refund"])
    assert "Where is LM-2026-104233?" in history_lines(panel)[0]


def test_order_details_show_as_plain_label_value_pairs(
    open_window: WindowFactory, qtbot: QtBot, desk: dict[str, int]
) -> None:
    window = open_window()
    panel = open_lucia(window, qtbot, desk)
    pairs = {}
    for row in range(panel.fields.rowCount()):
        name = panel.fields.itemAt(row, panel.fields.ItemRole.LabelRole).widget()
        value = panel.fields.itemAt(row, panel.fields.ItemRole.FieldRole).widget()
        assert isinstance(name, QLabel) and isinstance(value, QLabel)
        assert value.textFormat() == Qt.TextFormat.PlainText
        pairs[name.text()] = value.text()
    assert pairs == {
        "Order number": "LM-2026-104233",
        "Order status": "Shipped",
        "Paid": "Yes",
        "Plan": "Gold",
        "Script": "<b>bold</b>",  # shown as typed, never rendered
    }
    assert panel.fields_title.isVisible()


def test_notes_are_added_edited_deleted_and_seen_from_every_conversation(
    open_window: WindowFactory, qtbot: QtBot, desk: dict[str, int]
) -> None:
    window = open_window()
    panel = open_lucia(window, qtbot, desk)
    notes = panel.notes
    assert notes.empty.isVisible()
    assert not notes.save.isEnabled()
    notes.editor.setPlainText("x" * (NOTE_MAX_CHARS + 1))
    assert not notes.save.isEnabled()
    assert "at most" in notes.notice.text()
    notes.editor.setPlainText("Prefers WhatsApp after 18:00")
    assert notes.save.isEnabled() and not notes.notice.isVisible()
    qtbot.mouseClick(notes.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(notes.notes) == 1, timeout=5000)
    assert notes.editor.toPlainText() == ""
    (frame,) = [notes.list.itemAt(i).widget() for i in range(notes.list.count())]
    texts = [label.text() for label in frame.findChildren(QLabel)]
    assert "Prefers WhatsApp after 18:00" in texts
    assert any(text.startswith("You · ") for text in texts)  # author and date
    # Edit it.
    notes.start_edit(notes.notes[0].id)
    assert notes.save.text() == "Save note"
    notes.editor.setPlainText("Prefers WhatsApp after 19:00")
    qtbot.mouseClick(notes.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: notes.notes[0].body == "Prefers WhatsApp after 19:00", timeout=5000)
    # The same note shows with the customer's earlier conversation.
    panel.history.itemClicked.emit(panel.history.item(0))
    qtbot.waitUntil(lambda: panel.view is not None and panel.view.conversation_id == desk["size"])
    qtbot.waitUntil(lambda: [n.body for n in notes.notes] == ["Prefers WhatsApp after 19:00"])
    # Delete, then Undo brings the text back.
    notes.delete(notes.notes[0].id)
    qtbot.waitUntil(lambda: not notes.notes, timeout=5000)
    assert notes.restore.isVisible() and notes.notice.text() == "Note deleted."
    qtbot.mouseClick(notes.restore, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: [n.body for n in notes.notes] == ["Prefers WhatsApp after 19:00"])


def test_a_colleagues_note_has_no_edit_or_delete(
    repo: Store, open_window: WindowFactory, qtbot: QtBot, desk: dict[str, int]
) -> None:
    colleague = repo.conversations.agent_by_uid("colleague")
    assert colleague is not None
    who = repo.conversations.customer_id(desk["lucia"])
    customer_ops.add_note(repo, who, "Asked for a callback", colleague.id, NOW)
    window = open_window()
    panel = open_lucia(window, qtbot, desk)
    qtbot.waitUntil(lambda: len(panel.notes.notes) == 1)
    frame = panel.notes.list.itemAt(0).widget()
    head = next(label.text() for label in frame.findChildren(QLabel))
    assert head.startswith("\u2068Carl Colleague\u2069 · ")
    assert frame.findChild(object, "noteEdit") is None
    assert frame.findChild(object, "noteDelete") is None


def test_merging_two_handles_of_one_person_and_undo(
    open_window: WindowFactory, qtbot: QtBot, desk: dict[str, int]
) -> None:
    window = open_window()
    panel = open_lucia(window, qtbot, desk)
    dialog = panel.open_merge()
    assert dialog is not None
    assert not dialog.merge_button.isEnabled()  # nothing chosen yet
    dialog.search.setText("whatsapp")
    qtbot.waitUntil(lambda: dialog.results.count() == 1, timeout=5000)
    assert dialog.results.item(0).text().startswith("lucia.g (WhatsApp)")
    dialog.results.setCurrentRow(0)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(history_lines(panel)) == 3, timeout=5000)
    assert panel.aliases.text() == "Same person as: \u2068lucia.g (WhatsApp)\u2069"
    assert panel.merge_undo.isVisible()
    qtbot.mouseClick(panel.merge_undo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(history_lines(panel)) == 2, timeout=5000)
    assert not panel.aliases.isVisible()


def test_actions_show_as_quiet_lines_in_the_thread(
    open_window: WindowFactory, qtbot: QtBot, desk: dict[str, int]
) -> None:
    window = open_window()
    open_lucia(window, qtbot, desk)
    pane = window.conversation
    qtbot.waitUntil(lambda: pane.detail is not None and pane.detail.row.id == desk["lucia"])
    pane.set_status(Status.PENDING)
    qtbot.waitUntil(lambda: "Set to pending by you · " in thread_text(window), timeout=5000)
    text = thread_text(window)
    # After the customer's message, in time order.
    assert text.index("Hello, where is my order?") < text.index("Set to pending by you")


def test_a_long_history_says_how_many_more_and_shows_them_on_a_click(
    repo: Store, open_window: WindowFactory, qtbot: QtBot, desk: dict[str, int]
) -> None:
    from app.domain.customer import HISTORY_LIMIT

    for n in range(HISTORY_LIMIT):
        another_conversation(repo, desk["lucia"], f"Order {n}", age=90 * 86400 + n)
    window = open_window()
    panel = open_lucia(window, qtbot, desk)
    assert panel.history.count() == HISTORY_LIMIT
    assert panel.more.isVisible() and panel.more.text() == "Show 2 more"
    assert panel.history.height() < 6 * 60  # five rows show, the list scrolls
    qtbot.mouseClick(panel.more, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.history.count() == HISTORY_LIMIT + 2, timeout=5000)
    assert not panel.more.isVisible()


def test_ctrl_enter_adds_the_note(
    open_window: WindowFactory, qtbot: QtBot, desk: dict[str, int]
) -> None:
    window = open_window()
    panel = open_lucia(window, qtbot, desk)
    notes = panel.notes
    notes.editor.setFocus()
    qtbot.keyClicks(notes.editor, "VIP since 2024")
    qtbot.keyClick(notes.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: [n.body for n in notes.notes] == ["VIP since 2024"], timeout=5000)
