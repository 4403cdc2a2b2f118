"""The Arabic UI mirrors the whole window; mixed-direction content keeps its own order."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.config.paths import Paths
from app.config.settings import Settings
from app.domain.models import MessageKind
from app.ui.conversation.thread_view import SIDE_GAP
from app.ui.inbox.delegate import ICON, PAD
from app.ui.shell.application import CrossDeskApp, LaunchOptions

pytestmark = pytest.mark.gui


@pytest.fixture
def desk(qtbot: QtBot, tmp_path: Path):
    apps: list[CrossDeskApp] = []

    def start(lang: str) -> CrossDeskApp:
        qt_app = QApplication.instance()
        assert isinstance(qt_app, QApplication)
        crossdesk = CrossDeskApp(
            qt_app, Paths(tmp_path / "data"), Settings(), LaunchOptions(demo=True, ui_language=lang)
        )
        apps.append(crossdesk)
        crossdesk.start()
        qtbot.waitUntil(
            lambda: crossdesk.window is not None and crossdesk.window.inbox.model.rowCount() > 0,
            timeout=20_000,
        )
        assert crossdesk.window is not None
        crossdesk.window.resize(1366, 768)
        crossdesk.window.show()
        return crossdesk

    yield start
    for crossdesk in apps:
        crossdesk.shutdown()
        if crossdesk.window is not None:
            crossdesk.window.close()
    QGuiApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def left_edge(widget: QWidget) -> int:
    return widget.mapTo(widget.window(), QPoint(0, 0)).x()


def ink(image: QImage, x0: int, x1: int, y0: int, y1: int) -> int:
    """How many pixels in the box differ clearly from the row's background."""
    background = QColor(image.pixel(image.width() // 2, y1 + 2))
    count = 0
    for x in range(max(x0, 0), min(x1, image.width())):
        for y in range(y0, y1):
            colour = QColor(image.pixel(x, y))
            if abs(colour.lightness() - background.lightness()) > 40:
                count += 1
    return count


def test_the_arabic_window_is_mirrored(desk, qtbot: QtBot) -> None:
    crossdesk = desk("ar")
    window = crossdesk.window
    assert QGuiApplication.layoutDirection() is Qt.LayoutDirection.RightToLeft
    assert window.layoutDirection() is Qt.LayoutDirection.RightToLeft
    # the inbox, first in reading order, is at the right; the side panel at the left
    assert left_edge(window.inbox) > left_edge(window.conversation) > left_edge(window.side_panel)
    # an inbox row: its channel icon at the right end, not the left
    view = window.inbox.list
    image = view.viewport().grab().toImage()
    top = view.visualRect(view.model().index(0, 0)).top() + PAD
    width = image.width()
    right_icon = ink(image, width - PAD - ICON, width - PAD, top, top + ICON)
    left_icon = ink(image, PAD, PAD + ICON, top, top + ICON)
    assert right_icon > 40 and right_icon > 3 * left_icon
    # the customer card's lines start at the right, whatever the name's own direction
    assert window.side_panel.card.alignment() & Qt.AlignmentFlag.AlignRight
    # the customer's bubbles sit at the start side: the right
    thread = window.conversation.thread_view
    customer = thread._frames[MessageKind.CUSTOMER]
    agent = thread._frames[MessageKind.AGENT]
    assert (customer.leftMargin(), customer.rightMargin()) == (SIDE_GAP, 0)
    assert (agent.leftMargin(), agent.rightMargin()) == (0, SIDE_GAP)


def test_switching_back_to_english_unmirrors(desk, qtbot: QtBot) -> None:
    crossdesk = desk("ar")
    crossdesk.apply_settings(Settings(ui_language="en"))
    qtbot.waitUntil(
        lambda: crossdesk.window is not None and crossdesk.window.inbox.model.rowCount() > 0,
        timeout=20_000,
    )
    window = crossdesk.window
    assert QGuiApplication.layoutDirection() is Qt.LayoutDirection.LeftToRight
    window.resize(1366, 768)
    assert left_edge(window.inbox) < left_edge(window.conversation) < left_edge(window.side_panel)
    customer = window.conversation.thread_view._frames[MessageKind.CUSTOMER]
    assert (customer.leftMargin(), customer.rightMargin()) == (0, SIDE_GAP)
