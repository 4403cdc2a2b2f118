"""Fixtures for tests that drive the real main window."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from app.ops.context import AppContext
from app.ui.shell.main_window import MainWindow
from tests.helpers.fixtures import ContextFactory


class ErrorSink:
    """Collects errors the UI would have shown, so a test can assert on them."""

    def __init__(self) -> None:
        self.errors: list[BaseException] = []

    def __call__(self, error: BaseException) -> None:
        self.errors.append(error)


@pytest.fixture
def error_sink() -> ErrorSink:
    return ErrorSink()


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def open_window(
    request: pytest.FixtureRequest, qtbot: QtBot, make_ctx: ContextFactory, error_sink: ErrorSink
) -> WindowFactory:
    """Open a main window on the test store and wait for the first page of the inbox
    (closed when the test ends)."""

    def factory(lang: str = "en", ctx: AppContext | None = None) -> MainWindow:
        context = ctx or make_ctx(lang)
        window = MainWindow(context, error_sink)
        qtbot.addWidget(window)
        request.addfinalizer(window.close)
        with qtbot.waitSignal(window.inbox.page_loaded, timeout=5000):
            window.show()
            window.start()
        qtbot.waitExposed(window)
        return window

    return factory
