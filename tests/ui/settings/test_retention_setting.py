"""Retention in the app: chosen in Settings, applied when the workspace opens and once a
day; a removed conversation leaves the inbox and the search, and an open one the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from app.config.paths import Paths, translations_dir
from app.config.settings import Settings, check_setting
from app.domain.models import MessageKind, Status, Workspace
from app.i18n import I18n
from app.storage.store import Store
from app.ui.settings.settings_dialog import SettingsDialog
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.helpers.fixtures import ContextFactory
from tests.ui.conftest import ErrorSink, WindowFactory

pytestmark = pytest.mark.gui
DAY = 86_400


def _dialog(qtbot: QtBot, tmp_path: Path, settings: Settings) -> SettingsDialog:
    dialog = SettingsDialog(I18n("en", translations_dir()), settings, None, Paths(tmp_path))
    qtbot.addWidget(dialog)
    return dialog


def _labels(combo: QComboBox) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_retention_is_chosen_on_the_server_tab(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, tmp_path, Settings())
    assert dialog.retention.currentText() == "Always (nothing is removed)"
    assert _labels(dialog.retention) == [
        "Always (nothing is removed)", "30 days", "90 days", "180 days", "365 days", "730 days",
    ]  # fmt: skip
    assert "server" in dialog.retention.toolTip()
    dialog.retention.setCurrentIndex(dialog.retention.findText("90 days"))
    assert dialog.result_settings().retention_days == 90
    assert dialog.problems() == []
    # a value written by hand in settings.json is shown and kept
    edited = _dialog(qtbot, tmp_path, Settings(retention_days=45))
    assert edited.retention.currentText() == "45 days"
    assert edited.result_settings().retention_days == 45


@pytest.mark.parametrize("value", [-1, 36_501, "30", 2.5, True])
def test_a_bad_retention_in_settings_json_is_refused(value: object) -> None:
    assert check_setting("retention_days", value) is not None
    assert check_setting("retention_days", 0) is None


def _inbox_with_old(repo: Store) -> tuple[int, int]:
    agents = add_agents(repo)
    kept = add_conversation(
        repo,
        Conv(customer="Kept Customer", messages=[(MessageKind.CUSTOMER, "Zebrafinch order")]),
        agents,
    )
    old = add_conversation(
        repo,
        Conv(customer="Old Customer", status=Status.RESOLVED, sla_in=None, age=85 * DAY,
             messages=[(MessageKind.CUSTOMER, "Quokkaparcel never came")]),
        agents,
    )  # fmt: skip
    return kept, old


def _search(window: MainWindow, text: str, qtbot: QtBot) -> str:
    """What the inbox's count line says after the agent searches for ``text``."""
    search = window.inbox.filters.search
    search.setText(text)
    with qtbot.waitSignal(window.inbox.page_loaded, timeout=5000):
        qtbot.keyClick(search, Qt.Key.Key_Return)
    return str(window.inbox.count.text())


def test_a_day_later_the_old_conversation_leaves_the_inbox_and_the_screen(
    qtbot: QtBot,
    repo: Store,
    make_ctx: ContextFactory,
    open_window: WindowFactory,
    error_sink: ErrorSink,
) -> None:
    kept, old = _inbox_with_old(repo)
    today = [NOW]
    ctx = make_ctx(clock=lambda: today[0])
    window = open_window(ctx=ctx.with_(settings=ctx.settings.with_(retention_days=90)))
    assert _search(window, "Quokkaparcel", qtbot) == "1 conversation (all statuses)"
    window.open_conversation(old)
    assert window.conversation.conversation_id == old

    today[0] = NOW + 6 * DAY  # 91 days without activity: past the retention
    window._wake_timer.timeout.emit()  # the minute's check (a day since the last run)

    assert _search(window, "Quokkaparcel", qtbot) == "0 conversations (all statuses)"
    assert _search(window, "Zebrafinch", qtbot) == "1 conversation (all statuses)"
    assert window.conversation.conversation_id != old
    assert error_sink.errors == []
    assert window.inbox.model.row_of(kept) is not None


def test_the_demo_workspace_is_never_trimmed(
    qtbot: QtBot, repo: Store, make_ctx: ContextFactory, open_window: WindowFactory
) -> None:
    _kept, _old = _inbox_with_old(repo)
    ctx = make_ctx(clock=lambda: NOW + 30 * DAY)
    demo = ctx.with_(
        settings=ctx.settings.with_(retention_days=30),
        workspace=Workspace("demo", "", ctx.workspace.me_id, None),
    )
    window = open_window(ctx=demo)
    assert _search(window, "Quokkaparcel", qtbot) == "1 conversation (all statuses)"
