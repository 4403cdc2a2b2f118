"""The pieces around encrypted workspaces: the idle-lock setting (file and dialog), the OS
session lock's signals, what a locked window refuses, the passphrase dialog, headless
runs and the command-line tools on an encrypted workspace."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QWidget
from pytestqt.qtbot import QtBot

from app.config.paths import Paths, resources_dir, translations_dir
from app.config.settings import Settings, load_settings, save_settings
from app.i18n import I18n
from app.ops import workspace_keys
from app.ops.demo import load_demo_into
from app.ops.types import Store, WorkspaceKey, file_state
from app.ui.settings.settings_dialog import SettingsDialog
from app.ui.shell.application import CrossDeskApp, LaunchOptions
from app.ui.shell.bootstrap import main
from app.ui.shell.passphrase import PassphraseDialog
from app.ui.shell.session_lock import SessionLockWatch
from tests.helpers.keychain import MemoryKeyring

pytestmark = pytest.mark.gui
PASSPHRASE = "tall trees by the river"


def encrypted_workspace(path: Path, key: WorkspaceKey) -> Path:
    store = Store.open(path, key=key)
    try:
        load_demo_into(store, resources_dir() / "demo", int(time.time()))
    finally:
        store.close()
    return path


# ---------------------------------------------------------------------- the setting
def test_the_lock_setting_is_kept_and_checked(tmp_path: Path) -> None:
    file = tmp_path / "settings.json"
    assert Settings().lock_after_minutes == 15
    save_settings(file, Settings(lock_after_minutes=5))
    assert load_settings(file) == (Settings(lock_after_minutes=5), None)
    for bad in (-1, 100_000, "5", True, 1.5):
        file.write_text(json.dumps({"lock_after_minutes": bad, "appearance": "dark"}))
        settings, warning = load_settings(file)
        assert settings == Settings(appearance="dark")
        assert warning is not None and "lock_after_minutes" in warning


def test_the_settings_dialog_offers_never_and_keeps_a_hand_written_value(
    qtbot: QtBot, tmp_path: Path
) -> None:
    i18n = I18n("en", translations_dir())
    dialog = SettingsDialog(i18n, Settings(lock_after_minutes=7), None, Paths(tmp_path))
    qtbot.addWidget(dialog)
    combo = dialog.lock_after
    assert combo.currentText() == "After 7 minutes idle"
    assert combo.itemText(0) == "Never (only when the computer locks)"
    assert combo.findText("After 1 minute idle") >= 0
    combo.setCurrentIndex(0)
    assert dialog.result_settings().lock_after_minutes == 0


# ---------------------------------------------------------------------- OS session lock
def test_the_session_lock_signals_become_one(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    watch = SessionLockWatch(widget)  # no D-Bus here: nothing connected, nothing fails
    with qtbot.waitSignal(watch.locked, timeout=1000):
        watch.session_locked()  # logind's Lock
    with qtbot.assertNotEmitted(watch.locked):
        watch.screen_saver_active(False)
    with qtbot.waitSignal(watch.locked, timeout=1000):
        watch.screen_saver_active(True)


def test_logind_session_paths_are_read_from_either_form() -> None:
    from PySide6.QtDBus import QDBusObjectPath

    from app.ui.shell.session_lock import _object_path

    path = "/org/freedesktop/login1/session/_32"
    assert _object_path(QDBusObjectPath(path)) == path
    assert _object_path(path) == path
    assert _object_path(None) == ""


# ---------------------------------------------------------------------- a locked window
@pytest.fixture
def demo_app(qtbot: QtBot, tmp_path: Path) -> Iterator[CrossDeskApp]:
    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)
    crossdesk = CrossDeskApp(
        qt_app, Paths(tmp_path / "data"), Settings(), LaunchOptions(demo=True, ui_language="en")
    )
    crossdesk.start()
    qtbot.waitUntil(
        lambda: crossdesk.window is not None and crossdesk.window.conversation.detail is not None,
        timeout=30_000,
    )
    yield crossdesk
    crossdesk.shutdown()
    if crossdesk.window is not None:
        crossdesk.window.close()


def test_a_locked_window_runs_no_shortcut_and_hides_its_other_windows(
    demo_app: CrossDeskApp, qtbot: QtBot
) -> None:
    window = demo_app.window
    assert window is not None
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    settings_action = next(
        a for a in window.findChildren(QAction) if a.shortcut() == QKeySequence("Ctrl+,")
    )
    triggered: list[bool] = []
    settings_action.triggered.connect(lambda *_: triggered.append(True))
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert triggered == [True]  # unlocked, the shortcut opens Settings
    dialog = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, SettingsDialog) and w.isVisible()
    )
    lock = demo_app.screen_lock
    lock.lock()
    assert not dialog.isVisible()  # another window showing the app's data: hidden too
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert triggered == [True] and lock.locked  # locked: no shortcut runs
    lock.try_unlock()
    assert not lock.locked and dialog.isVisible()
    dialog.reject()
    lock_now = window.findChild(QAction, "lockNowAction")
    assert lock_now is not None and lock_now.text() == "Lock now"
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu) and lock_now in file_menu.actions()
    lock.try_unlock()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # Ctrl+L
    assert lock.locked
    lock.try_unlock()
    lock_now.trigger()
    assert lock.locked


# ---------------------------------------------------------------------- passphrase dialog
def test_the_passphrase_dialog_does_not_end_the_app_when_it_closes(qtbot: QtBot) -> None:
    dialog = PassphraseDialog(I18n("en", translations_dir()), Path("/w.sqlite3"), new=False)
    qtbot.addWidget(dialog)
    assert not dialog.testAttribute(Qt.WidgetAttribute.WA_QuitOnClose)
    dialog.accept()
    assert dialog.problem.text() == "Type the passphrase."
    dialog.passphrase.setText(PASSPHRASE)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.key == WorkspaceKey.from_passphrase(PASSPHRASE)
    assert dialog.passphrase.text() == ""  # not left in the widget


# ---------------------------------------------------------------------- headless runs
def test_a_headless_run_without_a_key_says_what_to_do(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = encrypted_workspace(
        tmp_path / "team.sqlite3", WorkspaceKey.from_passphrase(PASSPHRASE)
    )
    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)
    monkeypatch.setattr(qt_app, "quit", lambda: None)
    options = LaunchOptions(workspace=workspace, ui_language="en", exit_after_first_paint=True)
    crossdesk = CrossDeskApp(qt_app, Paths(tmp_path / "data"), Settings(), options)
    crossdesk.start()
    try:
        assert crossdesk.keys.dialog is None  # nobody to type it
        qtbot.waitUntil(lambda: crossdesk.exit_code == 2, timeout=20_000)
        title, text = crossdesk.reporter.shown[-1]
        assert title == "The workspace needs its passphrase"
        assert "CROSSDESK_PASSPHRASE" in text and "Traceback" not in text
    finally:
        for box in QApplication.topLevelWidgets():
            if box.objectName() == "errorDialog":
                box.close()
        crossdesk.shutdown()


# ---------------------------------------------------------------------- command line
def test_scripts_open_an_encrypted_workspace_with_the_keychain_or_the_env(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
) -> None:
    monkeypatch.delenv(workspace_keys.PASSPHRASE_ENV, raising=False)
    workspace = tmp_path / "team.sqlite3"
    encrypted_workspace(workspace, WorkspaceKey.from_passphrase(PASSPHRASE))
    assert file_state(workspace) == "encrypted"
    data = str(tmp_path / "d")
    base = ["--data-dir", data, "--workspace", str(workspace)]

    code = main([*base, "training", "list", "--json"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "is encrypted" in err and "CROSSDESK_PASSPHRASE" in err

    output = tmp_path / "t.html"
    code = main([*base, "report", "transcript", "jp-0001", "-o", str(output)])
    err = capsys.readouterr().err
    assert code == 2 and "CROSSDESK_PASSPHRASE" in err and not output.exists()

    monkeypatch.setenv(workspace_keys.PASSPHRASE_ENV, "not the passphrase")
    assert main([*base, "training", "list", "--json"]) == 2
    assert "does not open" in capsys.readouterr().err

    monkeypatch.setenv(workspace_keys.PASSPHRASE_ENV, PASSPHRASE)
    assert main([*base, "training", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)
    assert main([*base, "report", "transcript", "jp-0001", "-o", str(output)]) == 0
    assert output.stat().st_size > 0

    # A workspace whose key is in the keychain opens without a passphrase.
    monkeypatch.delenv(workspace_keys.PASSPHRASE_ENV)
    other = tmp_path / "other.sqlite3"
    encrypted_workspace(other, workspace_keys.key_for(other, create=True))
    assert main(["--data-dir", data, "--workspace", str(other), "training", "list"]) == 0
