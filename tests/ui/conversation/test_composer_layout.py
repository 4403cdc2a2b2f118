"""The send row stays put: pinned under the composer's scroll area (never scrolled away),
fully visible at 1280x720 and 1366x768, at 100%, 150% and 200% scale and with large text,
while the thread keeps its room."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.config.paths import Paths
from app.ops.culture import load_culture
from app.storage.store import Store
from app.ui.conversation.split import THREAD_MIN_HEIGHT
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import add_agents, add_conversation
from tests.helpers.customers import lucia_asks_for_her_order
from tests.ui.conftest import SpanishDesk
from tests.ui.helpers import thread_text, type_reply_at

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[3]
DRAFT = "\n".join(f"Line {n}: we will touch base ASAP, your ORDER ships today." for n in range(10))


@pytest.fixture
def font_scale() -> Iterator[float]:
    """The text size the agent chose in their desktop's settings (1: the default)."""
    yield 1.0


@pytest.fixture
def window(
    font_scale: float,
    repo: Store,
    spanish_desk: SpanishDesk,
    qtbot: QtBot,
    request: pytest.FixtureRequest,
) -> MainWindow:
    add_conversation(repo, lucia_asks_for_her_order(), add_agents(repo))
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font = app.font()
    if font_scale != 1.0:
        larger = QFont(font)
        larger.setPointSizeF(font.pointSizeF() * font_scale)
        app.setFont(larger)
        request.addfinalizer(lambda: app.setFont(font))
    win = spanish_desk()
    win.set_culture_data(load_culture(Paths(Path("/nonexistent-crossdesk-data"))))
    qtbot.waitUntil(lambda: "GRACIAS POR LA AYUDA." in thread_text(win), timeout=5000)
    return win


def fully_visible(widget: QWidget, window: MainWindow) -> bool:
    """Shown whole: not clipped by a scroll area or a parent, inside the window."""
    if not widget.isVisibleTo(window):
        return False
    if widget.visibleRegion().boundingRect() != widget.rect():
        return False
    top_left = widget.mapTo(window, widget.rect().topLeft())
    bottom_right = widget.mapTo(window, widget.rect().bottomRight())
    status = window.statusBar().geometry()
    return (
        top_left.y() >= 0
        and top_left.x() >= 0
        and bottom_right.y() < status.top()
        and (bottom_right.x() < window.width())
    )


def compose(window: MainWindow, qtbot: QtBot, width: int, height: int) -> None:
    type_reply_at(window, qtbot, width, height, DRAFT)
    qtbot.waitUntil(lambda: window.draft_check.isVisible(), timeout=5000)
    QApplication.processEvents()


def check_layout(window: MainWindow, qtbot: QtBot, width: int, height: int) -> None:
    compose(window, qtbot, width, height)
    split = window.conversation.split
    send = window.conversation.composer.send_button
    # The send row lives under the scroll area, not in it.
    assert split.footer is not None and split.footer.isAncestorOf(send)
    assert not split.composer_area.isAncestorOf(send)
    qtbot.waitUntil(  # the composer's parts want more than there is: they scroll
        lambda: split.bottom.sizeHint().height() > split.composer_area.height(), timeout=3000
    )
    bar = split.composer_area.verticalScrollBar()
    for value in (bar.minimum(), bar.maximum()):  # wherever the agent scrolled to
        bar.setValue(value)
        QApplication.processEvents()
        assert fully_visible(send, window), (width, height, value)
        assert fully_visible(window.conversation.composer.send_more, window)
    thread = window.conversation.thread_view
    qtbot.waitUntil(lambda: thread.viewport().height() >= THREAD_MIN_HEIGHT - 10, timeout=2000)
    assert thread.height() >= THREAD_MIN_HEIGHT
    # The findings are a one-line strip while collapsed.
    check = window.draft_check
    assert not check.summary.isVisible()
    assert check.height() <= check.toggle.sizeHint().height() + 4


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1366, 768)])
def test_send_stays_in_view_while_the_composer_scrolls(
    window: MainWindow, qtbot: QtBot, width: int, height: int
) -> None:
    scale = float(os.environ.get("QT_SCALE_FACTOR", "1"))
    assert window.devicePixelRatio() == pytest.approx(scale)  # the scale took effect
    check_layout(window, qtbot, width, height)


@pytest.mark.parametrize(
    "env",
    [{"QT_SCALE_FACTOR": "1.5"}, {"QT_SCALE_FACTOR": "2"}],
    ids=["150%", "200%"],
)
def test_the_desk_at_150_and_200_percent(env: dict[str, str]) -> None:
    """Qt scales the whole window (as on a HiDPI laptop) only when it starts: run the
    layout test above in a fresh process at that scale."""
    test = f"{Path(__file__).relative_to(ROOT)}::test_send_stays_in_view_while_the_composer_scrolls"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", test, "-q", "-x", "-p", "no:randomly"],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout


@pytest.mark.parametrize("font_scale", [1.5], ids=["text-150%"])
@pytest.mark.parametrize(("width", "height"), [(1366, 768)])
def test_large_text_keeps_send_in_view(
    window: MainWindow, qtbot: QtBot, width: int, height: int
) -> None:
    """Larger desktop text (not a scaled window): the same guarantees at 1366x768."""
    assert window.conversation.composer.send_button.font().pointSizeF() > 12
    check_layout(window, qtbot, width, height)
