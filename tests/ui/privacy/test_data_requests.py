"""Data-subject requests on real widgets and a real store file: a request opened for a
German customer shows the GDPR and a deadline one month later, the "Data requests" queue
counts down (and says "Overdue" in red), Export… writes a zip with the JSON and the PDF,
Erase… (the customer's name typed) removes their conversations from the inbox and the
request shows fulfilled; deadline reminders come once a day."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QMenu, QPushButton
from pytestqt.qtbot import QtBot

from app.config.paths import Paths
from app.domain.data_requests import RequestKind
from app.ops import privacy
from app.ops.culture import CultureData, load_culture
from app.ops.notifications import Notification
from app.storage.store import Store
from app.ui.notify.controller import NotificationController
from app.ui.notify.toasts import ToastStack
from app.ui.privacy.install import PrivacyRoom
from app.ui.privacy.request_dialog import RequestDialog
from app.ui.privacy.requests_view import RequestsWindow
from app.ui.shell import style
from app.ui.shell.accessible import make_accessible, spoken_name
from app.ui.shell.main_window import MainWindow
from app.ui.sync.status import SyncController
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.ui.a11y.test_keyboard import check_dialog
from tests.ui.conftest import ErrorSink, WindowFactory
from tests.ui.helpers import focus, visible_names

pytestmark = pytest.mark.gui

DAY = 24 * 3600
BERLIN = "Europe/Berlin"


@pytest.fixture(scope="module")
def culture() -> CultureData:
    return load_culture(Paths(Path("/nonexistent-crossdesk-data")))


@pytest.fixture
def desk(repo: Store) -> dict[str, int]:
    agents = add_agents(repo)
    klaus = add_conversation(
        repo,
        Conv(
            customer="Klaus Becker",
            country="DE",
            language="de-DE",
            timezone=BERLIN,
            subject="Meine Daten",
        ),
        agents,
    )
    other = add_conversation(repo, Conv(customer="Yuki Tanaka", country="JP"), agents)
    return {"klaus": klaus, "other": other}


def room_of(window: MainWindow) -> PrivacyRoom:
    room = window.privacy
    assert isinstance(room, PrivacyRoom)
    return room


def opened_window(open_window: WindowFactory, qtbot: QtBot, culture: CultureData) -> MainWindow:
    window = focus(open_window(), qtbot)
    window.set_culture_data(culture)
    return window


def customer_id(repo: Store, conversation_id: int) -> int:
    return repo.conversations.customer_id(conversation_id)


def open_with_ops(repo: Store, culture: CultureData, cid: int, kind: RequestKind, at: int) -> str:
    return privacy.open_request(repo, culture, customer_id(repo, cid), kind, at).uid


def show_queue(window: MainWindow, qtbot: QtBot) -> RequestsWindow:
    view = room_of(window).open_queue()
    qtbot.waitUntil(lambda: view.table.rowCount() > 0, timeout=5000)
    return view


def cell(view: RequestsWindow, row: int, column: int) -> str:
    item = view.table.item(row, column)
    assert item is not None
    return item.text()


def test_a_request_for_a_german_customer_shows_the_gdpr_and_one_month(
    open_window: WindowFactory, qtbot: QtBot, desk: dict[str, int], culture: CultureData
) -> None:
    window = opened_window(open_window, qtbot, culture)
    window.inbox.select_conversation(desk["klaus"])
    panel = window.side_panel.customer
    qtbot.waitUntil(lambda: panel.view is not None and panel.view.customer_name == "Klaus Becker")
    assert panel.request_button.isVisibleTo(panel) and panel.request_button.text() == (
        "Data request…"
    )
    panel.request_button.click()
    dialog = room_of(window).dialog
    assert isinstance(dialog, RequestDialog)
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=5000)
    assert dialog.customer.text() == "Klaus Becker"
    assert "General Data Protection Regulation (GDPR" in dialog.law.text()
    assert "Regulation (EU) 2016/679" in dialog.law.text()
    # Received 23 Nov 2026 (Berlin): due at the end of 23 Dec 2026, extendable by 2 months.
    due = dt.datetime(2026, 12, 23, 23, 59, 59, tzinfo=ZoneInfo(BERLIN))
    assert dialog.preview is not None and dialog.preview.due_at == int(due.timestamp())
    assert dialog.due.text() == "Due Dec 23, 2026 (1 month; extendable by 2 months)"
    assert "href=" in dialog.source.text() and dialog.source.isVisibleTo(dialog)
    assert [dialog.kind.itemText(i) for i in range(dialog.kind.count())] == [
        "Access",
        "Correct",
        "Export",
        "Erase",
    ]
    dialog.kind.setCurrentIndex(dialog.kind.findData("erase"))
    qtbot.keyClicks(dialog.note, "Asked by e-mail to delete everything; identity checked.")
    with qtbot.waitSignal(dialog.opened, timeout=5000):
        dialog.ok_button.click()
    qtbot.waitUntil(lambda: room_of(window).dialog is None or not dialog.isVisible())

    note = panel.requests_note  # the customer's card lists it
    qtbot.waitUntil(lambda: note.isVisibleTo(panel), timeout=5000)
    assert note.text().startswith("Data request: Erase, due Dec 23, 2026 · 30d")
    assert not room_of(window).due_button.isVisibleTo(window)  # not due within 3 days

    view = show_queue(window, qtbot)
    assert view.table.rowCount() == 1
    assert cell(view, 0, 0) == "Klaus Becker"
    assert cell(view, 0, 1) == "Erase"
    assert "GDPR" in cell(view, 0, 2)
    assert cell(view, 0, 3) == window._ctx.i18n.day(NOW)
    row = view.rows[0]
    assert row.seconds_left > 29 * DAY
    assert cell(view, 0, 5) == f"{window._ctx.i18n.duration(row.seconds_left)} left"
    assert cell(view, 0, 5).startswith("30d")
    assert view.summary.text() == "1 open request"
    assert row.note == "Asked by e-mail to delete everything; identity checked."


def test_no_law_with_a_fixed_period_says_the_team_default(
    open_window: WindowFactory, qtbot: QtBot, repo: Store, culture: CultureData
) -> None:
    agents = add_agents(repo)
    cid = add_conversation(repo, Conv(customer="Nobody Known", country="AQ"), agents)
    window = opened_window(open_window, qtbot, culture)
    window.inbox.select_conversation(cid)
    qtbot.waitUntil(lambda: window.conversation.detail is not None)
    dialog = room_of(window).request_for_open()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=5000)
    assert "No statutory period: team default 30 days" in dialog.due.text()
    assert dialog.law.text().startswith("No data-protection law is recorded for")


def test_an_overdue_request_says_overdue_in_red_and_is_reminded_once_a_day(
    open_window: WindowFactory,
    qtbot: QtBot,
    repo: Store,
    desk: dict[str, int],
    culture: CultureData,
) -> None:
    open_with_ops(repo, culture, desk["klaus"], RequestKind.ACCESS, NOW - 40 * DAY)
    open_with_ops(repo, culture, desk["klaus"], RequestKind.EXPORT, NOW - 29 * DAY)  # due soon
    window = opened_window(open_window, qtbot, culture)
    view = show_queue(window, qtbot)
    assert view.table.rowCount() == 2
    assert cell(view, 0, 1) == "Access"  # overdue first: by deadline
    assert cell(view, 0, 5).startswith("Overdue by ")
    item = view.table.item(0, 5)
    assert item is not None and item.foreground().color() == style.DANGER
    assert view.summary.text() == "2 open requests · 1 overdue"
    assert cell(view, 1, 5).endswith(" left")

    # Reminded when the window started: both are due within 3 days (one overdue).
    stack = window.findChild(ToastStack, "toastStack")
    assert stack is not None
    qtbot.waitUntil(lambda: len(stack.toasts) == 2, timeout=5000)
    titles = [t.title.text() for t in stack.toasts]
    assert "Data request overdue: Klaus Becker" in titles
    assert any(t.startswith("Data request due in ") for t in titles), titles
    (toast,) = [t for t in stack.toasts if t.title.text() == "Data request overdue: Klaus Becker"]
    assert toast.body.text().startswith("Access request, due ")
    assert "· Overdue by " in toast.body.text()
    room = room_of(window)
    assert room.due_button.isVisibleTo(window)
    assert room.due_button.text() == "Data requests: 1 overdue"
    shown: list[object] = []
    room.reminders.reminded.connect(shown.append)
    room.reminders.check()  # the same day: nothing new
    assert shown == [] and len(stack.toasts) == 2
    first = next(iter(room.reminders.given))
    room.reminders.given[first] = "2026-11-22"
    room.reminders.check()  # a day later (as remembered): reminded again
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)


def test_export_writes_a_zip_with_the_json_and_the_pdf(
    open_window: WindowFactory,
    qtbot: QtBot,
    repo: Store,
    desk: dict[str, int],
    culture: CultureData,
    tmp_path: Path,
) -> None:
    open_with_ops(repo, culture, desk["klaus"], RequestKind.EXPORT, NOW)
    window = opened_window(open_window, qtbot, culture)
    view = show_queue(window, qtbot)
    view.select(view.rows[0].uid)
    suggested: list[str] = []

    def choose(name: str) -> Path:
        suggested.append(name)
        return tmp_path / name

    view.choose_path = choose
    assert view.export_button.isEnabled() and not view.erase_button.isEnabled()
    view.export_button.click()
    qtbot.waitUntil(lambda: view.notice.text().startswith("Exported to "), timeout=15000)
    (name,) = suggested
    assert name.endswith("-data-2026-11-23.zip") and "Klaus" not in name
    with zipfile.ZipFile(tmp_path / name) as archive:
        names = set(archive.namelist())
        assert {"customer.json", "customer.pdf", "manifest.json"} <= names
        document = json.loads(archive.read("customer.json"))
        assert "Klaus Becker" in json.dumps(document, ensure_ascii=False)
        assert archive.read("customer.pdf").startswith(b"%PDF")
    assert not list(tmp_path.glob(".crossdesk-*.part"))  # written whole, nothing left over


def test_erase_removes_the_conversations_and_fulfils_the_request(
    open_window: WindowFactory,
    qtbot: QtBot,
    repo: Store,
    desk: dict[str, int],
    culture: CultureData,
    error_sink: ErrorSink,
) -> None:
    open_with_ops(repo, culture, desk["klaus"], RequestKind.ERASE, NOW)
    window = opened_window(open_window, qtbot, culture)
    assert "Klaus Becker" in visible_names(window)
    window.inbox.select_conversation(desk["klaus"])  # the agent is looking at him
    qtbot.waitUntil(lambda: window.conversation.conversation_id == desk["klaus"])
    view = show_queue(window, qtbot)
    view.select(view.rows[0].uid)
    assert view.erase_button.isEnabled()
    view.erase_button.click()
    dialog = view.erase_dialog
    assert dialog is not None and dialog.isVisible()
    assert "cannot be undone" in dialog.explanation.text()
    assert "Klaus Becker" in dialog.explanation.text()
    assert not dialog.erase_button.isEnabled()
    qtbot.keyClicks(dialog.typed, "Klaus")
    assert not dialog.erase_button.isEnabled()
    dialog.typed.clear()
    qtbot.keyClicks(dialog.typed, "klaus  becker")  # case and spacing aside
    assert dialog.erase_button.isEnabled()
    dialog.erase_button.click()
    qtbot.waitUntil(lambda: "Klaus Becker" not in visible_names(window), timeout=5000)
    assert "Yuki Tanaka" in visible_names(window)
    qtbot.waitUntil(lambda: cell(view, 0, 5).startswith("Fulfilled"), timeout=5000)
    assert cell(view, 0, 0) == "Erased customer"
    assert view.notice.text() == "The customer is erased and the request fulfilled."
    assert not view.export_button.isEnabled() and not view.erase_button.isEnabled()
    assert repo.conversations.conversation_rows([desk["klaus"]]) == {}
    assert window.conversation.conversation_id != desk["klaus"]
    assert error_sink.errors == []


def test_views_still_reading_an_erased_conversation_empty_themselves(
    open_window: WindowFactory,
    qtbot: QtBot,
    repo: Store,
    desk: dict[str, int],
    culture: CultureData,
    error_sink: ErrorSink,
) -> None:
    """The customer card and the conversation re-read what is on screen after a change;
    when the conversation went in between (erased here, or by retention) they empty,
    and nothing reaches the agent as an error."""
    uid = open_with_ops(repo, culture, desk["klaus"], RequestKind.ERASE, NOW)
    window = opened_window(open_window, qtbot, culture)
    window.inbox.select_conversation(desk["klaus"])
    card = window.side_panel.customer
    qtbot.waitUntil(lambda: card.view is not None and card.view.customer_name == "Klaus Becker")
    privacy.erase_customer(repo, customer_id(repo, desk["klaus"]), uid, NOW)
    card.refresh()  # as after a change, before the inbox has dropped the row
    window.conversation.reload()
    qtbot.waitUntil(lambda: window.conversation.conversation_id is None, timeout=5000)
    qtbot.waitUntil(lambda: card.view is None and not card.isEnabled(), timeout=5000)
    assert window.conversation.detail is None and card.view is None
    assert error_sink.errors == []


def test_the_entries_are_reachable_by_menu_and_keyboard(
    open_window: WindowFactory, qtbot: QtBot, desk: dict[str, int], culture: CultureData
) -> None:
    window = opened_window(open_window, qtbot, culture)
    room = room_of(window)
    keys = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_D, keys)  # View → Data requests…
    qtbot.waitUntil(lambda: room.view is not None and room.view.isVisible(), timeout=3000)
    assert room.view is not None
    room.view.close()
    # The inbox's right-click menu on one conversation, and the Conversation menu.
    window.inbox.select_conversation(desk["other"])
    qtbot.waitUntil(lambda: window.conversation.conversation_id == desk["other"])
    menu: QMenu = window.inbox.bulk.context_menu()
    (entry,) = [a for a in menu.actions() if a.objectName() == "dataRequest"]
    entry.trigger()
    dialog = room.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=5000)
    assert dialog.customer.text() == "Yuki Tanaka"
    dialog.reject()
    assert room.request_action in window.actions()


def test_every_new_control_has_a_name_and_tab_reaches_the_actions(
    open_window: WindowFactory,
    qtbot: QtBot,
    repo: Store,
    desk: dict[str, int],
    culture: CultureData,
) -> None:
    open_with_ops(repo, culture, desk["klaus"], RequestKind.ERASE, NOW)
    window = opened_window(open_window, qtbot, culture)
    view = show_queue(window, qtbot)
    window.inbox.select_conversation(desk["klaus"])
    qtbot.waitUntil(lambda: window.conversation.detail is not None)
    dialog = room_of(window).request_for_open()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=5000)
    view.select(view.rows[0].uid)
    erase = view.erase()
    assert erase is not None
    for root in (view, dialog, erase):
        make_accessible(root)
        for control in (
            *root.findChildren(QPushButton),
            *[w for w in root.findChildren(type(view.table))],
            *[w for w in root.findChildren(type(dialog.kind))],
            *[w for w in root.findChildren(type(dialog.note))],
            *[w for w in root.findChildren(type(erase.typed))],
        ):
            assert spoken_name(control).strip(), (root.objectName(), control.objectName())
    erase.reject()
    dialog.reject()
    # Tab from the table reaches every action (none is mouse-only), never trapped.
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view, timeout=3000)
    view.table.setFocus()
    reached = []
    for _step in range(12):
        widget = QApplication.focusWidget()
        assert widget is not None
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    actions = [view.export_button, view.erase_button, view.fulfil_button, view.extend_button]
    assert all(button in reached for button in [*actions, view.cancel_button]), reached


def test_the_dialogs_pass_the_keyboard_rules_of_every_dialog(
    open_window: WindowFactory,
    qtbot: QtBot,
    repo: Store,
    desk: dict[str, int],
    culture: CultureData,
) -> None:
    """Tab reaches every control and never traps; Escape closes (tests/ui/a11y's check)."""
    open_with_ops(repo, culture, desk["klaus"], RequestKind.ERASE, NOW)
    window = opened_window(open_window, qtbot, culture)
    window.inbox.select_conversation(desk["klaus"])
    qtbot.waitUntil(lambda: window.conversation.detail is not None)
    room = room_of(window)
    failures = check_dialog("Data request", room.request_for_open, qtbot)
    failures += check_dialog("Data requests", room.open_queue, qtbot)
    qtbot.waitUntil(lambda: room.view is None, timeout=3000)  # Escape closed it
    view = room.open_queue()
    qtbot.waitUntil(lambda: bool(view.rows), timeout=3000)
    view.select(view.rows[0].uid)
    failures += check_dialog("Erase customer", view.erase, qtbot)
    assert not failures, "\n".join(failures)


def test_extend_fulfil_and_cancel_from_the_queue(
    open_window: WindowFactory,
    qtbot: QtBot,
    repo: Store,
    desk: dict[str, int],
    culture: CultureData,
) -> None:
    first = open_with_ops(repo, culture, desk["klaus"], RequestKind.ACCESS, NOW)
    second = open_with_ops(repo, culture, desk["klaus"], RequestKind.CORRECT, NOW)
    window = opened_window(open_window, qtbot, culture)
    view = show_queue(window, qtbot)
    view.select(first)
    assert view.extend_button.isEnabled()
    view.extend_button.click()  # GDPR: 1 month + 2 months, from the day received
    qtbot.waitUntil(lambda: (now := view.current()) is not None and now.extended, timeout=5000)
    row = view.current()
    assert row is not None and row.uid == first
    index = view.rows.index(row)
    assert cell(view, index, 4) == "Feb 23, 2027 (extended)"
    assert not view.extend_button.isEnabled()  # once
    view.fulfil_button.click()
    qtbot.waitUntil(lambda: cell(view, index, 5).startswith("Fulfilled"), timeout=5000)
    assert view.notice.text() == "The request is marked fulfilled."
    view.select(second)
    view.cancel_button.click()
    qtbot.waitUntil(lambda: view.summary.text() == "0 open requests", timeout=5000)
    assert "Cancelled" in [cell(view, i, 5) for i in range(view.table.rowCount())]
    view.show_closed.setChecked(False)
    qtbot.waitUntil(lambda: view.table.rowCount() == 0 and view.empty.isVisible(), timeout=5000)


@pytest.mark.qt_log_ignore("systemTrayWindowChanged")  # the offscreen platform has no tray
def test_with_a_system_tray_the_reminder_is_a_desktop_notification(
    open_window: WindowFactory,
    qtbot: QtBot,
    repo: Store,
    desk: dict[str, int],
    culture: CultureData,
) -> None:
    open_with_ops(repo, culture, desk["klaus"], RequestKind.ERASE, NOW - 40 * DAY)
    window = opened_window(open_window, qtbot, culture)
    owner = QObject(window)  # the application owns the controller in real life
    sync = SyncController(window._ctx, lambda: pytest.fail("no sync in this test"), owner)
    controller = NotificationController(
        window._ctx, sync, owner, tray_available=lambda: True, beep=lambda: None
    )
    assert controller.tray is not None
    sent: list[Notification] = []
    controller.tray.show_notification = lambda n, **_: sent.append(n)  # type: ignore[method-assign]
    window.sync = sync  # a signed-in workspace's window
    reminders = room_of(window).reminders
    reminders.given.clear()
    reminders.toasts = None
    reminders.check()
    qtbot.waitUntil(lambda: len(sent) == 1, timeout=5000)
    assert sent[0].title == "Data request overdue: Klaus Becker"
    assert reminders.toasts is None  # no toast as well
    window.sync = None
    controller.dispose()


def test_before_start_up_loaded_the_profiles_the_dialog_loads_them(
    open_window: WindowFactory, qtbot: QtBot, desk: dict[str, int]
) -> None:
    window = focus(open_window(), qtbot)  # the etiquette profiles are not in yet
    assert window.side_panel.culture_data is None
    window.inbox.select_conversation(desk["klaus"])
    qtbot.waitUntil(lambda: window.conversation.detail is not None)
    dialog = room_of(window).request_for_open()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=15_000)
    assert "GDPR" in dialog.law.text()  # never the team default for want of the profile
