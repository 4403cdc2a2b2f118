"""@mentions in internal notes: completion while typing, stored with the note, shown
highlighted in the thread, seen when the mentioned colleague opens the conversation."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor
from pytestqt.qtbot import QtBot

from app.domain.models import MessageKind
from app.ops import reply
from app.storage.store import Store
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import NOW
from tests.ui.helpers import open_conversation

pytestmark = pytest.mark.gui

MENTION = QTextCharFormat.Property.UserProperty + 7


def type_note(window: MainWindow, qtbot: QtBot, text: str) -> None:
    composer = window.conversation.composer
    composer.focus_editor(MessageKind.NOTE)
    qtbot.waitUntil(composer.editor.hasFocus, timeout=3000)
    qtbot.keyClicks(composer.editor, text)


def is_mention(window: MainWindow, needle: str) -> bool:
    """Whether the thread shows ``needle`` (its first character) in the mention style."""
    document = window.conversation.thread_view.document()
    found = document.find(needle)
    assert not found.isNull(), needle
    cursor = QTextCursor(document)
    cursor.setPosition(found.selectionStart() + 1)
    return cursor.charFormat().property(MENTION) == "mention"


def test_at_in_a_note_offers_colleagues_and_enter_completes(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    cid = open_conversation(window, "Carlos Pérez")
    completer = window.conversation.mention_completer
    type_note(window, qtbot, "Please check this @ca")
    assert completer.popup.isVisible()
    assert [completer.popup.item(i).text() for i in range(completer.popup.count())] == [
        "Carl Colleague"
    ]
    qtbot.keyClick(window.conversation.composer.editor, Qt.Key.Key_Return)
    assert not completer.popup.isVisible()
    assert window.conversation.composer.text() == "Please check this @Carl Colleague "
    qtbot.keyClicks(window.conversation.composer.editor, "thanks")
    window.conversation.composer.request_send()

    note = repo.messages.messages(cid)[-1]
    assert note.kind is MessageKind.NOTE
    colleague = next(a.id for a in repo.conversations.agents() if a.uid == "colleague")
    assert repo.mentions.for_message(note.id) == [(colleague, None)]
    assert repo.mentions.unseen_count(colleague) == 1
    qtbot.waitUntil(lambda: "@Carl Colleague" in window.conversation.thread_view.toPlainText())
    assert is_mention(window, "@Carl Colleague")
    assert not is_mention(window, "Please check this")


def test_no_completion_in_reply_mode_or_in_an_address(window: MainWindow, qtbot: QtBot) -> None:
    open_conversation(window, "Carlos Pérez")
    completer = window.conversation.mention_completer
    composer = window.conversation.composer
    composer.focus_editor(MessageKind.AGENT)
    qtbot.waitUntil(composer.editor.hasFocus, timeout=3000)
    qtbot.keyClicks(composer.editor, "@Ca")
    assert not completer.popup.isVisible()
    composer.editor.clear()
    type_note(window, qtbot, "mail carl@ca")
    assert not completer.popup.isVisible()
    qtbot.keyClicks(composer.editor, " @me")
    assert completer.popup.isVisible()
    qtbot.keyClick(composer.editor, Qt.Key.Key_Escape)
    assert not completer.popup.isVisible() and composer.text() == "mail carl@ca @me"


def test_opening_the_conversation_as_the_mentioned_agent_marks_it_seen(
    window: MainWindow, qtbot: QtBot, repo: Store, standard_inbox: dict[str, int]
) -> None:
    cid = standard_inbox["Carlos Pérez"]
    colleague = next(a.id for a in repo.conversations.agents() if a.uid == "colleague")
    me = next(a.id for a in repo.conversations.agents() if a.uid == "me")
    reply.send(
        repo, cid, reply.note("@mei agent can you take this? @Carl Colleague fyi"), colleague, NOW
    )
    note = repo.messages.messages(cid)[-1]
    assert repo.mentions.for_message(note.id) == [(me, None), (colleague, None)]
    open_conversation(window, "Carlos Pérez")
    assert repo.mentions.for_message(note.id) == [(me, NOW), (colleague, None)]  # only mine
    assert repo.mentions.unseen_count(me) == 0
    assert is_mention(window, "@mei agent") and is_mention(window, "@Carl Colleague")
