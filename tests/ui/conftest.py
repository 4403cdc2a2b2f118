"""Fixtures for tests that drive the real main window."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from app.ops.context import AppContext
from app.ops.translation import TranslationService
from app.ui.shell.main_window import MainWindow
from tests.helpers.customers import open_spanish_desk
from tests.helpers.fixtures import ContextFactory
from tests.helpers.translation import Packs
from tests.ui.helpers import focus
from tests.ui.sync.reference_app import (  # noqa: F401  (fixtures of the windows that sync for real)
    launch,
    server,
)


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


SpanishDesk = Callable[..., MainWindow]


@pytest.fixture
def spanish_desk(
    open_window: WindowFactory,
    make_ctx: ContextFactory,
    translation_service: TranslationService,
    packs: Packs,
) -> SpanishDesk:
    """Open the window of an agent who reads English, the Spanish <-> English test packs
    installed (see ``open_spanish_desk``); keyword options go to the context."""

    def factory(**options: object) -> MainWindow:
        return open_spanish_desk(open_window, make_ctx, translation_service, packs, **options)

    return factory


@pytest.fixture
def window(standard_inbox: dict[str, int], open_window: WindowFactory, qtbot: QtBot) -> MainWindow:
    """The main window on the STANDARD_INBOX, active (a module may define its own ``window``)."""
    return focus(open_window(), qtbot)
