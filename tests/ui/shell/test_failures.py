"""When the disk or the data folder fails the agent, they get a clear message and lose nothing."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.config.paths import Paths
from app.config.settings import Settings
from app.ops.context import AppContext
from app.ops.tasks import InlineTaskRunner
from app.storage.errors import StoreProblem, classify
from app.storage.sqlite import sqlite3
from app.ui.inbox.model import ROW_ROLE
from app.ui.shell.application import CrossDeskApp, LaunchOptions
from app.ui.shell.errors import ErrorReporter
from tests.helpers.fixtures import ContextFactory
from tests.helpers.sql import sql
from tests.ui.conftest import ErrorSink, WindowFactory

pytestmark = pytest.mark.gui


def test_a_full_disk_while_sending_keeps_the_reply_and_explains(
    standard_inbox: dict[str, int],
    open_window: WindowFactory,
    make_ctx: ContextFactory,
    error_sink: ErrorSink,
    store_path: Path,
    qtbot: QtBot,
) -> None:
    ctx: AppContext = make_ctx()
    runner = ctx.tasks
    assert isinstance(runner, InlineTaskRunner)
    window = open_window(ctx=ctx)
    conn = sql(runner.repository)
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
    composer = window.conversation.composer
    reply = "Olá Ana! " + "Segue o passo a passo completo do parcelamento. " * 2000
    composer.editor.setPlainText(reply)
    composer.request_send()

    assert composer.text() == reply  # nothing the agent wrote is lost
    assert len(error_sink.errors) == 1
    known = classify(error_sink.errors[0], store_path)
    assert known is not None and known.problem is StoreProblem.DISK_FULL
    reporter = ErrorReporter(ctx.i18n, ctx.paths.log_file, lambda: window)
    reporter.report(error_sink.errors[0], workspace=store_path)
    title, text = reporter.shown[-1]
    assert title == "The disk is full"
    assert str(store_path) in text and "your text is still on screen" in text
    assert "drafts and the replies waiting to be sent" in text  # what was kept
    assert "Free some space on that disk" in text  # what to do
    assert "Traceback" not in text and "sqlite3" not in title
    box = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "errorDialog")
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.close()
    assert isinstance(error_sink.errors[0], sqlite3.DatabaseError)


def test_a_data_folder_that_cannot_be_created_is_named_in_a_dialog(
    qtbot: QtBot, tmp_path: Path
) -> None:
    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    data = blocker / "crossdesk"  # under a file: not creatable, even by root, on any OS
    crossdesk = CrossDeskApp(qt_app, Paths(data), Settings(), LaunchOptions(ui_language="en"))
    try:
        crossdesk.start()
        qtbot.waitUntil(lambda: bool(crossdesk.reporter.shown), timeout=10_000)
        title, text = crossdesk.reporter.shown[-1]
        assert title in ("The workspace cannot be opened", "The workspace cannot be saved")
        assert str(data) in text and "--data-dir" in text
        assert crossdesk.window is None
    finally:
        for widget in QApplication.topLevelWidgets():
            if widget.objectName() == "errorDialog":
                widget.close()
        crossdesk.shutdown()


def test_list_rows_offer_no_tooltip_that_qt_could_render_as_html(
    standard_inbox: dict[str, int], open_window: WindowFactory
) -> None:
    window = open_window()
    model = window.inbox.model
    index = model.index(0)
    assert model.data(index, ROW_ROLE) is not None
    assert model.data(index, Qt.ItemDataRole.ToolTipRole) is None


def _disk_with(monkeypatch: pytest.MonkeyPatch, free: int) -> None:
    """The operating system reports this much free space on every disk."""
    real = shutil.disk_usage

    def usage(path: object) -> object:
        total = real(path).total  # type: ignore[arg-type]
        return shutil._ntuple_diskusage(total, total - free, free)  # type: ignore[attr-defined]

    monkeypatch.setattr(shutil, "disk_usage", usage)


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.OperationalError("disk I/O error"),
        sqlite3.OperationalError("unable to open database file"),
        OSError(errno.EIO, "Input/output error"),
    ],
)
def test_an_io_error_on_a_disk_with_no_space_left_is_reported_as_a_full_disk(
    error: BaseException,
    make_ctx: ContextFactory,
    store_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    qtbot: QtBot,
) -> None:
    """SQLite says "disk I/O error" when it cannot grow its WAL index on a full disk: that
    is not a folder or permission problem, and the agent must hear that the disk is full."""
    store_path.parent.mkdir(parents=True, exist_ok=True)
    _disk_with(monkeypatch, free=4096)
    reporter = ErrorReporter(make_ctx().i18n, store_path.parent / "log.txt", lambda: None)
    try:
        reporter.report(error, workspace=store_path)
        title, text = reporter.shown[-1]
        assert title == "The disk is full"
        assert "drafts and the replies waiting to be sent" in text and "--data-dir" not in text
    finally:
        for widget in QApplication.topLevelWidgets():
            if widget.objectName() == "errorDialog":
                widget.close()


def test_an_io_error_with_space_left_is_still_a_folder_problem(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_path.parent.mkdir(parents=True, exist_ok=True)
    _disk_with(monkeypatch, free=50 * 1024**3)
    known = classify(sqlite3.OperationalError("disk I/O error"), store_path)
    assert known is not None and known.problem is StoreProblem.UNREADABLE


# Windows has no EDQUOT (quotas there fail with ENOSPC): the set is what this OS has.
NO_SPACE = {
    name: getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EFBIG") if hasattr(errno, name)
}


@pytest.mark.parametrize("code", NO_SPACE.values(), ids=NO_SPACE.keys())
def test_no_space_of_any_kind_is_a_full_disk(code: int, store_path: Path) -> None:
    known = classify(OSError(code, "no room"), store_path)
    assert known is not None and known.problem is StoreProblem.DISK_FULL
