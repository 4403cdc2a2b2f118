"""The whole application: real threads, the demo workspace, start-up failures, language switch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.config.paths import Paths, resources_dir
from app.config.settings import Settings, load_settings
from app.ui.shell.application import CrossDeskApp, LaunchOptions
from tests.helpers.app_process import run_app

pytestmark = pytest.mark.gui


@pytest.fixture
def launch(qtbot: QtBot, tmp_path: Path):
    apps: list[CrossDeskApp] = []

    def start(lang: str | None = "en", data: Path | None = None) -> CrossDeskApp:
        qt_app = QApplication.instance()
        assert isinstance(qt_app, QApplication)
        crossdesk = CrossDeskApp(
            qt_app,
            Paths(data or tmp_path / "data"),
            Settings(),
            LaunchOptions(demo=True, ui_language=lang),
        )
        apps.append(crossdesk)
        crossdesk.start()
        return crossdesk

    yield start
    for crossdesk in apps:
        crossdesk.shutdown()
        if crossdesk.window is not None:
            crossdesk.window.close()


def wait_for_inbox(qtbot: QtBot, crossdesk: CrossDeskApp) -> None:
    qtbot.waitUntil(
        lambda: (
            crossdesk.window is not None
            and crossdesk.window.inbox.model.rowCount() > 0
            and crossdesk.window.conversation.detail is not None
        ),
        timeout=20_000,
    )


def test_demo_workspace_opens_with_real_threads(launch, qtbot: QtBot) -> None:
    crossdesk = launch()
    wait_for_inbox(qtbot, crossdesk)
    window = crossdesk.window
    assert window is not None
    assert window.windowTitle() == "CrossDesk — Demo workspace"
    assert "Signed in as 李伟 Li Wei" in window.workspace_label.text()
    window.inbox.filters.status.setCurrentIndex(window.inbox.filters.status.findData("all"))
    qtbot.waitUntil(lambda: window.inbox.model.rowCount() >= 80, timeout=10_000)


def test_a_damaged_workspace_gets_a_dialog_and_is_not_overwritten(
    launch, qtbot: QtBot, tmp_path: Path
) -> None:
    data = tmp_path / "broken"
    workspace = Paths(data).demo_workspace
    workspace.parent.mkdir(parents=True)
    garbage = b"SQLite format 2\x00 definitely not a database" * 50
    workspace.write_bytes(garbage)
    crossdesk = launch(data=data)
    qtbot.waitUntil(lambda: bool(crossdesk.reporter.shown), timeout=10_000)
    title, text = crossdesk.reporter.shown[-1]
    assert title == "The workspace file is damaged"
    assert str(workspace) in text and "move the file somewhere safe" in text
    assert "Traceback" not in text
    box = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    )
    assert box.text() == text
    box.close()
    assert crossdesk.window is None
    assert workspace.read_bytes() == garbage


def test_switching_to_chinese_rebuilds_the_window_and_keeps_the_selection(
    launch, qtbot: QtBot, tmp_path: Path
) -> None:
    crossdesk = launch(lang=None)
    wait_for_inbox(qtbot, crossdesk)
    old = crossdesk.window
    assert old is not None
    old.inbox.step(1)
    selected = old.inbox.selected_id
    old.conversation.composer.editor.setPlainText("草稿不会丢")
    crossdesk.apply_settings(Settings(ui_language="zh_CN"))
    wait_for_inbox(qtbot, crossdesk)
    new = crossdesk.window
    assert new is not None and new is not old
    qtbot.waitUntil(lambda: new.inbox.selected_id == selected, timeout=10_000)
    qtbot.waitUntil(lambda: new.conversation.composer.text() == "草稿不会丢", timeout=10_000)
    assert new.windowTitle() == "CrossDesk — 演示工作区"
    assert new.conversation.header.resolve_button.text() in ("解决", "重新打开")
    assert new.inbox.count.text().endswith("个会话")
    assert load_settings(tmp_path / "data" / "settings.json")[0].ui_language == "zh_CN"


def test_screenshot_command_renders_a_populated_inbox(tmp_path: Path) -> None:
    target = tmp_path / "shot.png"
    result = run_app(
        "--demo", "--data-dir", str(tmp_path / "d"), "--screenshot", str(target), "--lang", "zh_CN"
    )
    assert result.returncode == 0, result.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(target))
    assert image.width() >= 1200 and image.height() >= 700
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 29)
    }
    assert len(colours) > 20  # a populated window, not a blank canvas


def test_a_broken_demo_file_is_named_with_its_line(tmp_path: Path) -> None:
    from app.contract.demo_schema import load_demo
    from app.domain.datafiles import DataFileError

    folder = tmp_path / "demo"
    shutil.copytree(resources_dir() / "demo", folder)
    target = sorted((folder / "conversations").glob("*.yaml"))[0]
    lines = target.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.strip().startswith("channel:"))
    lines[number] = lines[number].split(":")[0] + ": carrier-pigeon"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_demo(folder)
    assert caught.value.path == target
    assert caught.value.line == number + 1
    assert "channel" in caught.value.problem


def test_a_wrongly_typed_setting_does_not_stop_start_up(tmp_path: Path) -> None:
    data = tmp_path / "d"
    data.mkdir()
    (data / "settings.json").write_text('{"workspace": 5, "ui_language": "en"}')
    target = tmp_path / "shot.png"
    result = run_app("--data-dir", str(data), "--screenshot", str(target))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert target.exists()
    log = (data / "logs").glob("*.log")
    assert any("workspace must be text or null, not 5" in f.read_text() for f in log)


def test_settings_that_could_not_be_used_are_named_in_the_status_bar(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QLabel

    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)
    warning = "settings.json: workspace must be text or null, not <b>5</b> (default used)"
    crossdesk = CrossDeskApp(
        qt_app,
        Paths(tmp_path / "data"),
        Settings(),
        LaunchOptions(demo=True, ui_language="en", settings_warning=warning),
    )
    try:
        crossdesk.start()
        qtbot.waitUntil(lambda: crossdesk.window is not None, timeout=20_000)
        assert crossdesk.window is not None
        label = crossdesk.window.findChild(QLabel, "settingsProblem")
        assert label is not None and "back to their defaults" in label.text()
        assert "&lt;b&gt;5&lt;/b&gt;" in label.toolTip()  # shown as written, not as HTML
    finally:
        crossdesk.shutdown()
        if crossdesk.window is not None:
            crossdesk.window.close()
