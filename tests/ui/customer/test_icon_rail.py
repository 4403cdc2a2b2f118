"""The side panel folds to an icon rail (Customer, Etiquette, Knowledge) instead of
vanishing: the thread widens, a click on an icon opens that section, and the choice is
remembered. At the office-laptop sizes, 1280x720 and 1366x768."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from app.storage.store import Store
from app.ui.customer.rail import RAIL_WIDTH
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import Conv, add_agents, add_conversation
from tests.helpers.fixtures import ContextFactory
from tests.ui.conftest import ErrorSink

pytestmark = pytest.mark.gui


@pytest.fixture
def state(tmp_path: Path, repo: Store) -> QSettings:
    add_conversation(repo, Conv(customer="Lucía García"), add_agents(repo))
    return QSettings(str(tmp_path / "ui-state.ini"), QSettings.Format.IniFormat)


def session(
    qtbot: QtBot, make_ctx: ContextFactory, error_sink: ErrorSink, state: QSettings, size: tuple
) -> MainWindow:
    window = MainWindow(make_ctx(), error_sink, state)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.conversation.loaded, timeout=5000):  # the first one opens
        window.show()
        window.start()
    qtbot.waitExposed(window)
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().toTuple() == size, timeout=2000)
    return window


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768)])
def test_the_side_panel_folds_to_a_rail_and_the_thread_widens(
    qtbot: QtBot,
    make_ctx: ContextFactory,
    error_sink: ErrorSink,
    state: QSettings,
    size: tuple[int, int],
) -> None:
    window = session(qtbot, make_ctx, error_sink, state, size)
    panel = window.side_panel
    thread_width = window.conversation.thread_view.width()
    assert not panel.rail.isVisible() and panel.tabs.isVisible()
    window.side_panel_action.trigger()  # View > Side panel (Ctrl+Shift+B)
    assert window.side_panel_hidden() and not window.side_panel_action.isChecked()
    qtbot.waitUntil(lambda: panel.rail.isVisible(), timeout=2000)
    assert not panel.tabs.isVisible()
    assert panel.width() == RAIL_WIDTH  # a strip, not nothing
    assert [b.toolTip() for b in panel.rail.buttons] == ["Customer", "Etiquette", "Knowledge"]
    assert all(b.isVisible() for b in panel.rail.buttons)
    qtbot.waitUntil(
        lambda: window.conversation.thread_view.width() >= thread_width + 200, timeout=2000
    )
    assert panel.geometry().right() <= window.centralWidget().width()
    # A click on the Knowledge icon unfolds the panel on that section.
    qtbot.mouseClick(panel.rail.buttons[2], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.tabs.isVisible(), timeout=2000)
    assert panel.tabs.currentWidget() is panel.knowledge
    assert not panel.rail.isVisible() and panel.width() >= 300
    assert window.side_panel_action.isChecked()


def test_the_rail_is_remembered_and_a_panel_dragged_shut_becomes_the_rail(
    qtbot: QtBot, make_ctx: ContextFactory, error_sink: ErrorSink, state: QSettings
) -> None:
    first = session(qtbot, make_ctx, error_sink, state, (1366, 768))
    first.side_panel_action.trigger()
    first.close()  # saves the layout
    again = session(qtbot, make_ctx, error_sink, state, (1366, 768))
    assert again.side_panel.collapsed and not again.side_panel_action.isChecked()
    qtbot.waitUntil(lambda: again.side_panel.rail.isVisible(), timeout=2000)
    assert again.side_panel.width() == RAIL_WIDTH
    qtbot.mouseClick(again.side_panel.rail.buttons[0], Qt.MouseButton.LeftButton)
    assert again.side_panel.tabs.currentWidget() is again.side_panel.customer
    assert not again.side_panel.collapsed
    # Dragged shut: the rail, not nothing.
    sizes = again.splitter.sizes()
    again.splitter.setSizes([sizes[0], sizes[1] + sizes[2], 0])
    again.splitter.splitterMoved.emit(again.splitter.width(), 2)
    assert again.side_panel.collapsed
    assert again.splitter.sizes()[2] == RAIL_WIDTH
