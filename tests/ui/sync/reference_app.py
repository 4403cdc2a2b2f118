"""The reference server in a thread and the real CrossDesk app signed in to it: the
fixtures and steps shared by the window tests that sync for real (sync, live updates,
notifications)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.config.paths import Paths
from app.config.settings import Settings
from app.ui.shell.application import CrossDeskApp, LaunchOptions
from app.ui.shell.main_window import MainWindow
from tests.contract.client import Api
from tests.contract.server import RunningServer, Seed, reference_config, seed
from tests.ui.helpers import thread_text


def start_app(qtbot: QtBot, tmp_path: Path) -> CrossDeskApp:
    """The app as a fresh install opens it (the demo workspace first)."""
    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)
    crossdesk = CrossDeskApp(
        qt_app, Paths(tmp_path / "data"), Settings(), LaunchOptions(demo=True, ui_language="en")
    )
    crossdesk.start()
    qtbot.waitUntil(lambda: crossdesk.window is not None, timeout=20_000)
    return crossdesk


def close_app(crossdesk: CrossDeskApp) -> None:
    crossdesk.shutdown()
    if crossdesk.window is not None:
        crossdesk.window.close()


class ReferenceServer:
    """The reference server in a thread; it can be stopped and started again on the same
    port (the agent's network "drops" and comes back), keeping its data."""

    def __init__(self, data: Path) -> None:
        self.config = reference_config(data)
        self.running: RunningServer | None = RunningServer(self.config).start()
        self.base_url = self.running.base_url
        self.port = int(self.base_url.rsplit(":", 1)[1])
        self.seed: Seed = seed(self.running)
        self.admin = Api(self.base_url, self.seed.admin_token)

    def stop(self) -> None:
        if self.running is not None:
            self.running.stop()
            self.running = None

    def start(self) -> None:
        self.running = RunningServer(self.config, port=self.port).start()

    def close(self) -> None:
        self.admin.close()
        self.stop()

    def agent_messages(self, conversation_id: str) -> list[dict[str, object]]:
        response = self.admin.get(f"/v1/conversations/{conversation_id}/messages")
        assert response.status_code == 200, response.text
        return [m for m in response.json()["items"] if m["author"]["type"] == "agent"]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ReferenceServer]:
    reference = ReferenceServer(tmp_path / "server")
    yield reference
    reference.close()


@pytest.fixture
def launch(qtbot: QtBot, tmp_path: Path) -> Iterator[CrossDeskApp]:
    crossdesk = start_app(qtbot, tmp_path)
    yield crossdesk
    close_app(crossdesk)


def sign_in(qtbot: QtBot, crossdesk: CrossDeskApp, server: ReferenceServer) -> MainWindow:
    dialog = crossdesk.open_sign_in()
    dialog.url.setText(server.base_url)
    dialog.username.setText(server.seed.agent_id)
    dialog.password.setText(server.seed.agent_password)
    dialog.submit()
    qtbot.waitUntil(
        lambda: crossdesk.window is not None and crossdesk.window.sync is not None,
        timeout=20_000,
    )
    window = crossdesk.window
    assert window is not None and window.sync is not None
    return window


def wait_synced(qtbot: QtBot, window: MainWindow) -> None:
    """Wait for the next sync cycle to finish."""
    assert window.sync is not None
    if not window.sync.running:
        window.sync.sync_now()
    qtbot.waitUntil(lambda: window.sync is not None and not window.sync.running, timeout=30_000)


def send_reply(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """The agent writes Portuguese themselves ("send as written": no language pack here)."""
    translation = window.conversation.reply_translation
    if translation.active:
        translation.untranslated.setChecked(True)
    composer = window.conversation.composer
    composer.editor.setFocus()
    composer.editor.setPlainText(text)
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: text in thread_text(window), timeout=10_000)


def open_one_conversation(
    qtbot: QtBot, crossdesk: CrossDeskApp, server: ReferenceServer, body: str
) -> tuple[dict[str, object], MainWindow]:
    """A customer writes in; the agent signs in and opens that conversation."""
    conversation = server.admin.new_conversation(body=body)
    window = sign_in(qtbot, crossdesk, server)
    qtbot.waitUntil(lambda: window.inbox.model.rowCount() == 1, timeout=30_000)
    window.inbox.select_row(0)
    qtbot.waitUntil(lambda: body in thread_text(window), timeout=10_000)
    return conversation, window
