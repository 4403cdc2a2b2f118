"""Office laptops: at 1280x720 and 1366x768 the agent still reads the customer while writing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings, QSize
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.storage.store import Store
from app.ui.conversation.split import THREAD_MIN_HEIGHT
from app.ui.shell.bootstrap import parse_args
from app.ui.shell.main_window import MainWindow
from app.ui.shell.screen_fit import FIRST_SIZE, first_geometry, fit_to_screen, fitted
from tests.helpers.builders import add_agents, add_conversation
from tests.helpers.customers import lucia_asks_for_her_order
from tests.helpers.fixtures import ContextFactory
from tests.ui.conftest import ErrorSink, SpanishDesk
from tests.ui.helpers import thread_text, type_reply_at

pytestmark = pytest.mark.gui

LONG_DRAFT = "\n".join(
    f"Line {n}: your ORDER ships today, with a free replacement cable." for n in range(12)
)


@pytest.fixture
def window(repo: Store, spanish_desk: SpanishDesk, qtbot: QtBot) -> MainWindow:
    add_conversation(repo, lucia_asks_for_her_order(), add_agents(repo))
    win = spanish_desk()
    qtbot.waitUntil(lambda: "GRACIAS POR LA AYUDA." in thread_text(win), timeout=5000)
    return win


def compose_at(window: MainWindow, qtbot: QtBot, width: int, height: int) -> None:
    """Resize the window, type a long reply and wait for its translation preview."""
    type_reply_at(window, qtbot, width, height, LONG_DRAFT)
    panel = window.conversation.reply_translation
    qtbot.waitUntil(lambda: panel.back.isVisible(), timeout=5000)
    QApplication.processEvents()


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1366, 768)])
def test_the_thread_stays_readable_while_composing(
    window: MainWindow, qtbot: QtBot, width: int, height: int
) -> None:
    compose_at(window, qtbot, width, height)
    thread = window.conversation.thread_view
    # The composer wants more than the screen has; it scrolls, the thread keeps its room.
    split = window.conversation.split
    qtbot.waitUntil(lambda: thread.viewport().height() >= THREAD_MIN_HEIGHT - 10, timeout=2000)
    assert thread.height() >= THREAD_MIN_HEIGHT
    qtbot.waitUntil(  # it scrolls (once the layout has settled)
        lambda: split.bottom.sizeHint().height() > split.composer_area.height(), timeout=3000
    )
    assert window.conversation.reply_translation.editor.isVisibleTo(window)
    # Nothing is cut off at the right: every pane fits its width.
    assert window.minimumSizeHint().width() <= width
    for pane in (window.inbox, window.conversation, window.side_panel):
        assert pane.geometry().right() <= window.centralWidget().width()
    composer = window.conversation.composer
    assert composer.width() <= split.composer_area.viewport().width()


def test_the_window_fits_far_under_1280_and_the_header_folds_its_buttons(
    window: MainWindow, qtbot: QtBot
) -> None:
    window.layout().activate()
    assert window.minimumSizeHint().width() < 1100
    header = window.conversation.header
    window.resize(1900, 900)
    qtbot.waitUntil(lambda: not header.folded, timeout=2000)
    assert header.tag_button.toolButtonStyle().name == "ToolButtonTextBesideIcon"
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: header.folded, timeout=2000)
    assert header.tag_button.toolButtonStyle().name == "ToolButtonIconOnly"
    assert header.tag_button.toolTip() == "Tags"  # its name is one hover away
    assert header.resolve_button.text() == "Resolve"  # the main action keeps its words
    right = max(b.geometry().right() for b in (*header.folding, header.resolve_button))
    assert right <= header.width()


def test_the_side_panel_folds_away_and_stays_folded(
    qtbot: QtBot, tmp_path: Path, make_ctx: ContextFactory, error_sink: ErrorSink
) -> None:
    state = QSettings(str(tmp_path / "ui-state.ini"), QSettings.Format.IniFormat)

    def session() -> MainWindow:
        window = MainWindow(make_ctx(), error_sink, state)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    first = session()
    first.resize(1280, 720)
    conversation_width = first.conversation.width()
    first.side_panel_action.trigger()
    assert first.side_panel_hidden()
    assert not first.side_panel_action.isChecked()
    assert first.conversation.width() > conversation_width
    first.conversation.split.set_limit(250)
    first.close()  # saves the layout
    again = session()
    assert again.side_panel_hidden()
    assert not again.side_panel_action.isChecked()
    assert again.conversation.split.limit == 250
    again.side_panel_action.trigger()
    assert not again.side_panel_hidden()
    assert again.side_panel.width() >= 300


def test_size_and_draft_on_the_command_line() -> None:
    args = parse_args(["--demo", "--size", "1366x768", "--draft", "Hello"])
    assert (args.size, args.draft) == ((1366, 768), "Hello")
    with pytest.raises(SystemExit):
        parse_args(["--size", "big"])
    with pytest.raises(SystemExit):
        parse_args(["--size", "10x10"])


# ---------------------------------------------------------------------- the screen it opens on
LAPTOP = QRect(0, 0, 1366, 728)  # 1366x768 less a 40 px panel
MONITOR = QRect(1366, 0, 1920, 1040)


def test_a_first_window_gets_the_screens_free_area_never_more() -> None:
    assert first_geometry(LAPTOP) == LAPTOP  # wants 1480x900: gets the laptop's 1366x728
    big = first_geometry(MONITOR)
    assert big.size() == FIRST_SIZE and MONITOR.contains(big)
    assert big.center().x() in range(MONITOR.center().x() - 1, MONITOR.center().x() + 2)
    small = first_geometry(QRect(0, 0, 800, 600), QSize(1024, 560))
    assert small.size() == QSize(1024, 600)  # the window's own minimum wins over the screen


def test_a_remembered_geometry_comes_back_onto_a_screen_that_exists() -> None:
    gone = QRect(3400, 80, 1600, 1000)  # on a monitor since unplugged
    assert fitted(gone, [LAPTOP]) == QRect(0, 0, 1366, 728)
    half_off = QRect(1000, 300, 1200, 700)  # mostly on the laptop, hanging off its edge
    assert fitted(half_off, [LAPTOP]) == QRect(166, 28, 1200, 700)
    on_monitor = QRect(1500, 100, 1400, 800)  # the monitor is still there: it stays there
    assert fitted(on_monitor, [LAPTOP, MONITOR]) == on_monitor
    assert fitted(QRect(0, 0, 900, 600), [LAPTOP]) == QRect(0, 0, 900, 600)


def test_the_window_is_fitted_to_the_real_screen(
    qtbot: QtBot, make_ctx: ContextFactory, error_sink: ErrorSink
) -> None:
    window = MainWindow(make_ctx(), error_sink)
    qtbot.addWidget(window)
    screen = QApplication.primaryScreen().availableGeometry()
    fit_to_screen(window, restored=False)
    minimum = window.minimumSizeHint()
    assert window.height() <= screen.height()  # the offscreen screen is 800x800
    assert window.width() == max(minimum.width(), min(FIRST_SIZE.width(), screen.width()))
    assert screen.contains(window.geometry().topLeft())
    window.setGeometry(QRect(6000, 4000, 1480, 900))  # remembered on a screen now gone
    fit_to_screen(window, restored=True)
    assert screen.contains(window.geometry().topLeft())
    assert window.height() <= screen.height()
