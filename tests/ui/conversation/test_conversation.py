"""Working a conversation: reading, replying, notes, status, assignment, tags, snooze, keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.domain.models import MessageKind, Status
from app.ops import reply
from app.storage.store import Store
from app.ui.settings.shortcuts_dialog import ShortcutsDialog
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import NOW
from tests.ui.conftest import ErrorSink, WindowFactory
from tests.ui.helpers import open_conversation, thread_text, visible_names

pytestmark = pytest.mark.gui


def test_thread_shows_authors_times_and_distinct_notes(window: MainWindow, qtbot: QtBot) -> None:
    open_conversation(window, "Jonas Müller")
    text = thread_text(window)
    assert "Bitte löschen Sie meine Daten gemäß Art. 17 DSGVO." in text
    assert "Mei Agent" in text
    assert "Internal note · Mei Agent" in text
    assert "customer time" in text  # Berlin differs from the agent's zone
    assert text.index("Bitte löschen") < text.index("Sehr geehrter") < text.index("已转交法务")
    facts = window.conversation.header.facts.text()
    assert "Germany" in facts and "German" in facts and "local time" in facts
    assert window.conversation.header.subject.text() == "Löschung meiner Daten"
    card = window.side_panel.card  # fills in just after the thread is shown
    qtbot.waitUntil(lambda: "Language: German" in card.text(), timeout=3000)


def test_reply_with_ctrl_enter(window: MainWindow, qtbot: QtBot, repo: Store) -> None:
    open_conversation(window, "Carlos Pérez")
    composer = window.conversation.composer
    composer.editor.setFocus()
    qtbot.keyClicks(composer.editor, "Hola Carlos, si: hasta 12 meses.")
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert composer.text() == ""
    assert "Hola Carlos, si: hasta 12 meses." in thread_text(window)
    cid = window.conversation.conversation_id
    assert cid is not None
    stored = repo.messages.messages(cid)[-1]
    assert (stored.kind, stored.body) == (MessageKind.AGENT, "Hola Carlos, si: hasta 12 meses.")
    row = window.inbox.model.cached_row(cid)
    assert row is not None and row.sla_due_at is None  # answered: the clock stops


def test_internal_note(window: MainWindow, qtbot: QtBot, repo: Store) -> None:
    open_conversation(window, "Ana Souza")
    qtbot.keyClick(
        window,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    composer = window.conversation.composer
    assert composer.kind is MessageKind.NOTE
    assert composer.send_button.text() == "Add note"
    assert composer.editor.hasFocus()
    qtbot.keyClicks(composer.editor, "check installments with finance")
    qtbot.mouseClick(composer.send_button, Qt.MouseButton.LeftButton)
    assert "Internal note · Mei Agent" in thread_text(window)
    cid = window.conversation.conversation_id
    assert cid is not None
    assert repo.messages.messages(cid)[-1].kind is MessageKind.NOTE


def test_resolve_moves_on_to_the_next_conversation(
    window: MainWindow, repo: Store, standard_inbox: dict[str, int]
) -> None:
    assert window.conversation.header.customer_name.text() == "Ana Souza"
    window.conversation.header.resolve_button.click()
    assert "Ana Souza" not in visible_names(window)
    assert window.inbox.count.text() == "4 conversations"
    assert window.conversation.header.customer_name.text() == "Carlos Pérez"
    assert (
        repo.conversations.conversation_row(standard_inbox["Ana Souza"]).status is Status.RESOLVED
    )


def test_keyboard_navigation_and_actions(
    window: MainWindow, qtbot: QtBot, repo: Store, standard_inbox: dict[str, int]
) -> None:
    header = window.conversation.header
    qtbot.keyClick(window, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert header.customer_name.text() == "Carlos Pérez"
    qtbot.keyClick(window, Qt.Key.Key_J, Qt.KeyboardModifier.AltModifier)
    assert header.customer_name.text() == "Yuki Tanaka"
    qtbot.keyClick(window, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert header.customer_name.text() == "Carlos Pérez"
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_A, ctrl_shift)  # assign to me
    assert header.assign_button.text() == "Mei Agent"
    qtbot.keyClick(window, Qt.Key.Key_P, ctrl_shift)  # pending
    assert (
        repo.conversations.conversation_row(standard_inbox["Carlos Pérez"]).status is Status.PENDING
    )
    qtbot.keyClick(window, Qt.Key.Key_R, ctrl_shift)  # resolve
    assert (
        repo.conversations.conversation_row(standard_inbox["Carlos Pérez"]).status
        is Status.RESOLVED
    )
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.inbox.filters.search.hasFocus()
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.conversation.composer.editor.hasFocus()
    assert window.conversation.composer.kind is MessageKind.AGENT


def test_shortcuts_help_lists_every_shortcut(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.findChild(ShortcutsDialog)
    assert isinstance(dialog, QDialog) and dialog.isVisible()
    table = dialog.table
    listed = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    for action, keys in {
        "Next conversation": "Alt+Down",
        "Previous conversation": "Alt+Up",
        "Search": "Ctrl+F",
        "Reply": "Ctrl+R",
        "Resolve": "Ctrl+Shift+R",
        "Internal note": "Ctrl+Shift+N",
        "Send the reply or note (in the composer)": "Ctrl+Return",
    }.items():
        assert keys in listed[action]
    dialog.close()


def test_assign_tag_and_snooze_from_the_header(
    window: MainWindow, repo: Store, standard_inbox: dict[str, int]
) -> None:
    open_conversation(window, "Yuki Tanaka")
    header = window.conversation.header
    cid = standard_inbox["Yuki Tanaka"]

    header._fill_assign_menu()
    actions = {a.text(): a for a in header.assign_button.menu().actions()}
    actions["Mei Agent"].trigger()
    assert repo.conversations.conversation_row(cid).assignee_name == "Mei Agent"
    assert header.assign_button.text() == "Mei Agent"

    header._fill_tag_menu()
    tags = {a.text(): a for a in header.tag_button.menu().actions()}
    assert {"gdpr", "installments", "cash-on-delivery"} <= set(tags)
    tags["installments"].trigger()
    assert repo.conversations.conversation_row(cid).tags == ("installments",)
    chips = [header.tags_row.itemAt(i).widget() for i in range(header.tags_row.count())]
    assert [c.text() for c in chips if c is not None] == ["installments"]
    header._fill_tag_menu()
    {a.text(): a for a in header.tag_button.menu().actions()}["installments"].trigger()
    assert repo.conversations.conversation_row(cid).tags == ()

    header._fill_snooze_menu()
    snooze = header.snooze_button.menu().actions()
    assert [a.text().split(" (")[0] for a in snooze] == [
        "For 1 hour",
        "For 3 hours",
        "Until your next morning",
        "Until the customer's morning",
        "Until next week",
        "",  # a separator, then "until a reply" and the dialog (test_snooze.py)
        "Until the customer replies",
        "Pick a date and time…",
    ]
    snooze[0].trigger()
    row = repo.conversations.conversation_row(cid)
    assert row.status is Status.SNOOZED and row.snoozed_until == NOW + 3600
    assert "Yuki Tanaka" not in visible_names(window)  # snoozed leaves the open view


def test_a_failed_send_keeps_the_text(
    window: MainWindow, qtbot: QtBot, error_sink: ErrorSink
) -> None:
    open_conversation(window, "Carlos Pérez")
    composer = window.conversation.composer
    huge = "a" * (reply.MAX_REPLY_CHARS + 10)
    composer.editor.setPlainText(huge)
    composer.request_send()
    assert composer.text() == huge
    notice = window.conversation.notice
    assert notice.isVisible() and "too long" in notice.text()
    assert error_sink.errors == []


def test_a_snooze_that_ends_brings_the_conversation_back(
    standard_inbox: dict[str, int], open_window: WindowFactory, make_ctx
) -> None:
    later = NOW + 86400 + 60  # Priya Sharma is snoozed until NOW + 1 day
    window = open_window(ctx=make_ctx(clock=lambda: later))
    assert "Priya Sharma" not in visible_names(window)
    window._wake_snoozed()  # what the one-minute timer does
    assert "Priya Sharma" in visible_names(window)
