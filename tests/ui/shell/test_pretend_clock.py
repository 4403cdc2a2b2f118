"""``--now`` (the pretend clock) and ``--open``: the real workspace is never written, and
what the command line asks that cannot be done is said at once."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from app.config.paths import Paths, resources_dir
from app.config.settings import Settings
from app.domain.models import Status
from app.ops.demo import load_demo_into
from app.storage.cipher import WorkspaceKey, apply_key
from app.storage.sqlite import sqlite3 as sqlcipher
from app.storage.store import Store
from app.ui.shell.application import CrossDeskApp, LaunchOptions
from app.ui.shell.bootstrap import parse_args
from tests.helpers.app_process import run_app
from tests.helpers.keychain import MemoryKeyring

pytestmark = pytest.mark.gui

PRETEND = 4_102_444_800  # 2100-01-01T00:00Z: every snooze in the demo has ended by then


def _workspace(path: Path) -> Path:
    """A real workspace file with the demo's conversations (ten of them snoozed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    repo = Store.open(path)
    load_demo_into(repo, resources_dir() / "demo", int(time.time()))
    repo.close()
    return path


def _rows(
    path: Path, *, wal: bool = False, key: WorkspaceKey | None = None
) -> list[tuple[object, ...]]:
    """The conversations' rows, read without writing (through the WAL if ``wal``; with
    its ``key`` if the file is encrypted)."""
    uri = f"file:{path}?mode=ro{'' if wal else '&immutable=1'}"
    conn = sqlcipher.connect(uri, uri=True) if key else sqlite3.connect(uri, uri=True)
    if key is not None:
        apply_key(conn, key, path)
    try:
        return conn.execute(
            "SELECT uid, status, snoozed_until, updated_at, version FROM conversations ORDER BY uid"
        ).fetchall()
    finally:
        conn.close()


def _launch(qtbot: QtBot, tmp_path: Path, **options: object) -> CrossDeskApp:
    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)
    crossdesk = CrossDeskApp(
        qt_app,
        Paths(tmp_path / "data"),
        Settings(),
        LaunchOptions(ui_language="en", **options),  # type: ignore[arg-type]
    )
    crossdesk.start()
    return crossdesk


def _close(crossdesk: CrossDeskApp) -> None:
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == "errorDialog":
            widget.close()
    crossdesk.shutdown()
    if crossdesk.window is not None:
        crossdesk.window.close()


def test_a_pretend_clock_never_changes_the_workspace_file(
    qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    workspace = _workspace(tmp_path / "team" / "inbox.sqlite3")
    before_bytes = hashlib.sha256(workspace.read_bytes()).hexdigest()
    before_rows = _rows(workspace)
    assert sum(1 for row in before_rows if row[1] == "snoozed") >= 5
    folder_before = sorted(p.name for p in workspace.parent.iterdir())

    crossdesk = _launch(qtbot, tmp_path, workspace=workspace, now=PRETEND)
    try:
        qtbot.waitUntil(
            lambda: (
                crossdesk.window is not None and crossdesk.window.conversation.detail is not None
            ),
            timeout=20_000,
        )
        window = crossdesk.window
        assert window is not None
        assert "pretend clock, changes are not kept" in window.windowTitle()
        label = window.findChild(QLabel, "pretendClock")
        assert label is not None and "Changes in this run are not kept" in label.text()
        assert "2100" in label.text()
        # Work as an agent would: resolve, write a draft, send a reply.
        pane = window.conversation
        assert pane.detail is not None
        changed = pane.detail.row.uid
        pane.set_status(Status.RESOLVED)
        qtbot.waitUntil(lambda: crossdesk.tasks.pending == 0, timeout=10_000)
        pane.composer.editor.setPlainText("A reply written at a pretend time")
        pane.composer.request_send()
        pane.composer.editor.setPlainText("and a draft")
        pane.composer.flush_draft()
        qtbot.waitUntil(lambda: crossdesk.tasks.pending == 0, timeout=10_000)
        assert crossdesk.sync is None  # nothing goes to a server either
        assert not crossdesk.reporter.shown
        # The run did work, on its copy: snoozes woken, the conversation resolved.
        assert crossdesk.pretend._folder is not None
        copied = crossdesk.pretend._folder / workspace.name  # encrypted with the keychain's key
        key = crossdesk.keys.opened_with
        copy = {row[0]: row for row in _rows(copied, wal=True, key=key)}
        assert not any(row[1] == "snoozed" for row in copy.values())
        assert copy[changed][1] == "resolved" and int(str(copy[changed][3])) >= PRETEND
    finally:
        _close(crossdesk)

    assert hashlib.sha256(workspace.read_bytes()).hexdigest() == before_bytes
    assert _rows(workspace) == before_rows  # no snooze woken, no pretend updated_at
    assert sorted(p.name for p in workspace.parent.iterdir()) == folder_before  # no -wal
    assert crossdesk.pretend._folder is None  # the throw-away copy is gone


def test_the_pretend_clock_on_the_demo_leaves_the_demo_file_alone(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The README's own example: the demo workspace, opened at a pretend moment."""
    demo = _workspace(Paths(tmp_path / "data").demo_workspace)
    before = _rows(demo)
    crossdesk = _launch(qtbot, tmp_path, demo=True, now=PRETEND, open_conversation="gulf-0001")
    try:
        qtbot.waitUntil(
            lambda: (
                crossdesk.window is not None
                and crossdesk.window.conversation.detail is not None
                and crossdesk.window.conversation.detail.row.uid == "gulf-0001"
            ),
            timeout=20_000,
        )
        qtbot.waitUntil(lambda: crossdesk.tasks.pending == 0, timeout=10_000)
    finally:
        _close(crossdesk)
    assert _rows(demo) == before


def test_signing_in_is_refused_while_the_clock_is_pretend(qtbot: QtBot, tmp_path: Path) -> None:
    crossdesk = _launch(qtbot, tmp_path, demo=True, now=PRETEND)
    try:
        qtbot.waitUntil(lambda: crossdesk.window is not None, timeout=20_000)
        assert crossdesk.open_sign_in() is None
        title, text = crossdesk.reporter.shown[-1]
        assert title == "Not available with a pretend clock"
        assert "without --now" in text
    finally:
        _close(crossdesk)


@pytest.mark.parametrize(
    "moment",
    ["9999-12-31T23:59", "0001-01-01T00:00", "1969-12-31T23:59", "2101-01-01T00:00"],
)
def test_now_outside_its_range_is_refused_with_exit_code_2(
    moment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_args(["--demo", "--now", moment])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert "--now" in error and "1970-01-01 to 2100-12-31" in error
    assert "Traceback" not in error


@pytest.mark.parametrize("moment", ["tomorrow", "2027-02-20T10:00+25:00", "2027-13-01"])
def test_now_that_is_not_a_date_is_refused_with_an_example(
    moment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_args(["--now", moment])
    assert exited.value.code == 2
    assert "like 2027-02-20T10:00" in capsys.readouterr().err


def test_now_inside_the_range_is_accepted() -> None:
    assert parse_args(["--now", "2027-02-20T10:00"]).now == 1_803_117_600
    assert parse_args(["--now", "2027-02-20T13:00+03:00"]).now == 1_803_117_600
    assert parse_args(["--now", "2100-12-31T23:59"]).now is not None


def test_an_unknown_open_id_is_named_in_a_dialog_at_once(qtbot: QtBot, tmp_path: Path) -> None:
    crossdesk = _launch(qtbot, tmp_path, demo=True, open_conversation="xx-9999")
    try:
        qtbot.waitUntil(lambda: bool(crossdesk.reporter.shown), timeout=20_000)
        title, text = crossdesk.reporter.shown[-1]
        assert title == "No such conversation"
        assert "no conversation with the id 'xx-9999'" in text
        assert crossdesk.window is not None  # the inbox opens as usual
    finally:
        _close(crossdesk)


def test_an_unknown_open_id_in_screenshot_mode_exits_2_at_once(tmp_path: Path) -> None:
    target = tmp_path / "shot.png"
    began = time.monotonic()
    result = run_app(
        "--demo",
        "--data-dir",
        str(tmp_path / "d"),
        "--open",
        "xx-9999",
        "--screenshot",
        str(target),
        "--lang",
        "en",
    )
    assert result.returncode == 2, result.stderr
    assert "no conversation with the id 'xx-9999'" in result.stderr
    assert "not ready" not in result.stderr
    assert time.monotonic() - began < 25  # not the 30 s wait for a window that never comes
    assert not target.exists()
