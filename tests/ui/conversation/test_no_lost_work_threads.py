"""Sending and switching at the speed of a real agent, on the real threaded task runner
(issue 9, section 8): a sent reply never comes back as a draft (so it cannot be sent twice),
and what is typed while a conversation opens belongs to that conversation only.

The store lane is a real thread here: a result reaches the window only when the event loop
runs, so each action below that follows another "at once" happens before the store has
answered, exactly as when the agent is quicker than the disk.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.models import MessageKind
from app.ops.reply import MAX_REPLY_CHARS, MessageTooLongError
from app.storage.store import Store
from app.ui.shell.main_window import MainWindow
from app.ui.shell.tasks import QtTaskRunner
from tests.helpers.builders import NOW
from tests.helpers.fixtures import ContextFactory
from tests.ui.conftest import ErrorSink

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier


class Threaded:
    """A main window whose tasks run on the real store thread and compute pool."""

    def __init__(self, window: MainWindow, runner: QtTaskRunner, qtbot: QtBot) -> None:
        self.window, self.runner, self.qtbot = window, runner, qtbot
        self.pane = window.conversation
        self.editor = window.conversation.composer.editor

    def settled(self) -> None:
        """Wait until every task submitted so far has been delivered to the window."""
        self.qtbot.waitUntil(lambda: self.runner.pending == 0, timeout=10_000)

    def open(self, conversation_id: int) -> None:
        """Select a conversation and wait until it is on screen."""
        self.window.inbox.select_conversation(conversation_id)
        self.qtbot.waitUntil(
            lambda: self.pane.detail is not None and self.pane.detail.row.id == conversation_id,
            timeout=10_000,
        )
        self.settled()
        self.editor.setFocus()

    def send_with_keyboard(self) -> None:
        self.qtbot.keyClick(self.editor, Qt.Key.Key_Return, CTRL)


@pytest.fixture
def threaded(
    standard_inbox: dict[str, int],
    make_ctx: ContextFactory,
    store_path: Path,
    error_sink: ErrorSink,
    qtbot: QtBot,
) -> Iterator[Threaded]:
    runner = QtTaskRunner(lambda: Store.open(store_path), error_sink)
    window = MainWindow(make_ctx().with_(tasks=runner), error_sink)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.inbox.page_loaded, timeout=10_000):
        window.show()
        window.start()
    qtbot.waitExposed(window)
    app = Threaded(window, runner, qtbot)
    try:
        yield app
    finally:
        window.close()  # saves the draft: let the store finish before its thread stops
        app.settled()
        runner.shutdown()


def new_bodies(repo: Store, conversation_id: int, before: int) -> list[str]:
    return [m.body for m in repo.messages.messages(conversation_id)[before:]]


# ---------------------------------------------------------------------- send, then switch
def test_a_reply_sent_just_before_switching_never_comes_back_as_a_draft(
    threaded: Threaded, qtbot: QtBot, repo: Store, standard_inbox: dict[str, int]
) -> None:
    ana, jonas = standard_inbox["Ana Souza"], standard_inbox["Jonas Müller"]
    threaded.open(ana)
    before = len(repo.messages.messages(ana))
    qtbot.keyClicks(threaded.editor, "Oi Ana, o pedido saiu hoje.")  # no pause: not saved yet
    threaded.send_with_keyboard()
    assert threaded.window.inbox.select_conversation(jonas)  # at once: the store is busy
    threaded.settled()

    assert repo.drafts.draft(ana) is None  # the send cleared it and nothing brought it back
    assert new_bodies(repo, ana, before) == ["Oi Ana, o pedido saiu hoje."]
    threaded.open(ana)
    assert threaded.pane.composer.text() == ""
    threaded.send_with_keyboard()  # nothing left to send twice
    threaded.settled()
    assert new_bodies(repo, ana, before) == ["Oi Ana, o pedido saiu hoje."]


def test_a_send_pressed_twice_before_the_store_answers_is_stored_once(
    threaded: Threaded, qtbot: QtBot, repo: Store, standard_inbox: dict[str, int]
) -> None:
    ana = standard_inbox["Ana Souza"]
    threaded.open(ana)
    before = len(repo.messages.messages(ana))
    qtbot.keyClicks(threaded.editor, "Obrigada pela paciencia!")
    threaded.send_with_keyboard()
    threaded.send_with_keyboard()  # an impatient second press, before the first is stored
    threaded.pane.composer.send_button.click()
    threaded.settled()

    assert new_bodies(repo, ana, before) == ["Obrigada pela paciencia!"]
    assert threaded.pane.composer.text() == ""
    assert repo.drafts.draft(ana) is None


def test_text_typed_on_after_sending_is_still_saved(
    threaded: Threaded, qtbot: QtBot, repo: Store, standard_inbox: dict[str, int]
) -> None:
    ana, jonas = standard_inbox["Ana Souza"], standard_inbox["Jonas Müller"]
    threaded.open(ana)
    qtbot.keyClicks(threaded.editor, "Primeira parte.")
    threaded.send_with_keyboard()
    qtbot.keyClicks(threaded.editor, " E mais uma coisa")  # before the store has answered
    threaded.window.inbox.select_conversation(jonas)
    threaded.settled()

    draft = repo.drafts.draft(ana)
    assert draft is not None and draft.body == "Primeira parte. E mais uma coisa"


def test_a_refused_send_while_switching_keeps_the_text_as_the_draft(
    threaded: Threaded,
    repo: Store,
    standard_inbox: dict[str, int],
    error_sink: ErrorSink,
) -> None:
    ana, jonas = standard_inbox["Ana Souza"], standard_inbox["Jonas Müller"]
    threaded.open(ana)
    before = len(repo.messages.messages(ana))
    too_long = "a" * (MAX_REPLY_CHARS + 1)
    threaded.pane.composer.editor.setPlainText(too_long)  # a paste gone wrong
    threaded.pane.composer.request_send()
    threaded.window.inbox.select_conversation(jonas)  # before the store refuses it
    threaded.settled()

    assert len(repo.messages.messages(ana)) == before
    draft = repo.drafts.draft(ana)
    assert draft is not None and draft.body == too_long  # refused, but not lost
    assert not any(isinstance(e, MessageTooLongError) for e in error_sink.errors)


# ---------------------------------------------------------------------- typing while it opens
def test_typing_while_a_conversation_opens_goes_to_that_conversation(
    threaded: Threaded, qtbot: QtBot, repo: Store, standard_inbox: dict[str, int]
) -> None:
    ana, jonas = standard_inbox["Ana Souza"], standard_inbox["Jonas Müller"]
    repo.drafts.save_draft(jonas, MessageKind.AGENT, "Guten Tag, ", NOW)
    threaded.open(ana)
    ana_before, jonas_before = len(repo.messages.messages(ana)), len(repo.messages.messages(jonas))
    qtbot.keyClicks(threaded.editor, "Oi Ana")
    assert threaded.window.inbox.select_conversation(jonas)
    qtbot.keyClicks(threaded.editor, "Hallo")  # Jonas is not on screen yet
    threaded.send_with_keyboard()  # nothing is sent to a conversation not yet shown
    qtbot.waitUntil(
        lambda: threaded.pane.detail is not None and threaded.pane.detail.row.id == jonas,
        timeout=10_000,
    )
    threaded.settled()

    assert threaded.pane.composer.text() == "Guten Tag, Hallo"  # after its draft
    assert len(repo.messages.messages(ana)) == ana_before
    assert len(repo.messages.messages(jonas)) == jonas_before
    threaded.pane.composer.flush_draft()
    threaded.settled()
    jonas_draft, ana_draft = repo.drafts.draft(jonas), repo.drafts.draft(ana)
    assert jonas_draft is not None and jonas_draft.body == "Guten Tag, Hallo"
    assert ana_draft is not None and ana_draft.body == "Oi Ana"


def test_text_typed_for_a_conversation_left_before_it_opened_is_kept_for_that_one_only(
    threaded: Threaded, qtbot: QtBot, repo: Store, standard_inbox: dict[str, int]
) -> None:
    ana, jonas, yuki = (standard_inbox[n] for n in ("Ana Souza", "Jonas Müller", "Yuki Tanaka"))
    threaded.open(ana)
    qtbot.keyClicks(threaded.editor, "Oi Ana")
    threaded.window.inbox.select_conversation(jonas)
    qtbot.keyClicks(threaded.editor, "Hallo")
    threaded.window.inbox.select_conversation(yuki)  # the agent moves on before Jonas opens
    qtbot.waitUntil(
        lambda: threaded.pane.detail is not None and threaded.pane.detail.row.id == yuki,
        timeout=10_000,
    )
    threaded.settled()

    ana_draft, jonas_draft = repo.drafts.draft(ana), repo.drafts.draft(jonas)
    assert ana_draft is not None and ana_draft.body == "Oi Ana"
    assert jonas_draft is not None and jonas_draft.body == "Hallo"  # typed for Jonas
    assert threaded.pane.composer.text() == ""
    threaded.pane.composer.flush_draft()
    threaded.settled()
    assert repo.drafts.draft(yuki) is None


def test_a_paste_while_a_conversation_opens_is_kept_for_it(
    threaded: Threaded, qtbot: QtBot, repo: Store, standard_inbox: dict[str, int]
) -> None:
    ana, jonas = standard_inbox["Ana Souza"], standard_inbox["Jonas Müller"]
    threaded.open(ana)
    qtbot.keyClicks(threaded.editor, "Oi Ana")
    threaded.editor.selectAll()
    threaded.editor.copy()
    threaded.window.inbox.select_conversation(jonas)
    qtbot.keyClick(threaded.editor, Qt.Key.Key_V, CTRL)
    qtbot.keyClicks(threaded.editor, "!x")
    qtbot.keyClick(threaded.editor, Qt.Key.Key_Backspace)
    qtbot.waitUntil(
        lambda: threaded.pane.detail is not None and threaded.pane.detail.row.id == jonas,
        timeout=10_000,
    )
    threaded.settled()
    assert threaded.pane.composer.text() == "Oi Ana!"
    assert threaded.pane.composer.kind is MessageKind.AGENT


def test_closing_the_window_while_a_conversation_opens_keeps_what_was_typed_for_it(
    threaded: Threaded, qtbot: QtBot, repo: Store, standard_inbox: dict[str, int]
) -> None:
    ana, jonas = standard_inbox["Ana Souza"], standard_inbox["Jonas Müller"]
    repo.drafts.save_draft(jonas, MessageKind.AGENT, "Guten Tag, ", NOW)
    threaded.open(ana)
    qtbot.keyClicks(threaded.editor, "Oi Ana")
    threaded.window.inbox.select_conversation(jonas)
    qtbot.keyClicks(threaded.editor, "Hallo")
    threaded.window.close()  # before Jonas is on screen
    threaded.settled()

    ana_draft, jonas_draft = repo.drafts.draft(ana), repo.drafts.draft(jonas)
    assert ana_draft is not None and ana_draft.body == "Oi Ana"
    assert jonas_draft is not None and jonas_draft.body == "Guten Tag, Hallo"
