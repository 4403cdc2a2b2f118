"""Acting quickly: Send and resolve / set pending in one step, Ctrl+Enter from the
translation preview, and Undo after an action that moves a conversation out of view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.models import MessageKind, Status
from app.ops import inbox
from app.storage.store import Store
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import NOW, add_agents, add_conversation
from tests.helpers.customers import lucia
from tests.ui.conftest import SpanishDesk
from tests.ui.helpers import open_conversation, thread_text, visible_names

pytestmark = pytest.mark.gui


def test_send_and_resolve_stores_one_reply_and_resolves(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    cid = open_conversation(window, "Carlos Pérez")
    before = len(repo.messages.messages(cid))
    composer = window.conversation.composer
    assert composer.send_resolve.text() == "Send and resolve"
    assert not composer.send_more.isEnabled()  # nothing to send yet
    qtbot.keyClicks(composer.editor, "Hola Carlos, ya esta resuelto.")
    assert composer.send_more.isEnabled()
    composer.send_resolve.trigger()
    messages = repo.messages.messages(cid)
    assert len(messages) == before + 1
    assert (messages[-1].kind, messages[-1].body) == (
        MessageKind.AGENT,
        "Hola Carlos, ya esta resuelto.",
    )
    assert repo.conversations.conversation_row(cid).status is Status.RESOLVED
    assert repo.drafts.draft(cid) is None or repo.drafts.draft(cid).body == ""  # type: ignore[union-attr]
    assert "Carlos Pérez" not in visible_names(window)
    bar = window.conversation.undo_bar
    assert bar.isVisible() and bar.text.text() == "Resolved: Carlos Pérez"


def test_send_and_set_pending(window: MainWindow, qtbot: QtBot, repo: Store) -> None:
    cid = open_conversation(window, "Carlos Pérez")
    composer = window.conversation.composer
    qtbot.keyClicks(composer.editor, "Le escribo el lunes.")
    composer.send_pending.trigger()
    assert repo.messages.messages(cid)[-1].body == "Le escribo el lunes."
    assert repo.conversations.conversation_row(cid).status is Status.PENDING
    assert composer.text() == ""


def test_resolve_offers_undo_which_restores_the_status_and_the_list(
    window: MainWindow, repo: Store
) -> None:
    cid = open_conversation(window, "Ana Souza")
    was = repo.conversations.conversation_row(cid).status
    assert was is not Status.RESOLVED
    status_bar_height = window.statusBar().sizeHint().height()
    window.conversation.header.resolve_button.click()
    assert window.statusBar().sizeHint().height() == status_bar_height  # nothing jumps
    assert "Ana Souza" not in visible_names(window)
    bar = window.conversation.undo_bar
    assert bar.isVisible()
    assert bar.text.text() == "Resolved: Ana Souza"
    bar.button.click()
    assert not bar.isVisible()
    assert repo.conversations.conversation_row(cid).status is was
    assert "Ana Souza" in visible_names(window)
    assert window.conversation.conversation_id == cid  # open again, where the agent was


def test_the_undo_notice_goes_away_by_itself(window: MainWindow, qtbot: QtBot, repo: Store) -> None:
    cid = open_conversation(window, "Ana Souza")
    bar = window.conversation.undo_bar
    bar.timer.setInterval(50)  # the same timer as the 6 s, shortened for the test
    window.conversation.set_status(Status.PENDING)
    assert bar.text.text() == "Set to pending: Ana Souza"
    qtbot.waitUntil(lambda: not bar.isVisible(), timeout=3000)
    bar.undo()  # too late: nothing is put back
    assert repo.conversations.conversation_row(cid).status is Status.PENDING


def test_undo_after_snooze_and_assign_away(
    window: MainWindow, repo: Store, standard_inbox: dict[str, int]
) -> None:
    cid = open_conversation(window, "Carlos Pérez")
    before = repo.conversations.conversation_row(cid)
    window.conversation.snooze(NOW + 3600)
    bar = window.conversation.undo_bar
    assert bar.text.text() == "Snoozed: Carlos Pérez"
    bar.button.click()
    after = repo.conversations.conversation_row(cid)
    assert (after.status, after.snoozed_until) == (before.status, before.snoozed_until)
    assert window.conversation.conversation_id == cid
    others = [a.id for a in repo.conversations.agents() if a.id != before.assignee_id]
    window.conversation.assign(others[0])
    assert bar.text.text() == "Reassigned: Carlos Pérez"
    assert repo.conversations.conversation_row(cid).assignee_id == others[0]
    bar.button.click()
    assert repo.conversations.conversation_row(cid).assignee_id == before.assignee_id


def test_undo_op_puts_back_a_snooze_and_an_assignee(repo: Store) -> None:
    agents = add_agents(repo)
    cid = add_conversation(repo, lucia((MessageKind.CUSTOMER, "hola")), agents)
    inbox.snooze(repo, cid, NOW + 7200, NOW)
    before = inbox.Before.of(repo.conversations.conversation_row(cid))
    inbox.set_status(repo, cid, Status.RESOLVED, NOW + 1)
    other = next(a.id for a in repo.conversations.agents() if a.id != before.assignee_id)
    inbox.assign(repo, cid, other, NOW + 2)
    changes = inbox.undo(repo, cid, before, NOW + 3)
    row = repo.conversations.conversation_row(cid)
    assert (row.status, row.snoozed_until, row.assignee_id) == (
        Status.SNOOZED,
        NOW + 7200,
        before.assignee_id,
    )
    assert changes.list_membership and cid in changes.conversation_ids


@pytest.fixture
def spanish_window(repo: Store, spanish_desk: SpanishDesk, qtbot: QtBot) -> tuple[MainWindow, int]:
    cid = add_conversation(repo, lucia((MessageKind.CUSTOMER, "gracias.")), add_agents(repo))
    win = spanish_desk()
    qtbot.waitUntil(lambda: "GRACIAS." in thread_text(win), timeout=5000)
    return win, cid


def test_ctrl_enter_in_the_translation_preview_sends(
    spanish_window: tuple[MainWindow, int], qtbot: QtBot, repo: Store
) -> None:
    window, cid = spanish_window
    composer = window.conversation.composer
    panel = window.conversation.reply_translation
    qtbot.keyClicks(composer.editor, "Thanks")
    qtbot.waitUntil(lambda: panel.editor.toPlainText() == "thanks", timeout=5000)
    panel.editor.setFocus()
    panel.editor.moveCursor(panel.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(panel.editor, "!")
    qtbot.keyClick(panel.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    sent = repo.messages.messages(cid)[-1]
    assert (sent.kind, sent.body, sent.original_body) == (MessageKind.AGENT, "thanks!", "Thanks")
    assert composer.text() == ""
    assert panel.editor.toPlainText() == ""
