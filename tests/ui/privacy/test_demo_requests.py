"""The whole data-request workflow in the demo workspace as the app opens it (its own
store file, the real task runner, the real clock): Dr. Klaus Becker of Germany asks to be
erased; the dialog shows the GDPR and a deadline one month after today; the queue lists
it with the days left; his data is exported to a zip, then erased: his conversations leave
the inbox and the request shows fulfilled."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.config.paths import Paths
from app.config.settings import Settings
from app.domain.data_requests import add_months
from app.ops import privacy
from app.ui.privacy.install import PrivacyRoom
from app.ui.shell.application import CrossDeskApp, LaunchOptions
from app.ui.shell.main_window import MainWindow
from tests.ui.helpers import focus

pytestmark = pytest.mark.gui

KLAUS = "Dr. Klaus Becker"


@pytest.fixture
def demo_window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    qt_app = QApplication.instance()
    assert isinstance(qt_app, QApplication)
    crossdesk = CrossDeskApp(
        qt_app, Paths(tmp_path / "data"), Settings(), LaunchOptions(demo=True, ui_language="en")
    )
    crossdesk.start()
    qtbot.waitUntil(
        lambda: (
            crossdesk.window is not None
            and crossdesk.window.inbox.model.rowCount() > 0
            and crossdesk.culture is not None
        ),
        timeout=30_000,
    )
    window = crossdesk.window
    assert window is not None
    yield focus(window, qtbot)
    crossdesk.shutdown()
    window.close()


def store_value(window: MainWindow, qtbot: QtBot, work: object) -> object:
    """Run ``work`` on the window's store lane and wait for its result."""
    found: list[object] = []
    window._ctx.tasks.run_store(work, found.append)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: bool(found), timeout=10_000)
    return found[0]


def klaus_listed(window: MainWindow) -> bool:
    model = window.inbox.model
    return any(KLAUS in str(model.index(i).data()) for i in range(model.rowCount()))


def test_a_german_customer_is_exported_and_erased_in_the_demo(
    demo_window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo_window
    room = window.privacy
    assert isinstance(room, PrivacyRoom)
    customer_id = store_value(
        window, qtbot, lambda store: privacy.customer_by_uid(store, "de-klaus-becker")
    )
    assert isinstance(customer_id, int)
    window.inbox.focus_search()
    window.inbox.filters.search.setText("Becker")
    qtbot.waitUntil(lambda: klaus_listed(window), timeout=10_000)

    dialog = room.open_request(customer_id, KLAUS, "Europe/Berlin")
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=15_000)
    assert "GDPR" in dialog.law.text()
    today = dt.datetime.fromtimestamp(window._ctx.clock(), ZoneInfo("Europe/Berlin")).date()
    due = window._ctx.i18n.day(
        int(
            dt.datetime.combine(
                add_months(today, 1), dt.time(12), ZoneInfo("Europe/Berlin")
            ).timestamp()
        ),
        "Europe/Berlin",
    )
    assert dialog.due.text() == f"Due {due} (1 month; extendable by 2 months)"
    dialog.kind.setCurrentIndex(dialog.kind.findData("erase"))
    with qtbot.waitSignal(dialog.opened, timeout=10_000):
        dialog.ok_button.click()

    view = room.open_queue()
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=10_000)
    item = view.table.item(0, 5)
    assert item is not None and item.text().endswith(" left")
    assert view.rows[0].customer_name == KLAUS

    view.choose_path = lambda name: tmp_path / name
    view.select(view.rows[0].uid)
    view.export_button.click()
    qtbot.waitUntil(lambda: view.notice.text().startswith("Exported to "), timeout=30_000)
    (archive_path,) = tmp_path.glob("*-data-*.zip")
    with zipfile.ZipFile(archive_path) as archive:
        assert {"customer.json", "customer.pdf"} <= set(archive.namelist())
        assert archive.read("customer.pdf").startswith(b"%PDF")

    erase = view.erase()
    assert erase is not None
    qtbot.keyClicks(erase.typed, KLAUS)
    erase.erase_button.click()
    qtbot.waitUntil(lambda: not klaus_listed(window), timeout=15_000)
    qtbot.waitUntil(
        lambda: (cell := view.table.item(0, 5)) is not None and cell.text().startswith("Fulfilled"),
        timeout=10_000,
    )
    assert (
        store_value(window, qtbot, lambda store: privacy.customer_by_uid(store, "de-klaus-becker"))
        is None
    )
