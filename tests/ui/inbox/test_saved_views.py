"""Saved views: the current filters and search under a name, listed under the queues."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.filters import AssigneeFilter
from app.ops import inbox
from app.ops import queues as queue_ops
from app.storage.store import Store
from app.ui.inbox.queues import KEY_ROLE
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import NOW
from tests.ui.conftest import WindowFactory
from tests.ui.helpers import choose, visible_names

pytestmark = pytest.mark.gui


@pytest.fixture
def window(standard_inbox: dict[str, int], open_window: WindowFactory, qtbot: QtBot) -> MainWindow:
    win = open_window()
    win.resize(1366, 768)
    return win


def view_names(window: MainWindow) -> list[str]:
    tree = window.inbox.queues.tree
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    return [i.text(0) for i in items if i is not None and isinstance(i.data(0, KEY_ROLE), int)]


def test_save_a_view_then_come_back_to_it_in_one_click(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    filters = window.inbox.filters
    choose(filters.assignee, AssigneeFilter.ME.value)
    choose(filters.tag, "installments")
    qtbot.waitUntil(lambda: visible_names(window) == ["Ana Souza"], timeout=3000)
    window.inbox.queues.save_view("  Ana's  instalments ")
    qtbot.waitUntil(lambda: view_names(window) == ["Ana's instalments"], timeout=3000)
    assert window.inbox.queues.views_header.isHidden() is False
    # Stored as validated JSON, for me.
    me = window._ctx.workspace.me_id
    assert [v.name for v in repo.saved_views.views(me)] == ["Ana's instalments"]

    window.inbox.queues.choose("all")
    qtbot.waitUntil(lambda: len(visible_names(window)) == 5, timeout=3000)
    assert filters.tag.currentData() is None
    view_id = window.inbox.queues.views[0].id
    with qtbot.waitSignal(window.inbox.page_loaded, timeout=3000):
        window.inbox.queues.choose(view_id)
    assert visible_names(window) == ["Ana Souza"]
    assert (filters.assignee.currentData(), filters.tag.currentData()) == ("me", "installments")
    assert filters.more.text() == "Filters (2)"  # what narrows the list, while folded
    assert window.inbox.queues.tree.currentItem().data(0, KEY_ROLE) == view_id


def test_a_view_keeps_its_search_and_a_queue_flag(window: MainWindow, qtbot: QtBot) -> None:
    window.inbox.queues.choose("held")
    qtbot.waitUntil(lambda: window.inbox.model.query.held, timeout=3000)
    window.inbox.filters.search.setText("refund")
    with qtbot.waitSignal(window.inbox.page_loaded, timeout=3000):
        qtbot.keyClick(window.inbox.filters.search, Qt.Key.Key_Return)
    window.inbox.queues.save_view("Held refunds")
    qtbot.waitUntil(lambda: view_names(window) == ["Held refunds"], timeout=3000)
    window.inbox.queues.choose("all")
    qtbot.waitUntil(lambda: not window.inbox.model.query.held, timeout=3000)
    assert window.inbox.filters.search.text() == ""
    window.inbox.queues.choose(window.inbox.queues.views[0].id)
    qtbot.waitUntil(lambda: window.inbox.model.query.held, timeout=3000)
    assert window.inbox.filters.search.text() == "refund"


def test_rename_and_delete_and_a_clash_is_said_not_lost(window: MainWindow, qtbot: QtBot) -> None:
    queues = window.inbox.queues
    queues.save_view("First")
    queues.save_view("Second")
    qtbot.waitUntil(lambda: view_names(window) == ["First", "Second"], timeout=3000)
    first, second = (v.id for v in queues.views)
    menu = queues.view_menu(second)
    assert menu is not None
    assert [a.text() for a in menu.actions()] == ["Rename…", "Delete"]
    assert queues.view_menu("mine") is None  # queues are not renamed or deleted
    queues.rename_view(second, "First")
    qtbot.waitUntil(lambda: queues.notice.isVisible(), timeout=3000)
    assert queues.notice.text() == "You already have a view named “First”"
    assert view_names(window) == ["First", "Second"]
    queues.rename_view(second, "Japan")
    qtbot.waitUntil(lambda: view_names(window) == ["First", "Japan"], timeout=3000)
    queues.delete_view(first)
    qtbot.waitUntil(lambda: view_names(window) == ["Japan"], timeout=3000)


def test_a_damaged_view_is_greyed_and_says_why_when_clicked(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    me = inbox.workspace_info(repo, "t", "").me_id
    repo.saved_views.save(me, "From the future", '{"v": 1, "statuses": ["open"], "x": 1}', NOW)
    window.inbox.queues.load_views()
    qtbot.waitUntil(lambda: view_names(window) == ["From the future"], timeout=3000)
    before = window.inbox.model.query
    window.inbox.queues.choose(window.inbox.queues.views[0].id)
    assert window.inbox.queues.notice.isVisible()
    assert window.inbox.queues.notice.text() == (
        "The view “From the future” cannot be used and was ignored: Unknown filter “x”. "
        "Delete it, or save the filters again under its name."
    )
    assert window.inbox.model.query == before  # nothing changed, nothing crashed


def test_a_view_whose_tag_is_gone_keeps_it_rather_than_showing_everything(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    me = inbox.workspace_info(repo, "t", "").me_id
    inbox_query = window.inbox.model.query.with_(tag="retired-tag")
    queue_ops.save_view(repo, me, "Old tag", inbox_query, NOW)
    window.inbox.queues.load_views()
    qtbot.waitUntil(lambda: view_names(window) == ["Old tag"], timeout=3000)
    with qtbot.waitSignal(window.inbox.page_loaded, timeout=3000):
        window.inbox.queues.choose(window.inbox.queues.views[0].id)
    assert window.inbox.filters.tag.currentData() == "retired-tag"
    assert visible_names(window) == []
    assert window.inbox.filters.more.text() == "Filters (1)"
    assert not window.inbox.filters.menus.isVisible()  # folded: the queues come first
    window.inbox.filters.more.click()
    assert window.inbox.filters.menus.isVisible()
