"""Desktop notifications on real widgets (offscreen): toasts where there is no tray, the
tray path when one is there, what a click opens; and the whole application against the
reference server on loopback, where a customer's message and a colleague's assignment
arrive by a real sync."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget
from pytestqt.qtbot import QtBot

from app.config.settings import Settings
from app.domain.changes import Changes
from app.domain.models import MessageKind
from app.ops import inbox, reply
from app.ops.notifications import Kind, local_minute
from app.ops.reply import ReplyDraft
from app.storage.store import Store
from app.sync.api import SyncReport
from app.ui.notify.controller import NotificationController
from app.ui.notify.settings_section import NotificationSettings
from app.ui.notify.toasts import AUTO_HIDE_MS, LOCKED, Toast
from app.ui.notify.tray import tray_body
from app.ui.settings.settings_dialog import SettingsDialog
from app.ui.shell.application import CrossDeskApp
from app.ui.shell.main_window import MainWindow
from app.ui.sync.status import SyncController
from tests.helpers.builders import NOW, Conv, add_conversation
from tests.helpers.keychain import MemoryKeyring
from tests.ui.conftest import WindowFactory
from tests.ui.helpers import focus
from tests.ui.sync.reference_app import ReferenceServer, sign_in, wait_synced

pytestmark = [
    pytest.mark.gui,
    # a click raises the window; the offscreen platform has no stacking to change
    pytest.mark.qt_log_ignore("This plugin does not support raise"),
]


class Beeps:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


@pytest.fixture
def desk(repo: Store, standard_inbox: dict[str, int], open_window: WindowFactory) -> MainWindow:
    """The window on the standard inbox of a workspace that has synced before."""
    repo.outbox.set_cursor("messages", "c-1", NOW)
    return open_window()


def notifications(
    window: MainWindow,
    settings: Settings | None = None,
    *,
    tray: bool = False,
    beep: Beeps | None = None,
    parent: QWidget | None = None,
) -> NotificationController:
    """The controller as the application installs it (its baseline check included). The
    sync is never started here: the store writes of each test are what arrives."""
    ctx = window._ctx if settings is None else window._ctx.with_(settings=settings)
    owner = parent or window  # the application owns it in real life, not the window
    sync = SyncController(ctx, lambda: pytest.fail("no sync in this test"), owner)
    controller = NotificationController(
        ctx, sync, owner, tray_available=lambda: tray, beep=beep or Beeps()
    )
    controller.attach(ctx, window)
    return controller


def mine(repo: Store, name: str) -> int:
    return add_conversation(repo, Conv(customer=name, assignee="me"), me_and_colleague(repo))


def me_and_colleague(repo: Store) -> dict[str, int]:
    agents = {a.uid: a.id for a in repo.conversations.agents()}
    return {"me": agents["me"], "colleague": agents["colleague"]}


def toasts(controller: NotificationController) -> list[Toast]:
    assert controller.toasts is not None
    return controller.toasts.toasts


def test_a_customer_message_shows_a_plain_text_toast_that_opens_the_conversation(
    qtbot: QtBot, desk: MainWindow, repo: Store
) -> None:
    cid = mine(repo, "Olga <b>Bold</b>")
    controller = notifications(desk)
    assert controller.tray is None  # offscreen: no system tray, toasts instead
    repo.messages.add_message(cid, MessageKind.CUSTOMER, "<b>x</b> <img src=y> hi", NOW)
    with qtbot.waitSignal(controller.shown):
        controller.check()
    [toast] = toasts(controller)
    assert toast.isVisible()
    assert toast.title.text() == "New message from Olga <b>Bold</b>"
    assert toast.body.text() == "<b>x</b> <img src=y> hi"
    assert toast.title.textFormat() == toast.body.textFormat() == Qt.TextFormat.PlainText
    window_rect = desk.rect()
    assert window_rect.contains(controller.toasts.geometry())  # type: ignore[union-attr]
    qtbot.mouseClick(toast, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.conversation.conversation_id == cid, timeout=5000)
    assert toasts(controller) == []
    assert QApplication.activeWindow() is desk


def test_toasts_work_from_the_keyboard_and_a_burst_is_one_toast(
    qtbot: QtBot, desk: MainWindow, repo: Store
) -> None:
    cids = [mine(repo, f"Customer {n}") for n in range(6)]
    controller = notifications(desk)
    for cid in cids:
        repo.messages.add_message(cid, MessageKind.CUSTOMER, "Hello", NOW)
    controller.check()
    [toast] = toasts(controller)
    assert toast.title.text() == "6 new messages from 6 customers"
    toast.setFocus()
    qtbot.keyClick(toast, Qt.Key.Key_Escape)
    assert toasts(controller) == []
    repo.messages.add_message(cids[2], MessageKind.CUSTOMER, "Still there?", NOW)
    controller.check()
    [toast] = toasts(controller)
    focus(desk, qtbot)
    qtbot.keyClick(
        desk, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(toast.hasFocus, timeout=3000)  # View > Go to the newest notification
    qtbot.keyClick(toast, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.conversation.conversation_id == cids[2], timeout=5000)


def test_a_toast_hides_by_itself_unless_the_agent_is_on_it(
    qtbot: QtBot, desk: MainWindow, repo: Store
) -> None:
    first, second = mine(repo, "Focused Fay"), mine(repo, "Idle Ida")
    controller = notifications(desk)
    repo.messages.add_message(first, MessageKind.CUSTOMER, "one", NOW)
    repo.messages.add_message(second, MessageKind.CUSTOMER, "two", NOW)
    controller.check()
    focused, idle = toasts(controller)
    assert focused.timer.interval() == AUTO_HIDE_MS  # a few seconds
    focus(desk, qtbot)
    focused.setFocus()
    qtbot.waitUntil(focused.hasFocus, timeout=3000)
    for toast in (focused, idle):
        toast.timer.start(50)  # the same timers, run short
    qtbot.waitUntil(lambda: idle not in toasts(controller), timeout=3000)
    assert focused in toasts(controller)  # the keyboard is on it: it stays
    focused.clearFocus()
    qtbot.waitUntil(lambda: toasts(controller) == [], timeout=3000)


def test_not_for_the_conversation_open_in_the_active_window(
    qtbot: QtBot, desk: MainWindow, repo: Store
) -> None:
    open_cid = mine(repo, "Looking At")
    other = mine(repo, "Somebody Else")
    focus(desk, qtbot)
    desk.open_conversation(open_cid)
    qtbot.waitUntil(lambda: desk.conversation.conversation_id == open_cid, timeout=5000)
    controller = notifications(desk)
    repo.messages.add_message(open_cid, MessageKind.CUSTOMER, "I see you", NOW)
    controller.check()
    assert toasts(controller) == []
    # The agent switches to another application: the same conversation is news now.
    elsewhere = QWidget()
    qtbot.addWidget(elsewhere)
    elsewhere.show()
    elsewhere.activateWindow()
    qtbot.waitUntil(lambda: not desk.isActiveWindow(), timeout=3000)
    repo.messages.add_message(open_cid, MessageKind.CUSTOMER, "Hello?", NOW)
    repo.messages.add_message(other, MessageKind.CUSTOMER, "Me too", NOW)
    controller.check()
    assert {t.notification.conversation_id for t in toasts(controller)} == {open_cid, other}
    stack = controller.toasts
    assert stack is not None and desk.rect().contains(stack.geometry())
    for toast in toasts(controller):  # stacked, none cut off
        assert stack.rect().contains(toast.geometry())
        assert toast.body.height() >= toast.body.heightForWidth(toast.body.width())


def test_quiet_hours_no_toast_but_the_unread_count_rises(
    qtbot: QtBot, desk: MainWindow, repo: Store
) -> None:
    cid = mine(repo, "Night Owl")
    minute = local_minute(NOW)
    start, end = (minute - 60) % 1440, (minute + 60) % 1440
    quiet = Settings(quiet_hours=f"{start // 60:02}:{start % 60:02}-{end // 60:02}:{end % 60:02}")
    controller = notifications(desk, quiet)
    before = controller.unread
    repo.messages.add_message(cid, MessageKind.CUSTOMER, "Anyone?", NOW)
    with qtbot.waitSignal(controller.unread_changed) as changed:
        controller.check()
    assert changed.args == [before + 1]
    assert toasts(controller) == []


def test_a_kind_switched_off_shows_nothing_and_sound_only_when_chosen(
    qtbot: QtBot, desk: MainWindow, repo: Store
) -> None:
    cid = mine(repo, "Silent Sam")
    beeps = Beeps()
    controller = notifications(desk, Settings(notify_messages=False, notify_sound=True), beep=beeps)
    repo.messages.add_message(cid, MessageKind.CUSTOMER, "Hi", NOW)
    controller.check()
    assert toasts(controller) == [] and beeps.count == 0
    agents = me_and_colleague(repo)
    other = add_conversation(repo, Conv(customer="Routed Rita"), agents)
    repo.conversations.assign(other, agents["me"], NOW)  # by routing on the server
    controller.check()
    assert [t.title.text() for t in toasts(controller)] == ["Assigned to you: Routed Rita"]
    assert beeps.count == 1


def test_the_sla_warning_comes_once(qtbot: QtBot, desk: MainWindow, repo: Store) -> None:
    agents = me_and_colleague(repo)
    add_conversation(repo, Conv(customer="Due Dana", assignee="me", sla_in=200), agents)
    controller = notifications(desk)  # its first check is the baseline: the SLA is not history
    assert [t.notification.kind for t in toasts(controller)] == [Kind.SLA]
    assert toasts(controller)[0].title.text() == "SLA ends in 3m: Due Dana"
    controller.check()
    controller.check()
    assert len(toasts(controller)) == 1


def test_a_held_reply_translated_by_a_colleague(
    qtbot: QtBot, desk: MainWindow, repo: Store
) -> None:
    agents = me_and_colleague(repo)
    cid = add_conversation(repo, Conv(customer="María", assignee="me", language="es"), agents)
    controller = notifications(desk)
    reply.send(repo, cid, ReplyDraft("en", True).held("We refund.", "es"), agents["me"], NOW)
    message = repo.messages.messages(cid)[-1]
    reply.release_held(repo, message, "Le reembolsamos.", agents["colleague"], NOW)
    controller.check()
    [toast] = toasts(controller)
    assert toast.title.text() == "Your reply to María was translated"
    assert toast.body.text() == "Carl Colleague translated it and sent it."


# the tray is forced where the offscreen platform has none: Qt says it cannot follow its window
@pytest.mark.qt_log_ignore("systemTrayWindowChanged", "This plugin does not support raise")
def test_the_tray_path_badge_tooltip_message_and_click(
    qtbot: QtBot, desk: MainWindow, repo: Store
) -> None:
    cid = mine(repo, "Tray Tina")
    controller = notifications(desk, tray=True)  # as where the desktop has a tray
    tray = controller.tray
    assert tray is not None and controller.toasts is None
    assert controller.unread == 1  # Tray Tina's (the open conversation was read)
    assert tray.icon.toolTip() == "CrossDesk · 1 unread message"
    repo.messages.add_message(cid, MessageKind.CUSTOMER, "<b>x</b>", NOW)
    with qtbot.waitSignal(controller.shown) as shown:
        controller.check()
    assert shown.args[0].title == "New message from Tray Tina"
    assert tray.icon.toolTip() == "CrossDesk · 2 unread messages"
    badge = tray.icon.icon().pixmap(64, 64).toImage()
    red = badge.pixelColor(64 - 8, 20)  # inside the badge circle, off its digits
    assert (red.red(), red.green() < 100, red.blue() < 100) == (211, True, True)
    assert tray_body("<b>x</b> & co") in ("&lt;b&gt;x&lt;/b&gt; &amp; co", "<b>x</b> & co")
    sent: list[tuple[str, str]] = []  # what reaches the desktop's notification daemon
    tray.icon.showMessage = lambda title, body, *_rest: sent.append((title, body))  # type: ignore[method-assign]
    desk.setProperty(LOCKED, True)  # CrossDesk locked, as the screen lock marks the window
    repo.messages.add_message(cid, MessageKind.CUSTOMER, "my card ends 4242", NOW + 60)
    with qtbot.waitSignal(controller.shown):
        controller.check()
    assert sent == [("CrossDesk", "Something new arrived. Unlock CrossDesk to see it.")]
    desk.setProperty(LOCKED, False)  # unlocked again
    tray.icon.messageClicked.emit()  # the agent clicks the desktop's notification
    qtbot.waitUntil(lambda: desk.conversation.conversation_id == cid, timeout=5000)
    desk.showMinimized()
    tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    qtbot.waitUntil(lambda: not desk.isMinimized(), timeout=5000)


def test_the_settings_dialog_edits_kinds_quiet_hours_and_sound(qtbot: QtBot) -> None:
    from app.config.paths import translations_dir
    from app.i18n import I18n

    dialog = SettingsDialog(I18n("en", translations_dir()), Settings(notify_sla=False))
    qtbot.addWidget(dialog)
    section = dialog.findChild(NotificationSettings)
    assert section is not None
    assert not section.kinds["notify_sla"].isChecked() and section.kinds["notify_held"].isChecked()
    assert not section.quiet_from.isEnabled()
    section.quiet.setChecked(True)
    section.sound.setChecked(True)
    section.kinds["notify_messages"].setChecked(False)
    result = dialog.result_settings()
    assert (result.quiet_hours, result.notify_sound, result.notify_messages) == (
        "22:00-07:00",
        True,
        False,
    )


# ---------------------------------------------------------------------- the real thing
def assign_on_server(server: ReferenceServer, conversation_id: str, agent: str) -> None:
    """A colleague (here the admin) assigns the conversation on the server."""
    current = server.admin.conversation(conversation_id)
    response = server.admin.patch(
        f"/v1/conversations/{conversation_id}",
        {"assignee_id": agent},
        if_match=current.headers["etag"],
    )
    assert response.status_code == 200, response.text


def customer_writes(server: ReferenceServer, conversation: dict[str, object], body: str) -> None:
    customer = conversation["customer"]
    assert isinstance(customer, dict)
    response = server.admin.inbound(str(conversation["id"]), customer_id=customer["id"], body=body)
    assert response.status_code in (200, 201), response.text


def synced(qtbot: QtBot, crossdesk: CrossDeskApp, window: MainWindow) -> None:
    """A sync cycle, and the notification check that follows it."""
    controller = crossdesk.notifications
    assert controller is not None
    with qtbot.waitSignal(controller.unread_changed, timeout=30_000):
        wait_synced(qtbot, window)


def local_id(qtbot: QtBot, crossdesk: CrossDeskApp, uid: object) -> int:
    """The local id of a server conversation (read on the store lane)."""
    found: list[int | None] = []
    crossdesk.tasks.run_store(
        lambda store: store.conversations.conversation_id_by_uid(str(uid)), found.append
    )
    qtbot.waitUntil(lambda: bool(found), timeout=5000)
    assert found[0] is not None
    return found[0]


def test_by_real_sync_assignment_and_message_notify_my_own_actions_do_not(
    qtbot: QtBot,
    launch: CrossDeskApp,
    server: ReferenceServer,
    memory_keyring: MemoryKeyring,
) -> None:
    first = server.admin.new_conversation(body="Olá, meu pedido?")
    second = server.admin.new_conversation(body="Segundo pedido")
    third = server.admin.new_conversation(body="Terceiro")
    window = sign_in(qtbot, launch, server)
    qtbot.waitUntil(lambda: window.inbox.model.rowCount() == 3, timeout=30_000)
    controller = launch.notifications
    assert controller is not None and controller.window is window
    synced(qtbot, launch, window)
    assert controller.toasts is not None and controller.toasts.toasts == []  # history: quiet
    agent = server.seed.agent_id
    ids = {
        name: local_id(qtbot, launch, c["id"])
        for name, c in (("first", first), ("second", second), ("third", third))
    }
    focus(window, qtbot)
    window.open_conversation(ids["second"])  # the agent reads another conversation
    qtbot.waitUntil(lambda: window.conversation.conversation_id == ids["second"], timeout=5000)

    # Someone else assigns a conversation to me: notified.
    assign_on_server(server, str(first["id"]), agent)
    with qtbot.waitSignal(controller.shown, timeout=30_000) as shown:
        wait_synced(qtbot, window)
    assert (shown.args[0].kind, shown.args[0].title) == (
        Kind.ASSIGNED,
        "Assigned to you: Ana Souza",
    )
    assert shown.args[0].conversation_id == ids["first"]

    # I assign one to myself (as the header does): not notified, after its sync either.
    def take(store: Store) -> Changes:
        me = store.conversations.agent_by_uid(agent)
        assert me is not None
        return inbox.assign(store, ids["third"], me.id, launch.ctx.clock())

    launch.tasks.run_store(take, window.apply_changes)  # its change syncs at once
    for _ in range(2):
        synced(qtbot, launch, window)
    assert [t.notification.kind for t in controller.toasts.toasts] == [Kind.ASSIGNED]

    # A customer message in my conversation, hostile text and all: a plain-text toast.
    controller.toasts.toasts[0].setFocus()
    qtbot.keyClick(controller.toasts.toasts[0], Qt.Key.Key_Escape)
    customer_writes(server, first, "<b>x</b> ainda nada")
    customer_writes(server, second, "not mine: unassigned")
    with qtbot.waitSignal(controller.shown, timeout=30_000) as shown:
        wait_synced(qtbot, window)
    assert shown.args[0].kind is Kind.MESSAGE
    [toast] = controller.toasts.toasts
    assert (toast.title.text(), toast.body.text()) == (
        "New message from Ana Souza",
        "<b>x</b> ainda nada",
    )
    assert toast.body.textFormat() == Qt.TextFormat.PlainText
    qtbot.mouseClick(toast, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.conversation.conversation_id == ids["first"], timeout=5000)

    # Now that it is open in the active window, the customer's next message is not news.
    customer_writes(server, first, "obrigada")
    synced(qtbot, launch, window)
    assert controller.toasts.toasts == []


def test_no_notifications_without_sync_demo_workspace(launch: CrossDeskApp) -> None:
    assert launch.sync is None and launch.notifications is None


def test_only_a_sync_that_went_through_ends_the_first_sync_catch_up(
    qtbot: QtBot, repo: Store, standard_inbox: dict[str, int], open_window: WindowFactory
) -> None:
    window = open_window()  # a workspace that never synced: what arrives first is history
    controller = notifications(window)
    cid = mine(repo, "Old News")
    controller.sync.finished.emit(SyncReport(online=False, error="offline"))  # a failed cycle
    repo.messages.add_message(cid, MessageKind.CUSTOMER, "still history", NOW)
    controller.check()
    assert toasts(controller) == []
    controller.sync.finished.emit(SyncReport(online=True, finished_at=NOW))  # it went through
    assert toasts(controller) == []
    repo.messages.add_message(cid, MessageKind.CUSTOMER, "news", NOW)
    controller.check()
    assert [t.body.text() for t in toasts(controller)] == ["news"]


def test_a_rebuilt_window_keeps_the_notifications_going(
    qtbot: QtBot, desk: MainWindow, repo: Store
) -> None:
    cid = mine(repo, "Rebuilt Rosa")
    old = MainWindow(desk._ctx, lambda _error: None)  # the window before the settings changed
    old.show()
    controller = notifications(old, parent=desk)
    controller.attach(desk._ctx, desk)  # the application shows the rebuilt window ...
    with qtbot.waitSignal(old.destroyed):  # ... and deletes the old one
        old.hide()
        old.deleteLater()
    repo.messages.add_message(cid, MessageKind.CUSTOMER, "Still here", NOW)
    controller.check()
    assert controller.window is desk
    assert [t.body.text() for t in toasts(controller)] == ["Still here"]
    assert controller.toasts is not None and controller.toasts.parent() is desk
