"""The demo workspace as the app opens it, for the accessibility tests; each test leaves
the application's appearance as it found it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.config.paths import Paths
from app.config.settings import Settings
from app.ui.shell import style
from app.ui.shell.application import CrossDeskApp, LaunchOptions
from app.ui.shell.main_window import MainWindow
from tests.ui.helpers import focus

DemoFactory = Callable[..., MainWindow]


@pytest.fixture
def qt_app() -> Iterator[QApplication]:
    """The application; its palette, style and style sheet restored afterwards."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    palette, sheet, style_name = app.palette(), app.styleSheet(), app.style().name()
    yield app
    style.apply_appearance(app, "light")  # stops following the OS, light colours again
    app.setStyle(style_name)
    app.setPalette(palette)
    app.setStyleSheet(sheet)


@pytest.fixture
def demo(qtbot: QtBot, tmp_path: Path, qt_app: QApplication) -> Iterator[DemoFactory]:
    """Open the demo workspace in a UI language; the window once the inbox, the first
    conversation and the etiquette data are in, active."""
    apps: list[CrossDeskApp] = []

    def start(lang: str = "en") -> MainWindow:
        crossdesk = CrossDeskApp(
            qt_app,
            Paths(tmp_path / f"data-{lang}"),
            Settings(),
            LaunchOptions(demo=True, ui_language=lang),
        )
        apps.append(crossdesk)
        crossdesk.start()
        qtbot.waitUntil(
            lambda: (
                crossdesk.window is not None
                and crossdesk.window.inbox.model.rowCount() > 0
                and crossdesk.window.conversation.detail is not None
                and crossdesk.culture is not None
            ),
            timeout=30_000,
        )
        window = crossdesk.window
        assert window is not None
        qtbot.waitUntil(lambda: window.side_panel.tabs.isVisible(), timeout=5000)
        return focus(window, qtbot)

    yield start
    for crossdesk in apps:
        crossdesk.shutdown()
        if crossdesk.window is not None:
            crossdesk.window.close()
