"""The human-translation hold as a workflow, on the real window: a held reply brings its
conversation into Needs translation (even a resolved one), shows as not sent in the
thread with its actions, can be given to a colleague who is told, and leaves no tag once
it is sent; taken back, its words return to the composer."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextCursor, QTextFrame
from pytestqt.qtbot import QtBot

from app.domain.changes import Changes
from app.domain.models import Channel, Message, MessageKind, Status
from app.ops import held, reply
from app.ops.reply import Reply
from app.storage.store import Store
from app.ui.conversation.template_dialog import TemplateDialog
from app.ui.conversation.thread_view import HELD_SCHEME
from app.ui.shell.main_window import MainWindow
from app.ui.translation.held_reply_dialog import AssignTranslatorDialog, HeldReplyDialog
from app.ui.translation.held_view import HELD_ASSIGN_SCHEME, HELD_BACKGROUND, HELD_CANCEL_SCHEME
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.helpers.customers import lucia, lucia_asks_for_her_order
from tests.helpers.fixtures import ContextFactory
from tests.ui.conftest import SpanishDesk, WindowFactory
from tests.ui.helpers import thread_text, visible_names

pytestmark = pytest.mark.gui

WORDS = "We will refund the full amount."


@pytest.fixture
def agents(repo: Store) -> dict[str, int]:
    return add_agents(repo)


@pytest.fixture
def conversation(repo: Store, agents: dict[str, int]) -> int:
    """Lucía's conversation, resolved: out of the default view."""
    return add_conversation(
        repo, lucia_asks_for_her_order(status=Status.RESOLVED, sla_in=None), agents
    )


@pytest.fixture
def window(conversation: int, spanish_desk: SpanishDesk, qtbot: QtBot) -> MainWindow:
    win = spanish_desk()
    win.resize(1366, 768)
    win.open_conversation(conversation)
    qtbot.waitUntil(lambda: "GRACIAS POR LA AYUDA." in thread_text(win), timeout=5000)
    return win


def hold(window: MainWindow, repo: Store, conversation: int, words: str = WORDS) -> Message:
    """The agent writes a reply and clicks "Needs human translation"."""
    window.conversation.composer.editor.setPlainText(words)
    window.conversation.reply_translation.human.click()
    message = repo.messages.messages(conversation)[-1]
    assert message.held
    return message


def held_frames(window: MainWindow) -> list[QTextFrame]:
    """The thread's bubbles drawn in the held reply's colour."""
    root = window.conversation.thread_view.document().rootFrame()
    return [
        f for f in root.childFrames() if f.frameFormat().background().color() == HELD_BACKGROUND
    ]


def held_count(window: MainWindow) -> int | None:
    """The Needs translation queue's count as the queue list shows it."""
    counts = window.inbox.queues.counts
    return None if counts is None else counts.held


def click(window: MainWindow, scheme: str, message: Message) -> None:
    window.conversation.thread_view.anchorClicked.emit(QUrl(f"{scheme}:{message.id}"))


def test_holding_in_a_resolved_conversation_puts_it_in_needs_translation(
    window: MainWindow, qtbot: QtBot, repo: Store, conversation: int
) -> None:
    queues = window.inbox.queues
    assert "Lucía García" not in visible_names(window)  # resolved: not in Open and pending
    assert held_count(window) == 0
    hold(window, repo, conversation)
    row = repo.conversations.conversation_row(conversation)
    assert row.status is Status.OPEN and held.TAG in row.tags
    qtbot.waitUntil(lambda: held_count(window) == 1, timeout=5000)
    queues.choose("held")
    qtbot.waitUntil(lambda: visible_names(window) == ["Lucía García"], timeout=5000)


def test_the_thread_shows_the_held_reply_as_not_sent_with_its_actions(
    window: MainWindow, repo: Store, conversation: int
) -> None:
    assert held_frames(window) == []
    hold(window, repo, conversation)
    text = thread_text(window)
    assert WORDS in text
    assert "Not sent yet — waiting for a translator" in text
    for action in ("Translate and send…", "Assign to colleague…", "Cancel hold"):
        assert action in text
    (frame,) = held_frames(window)  # its own look: not the blue of a sent reply
    cursor = QTextCursor(frame.document())
    cursor.setPosition(frame.firstPosition())
    cursor.setPosition(frame.lastPosition(), QTextCursor.MoveMode.KeepAnchor)
    assert WORDS in cursor.selectedText() and "waiting for a translator" in cursor.selectedText()


def test_assign_to_a_colleague_names_them_in_the_thread(
    window: MainWindow, qtbot: QtBot, repo: Store, conversation: int, agents: dict[str, int]
) -> None:
    message = hold(window, repo, conversation)
    click(window, HELD_ASSIGN_SCHEME, message)
    dialog = window.conversation.findChild(AssignTranslatorDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.agents.count() == 2, timeout=5000)
    names = [dialog.agents.item(i).text() for i in range(dialog.agents.count())]
    assert names == ["Carl Colleague", "Mei Agent (you)"]
    dialog.agents.setCurrentRow(0)
    dialog.assign.click()
    assert repo.messages.messages(conversation)[-1].held_for_agent_id == agents["colleague"]
    qtbot.waitUntil(
        lambda: "Not sent yet — waiting for a translator (Carl Colleague)" in thread_text(window),
        timeout=5000,
    )
    assert held.for_agent(repo, agents["colleague"])[0].message_id == message.id
    assert "You asked Carl Colleague to translate the held reply" in thread_text(window)


def test_the_colleague_it_is_given_to_is_told_and_can_open_it(
    window: MainWindow, qtbot: QtBot, repo: Store, conversation: int, agents: dict[str, int]
) -> None:
    notice = window.held_notice
    message = hold(window, repo, conversation)
    assert notice.isHidden()
    # A colleague gives it to me (on their side of the workspace) and the change arrives.
    changes = held.assign(repo, message.id, agents["me"], agents["colleague"], NOW + 60)
    window.apply_changes(changes)
    qtbot.waitUntil(notice.isVisible, timeout=5000)
    assert notice.text() == "1 reply to translate"
    assert notice.width() >= notice.sizeHint().width()  # readable beside the message
    (listed,) = notice.menu().actions()  # the badge's menu: every reply waiting for me
    assert listed.text().startswith("Lucía García · Spanish (Mexico) · ")
    assert window.statusBar().currentMessage() == (
        "A colleague gave you a reply to translate: Lucía García"
    )
    other = add_conversation(repo, Conv(), agents)  # meanwhile the agent works elsewhere
    window.apply_changes(Changes(list_membership=True))
    qtbot.waitUntil(lambda: "Alice Example" in visible_names(window), timeout=5000)
    window.open_conversation(other)
    qtbot.waitUntil(lambda: window.conversation.conversation_id == other, timeout=5000)
    notice.click()
    qtbot.waitUntil(lambda: window.conversation.conversation_id == conversation, timeout=5000)
    window.open_conversation(other)
    qtbot.waitUntil(lambda: window.conversation.conversation_id == other, timeout=5000)
    listed.trigger()
    qtbot.waitUntil(lambda: window.conversation.conversation_id == conversation, timeout=5000)


def test_release_removes_the_tag_and_the_notice(
    window: MainWindow, qtbot: QtBot, repo: Store, conversation: int, agents: dict[str, int]
) -> None:
    message = hold(window, repo, conversation)
    window.apply_changes(held.assign(repo, message.id, agents["me"], None, NOW + 60))
    qtbot.waitUntil(window.held_notice.isVisible, timeout=5000)
    click(window, HELD_SCHEME, message)
    dialog = window.conversation.findChild(HeldReplyDialog)
    assert dialog is not None
    dialog.translation.setPlainText("Le reembolsaremos el importe completo.")
    dialog.send.click()
    sent = repo.messages.messages(conversation)[-1]
    assert not sent.held and sent.held_for_agent_id is None
    assert held.TAG not in repo.conversations.conversation_row(conversation).tags
    qtbot.waitUntil(lambda: held_frames(window) == [], timeout=5000)
    assert "Not sent yet" not in thread_text(window)
    qtbot.waitUntil(window.held_notice.isHidden, timeout=5000)
    qtbot.waitUntil(lambda: held_count(window) == 0, timeout=5000)


def test_cancel_hold_puts_the_words_back_after_what_is_being_typed(
    window: MainWindow, qtbot: QtBot, repo: Store, conversation: int
) -> None:
    composer = window.conversation.composer
    message = hold(window, repo, conversation)
    assert composer.text() == ""
    composer.editor.setPlainText("P.S. thanks for waiting")
    click(window, HELD_CANCEL_SCHEME, message)
    expected = f"P.S. thanks for waiting\n\n{WORDS}"
    assert composer.text() == expected
    assert not any(m.held for m in repo.messages.messages(conversation))
    draft = repo.drafts.draft(conversation)
    assert draft is not None and draft.body == expected  # kept even if the app closes now
    assert held.TAG not in repo.conversations.conversation_row(conversation).tags
    qtbot.waitUntil(lambda: "Not sent yet" not in thread_text(window), timeout=5000)
    assert "You took the held reply back" in thread_text(window)  # the history says so


def test_cancel_hold_brings_back_the_translation_the_agent_edited(
    window: MainWindow, qtbot: QtBot, repo: Store, conversation: int
) -> None:
    pane = window.conversation
    panel = pane.reply_translation
    qtbot.keyClicks(pane.composer.editor, "Thanks")
    qtbot.waitUntil(lambda: panel.editor.toPlainText() == "thanks", timeout=5000)
    panel.editor.setPlainText("mil gracias")
    panel.human.click()
    message = repo.messages.messages(conversation)[-1]
    assert message.held and pane.composer.text() == ""
    click(window, HELD_CANCEL_SCHEME, message)
    assert pane.composer.text() == "Thanks"
    assert panel.editor.toPlainText() == "mil gracias"
    assert panel.draft.edited


def test_cancel_hold_never_turns_an_internal_note_into_a_reply(
    window: MainWindow, repo: Store, conversation: int
) -> None:
    pane = window.conversation
    message = hold(window, repo, conversation)
    pane.composer.set_kind(MessageKind.NOTE)
    pane.composer.editor.setPlainText("ask Wei about the refund policy")
    click(window, HELD_CANCEL_SCHEME, message)
    assert repo.messages.messages(conversation)[-1].held  # still held
    assert pane.composer.text() == "ask Wei about the refund policy"
    assert pane.notice.isVisible() and "internal note" in pane.notice.text()


def test_replies_already_waiting_for_me_show_on_the_badge_at_start(
    conversation: int,
    repo: Store,
    agents: dict[str, int],
    open_window: WindowFactory,
    make_ctx: ContextFactory,
    qtbot: QtBot,
) -> None:
    kept = Reply(MessageKind.AGENT, WORDS, "en", None, held=True)
    reply.send(repo, conversation, kept, agents["colleague"], NOW)
    message = repo.messages.messages(conversation)[-1]
    held.assign(repo, message.id, agents["me"], agents["colleague"], NOW)
    window = open_window(ctx=make_ctx())
    qtbot.waitUntil(window.held_notice.isVisible, timeout=5000)
    assert window.held_notice.text() == "1 reply to translate"
    assert window.statusBar().currentMessage() == ""  # not news: no arrival message


def test_release_after_the_whatsapp_window_closed_says_why_and_keeps_it_held(
    repo: Store, agents: dict[str, int], spanish_desk: SpanishDesk, qtbot: QtBot
) -> None:
    """Held while the window was open, translated after it closed: the dialog says an
    approved template is needed, keeps the translation and offers the template picker; the
    reply stays held."""
    whatsapp = lucia((MessageKind.CUSTOMER, "¿dónde está mi pedido?"), channel=Channel.WHATSAPP)
    cid = add_conversation(repo, whatsapp, agents)  # the customer wrote two hours ago
    clock = [NOW]
    window = spanish_desk(clock=lambda: clock[0])
    window.resize(1366, 768)
    window.open_conversation(cid)
    qtbot.waitUntil(lambda: "¿DÓNDE ESTÁ MI PEDIDO?" in thread_text(window), timeout=5000)
    message = hold(window, repo, cid)
    clock[0] = NOW + 24 * 3600  # a day later: the window closed two hours ago
    click(window, HELD_SCHEME, message)
    dialog = window.conversation.findChild(HeldReplyDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.refusal.isVisible()  # said up front, before the translator writes
    dialog.translation.setPlainText("Le reembolsaremos el importe completo.")
    dialog.send.click()
    expected = (
        "The 24-hour reply window has closed: a free-form reply will not be delivered. "
        "Send an approved template instead."
    )
    assert dialog.isVisible() and dialog.refusal.text().startswith(expected)
    assert dialog.translation.toPlainText() == "Le reembolsaremos el importe completo."
    assert dialog.template.isVisible() and dialog.keep is not None
    assert dialog.keep.text() == "Keep it held"
    still = repo.messages.messages(cid)[-1]
    assert still.id == message.id and still.held  # nothing sent
    dialog.template.click()
    picker = window.conversation.findChild(TemplateDialog)
    assert picker is not None and picker.isVisible()
    picker.reject()
    dialog.keep.click()
    assert not dialog.isVisible()
    assert repo.messages.messages(cid)[-1].held
    assert held.TAG in repo.conversations.conversation_row(cid).tags
