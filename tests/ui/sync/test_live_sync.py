"""Live updates in the real window, against the real reference server on loopback: a
customer's message is on screen within a second with polling effectively off; replies
still go at once; a backend without the stream is polled, silently; the stream reconnects
when the network changes and ends with the workspace."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtNetwork import QNetworkInformation
from pytestqt.qtbot import QtBot

from app.sync.api import LiveState
from app.ui.shell.application import CrossDeskApp
from app.ui.shell.main_window import MainWindow
from app.ui.sync import live as live_module
from app.ui.sync import status as status_module
from app.ui.sync.live import LiveSync
from tests.helpers.keychain import MemoryKeyring
from tests.sync.proxy import Answer, FaultProxy, Reply
from tests.ui.helpers import thread_text
from tests.ui.sync.reference_app import ReferenceServer, close_app, send_reply, start_app

pytestmark = pytest.mark.gui
NEVER_MS = 24 * 3600 * 1000  # "no poll" within a test: only the stream can bring changes


@pytest.fixture
def app(
    qtbot: QtBot,
    tmp_path: Path,
    server: ReferenceServer,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[CrossDeskApp]:
    """The demo first, as a fresh install opens; polling off (set before the sign-in
    builds the server workspace's controller). Shut down before the server stops."""
    monkeypatch.setattr(status_module, "SYNC_INTERVAL_MS", NEVER_MS)
    monkeypatch.setattr(live_module, "LIVE_POLL_MS", NEVER_MS)
    crossdesk = start_app(qtbot, tmp_path)
    yield crossdesk
    close_app(crossdesk)


def signed_in(qtbot: QtBot, crossdesk: CrossDeskApp, url: str, server: ReferenceServer) -> LiveSync:
    dialog = crossdesk.open_sign_in()
    assert dialog is not None
    dialog.url.setText(url)
    dialog.username.setText(server.seed.agent_id)
    dialog.password.setText(server.seed.agent_password)
    dialog.submit()
    qtbot.waitUntil(lambda: crossdesk.sync is not None, timeout=20_000)
    assert crossdesk.sync is not None
    live = crossdesk.sync.findChild(LiveSync)
    assert isinstance(live, LiveSync)
    return live


def window_of(crossdesk: CrossDeskApp) -> MainWindow:
    assert crossdesk.window is not None
    return crossdesk.window


def status_text(window: MainWindow) -> str:
    assert window.sync_status is not None
    return window.sync_status.state.text()


def test_a_customer_message_is_on_screen_within_a_second_without_polling(
    qtbot: QtBot, app: CrossDeskApp, server: ReferenceServer
) -> None:
    first = server.admin.new_conversation(body="Olá, meu pedido ainda não chegou.")
    live = signed_in(qtbot, app, server.base_url, server)
    window = window_of(app)
    qtbot.waitUntil(lambda: live.state is LiveState.LIVE, timeout=20_000)
    qtbot.waitUntil(lambda: window.inbox.model.rowCount() == 1, timeout=20_000)
    controller = app.sync
    assert controller is not None and controller.live
    assert controller._timer.interval() == NEVER_MS  # no poll will come
    qtbot.waitUntil(lambda: "Live · synced at" in status_text(window), timeout=10_000)
    window.inbox.select_row(0)
    qtbot.waitUntil(lambda: "ainda não chegou" in thread_text(window), timeout=10_000)
    qtbot.waitUntil(lambda: not controller.running, timeout=10_000)

    started = time.monotonic()  # a new customer: a new row in the inbox
    server.admin.new_conversation(body="¿Dónde está mi paquete?")
    qtbot.waitUntil(lambda: window.inbox.model.rowCount() == 2, timeout=5_000)
    assert time.monotonic() - started < 1.0

    qtbot.waitUntil(lambda: not controller.running, timeout=10_000)
    started = time.monotonic()  # the customer of the open conversation writes again
    response = server.admin.inbound(
        first["id"], customer_id=first["customer"]["id"], body="Alguém pode me ajudar?"
    )
    assert response.status_code == 201, response.text
    qtbot.waitUntil(lambda: "Alguém pode me ajudar?" in thread_text(window), timeout=5_000)
    assert time.monotonic() - started < 1.0
    assert live.events >= 2

    # A reply sent while online reaches the server at once, as it did before the stream.
    started = time.monotonic()
    send_reply(qtbot, window, "Olá! Já estou verificando.")
    qtbot.waitUntil(lambda: bool(server.agent_messages(first["id"])), timeout=5_000)
    assert time.monotonic() - started < 3.0
    assert app.reporter.shown == []


def test_a_backend_without_the_stream_is_polled_and_no_error_is_shown(
    qtbot: QtBot, app: CrossDeskApp, server: ReferenceServer
) -> None:
    proxy = FaultProxy(server.base_url).start()
    try:
        problem = b'{"type": "about:blank", "title": "Not Found", "status": 404, "code": "x"}'
        headers = {"Content-Type": "application/problem+json"}
        proxy.on("GET", "/v1/events", Answer(Reply(404, headers, problem)), times=None)
        live = signed_in(qtbot, app, proxy.base_url, server)
        window = window_of(app)
        qtbot.waitUntil(lambda: live.state is LiveState.UNSUPPORTED, timeout=20_000)
        controller = app.sync
        assert controller is not None and not controller.live
        assert controller._timer.interval() == controller.poll_ms  # polling as before
        assert controller._timer.isActive()
        qtbot.waitUntil(lambda: "Online · synced at" in status_text(window), timeout=10_000)
        assert app.reporter.shown == []
        assert window.sync_status is not None and not window.sync_status.attention.isVisible()
        app.shutdown()
    finally:
        proxy.stop()


def test_a_network_change_reconnects_and_closing_the_workspace_ends_the_stream(
    qtbot: QtBot, app: CrossDeskApp, server: ReferenceServer
) -> None:
    live = signed_in(qtbot, app, server.base_url, server)
    qtbot.waitUntil(lambda: live.state is LiveState.LIVE, timeout=20_000)
    listener = live.listener
    assert listener is not None and listener.connects == 1  # type: ignore[attr-defined]
    assert live.network_watched  # Qt's network information has a backend here (glib)
    info = QNetworkInformation.instance()
    assert info is not None
    info.reachabilityChanged.emit(QNetworkInformation.Reachability.Online)  # as Qt would
    qtbot.waitUntil(lambda: listener.connects == 2, timeout=5_000)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: live.state is LiveState.LIVE, timeout=5_000)  # (queued to the UI)

    app.sign_out()  # the workspace closes: the stream with it, at once
    assert not listener.alive  # type: ignore[attr-defined]
    assert live.listener is None
