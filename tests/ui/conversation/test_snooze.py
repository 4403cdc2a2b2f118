"""Snooze until a chosen date and time (with both zones named) or until the customer
replies; a customer message brings such a conversation back."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QDate, QTime
from pytestqt.qtbot import QtBot

from app.domain.models import MessageKind, Status
from app.ops import inbox, snoozing
from app.storage.store import Store
from app.ui.conversation.snooze_dialog import SnoozeDialog
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.helpers.fixtures import ContextFactory
from tests.helpers.zones import BERLIN, at
from tests.ui.helpers import open_conversation, visible_names

pytestmark = pytest.mark.gui

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def dialog(agent_in_berlin: None, make_ctx: ContextFactory, qtbot: QtBot) -> SnoozeDialog:
    ctx = make_ctx()
    box = SnoozeDialog(ctx.i18n, NOW, "Wang Fang", "Asia/Shanghai")  # NOW: Mon 03:13 Berlin
    qtbot.addWidget(box)
    box.show()
    return box


def test_the_dialog_names_both_zones(dialog: SnoozeDialog) -> None:
    assert dialog.until() == at("2026-11-24T09:00")  # tomorrow 9:00, the agent's time
    text = dialog.both_zones.text()
    assert "your time (Europe/Berlin)" in text and "customer's time (Asia/Shanghai)" in text
    mine, theirs = text.split(" = ")
    assert "9:00" in mine and "4:00" in theirs  # 09:00 in Berlin is 16:00 in Shanghai


def test_a_time_in_the_customers_zone(dialog: SnoozeDialog, qtbot: QtBot) -> None:
    dialog.theirs.setChecked(True)
    dialog.date.setDate(QDate(2026, 11, 24))
    dialog.time.setTime(QTime(9, 0))
    assert dialog.until() == at("2026-11-24T09:00", SHANGHAI)
    mine, _theirs = dialog.both_zones.text().split(" = ")
    assert "2:00" in mine  # 09:00 in Shanghai is 02:00 in Berlin: the agent sees it
    with qtbot.waitSignal(dialog.snooze_chosen) as blocker:
        dialog.ok.click()
    assert blocker.args == [at("2026-11-24T09:00", SHANGHAI)]


def test_presets_fill_the_date_and_time(dialog: SnoozeDialog, qtbot: QtBot) -> None:
    dialog.preset_buttons["monday"].click()
    assert dialog.until() == at("2026-11-30T09:00")
    dialog.preset_buttons["later"].click()
    assert dialog.until() == at("2026-11-23T06:00")  # 03:13 + 3 h, on the hour
    dialog.preset_buttons["tomorrow"].click()
    with qtbot.waitSignal(dialog.snooze_chosen) as blocker:
        dialog.ok.click()
    assert blocker.args == [at("2026-11-24T09:00")]


def test_a_time_in_the_past_is_refused_with_a_reason(dialog: SnoozeDialog, qtbot: QtBot) -> None:
    dialog.date.setDate(QDate(2026, 11, 22))
    with qtbot.assertNotEmitted(dialog.snooze_chosen):
        dialog.ok.click()
    assert dialog.isVisible() and dialog.problem.text() == "Pick a time in the future."


def test_until_the_customer_replies_from_the_dialog(dialog: SnoozeDialog, qtbot: QtBot) -> None:
    dialog.until_reply.setChecked(True)
    assert not dialog.date.isEnabled()
    with qtbot.waitSignal(dialog.until_reply_chosen):
        dialog.ok.click()


def snooze_from_header(window: MainWindow, name: str, entry: str) -> None:
    """Open the customer's conversation and pick ``entry`` in the header's Snooze menu."""
    open_conversation(window, name)
    menu = window.conversation.header.snooze_button.menu()
    menu.aboutToShow.emit()
    next(a for a in menu.actions() if a.text() == entry).trigger()


def test_snooze_until_the_customer_replies_and_their_message_brings_it_back(
    window: MainWindow, qtbot: QtBot, repo: Store, standard_inbox: dict[str, int]
) -> None:
    snooze_from_header(window, "Carlos Pérez", "Until the customer replies")
    cid = standard_inbox["Carlos Pérez"]
    row = repo.conversations.conversation_row(cid)
    assert row.status is Status.SNOOZED and row.snooze_until_reply
    assert row.snoozed_until == NOW + snoozing.UNTIL_REPLY_SECONDS  # the safety net
    assert "Carlos Pérez" not in visible_names(window)
    bar = window.conversation.undo_bar
    assert bar.text.text() == "Snoozed until the customer replies: Carlos Pérez"

    repo.messages.add_message(cid, MessageKind.CUSTOMER, "¿Alguna novedad?", NOW + 60)
    row = repo.conversations.conversation_row(cid)
    assert row.status is Status.OPEN and not row.snooze_until_reply
    assert row.snoozed_until is None


def test_a_timed_snooze_clears_until_reply_and_waits_for_its_time(repo: Store) -> None:
    cid = add_conversation(repo, Conv(customer="Wang Fang"), add_agents(repo))
    snoozing.snooze_until_reply(repo, cid, NOW)
    inbox.snooze(repo, cid, NOW + 7200, NOW)
    assert not repo.conversations.conversation_row(cid).snooze_until_reply
    repo.messages.add_message(cid, MessageKind.CUSTOMER, "any news?", NOW + 60)
    row = repo.conversations.conversation_row(cid)
    assert row.status is Status.SNOOZED and row.snoozed_until == NOW + 7200


def test_the_header_opens_the_dialog_and_its_choice_is_stored(
    window: MainWindow, qtbot: QtBot, repo: Store, standard_inbox: dict[str, int]
) -> None:
    snooze_from_header(window, "Carlos Pérez", "Pick a date and time…")
    cid = standard_inbox["Carlos Pérez"]
    dialog = window.conversation.findChild(SnoozeDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    dialog.preset_buttons["monday"].click()
    until = dialog.until()
    dialog.ok.click()
    row = repo.conversations.conversation_row(cid)
    assert row.status is Status.SNOOZED and row.snoozed_until == until
    assert not row.snooze_until_reply


def test_a_customer_message_pulled_from_the_server_ends_an_until_reply_snooze(
    repo: Store,
) -> None:
    from app.contract import models as wire  # a synced workspace's pull

    cid = add_conversation(repo, Conv(customer="Wang Fang"), add_agents(repo))
    uid = repo.conversations.conversation_row(cid).uid
    snoozing.snooze_until_reply(repo, cid, NOW)
    message = wire.Message(
        id="srv-m-1",
        conversation_id=uid,
        seq=9,
        kind="customer",
        author=wire.Author(type="customer"),
        body="还没收到",
        created_at=NOW + 60,
    )
    assert repo.remote.upsert_messages([message]) == set()
    row = repo.conversations.conversation_row(cid)
    assert row.status is Status.OPEN and not row.snooze_until_reply


def test_later_today_is_not_offered_late_in_the_evening_and_bad_dates_are_none() -> None:
    from app.domain.snooze import later_today, wall_time

    assert later_today(at("2026-11-23T19:30"), BERLIN) is None  # 22:00 is not "later today"
    assert later_today(at("2026-11-23T17:10"), BERLIN) == at("2026-11-23T20:00")
    assert wall_time(2026, 2, 30, 9, 0, BERLIN) is None
    assert wall_time(2027, 3, 28, 2, 30, BERLIN) == at("2027-03-28T03:30")  # in the DST gap


def test_a_late_evening_dialog_disables_later_today(
    agent_in_berlin: None, make_ctx: ContextFactory, qtbot: QtBot
) -> None:
    box = SnoozeDialog(make_ctx().i18n, at("2026-11-23T20:00"), "Wang Fang", "Asia/Shanghai")
    qtbot.addWidget(box)
    assert not box.preset_buttons["later"].isEnabled()
    assert box.preset_buttons["tomorrow"].isEnabled()
