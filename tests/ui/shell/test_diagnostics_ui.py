"""Help → Export diagnostics… on the running demo app (real threads), Qt's own warnings
in the log, and the start-up line and ``--log-level`` of the ``crossdesk`` command."""

from __future__ import annotations

import errno
import json
import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import qDebug, qWarning
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

import app
from app.config import logs
from app.config.paths import Paths, resources_dir
from app.config.settings import Settings
from app.contract.demo_schema import load_demo
from app.ui.shell.application import CrossDeskApp, LaunchOptions
from app.ui.shell.bootstrap import parse_args
from app.ui.shell.diagnostics import install_qt_logging, qt_message, start_logging
from app.ui.shell.main_window import MainWindow
from tests.helpers.app_process import run_app

pytestmark = pytest.mark.gui


@pytest.fixture
def logging_restored() -> Iterator[None]:
    """The tests set up the process's logging (and Qt's handler): undone afterwards."""
    root = logging.getLogger()
    level = root.level
    previous = install_qt_logging()  # what pytest-qt had installed, put back at the end
    yield
    from PySide6.QtCore import qInstallMessageHandler

    qInstallMessageHandler(previous)  # type: ignore[arg-type]
    logs.shutdown_logging()
    root.setLevel(level)


@pytest.fixture
def demo_window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    """The demo workspace in the real application (Qt task runner, real threads)."""
    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)
    crossdesk = CrossDeskApp(
        qt_app, Paths(tmp_path / "data"), Settings(), LaunchOptions(demo=True, ui_language="en")
    )
    crossdesk.start()
    qtbot.waitUntil(
        lambda: crossdesk.window is not None and crossdesk.window.inbox.model.rowCount() > 0,
        timeout=20_000,
    )
    assert crossdesk.window is not None
    yield crossdesk.window
    crossdesk.shutdown()
    if crossdesk.window is not None:
        crossdesk.window.close()


def help_action(window: MainWindow, text: str) -> QAction:
    """The Help menu's entry, as the user finds it."""
    for entry in window.menuBar().actions():
        menu = entry.menu()
        if entry.text() == "Help" and isinstance(menu, QMenu):
            found = [a for a in menu.actions() if a.text() == text]
            assert len(found) == 1
            return found[0]
    raise AssertionError("no Help menu")


SaveDialog = Callable[..., tuple[str, str]]


def save_dialog_answering(path: Path, asked: list[tuple[str, str]]) -> SaveDialog:
    def answer(_parent: QWidget, title: str, suggested: str, *_rest: object) -> tuple[str, str]:
        asked.append((title, suggested))
        return str(path), ""

    return answer


def test_help_menu_exports_a_redacted_zip(
    demo_window: MainWindow,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    logging_restored: None,
) -> None:
    window = demo_window
    paths = window._ctx.paths
    start_logging(paths, "info")
    demo = load_demo(resources_dir() / "demo")
    planted = [c.name for c in demo.customers[:40]]
    planted += [h for c in demo.customers for h in c.handles.values()]
    for value in planted:
        logging.getLogger("app.test").warning("could not refresh the history of %s", value)
    asked: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", save_dialog_answering(tmp_path / "for-support", asked)
    )
    bar = window.statusBar()
    with qtbot.waitSignal(
        bar.messageChanged,
        timeout=20_000,
        check_params_cb=lambda message: message.startswith("Diagnostics saved"),
    ):
        help_action(window, "Export diagnostics…").trigger()
    target = tmp_path / "for-support.zip"  # the .zip the user left out is added
    assert bar.currentMessage() == f"Diagnostics saved to {target}"
    title, suggested = asked[0]
    assert title == "Export diagnostics"
    assert re.fullmatch(r"crossdesk-diagnostics-\d{8}-\d{4}\.zip", Path(suggested).name)
    assert Path(suggested).parent.is_dir()
    with zipfile.ZipFile(target) as archive:
        texts = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    manifest = json.loads(texts["manifest.json"])
    assert {f["name"] for f in manifest["files"]} | {"manifest.json"} == set(texts)
    everything = "\n".join(texts.values()).casefold()
    assert [v for v in planted if v.casefold() in everything] == []
    log = texts["logs/crossdesk.log"]
    assert log.count("could not refresh the history of [") == len(planted)
    assert f"CrossDesk {app.__version__} starting: " in log
    counts = json.loads(texts["workspace.json"])
    assert counts["conversations"] == len(demo.conversations)
    assert json.loads(texts["about.json"])["qt"]["platform"] == "offscreen"


def test_a_failed_export_says_why(
    demo_window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = demo_window
    target = tmp_path / "gone" / "d.zip"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog_answering(target, []))
    help_action(window, "Export diagnostics…").trigger()
    qtbot.waitUntil(
        lambda: any(b.isVisible() for b in window.findChildren(QMessageBox, "diagnosticsFailed")),
        timeout=20_000,
    )
    box = window.findChild(QMessageBox, "diagnosticsFailed")
    assert isinstance(box, QMessageBox)
    assert box.windowTitle() == "Diagnostics not saved"
    assert box.text() == (
        f"The diagnostics could not be saved to {target}: the folder {target.parent} does not exist"
    )
    assert "Traceback" not in box.text()
    box.close()
    assert not target.parent.exists()


def failure_box(window: MainWindow, qtbot: QtBot) -> QMessageBox:
    qtbot.waitUntil(
        lambda: window.findChild(QMessageBox, "diagnosticsFailed") is not None, timeout=20_000
    )
    box = window.findChild(QMessageBox, "diagnosticsFailed")
    assert isinstance(box, QMessageBox) and box.isVisible()
    return box


def test_a_name_the_system_refuses_is_said(
    demo_window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / ("x" * 300 + ".zip")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog_answering(target, []))
    help_action(demo_window, "Export diagnostics…").trigger()
    box = failure_box(demo_window, qtbot)
    assert box.text() == f"The diagnostics could not be saved to {target}: File name too long"
    box.close()


def test_a_full_disk_while_writing_is_said_and_leaves_nothing(
    demo_window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "d.zip"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog_answering(target, []))

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full)  # on the compute lane
    help_action(demo_window, "Export diagnostics…").trigger()
    box = failure_box(demo_window, qtbot)
    assert box.text() == (
        f"The diagnostics could not be saved to {target}: No space left on device"
    )
    assert demo_window.statusBar().currentMessage() == ""
    assert list(folder.iterdir()) == []  # no half-written temporary file
    box.close()


def test_a_cancelled_dialog_exports_nothing(
    demo_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: ("", ""))
    help_action(demo_window, "Export diagnostics…").trigger()
    assert demo_window.statusBar().currentMessage() == ""


def test_qt_warnings_reach_the_log(qtbot: QtBot, tmp_path: Path, logging_restored: None) -> None:
    paths = Paths(tmp_path / "data")
    start_logging(paths, "info")
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.setStyleSheet("QWidget { color: ; ]]] ")  # Qt cannot parse it and says so
    widget.show()
    qtbot.waitUntil(lambda: "Could not parse stylesheet" in paths.log_file.read_text("utf-8"))
    qWarning("a warning from Qt's own qWarning")
    qDebug("debug output, not at the info level")
    text = paths.log_file.read_text("utf-8")
    assert re.search(r" WARNING qt: Could not parse stylesheet of object QWidget", text)
    assert " WARNING qt: a warning from Qt's own qWarning" in text
    assert "debug output" not in text
    logs.set_level("debug")
    qDebug("debug output, at the debug level")
    assert " DEBUG qt: debug output, at the debug level" in paths.log_file.read_text("utf-8")
    qt_message(None, None, "a handler given nothing useful does not raise")  # type: ignore[arg-type]


def test_the_command_writes_the_start_up_line_and_honours_log_level(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.json").write_text(json.dumps({"log_level": "error"}), encoding="utf-8")
    run = run_app("--demo", "--data-dir", str(data), "--exit-after-first-paint")
    assert run.returncode == 0, run.stderr
    log = (data / "logs" / "crossdesk.log").read_text("utf-8")
    first = log.splitlines()[0]
    assert re.fullmatch(
        rf"\S+ \S+ INFO app\.ui\.shell\.diagnostics: CrossDesk {re.escape(app.__version__)} "
        rf"starting: .+ \(.+\), Python 3\.\d+\.\d+, Qt 6\.[\d.]+ / PySide6 6\.[\d.]+, "
        rf"data folder {re.escape(str(data))}, config {re.escape(str(data))}, log level error",
        first,
    )
    assert " DEBUG " not in log and (data / "logs" / "crash.log").is_file()
    # --log-level overrides the setting for this run
    run = run_app(
        "--demo", "--data-dir", str(data), "--log-level", "debug", "--exit-after-first-paint"
    )
    assert run.returncode == 0, run.stderr
    log = (data / "logs" / "crossdesk.log").read_text("utf-8")
    starts = [line for line in log.splitlines() if " starting: " in line]
    assert len(starts) == 2 and starts[-1].endswith("log level debug")
    assert re.search(r" DEBUG app\.ui\.shell\.diagnostics: environment: QT_QPA_PLATFORM=", log)
    assert parse_args(["--log-level", "warning"]).log_level == "warning"
    assert parse_args([]).log_level is None
    with pytest.raises(SystemExit):
        parse_args(["--log-level", "verbose"])
