"""Encrypted workspaces in the running app: the keychain's key or a passphrase opens them,
the demo says it is not encrypted, and the screen lock hides customer data until the
keychain or the passphrase unlocks it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPlainTextEdit, QTextEdit, QWidget
from pytestqt.qtbot import QtBot

from app.config.paths import Paths, resources_dir
from app.config.settings import Settings
from app.ops import workspace_keys
from app.ops.demo import load_demo_into
from app.ops.notifications import Kind, Notification
from app.ops.types import Store, file_state
from app.ui.notify.toasts import ToastStack
from app.ui.shell.application import CrossDeskApp, LaunchOptions
from app.ui.shell.lock import UnlockBy
from tests.helpers.keychain import MemoryKeyring

pytestmark = pytest.mark.gui
PASSPHRASE = "tall trees by the river"

Launch = Callable[..., CrossDeskApp]


@pytest.fixture
def launch(qtbot: QtBot, tmp_path: Path) -> Iterator[Launch]:
    apps: list[CrossDeskApp] = []

    def start(workspace: Path | None = None, settings: Settings | None = None) -> CrossDeskApp:
        qt_app = QApplication.instance()
        assert isinstance(qt_app, QApplication)
        crossdesk = CrossDeskApp(
            qt_app,
            Paths(tmp_path / "data"),
            settings or Settings(),
            LaunchOptions(demo=workspace is None, workspace=workspace, ui_language="en"),
        )
        crossdesk.qt_app.quit = lambda: None  # type: ignore[method-assign]  # keep the test loop
        apps.append(crossdesk)
        crossdesk.start()
        return crossdesk

    yield start
    for crossdesk in apps:
        crossdesk.shutdown()
        if crossdesk.window is not None:
            crossdesk.window.close()


@pytest.fixture
def plain_workspace(tmp_path: Path) -> Path:
    """A named workspace file with the demo's conversations in it, not encrypted yet."""
    path = tmp_path / "team.sqlite3"
    store = Store.open(path)
    try:
        load_demo_into(store, resources_dir() / "demo", int(time.time()))
    finally:
        store.close()
    return path


def ready(qtbot: QtBot, crossdesk: CrossDeskApp) -> None:
    qtbot.waitUntil(
        lambda: (
            crossdesk.window is not None
            and crossdesk.window.inbox.model.rowCount() > 0
            and crossdesk.window.conversation.detail is not None
        ),
        timeout=30_000,
    )


def shown_text(window: QWidget) -> str:
    """Every text a person can see in the window right now."""
    parts = [window.windowTitle()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QLineEdit):
            parts.append(widget.text())
        elif isinstance(widget, QTextEdit | QPlainTextEdit):
            parts.append(widget.toPlainText())
    return "\n".join(parts)


def customer_name(crossdesk: CrossDeskApp) -> str:
    assert crossdesk.window is not None and crossdesk.window.conversation.detail is not None
    return crossdesk.window.conversation.detail.customer.name


def test_the_demo_says_it_is_not_encrypted_and_unlocks_with_a_click(
    launch: Launch, qtbot: QtBot
) -> None:
    crossdesk = launch()
    assert not crossdesk.opening.encrypting  # the demo stays plain
    ready(qtbot, crossdesk)
    window = crossdesk.window
    assert window is not None
    label = window.findChild(QLabel, "encryptionState")
    assert label is not None and label.isVisible()
    assert label.text() == "Not encrypted (sample data)"
    assert label.toolTip() == "Demo workspace: sample data, not encrypted"
    lock = crossdesk.screen_lock
    assert lock.by is UnlockBy.CLICK
    name = customer_name(crossdesk)
    qtbot.waitUntil(lambda: name in shown_text(window), timeout=10_000)
    lock.lock()
    assert not window.conversation.isVisible() and not window.inbox.isVisible()
    assert name not in shown_text(window)
    assert window.windowTitle() == "CrossDesk — locked"
    assert not window.menuBar().isEnabled() and not window.statusBar().isVisible()
    qtbot.mouseClick(lock.panel.unlock_button, Qt.MouseButton.LeftButton)
    assert not lock.locked
    assert window.conversation.isVisible()
    assert window.windowTitle() == "CrossDesk — Demo workspace"


def test_while_locked_a_notification_names_nobody(launch: Launch, qtbot: QtBot) -> None:
    crossdesk = launch()
    ready(qtbot, crossdesk)
    window = crossdesk.window
    assert window is not None
    stack = ToastStack(crossdesk.ctx.i18n, window)  # as the reminders and notifications use
    said = Notification(Kind.DATA_REQUEST, None, "Data request overdue: Klaus Becker", "Erase")
    stack.show_notification(said)
    qtbot.waitUntil(lambda: "Klaus Becker" in shown_text(window), timeout=5_000)
    crossdesk.screen_lock.lock()
    assert stack.toasts == [] and "Klaus Becker" not in shown_text(window)  # gone with the lock
    [toast] = [stack.show_notification(said)]  # one arrives while locked
    assert (toast.title.text(), toast.body.text()) == (
        "CrossDesk",
        "Something new arrived. Unlock CrossDesk to see it.",
    )
    assert "Klaus Becker" not in shown_text(window)
    crossdesk.screen_lock.try_unlock()  # the demo unlocks with a click
    assert stack.show_notification(said).title.text() == said.title


def test_idle_time_locks_the_window(launch: Launch, qtbot: QtBot) -> None:
    crossdesk = launch(settings=Settings(lock_after_minutes=1))
    ready(qtbot, crossdesk)
    lock = crossdesk.screen_lock
    assert lock.timer.isActive() and lock.timer.interval() == 60_000
    lock.timer.start(50)  # a minute is long for a test: the same timer, shorter
    qtbot.waitUntil(lambda: lock.locked, timeout=5_000)
    assert crossdesk.window is not None and not crossdesk.window.conversation.isVisible()


def test_never_means_no_idle_lock(launch: Launch, qtbot: QtBot) -> None:
    crossdesk = launch(settings=Settings(lock_after_minutes=0))
    ready(qtbot, crossdesk)
    assert not crossdesk.screen_lock.timer.isActive()
    crossdesk.screen_lock.session.locked.emit()  # the OS session locks: locked all the same
    assert crossdesk.screen_lock.locked


def test_a_named_workspace_is_encrypted_with_the_keychain_key(
    launch: Launch, qtbot: QtBot, plain_workspace: Path, memory_keyring: MemoryKeyring
) -> None:
    crossdesk = launch(plain_workspace)
    assert crossdesk.opening.encrypting  # a slow migration shows "Encrypting the workspace…"
    ready(qtbot, crossdesk)
    window = crossdesk.window
    assert window is not None
    assert file_state(plain_workspace) == "encrypted"
    assert ("CrossDesk", workspace_keys.account(plain_workspace)) in memory_keyring.secrets
    label = window.findChild(QLabel, "encryptionState")
    assert label is not None and label.text().endswith("Encrypted")
    assert "system keychain" in label.toolTip()
    lock = crossdesk.screen_lock
    assert lock.by is UnlockBy.KEYCHAIN
    name = customer_name(crossdesk)
    lock.lock()
    assert name not in shown_text(window)
    lock.panel.unlock_button.click()
    qtbot.waitUntil(lambda: not lock.locked, timeout=5_000)
    assert window.conversation.isVisible()

    workspace_keys.forget(plain_workspace)  # the keychain no longer gives the key
    lock.lock()
    lock.panel.unlock_button.click()
    qtbot.waitUntil(lambda: lock.panel.problem.isVisible(), timeout=5_000)
    assert lock.locked and "keychain" in lock.panel.problem.text()
    assert name not in shown_text(window)


def test_a_moved_workspace_opens_with_its_keychain_key(
    launch: Launch, qtbot: QtBot, plain_workspace: Path, memory_keyring: MemoryKeyring
) -> None:
    first = launch(plain_workspace)
    ready(qtbot, first)
    name = customer_name(first)
    qtbot.waitUntil(lambda: first.tasks.pending == 0, timeout=10_000)  # the key kept by salt
    first.shutdown()
    assert first.window is not None
    first.window.close()
    moved = plain_workspace.parent / "moved" / "renamed.sqlite3"
    moved.parent.mkdir()
    plain_workspace.rename(moved)
    again = launch(moved)
    ready(qtbot, again)
    assert again.keys.dialog is None  # no passphrase was asked: there is none to give
    assert file_state(moved) == "encrypted"
    assert customer_name(again) == name


def test_without_a_keychain_a_new_passphrase_is_asked_and_checked_by_the_lock(
    launch: Launch, qtbot: QtBot, plain_workspace: Path
) -> None:
    crossdesk = launch(plain_workspace)
    dialog = crossdesk.keys.dialog
    assert dialog is not None and dialog.new and dialog.isVisible()
    assert dialog.strength.text() == "At least 12 characters (0 so far)."
    dialog.passphrase.setText("too short")
    dialog.repeat.setText("too short")
    dialog.accept()
    assert dialog.isVisible() and "at least 12 characters" in dialog.problem.text()
    dialog.passphrase.setText(PASSPHRASE)
    assert dialog.strength.text().startswith("Strength:")
    dialog.repeat.setText(PASSPHRASE + "!")
    dialog.accept()
    assert "differ" in dialog.problem.text()
    assert file_state(plain_workspace) == "plain"  # nothing opened yet
    dialog.repeat.setText(PASSPHRASE)
    dialog.accept()
    ready(qtbot, crossdesk)
    assert file_state(plain_workspace) == "encrypted"
    window = crossdesk.window
    assert window is not None
    label = window.findChild(QLabel, "encryptionState")
    assert label is not None and "passphrase" in label.toolTip()
    lock = crossdesk.screen_lock
    assert lock.by is UnlockBy.PASSPHRASE
    name = customer_name(crossdesk)
    lock.lock()
    lock.panel.passphrase.setText("not the passphrase")
    lock.panel.unlock_button.click()
    assert lock.locked and lock.panel.problem.text() == (
        "That passphrase does not open this workspace."
    )
    assert name not in shown_text(window)
    lock.panel.passphrase.setText(PASSPHRASE)
    lock.panel.unlock_button.click()
    assert not lock.locked and window.conversation.isVisible()


def test_a_wrong_passphrase_is_asked_again_with_the_stores_message(
    launch: Launch, qtbot: QtBot, plain_workspace: Path
) -> None:
    key = workspace_keys.WorkspaceKey.from_passphrase(PASSPHRASE)
    Store.open(plain_workspace, create=False, key=key).close()
    crossdesk = launch(plain_workspace)
    dialog = crossdesk.keys.dialog
    assert dialog is not None and not dialog.new and not dialog.repeat.isVisible()
    dialog.passphrase.setText("wrong passphrase")
    dialog.accept()
    qtbot.waitUntil(
        lambda: crossdesk.keys.dialog is not None and crossdesk.keys.dialog is not dialog,
        timeout=20_000,
    )
    again = crossdesk.keys.dialog
    assert again is not None and again.problem.isVisible()
    assert again.problem.text().startswith("The workspace is locked")
    assert str(plain_workspace) in again.problem.text()
    assert crossdesk.window is None and crossdesk.exit_code == 0
    again.passphrase.setText(PASSPHRASE)
    again.accept()
    ready(qtbot, crossdesk)


def test_cancel_quits_with_code_2_and_touches_nothing(
    launch: Launch, qtbot: QtBot, plain_workspace: Path
) -> None:
    before = plain_workspace.read_bytes()
    files = sorted(p.name for p in plain_workspace.parent.iterdir())
    crossdesk = launch(plain_workspace)
    dialog = crossdesk.keys.dialog
    assert dialog is not None
    dialog.reject()
    assert crossdesk.exit_code == 2 and crossdesk.window is None
    assert plain_workspace.read_bytes() == before
    assert sorted(p.name for p in plain_workspace.parent.iterdir()) == files
