"""Canned replies: the keyboard-first picker, variables filled on insert, gaps that block
sending, suggestions first, and actions applied when the reply is sent."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from app.domain.canned import CannedActions, SuggestWhen
from app.domain.models import MessageKind, Status
from app.ops import canned
from app.ops.canned import CannedReply
from app.storage.store import Store
from app.ui.conversation.canned_editor import CannedEditorDialog
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import NOW
from tests.ui.conftest import WindowFactory
from tests.ui.helpers import focus, open_conversation

pytestmark = pytest.mark.gui

REPLIES = [
    CannedReply(
        "",
        "Order on its way",
        "en",
        "Hi {{customer.first_name}}, order {{order.number}} ships today. {{agent.name}}",
        CannedActions(Status.PENDING, ("shipping",), "me"),
    ),
    CannedReply(
        "",
        "Refund approved",
        "en",
        "Your refund for {{order.number}} is approved.",
        suggest_when=SuggestWhen(keywords=("refund",)),
    ),
    CannedReply("", "Thanks for waiting", "en", "Thank you for waiting."),
]


@pytest.fixture
def window(
    standard_inbox: dict[str, int], open_window: WindowFactory, qtbot: QtBot, repo: Store
) -> MainWindow:
    canned.save_canned(repo, REPLIES, [], NOW, None)
    return focus(open_window(), qtbot)


def pick(window: MainWindow, qtbot: QtBot, search: str) -> None:
    """Ctrl+Shift+K, type, Enter: as an agent would."""
    composer = window.conversation.composer
    composer.editor.setFocus()
    qtbot.keyClick(
        composer.editor,
        Qt.Key.Key_K,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    picker = window.conversation.canned.picker
    qtbot.waitUntil(picker.isVisible, timeout=3000)
    qtbot.keyClicks(picker.search, search)
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert not picker.isVisible()


def test_the_picker_filters_as_you_type_and_enter_inserts_filled_text(
    window: MainWindow, qtbot: QtBot, repo: Store, standard_inbox: dict[str, int]
) -> None:
    cid = open_conversation(window, "Carlos Pérez")
    repo.customers.set_conversation_fields(cid, {"order_number": "LM-2026-000777"})
    composer = window.conversation.composer
    qtbot.keyClicks(composer.editor, "Hola! ")
    pick(window, qtbot, "on its")
    assert composer.text() == "Hola! Hi Carlos, order LM-2026-000777 ships today. Mei Agent"
    assert composer.kind is MessageKind.AGENT


def test_up_down_move_over_the_filtered_list(window: MainWindow, qtbot: QtBot) -> None:
    open_conversation(window, "Carlos Pérez")
    window.conversation.canned.open_picker()
    picker = window.conversation.canned.picker
    qtbot.waitUntil(picker.isVisible, timeout=3000)
    assert picker.rows() == ["Order on its way", "Refund approved", "Thanks for waiting"]
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    assert picker.current() is not None and picker.current().title == "Thanks for waiting"
    assert picker.preview.text() == "Thank you for waiting."
    qtbot.keyClick(picker.search, Qt.Key.Key_Up)
    assert picker.current().title == "Refund approved"  # type: ignore[union-attr]
    qtbot.keyClicks(picker.search, "zzz")
    assert picker.rows() == ["No canned reply matches"] and picker.current() is None
    qtbot.keyClick(picker.search, Qt.Key.Key_Escape)
    assert not picker.isVisible() and window.conversation.composer.text() == ""


def test_replies_that_fit_the_conversation_come_first(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    cid = open_conversation(window, "Yuki Tanaka")
    repo.messages.add_message(cid, MessageKind.CUSTOMER, "Please REFUND my order", NOW)
    window.conversation.canned.open_picker()
    picker = window.conversation.canned.picker
    qtbot.waitUntil(picker.isVisible, timeout=3000)
    assert picker.rows() == [
        "Suggested for this conversation",
        "Refund approved",
        "All",
        "Order on its way",
        "Thanks for waiting",
    ]
    assert picker.current().title == "Refund approved"  # type: ignore[union-attr]


def test_an_unfilled_gap_is_selected_and_blocks_sending(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    cid = open_conversation(window, "Carlos Pérez")
    before = len(repo.messages.messages(cid))
    pick(window, qtbot, "refund")
    composer = window.conversation.composer
    assert composer.text() == "Your refund for ⟦order.number⟧ is approved."
    assert composer.editor.textCursor().selectedText() == "⟦order.number⟧"
    composer.request_send()
    notice = window.conversation.notice
    assert notice.isVisible() and "order.number" in notice.text()
    assert len(repo.messages.messages(cid)) == before  # nothing sent
    assert composer.text() == "Your refund for ⟦order.number⟧ is approved."  # nothing lost
    qtbot.keyClicks(composer.editor, "LM-1")  # types over the selected gap
    assert composer.text() == "Your refund for LM-1 is approved."
    composer.request_send()
    assert repo.messages.messages(cid)[-1].body == "Your refund for LM-1 is approved."


def test_actions_are_shown_and_applied_when_the_reply_is_sent(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    cid = open_conversation(window, "Carlos Pérez")
    repo.customers.set_conversation_fields(cid, {"order_number": "LM-9"})
    pick(window, qtbot, "order")
    strip = window.conversation.canned
    assert strip.strip.isVisible()
    assert strip.actions_label.text() == (
        "When sent: set to Pending · add tag shipping · assign to me"
    )
    row = repo.conversations.conversation_row(cid)
    assert row.status is Status.OPEN and "shipping" not in row.tags  # not on insert
    window.conversation.composer.request_send()
    row = repo.conversations.conversation_row(cid)
    assert row.status is Status.PENDING and "shipping" in row.tags
    assert row.assignee_name == "Mei Agent"
    assert repo.messages.messages(cid)[-1].body.startswith("Hi Carlos, order LM-9")
    assert not strip.strip.isVisible()
    bar = window.conversation.undo_bar  # it left the open view: say so, offer Undo
    assert bar.isVisible() and bar.text.text() == "Set to pending: Carlos Pérez"


def test_clearing_the_text_or_the_strip_drops_the_actions(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    cid = open_conversation(window, "Carlos Pérez")
    pick(window, qtbot, "order")
    canned_ui = window.conversation.canned
    canned_ui.clear_button.click()
    assert not canned_ui.strip.isVisible()
    window.conversation.composer.editor.selectAll()
    qtbot.keyClicks(window.conversation.composer.editor, "Plain answer")
    window.conversation.composer.request_send()
    row = repo.conversations.conversation_row(cid)
    assert row.status is Status.OPEN and "shipping" not in row.tags
    pick(window, qtbot, "order")
    window.conversation.composer.editor.clear()
    assert cid not in canned_ui.pending and not canned_ui.strip.isVisible()


def test_the_bundled_canned_replies_load_with_actions_and_suggestions(repo: Store) -> None:
    from pathlib import Path

    canned.load_canned_file(repo, Path("resources/demo/canned.yaml"), NOW)
    replies = {r.uid: r for r in canned.canned_replies(repo)}
    refund = replies["demo-canned-refund-done-en"]
    assert refund.actions == CannedActions(Status.RESOLVED, ("refund",))
    assert "refund" in refund.suggest_when.keywords
    assert "{{order.number}}" in refund.body
    assert replies["demo-canned-gdpr-zh"].actions.assign_to == "chen.jing"


def test_a_bad_canned_file_is_refused_with_its_line(repo: Store, tmp_path: object) -> None:
    from pathlib import Path

    from app.domain.datafiles import DataFileError

    bad = Path(str(tmp_path)) / "canned.yaml"
    bad.write_text(
        "canned_replies:\n  - id: x\n    title: X\n    language: en\n    body: Hi\n"
        "    actions:\n      status: snoozed\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match="status must be open, pending or resolved"):
        canned.load_canned_file(repo, bad, NOW)
    assert canned.canned_replies(repo) == []


def open_editor(window: MainWindow, qtbot: QtBot) -> CannedEditorDialog:
    action = next(
        a
        for menu in window.menuBar().findChildren(QMenu)
        for a in menu.actions()
        if a.text() == "Canned replies…"
    )
    action.trigger()
    dialog = window.findChild(CannedEditorDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.list.count() == len(REPLIES), timeout=3000)
    return dialog


def test_the_editor_shows_and_saves_suggestions_and_actions(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    dialog = open_editor(window, qtbot)
    dialog.list.setCurrentRow(0)
    assert dialog.title.text() == "Order on its way"
    assert dialog.status.currentText() == "Pending"
    assert dialog.add_tags.text() == "shipping" and dialog.assign.currentData() == "me"
    dialog.list.setCurrentRow(1)
    assert dialog.keywords.text() == "refund"
    dialog.countries.setText("br, MX")
    dialog.keywords.setText("refund， reembolso")  # a Chinese comma too
    dialog.status.setCurrentIndex(dialog.status.findText("Resolved"))
    dialog.assign.setCurrentIndex(dialog.assign.findData("colleague"))
    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    refund = next(r for r in canned.canned_replies(repo) if r.title == "Refund approved")
    assert refund.suggest_when == SuggestWhen(("BR", "MX"), (), (), ("refund", "reembolso"))
    assert refund.actions == CannedActions(Status.RESOLVED, (), "colleague")


def test_the_editor_refuses_what_cannot_work_and_keeps_the_text(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    dialog = open_editor(window, qtbot)
    dialog.add_reply()
    qtbot.keyClicks(dialog.title, "Warranty")
    dialog.body.setPlainText("Send a photo of {{order.number}}, {{customer.first_name}}.")
    dialog.countries.setText("Brazil")
    with qtbot.assertNotEmitted(dialog.saved):
        dialog.save()
    assert dialog.problem.text() == "“Warranty”: countries are two-letter codes such as BR or JP."
    assert dialog.isVisible() and dialog.body.toPlainText().startswith("Send a photo")
    dialog.countries.setText("BR")
    dialog.language.setText("english please")
    dialog.save()
    assert "language code" in dialog.problem.text()
    dialog.language.setText("en")
    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    titles = [r.title for r in canned.canned_replies(repo)]
    assert "Warranty" in titles and len(titles) == len(REPLIES) + 1


def test_deleting_in_the_editor_removes_the_reply(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    dialog = open_editor(window, qtbot)
    dialog.list.setCurrentRow(2)
    dialog.delete_current()
    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    assert [r.title for r in canned.canned_replies(repo)] == ["Order on its way", "Refund approved"]


def test_a_reply_with_a_gap_is_not_held_for_a_translator_either(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    cid = open_conversation(window, "Carlos Pérez")
    before = len(repo.messages.messages(cid))
    pick(window, qtbot, "refund")
    window.conversation.hold_for_human()
    assert window.conversation.notice.isVisible()
    assert "order.number" in window.conversation.notice.text()
    assert len(repo.messages.messages(cid)) == before
