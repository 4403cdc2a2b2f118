"""Finding work: a search looks past the default status filter; opening a conversation
clears its unread badge (Mark as unread brings it back); the thread follows what is sent."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSlider
from pytestqt.qtbot import QtBot

from app.domain.changes import Changes
from app.domain.models import MessageKind, Status
from app.storage.store import Store
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.ui.conftest import WindowFactory
from tests.ui.helpers import choose, visible_names

pytestmark = pytest.mark.gui


def search_for(window: MainWindow, qtbot: QtBot, text: str) -> None:
    window.inbox.filters.search.setText(text)
    with qtbot.waitSignal(window.inbox.page_loaded, timeout=3000):
        qtbot.keyClick(window.inbox.filters.search, Qt.Key.Key_Return)


def test_a_search_finds_resolved_and_snoozed_conversations_and_says_so(
    window: MainWindow, qtbot: QtBot
) -> None:
    assert window.inbox.filters.status.currentData() == "open+pending"
    search_for(window, qtbot, "Somchai")  # resolved
    assert visible_names(window) == ["Somchai Dee"]
    assert window.inbox.count.text() == "1 conversation (all statuses)"
    search_for(window, qtbot, "needful")  # snoozed
    assert visible_names(window) == ["Priya Sharma"]
    search_for(window, qtbot, "")
    assert len(visible_names(window)) == 5  # without a search the default filter holds
    assert window.inbox.count.text() == "5 conversations"


def test_a_status_chosen_on_purpose_still_narrows_a_search(
    window: MainWindow, qtbot: QtBot
) -> None:
    choose(window.inbox.filters.status, Status.PENDING.value)
    search_for(window, qtbot, "Somchai")
    assert visible_names(window) == []
    assert window.inbox.count.text() == "0 conversations"
    choose(window.inbox.filters.status, Status.RESOLVED.value)
    assert visible_names(window) == ["Somchai Dee"]
    assert window.inbox.count.text() == "1 conversation"


def test_invisible_characters_are_no_search_and_do_not_widen_the_list(
    window: MainWindow, qtbot: QtBot
) -> None:
    search_for(window, qtbot, "\u200b")
    assert len(visible_names(window)) == 5
    assert window.inbox.count.text() == "5 conversations"


def test_opening_clears_the_unread_badge_and_mark_as_unread_restores_it(
    window: MainWindow, qtbot: QtBot, repo: Store, standard_inbox: dict[str, int]
) -> None:
    yuki = standard_inbox["Yuki Tanaka"]
    model = window.inbox.model
    assert model.cached_row(yuki).unread_count == 1  # type: ignore[union-attr]
    window.inbox.select_row(visible_names(window).index("Yuki Tanaka"))
    assert window.conversation.conversation_id == yuki
    assert model.cached_row(yuki).unread_count == 0  # type: ignore[union-attr]
    assert repo.conversations.conversation_row(yuki).unread_count == 0

    qtbot.keyClick(window, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: model.cached_row(yuki).unread_count == 1, timeout=3000)  # type: ignore[union-attr]
    assert repo.conversations.conversation_row(yuki).unread_count == 1
    assert window.conversation.conversation_id == yuki  # it stays open, marked for later

    window.inbox.step(1)
    window.inbox.select_row(visible_names(window).index("Yuki Tanaka"))
    assert model.cached_row(yuki).unread_count == 0  # type: ignore[union-attr]
    assert repo.conversations.conversation_row(yuki).unread_count == 0


def test_mark_as_unread_is_in_the_conversation_menu(window: MainWindow) -> None:
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    texts = [a.text() for a in menus["Conversation"].actions()]  # type: ignore[union-attr]
    assert "Mark as unread" in texts


@pytest.fixture
def long_thread(repo: Store, standard_inbox: dict[str, int]) -> int:
    messages = [
        (MessageKind.CUSTOMER if i % 2 == 0 else MessageKind.AGENT, f"Message number {i}")
        for i in range(80)
    ]
    agents = add_agents(repo)
    return add_conversation(
        repo, Conv(customer="Long Thread", sla_in=-7200, messages=messages), agents
    )


@pytest.mark.parametrize("kind", [MessageKind.AGENT, MessageKind.NOTE])
def test_the_thread_opens_at_the_newest_and_follows_what_is_sent(
    long_thread: int, open_window: WindowFactory, qtbot: QtBot, kind: MessageKind
) -> None:
    window = open_window()
    window.inbox.select_row(visible_names(window).index("Long Thread"))
    assert window.conversation.conversation_id == long_thread
    bar = window.conversation.thread_view.verticalScrollBar()
    assert bar.maximum() > 0
    assert bar.value() == bar.maximum()  # opens at the newest message

    bar.setValue(0)  # the agent scrolls up to read, then sends
    window.conversation.send(kind, "Thanks, done")
    qtbot.waitUntil(
        lambda: window.conversation.thread_view.messages[-1].body == "Thanks, done",
        timeout=3000,
    )
    assert bar.value() == bar.maximum()


def test_a_reload_without_a_new_message_keeps_the_place(
    long_thread: int, open_window: WindowFactory
) -> None:
    window = open_window()
    window.inbox.select_row(visible_names(window).index("Long Thread"))
    bar = window.conversation.thread_view.verticalScrollBar()
    bar.setValue(10)
    window.conversation.reload()  # e.g. after a status change
    window.conversation.set_status(Status.PENDING)
    assert bar.value() == 10


def test_a_customer_message_follows_only_an_agent_at_the_bottom(
    long_thread: int, open_window: WindowFactory, repo: Store
) -> None:
    window = open_window()
    window.inbox.select_row(visible_names(window).index("Long Thread"))
    bar = window.conversation.thread_view.verticalScrollBar()

    def customer_writes(text: str) -> None:
        repo.messages.add_message(long_thread, MessageKind.CUSTOMER, text, NOW + 60)
        window.apply_changes(Changes.of(long_thread, list_membership=True))
        assert window.conversation.thread_view.messages[-1].body == text

    bar.triggerAction(QAbstractSlider.SliderAction.SliderToMinimum)  # reading the start
    customer_writes("Are you there?")
    assert bar.value() == bar.minimum()
    bar.triggerAction(QAbstractSlider.SliderAction.SliderToMaximum)  # back at the newest
    customer_writes("Hello?")
    assert bar.value() == bar.maximum()
