"""WhatsApp's 24-hour window on real widgets: the header counts it down (amber under an
hour), and once it has closed the composer says so up front, refuses a free-form reply
(notes still go) and offers the approved templates."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.models import Channel, MessageKind
from app.storage.store import Store
from app.ui.conversation.pane import ConversationPane
from app.ui.shell import style
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.helpers.fixtures import ContextFactory
from tests.ui.conftest import ErrorSink

pytestmark = pytest.mark.gui

H = 3600
PANE_WIDTH, PANE_HEIGHT = 760, 700  # its share of 1366x768


@pytest.fixture
def now() -> list[int]:
    return [NOW]


@pytest.fixture
def conversations(repo: Store) -> dict[str, int]:
    agents = add_agents(repo)
    return {
        conv.customer: add_conversation(repo, conv, agents)
        for conv in (
            # the customer last wrote 20 h 48 min ago: 3 h 12 min left
            Conv(customer="Ana Souza", channel=Channel.WHATSAPP, age=20 * H + 48 * 60),
            # 26 hours ago: closed 2 hours ago
            Conv(customer="Lucía García", language="es", channel=Channel.WHATSAPP, age=26 * H),
            Conv(customer="Mark Messenger", channel=Channel.MESSENGER, age=30 * H),
            Conv(customer="Emma Mail", channel=Channel.EMAIL, age=90 * H, sla_in=None),
        )
    }


@pytest.fixture
def pane(
    conversations: dict[str, int],
    make_ctx: ContextFactory,
    error_sink: ErrorSink,
    now: list[int],
    qtbot: QtBot,
) -> ConversationPane:
    """The conversation pane at its share of a 1366x768 window (inbox list and side
    panel beside it)."""
    widget = ConversationPane(make_ctx(clock=lambda: now[0]), error_sink)
    qtbot.addWidget(widget)
    widget.resize(PANE_WIDTH, PANE_HEIGHT)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def open_conversation(pane: ConversationPane, ids: dict[str, int], name: str) -> int:
    pane.show_conversation(ids[name])
    assert pane.header.customer_name.text() == name
    return ids[name]


def test_the_header_counts_the_window_down_and_turns_amber_under_an_hour(
    pane: ConversationPane, conversations: dict[str, int], now: list[int], qtbot: QtBot
) -> None:
    open_conversation(pane, conversations, "Ana Souza")
    label = pane.header.channel_status.window_label
    assert label.isVisible()
    assert label.text() == "Reply window: 3 h 12 min left"
    assert label.property("level") == "open" and "color" not in label.styleSheet()
    assert not pane.templates.gate.isVisible()
    now[0] = NOW + 2 * H + 30 * 60  # 42 minutes left: the pane's own clock tick shows it
    pane._clock.setInterval(20)
    qtbot.waitUntil(lambda: label.text() == "Reply window: 42 min left", timeout=3000)
    assert label.property("level") == "closing"
    assert style.WARNING.name() in label.styleSheet()  # amber: the appearance's warning colour
    now[0] = NOW + 3 * H + 12 * 60 + 5  # and then it closes
    qtbot.waitUntil(lambda: pane.templates.gate.isVisible(), timeout=3000)
    assert label.text() == "Reply window closed under a minute ago"
    assert pane.composer.reply_blocked


def test_a_closed_window_blocks_a_free_form_reply_but_not_a_note(
    pane: ConversationPane, conversations: dict[str, int], repo: Store, qtbot: QtBot
) -> None:
    cid = open_conversation(pane, conversations, "Lucía García")
    gate, composer = pane.templates.gate, pane.composer
    assert pane.header.channel_status.window_label.text() == "Reply window closed 2 h ago"
    assert gate.isVisible()
    assert gate.text.text() == (
        "WhatsApp's 24-hour window closed 2 h ago: a free-form reply won't be delivered. "
        "Send an approved template."
    )
    assert gate.template_button.isVisible() and gate.template_button.text() == "Choose template…"
    # the notice is above the composer, and the thread keeps its room at 1366x768
    assert (
        gate.mapTo(pane, gate.rect().topLeft()).y()
        < composer.mapTo(pane, composer.rect().topLeft()).y()
    )
    assert pane.thread_view.height() >= 200
    qtbot.keyClicks(composer.editor, "Hola Lucia, sigue el problema?")
    assert not composer.send_button.isEnabled() and not composer.send_more.isEnabled()
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    composer.request_send()
    assert [m.kind for m in repo.messages.messages(cid)] == [MessageKind.CUSTOMER]
    assert composer.text() == "Hola Lucia, sigue el problema?"  # nothing the agent wrote is lost
    composer.note_tab.click()
    assert composer.send_button.isEnabled()
    composer.send_button.click()
    messages = repo.messages.messages(cid)
    assert [m.kind for m in messages] == [MessageKind.CUSTOMER, MessageKind.NOTE]
    assert messages[-1].body == "Hola Lucia, sigue el problema?"


def test_messenger_says_the_window_closed_without_offering_a_template(
    pane: ConversationPane, conversations: dict[str, int]
) -> None:
    open_conversation(pane, conversations, "Mark Messenger")
    gate = pane.templates.gate
    assert gate.isVisible()
    assert gate.text.text().startswith("Messenger's 24-hour window closed 6 h ago")
    assert not gate.template_button.isVisible()


def test_channels_without_a_window_show_nothing(
    pane: ConversationPane, conversations: dict[str, int]
) -> None:
    open_conversation(pane, conversations, "Emma Mail")
    assert not pane.header.channel_status.isVisible()
    assert not pane.templates.gate.isVisible()
    assert not pane.composer.reply_blocked
    open_conversation(pane, conversations, "Lucía García")
    assert pane.composer.reply_blocked
    open_conversation(
        pane, conversations, "Emma Mail"
    )  # leaving a closed window unblocks the composer
    assert not pane.composer.reply_blocked and not pane.templates.gate.isVisible()


def _receipt(repo: Store, cid: int, index: int, read_at: int) -> None:
    """The backend's read receipt for the index-th message, through the sync mirror."""
    from app.contract import models as wire

    message = repo.messages.messages(cid)[index]
    conversation_uid = repo.conversations.conversation_row(cid).uid
    repo.remote.upsert_messages(
        [
            wire.Message(
                id=message.uid,
                conversation_id=conversation_uid,
                seq=message.seq,
                kind=message.kind.value,
                author=wire.Author(type="agent"),
                body=message.body,
                created_at=message.created_at,
                read_at=read_at,
            )
        ]
    )


def thread(pane: ConversationPane) -> str:
    return pane.thread_view.toPlainText().replace("\u2068", "").replace("\u2069", "")


def test_read_shows_under_the_agents_newest_read_message_only(
    repo: Store, make_ctx: ContextFactory, error_sink: ErrorSink, qtbot: QtBot
) -> None:
    conv = Conv(
        customer="Ana Souza",
        channel=Channel.WHATSAPP,
        messages=[
            (MessageKind.CUSTOMER, "Oi"),
            (MessageKind.AGENT, "First answer"),
            (MessageKind.AGENT, "Second answer"),
        ],
    )
    cid = add_conversation(repo, conv, add_agents(repo))
    pane = ConversationPane(make_ctx(), error_sink)
    qtbot.addWidget(pane)
    pane.show_conversation(cid)
    assert "Read" not in thread(pane)  # no receipt from the backend: nothing is claimed
    _receipt(repo, cid, 1, NOW - 600)
    pane.reload()
    text = thread(pane)
    assert text.count("Read ") == 1
    assert text.index("First answer") < text.index("Read ") < text.index("Second answer")
    _receipt(repo, cid, 2, NOW - 60)
    pane.reload()
    text = thread(pane)
    assert text.count("Read ") == 1 and text.index("Read ") > text.index("Second answer")
    assert repo.messages.messages(cid)[1].read_at == NOW - 600  # mirrored, kept


def test_typing_shows_only_while_the_backend_says_so(
    pane: ConversationPane, conversations: dict[str, int], repo: Store, now: list[int], qtbot: QtBot
) -> None:
    cid = open_conversation(pane, conversations, "Ana Souza")
    typing = pane.header.channel_status.typing_label
    assert not typing.isVisible()  # no indicator from the backend: none shown
    uid = repo.conversations.conversation_row(cid).uid
    other = repo.conversations.conversation_row(conversations["Emma Mail"]).uid
    pane.templates.show_typing(((other, NOW + 60),), NOW)
    assert not typing.isVisible()  # someone else is typing
    pane.templates.show_typing(((uid, NOW + 1),), NOW)
    assert typing.isVisible() and typing.text() == "typing…"
    qtbot.waitUntil(lambda: not typing.isVisible(), timeout=3000)  # its time is up
    pane.templates.show_typing(((uid, NOW + 60),), NOW)
    open_conversation(pane, conversations, "Emma Mail")
    assert not typing.isVisible()
    open_conversation(pane, conversations, "Ana Souza")  # still typing, per the last sync
    assert typing.isVisible()
    pane.templates.show_typing((), NOW)
    assert not typing.isVisible()


def test_the_customers_next_message_reopens_the_window(
    pane: ConversationPane, conversations: dict[str, int], repo: Store
) -> None:
    cid = open_conversation(pane, conversations, "Lucía García")
    assert pane.composer.reply_blocked
    repo.messages.add_message(cid, MessageKind.CUSTOMER, "Sigo esperando", NOW - 60)
    pane.reload()
    assert not pane.templates.gate.isVisible() and not pane.composer.reply_blocked
    label = pane.header.channel_status.window_label
    assert label.text() == "Reply window: 23 h 59 min left"
