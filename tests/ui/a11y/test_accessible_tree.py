"""What a screen reader finds in the main window: every control named, in the UI's
language, and an inbox row read out as one sentence (customer, country, SLA, unread)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.domain.models import ConversationRow
from app.ui.inbox.model import ROW_ROLE
from app.ui.shell.main_window import MainWindow
from tests.ui.a11y.conftest import DemoFactory
from tests.ui.a11y.walk import INTERACTIVE, Node, Role, accessible_nodes, unnamed

pytestmark = pytest.mark.gui
HAN = re.compile(r"[\u4e00-\u9fff]")


def walk_every_side_tab(window: MainWindow, qtbot: QtBot) -> list[Node]:
    """The tree with each side-panel tab shown in turn (a hidden tab is not in the tree),
    then with the side panel folded to its icon rail."""
    nodes: list[Node] = []
    tabs = window.side_panel.tabs
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        shown = tabs.widget(index)
        assert shown is not None
        qtbot.waitUntil(shown.isVisible)
        nodes += accessible_nodes(window)
    window.show_side_panel(False)
    qtbot.waitUntil(lambda: window.side_panel.rail.isVisible())
    nodes += accessible_nodes(window)
    window.show_side_panel(True)
    return nodes


def row_cells(nodes: list[Node]) -> list[Node]:
    return [n for n in nodes if n.role is Role.Cell and n.name]


def test_every_control_in_the_main_window_has_a_name(demo: DemoFactory, qtbot: QtBot) -> None:
    window = demo("en")
    nodes = walk_every_side_tab(window, qtbot)
    interactive = [n for n in nodes if n.role in INTERACTIVE]
    assert len(interactive) > 40  # the walk reached the three panes, not just the frame
    assert not unnamed(nodes), "\n".join(map(str, unnamed(nodes)))
    names = {n.name for n in interactive}
    for expected in ("Conversations", "Search messages and customers", "Send reply"):
        assert expected in names
    # The painted icon-only pieces say what they do.
    assert "Fold the side panel to icons (Ctrl+Shift+B)" in names
    assert "Clear the search" in names or "Search" in names


def test_an_inbox_row_is_read_as_customer_country_sla_and_unread(
    demo: DemoFactory, qtbot: QtBot
) -> None:
    window = demo("en")
    model = window.inbox.model
    rows: list[ConversationRow] = [model.data(model.index(i), ROW_ROLE) for i in range(8)]
    cells = row_cells(accessible_nodes(window.inbox.list))
    assert len(cells) >= 5, cells
    for row, cell in zip(rows, cells, strict=False):
        said = cell.name
        assert said.startswith(f"{row.customer_name}, "), said
        country = window._ctx.i18n.country_name(row.country)
        assert len(country) > 2 and f", {country}: " in said  # named, not "GB"
        assert re.search(r": (Due in \d|Overdue \d|No SLA|Snoozed|Resolved|Pending)", said), said
        unread = row.unread_count
        assert said.endswith(f", {unread} unread"), said
        # The description: what the customer last wrote (or "You: ..." for a reply).
        assert row.last_message_preview.split()[0] in cell.description
    # A row with unread messages and a due or missed SLA, as a screen reader says it.
    urgent = next(c for c, r in zip(cells, rows, strict=False) if r.unread_count)
    assert re.fullmatch(r".+, .+: (Due in|Overdue) [\dhdm ]+, [1-9]\d* unread", urgent.name)


def test_in_chinese_the_names_and_the_rows_are_chinese(demo: DemoFactory, qtbot: QtBot) -> None:
    window = demo("zh_CN")
    nodes = walk_every_side_tab(window, qtbot)
    assert not unnamed(nodes), "\n".join(map(str, unnamed(nodes)))
    by_widget = {n.widget: n.name for n in nodes}
    for widget in (
        "QTableView#conversationList",
        "QLineEdit#search",
        "QPushButton#primary",
        "QToolButton#foldSidePanel",
        "QPlainTextEdit#composerEdit",
        "ThreadView#thread",
    ):
        assert HAN.search(by_widget[widget]), (widget, by_widget[widget])
    buttons = [n for n in nodes if n.role is Role.PushButton and n.widget != "item"]
    assert sum(bool(HAN.search(b.name)) for b in buttons) >= len(buttons) * 0.9
    cells = row_cells(accessible_nodes(window.inbox.list))
    model = window.inbox.model
    for i, cell in enumerate(cells[:5]):
        row = model.data(model.index(i), ROW_ROLE)
        assert cell.name.startswith(f"{row.customer_name}，")
        assert cell.name.endswith(f"{row.unread_count} 条未读")
        assert re.search(r"：(剩余|已超时|无 SLA)", cell.name) or "稍后" in cell.name, cell.name
        assert HAN.search(cell.name.split("，")[1])  # the country in Chinese: 英国, 日本


def test_the_rows_accessible_text_follows_the_clock_and_the_reading(
    demo: DemoFactory, qtbot: QtBot
) -> None:
    """Opening a conversation reads it: the row then says "0 unread"."""
    window = demo("en")
    model = window.inbox.model
    row = next(
        i for i in range(model.rowCount()) if model.data(model.index(i), ROW_ROLE).unread_count
    )
    before = model.data(model.index(row), Qt.ItemDataRole.AccessibleTextRole)
    window.inbox.select_row(row)
    qtbot.waitUntil(
        lambda: model.data(model.index(row), Qt.ItemDataRole.AccessibleTextRole).endswith(
            ", 0 unread"
        )
    )
    assert (
        before.split(":")[0]
        == model.data(model.index(row), Qt.ItemDataRole.AccessibleTextRole).split(":")[0]
    )
    assert QApplication.activeWindow() is window
