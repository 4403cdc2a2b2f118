"""Merging two conversations on real widgets: from the customer's history and from two
conversations selected in the inbox; the agent chooses which to keep, the thread shows
both conversations' messages in time order, and Undo on the undo bar separates them."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from app.domain.models import Status
from app.storage.store import Store
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import Conv, add_agents, add_conversation
from tests.helpers.person import another_conversation
from tests.ui.conftest import WindowFactory
from tests.ui.helpers import thread_text, visible_names

pytestmark = pytest.mark.gui


@pytest.fixture
def desk(repo: Store) -> dict[str, int]:
    agents = add_agents(repo)
    lucia = add_conversation(
        repo, Conv(customer="Lucía García", subject="Where is my order?"), agents
    )
    again = another_conversation(
        repo, lucia, "Order again", age=3600, status=Status.OPEN, body="Wrote again, sorry."
    )
    other = add_conversation(repo, Conv(customer="Yuki Tanaka", sla_in=7200), agents)
    return {"lucia": lucia, "again": again, "other": other}


def keep_button(box: QMessageBox, subject: str) -> object:
    (button,) = [b for b in box.buttons() if b.text() == f"Keep “\u2068{subject}\u2069”"]
    return button


def test_merge_from_the_history_keeps_the_open_one_and_undo_separates(
    open_window: WindowFactory, qtbot: QtBot, desk: dict[str, int]
) -> None:
    window = open_window()
    window.inbox.select_conversation(desk["lucia"])
    panel = window.side_panel.customer
    qtbot.waitUntil(lambda: panel.view is not None and panel.view.conversation_id == desk["lucia"])
    qtbot.waitUntil(lambda: panel.history.count() == 1)
    menu = panel.history_menu(panel.history.item(0))
    (merge,) = [a for a in menu.actions() if a.objectName() == "mergeConversations"]
    assert merge.isEnabled()
    merge.trigger()
    merger = window.merger
    qtbot.waitUntil(lambda: merger.box is not None, timeout=5000)
    box = merger.box
    assert box is not None and "time order" in box.text()
    assert box.defaultButton() is keep_button(box, "Where is my order?")
    box.defaultButton().click()
    qtbot.waitUntil(lambda: "Wrote again, sorry." in thread_text(window), timeout=5000)
    text = thread_text(window)
    # Time order: the second conversation's message was written after the first one's.
    assert text.index("Hello, where is my order?") < text.index("Wrote again, sorry.")
    assert "You merged “Order again” into this conversation" in text
    qtbot.waitUntil(lambda: panel.history.count() == 0 and panel.no_history.isVisible())
    bar = window.conversation.undo_bar
    assert bar.isVisible() and bar.text.text() == "Conversations merged"
    bar.button.click()
    qtbot.waitUntil(lambda: "Wrote again, sorry." not in thread_text(window), timeout=5000)
    qtbot.waitUntil(lambda: panel.history.count() == 1, timeout=5000)


def test_merge_two_selected_in_the_inbox_keeping_the_second(
    open_window: WindowFactory, qtbot: QtBot, desk: dict[str, int]
) -> None:
    window: MainWindow = open_window()
    assert visible_names(window).count("Lucía García") == 2
    bulk = window.inbox.bulk
    menu = QMenu()
    bulk.pair_actions[-1](menu, (desk["lucia"], desk["again"]))
    (merge,) = menu.actions()
    assert merge.text() == "Merge conversations…"
    merge.trigger()
    qtbot.waitUntil(lambda: window.merger.box is not None, timeout=5000)
    box = window.merger.box
    assert box is not None
    keep_button(box, "Order again").click()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: visible_names(window).count("Lucía García") == 1, timeout=5000)
    qtbot.waitUntil(lambda: window.conversation.conversation_id == desk["again"], timeout=5000)
    qtbot.waitUntil(lambda: "Hello, where is my order?" in thread_text(window), timeout=5000)


def test_merging_is_offered_disabled_with_a_server(
    open_window: WindowFactory, qtbot: QtBot, desk: dict[str, int]
) -> None:
    window = open_window()
    window.merger.local_only = False
    menu = QMenu()
    action = window.merger.action(menu, (desk["lucia"], desk["again"]))
    assert not action.isEnabled()
    assert "local workspace only" in action.toolTip()
