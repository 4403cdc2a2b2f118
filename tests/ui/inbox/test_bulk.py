"""Bulk actions on a multi-selection: Ctrl/Shift-click and Ctrl+A, the bar, the context
menu, "Resolved 3 conversations" with Undo, and the limit."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from app.domain.models import Status
from app.storage.store import Store
from app.ui.shell.main_window import MainWindow
from tests.ui.conftest import WindowFactory
from tests.ui.helpers import focus, visible_names

pytestmark = pytest.mark.gui


@pytest.fixture
def window(standard_inbox: dict[str, int], open_window: WindowFactory, qtbot: QtBot) -> MainWindow:
    win = open_window()
    win.resize(1366, 768)
    return focus(win, qtbot)


def click_row(window: MainWindow, qtbot: QtBot, row: int, modifier: Qt.KeyboardModifier) -> None:
    view = window.inbox.list
    rect = view.visualRect(window.inbox.model.index(row))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def statuses(repo: Store, ids: list[int]) -> list[Status]:
    return [repo.conversations.conversation_row(cid).status for cid in ids]


def test_ctrl_click_three_resolve_them_and_undo(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    bar = window.inbox.bulk
    click_row(window, qtbot, 0, Qt.KeyboardModifier.NoModifier)
    assert not bar.isVisible()  # one selected: the header's actions are for it
    click_row(window, qtbot, 1, Qt.KeyboardModifier.ControlModifier)
    click_row(window, qtbot, 3, Qt.KeyboardModifier.ControlModifier)
    assert bar.isVisible() and bar.count.text() == "3 selected"
    chosen = [cid for cid in window.inbox.selected_ids() if cid is not None]
    assert len(chosen) == 3
    names = [visible_names(window)[i] for i in (0, 1, 3)]
    with qtbot.waitSignal(window.inbox.page_loaded, timeout=3000):
        qtbot.mouseClick(bar.resolve_button, Qt.MouseButton.LeftButton)
    assert statuses(repo, chosen) == [Status.RESOLVED] * 3
    assert not set(names) & set(visible_names(window))  # they left the open list
    undo = window.conversation.undo_bar
    assert undo.isVisible() and undo.text.text() == "Resolved 3 conversations"
    with qtbot.waitSignal(window.inbox.page_loaded, timeout=3000):
        qtbot.mouseClick(undo.button, Qt.MouseButton.LeftButton)
    assert Status.RESOLVED not in statuses(repo, chosen)
    assert set(names) <= set(visible_names(window))
    assert not undo.isVisible()


def test_shift_click_and_ctrl_a_select_ranges_and_assign_and_tag_from_menus(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    click_row(window, qtbot, 0, Qt.KeyboardModifier.NoModifier)
    click_row(window, qtbot, 2, Qt.KeyboardModifier.ShiftModifier)
    assert window.inbox.bulk.count.text() == "3 selected"
    window.inbox.list.setFocus()
    qtbot.keyClick(window.inbox.list, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert window.inbox.bulk.count.text() == "5 selected"
    qtbot.keyClick(window.inbox.list, Qt.Key.Key_Escape)  # back to the open one alone
    assert not window.inbox.bulk.isVisible() and len(window.inbox.selected_ids()) == 1
    qtbot.keyClick(window.inbox.list, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    chosen = [cid for cid in window.inbox.selected_ids() if cid is not None]
    menu = QMenu()
    window.inbox.bulk.fill_assign(menu)
    labels = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert labels == ["Me", "Carl Colleague", "Unassign"]
    with qtbot.waitSignal(window.inbox.page_loaded, timeout=3000):
        next(a for a in menu.actions() if a.text() == "Carl Colleague").trigger()
    assignees = {repo.conversations.conversation_row(c).assignee_name for c in chosen}
    assert assignees == {"Carl Colleague"}
    assert window.conversation.undo_bar.text.text() == "Assigned 4 conversations to Carl Colleague"
    tags = QMenu()
    window.inbox.bulk.fill_tags(tags)
    with qtbot.waitSignal(window.inbox.page_loaded, timeout=3000):
        next(a for a in tags.actions() if a.text() == "gdpr").trigger()
    assert all("gdpr" in repo.conversations.conversation_row(c).tags for c in chosen)
    assert window.conversation.undo_bar.text.text() == "Tagged 4 conversations “gdpr”"


def test_the_context_menu_offers_every_bulk_action_and_the_pair_hook(
    window: MainWindow, qtbot: QtBot
) -> None:
    seen: list[tuple[int, int]] = []
    window.inbox.bulk.pair_actions.append(
        lambda menu, pair: (seen.append(pair), menu.addAction("Merge conversations…"))
    )
    click_row(window, qtbot, 0, Qt.KeyboardModifier.NoModifier)
    menu = window.inbox.bulk.context_menu()
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts[:4] == ["Resolve", "Assign to…", "Add tag…", "Snooze…"]
    assert "Merge conversations…" not in texts  # one selected: no pair
    click_row(window, qtbot, 1, Qt.KeyboardModifier.ControlModifier)
    menu = window.inbox.bulk.context_menu()
    assert "Merge conversations…" in [a.text() for a in menu.actions()]
    assert seen == [tuple(window.inbox.selected_ids())]
    snooze = next(a.menu() for a in menu.actions() if a.text() == "Snooze…")
    assert [a.text().split(" (")[0] for a in snooze.actions()] == [
        "For 1 hour",
        "For 3 hours",
        "Until your next morning",
        "Until next week",
    ]


def test_the_selection_is_bounded(
    window: MainWindow, qtbot: QtBot, repo: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.ui.inbox.bulk as bulk_ui
    import app.ui.inbox.pane as pane

    monkeypatch.setattr(bulk_ui, "MAX_BULK", 3)
    monkeypatch.setattr(pane, "MAX_BULK", 3)
    window.inbox.list.setFocus()
    qtbot.keyClick(window.inbox.list, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    bar = window.inbox.bulk
    assert bar.count.text() == "5 selected: at most 3 at once"
    assert not bar.resolve_button.isEnabled()
    before = visible_names(window)
    bar.set_status(Status.RESOLVED)  # the context menu's Resolve, say
    assert bar.count.text() == "5 selected: at most 3 at once"
    assert visible_names(window) == before
