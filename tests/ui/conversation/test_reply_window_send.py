"""The window closing between two ticks of the pane's clock: the composer still allowed
Send, the one send path refuses it, and the pane shows the closed-window notice at once
(no error dialog), with the agent's text still in the composer and kept as the draft."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.domain.models import Channel, MessageKind
from app.storage.store import Store
from app.ui.conversation.pane import ConversationPane
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.helpers.fixtures import ContextFactory
from tests.ui.conftest import ErrorSink

pytestmark = pytest.mark.gui

H = 3600
WORDS = "Your parcel left the warehouse today."


def test_a_reply_sent_just_after_the_window_closed_is_refused_and_kept(
    repo: Store, make_ctx: ContextFactory, error_sink: ErrorSink, qtbot: QtBot
) -> None:
    conv = Conv(customer="Ana Souza", channel=Channel.WHATSAPP, age=23 * H + 59 * 60)
    cid = add_conversation(repo, conv, add_agents(repo))  # one minute left at NOW
    now = [NOW]
    pane = ConversationPane(make_ctx(clock=lambda: now[0]), error_sink)
    qtbot.addWidget(pane)
    pane.resize(760, 700)  # its share of 1366x768
    pane.show()
    qtbot.waitExposed(pane)
    pane._clock.stop()  # no tick between the window closing and the click
    pane.show_conversation(cid)
    gate, composer = pane.templates.gate, pane.composer
    qtbot.keyClicks(composer.editor, WORDS)
    assert not gate.isVisible() and composer.send_button.isEnabled()
    now[0] = NOW + 2 * 60  # it closed a minute ago
    composer.send_button.click()
    assert [m.kind for m in repo.messages.messages(cid)] == [MessageKind.CUSTOMER]
    assert composer.text() == WORDS  # nothing the agent wrote is lost
    draft = repo.drafts.draft(cid)
    assert draft is not None and draft.body == WORDS
    assert error_sink.errors == []  # said where the agent looks, not in an error box
    assert gate.isVisible() and gate.template_button.isVisible()
    assert gate.text.text().startswith("WhatsApp's 24-hour window closed 1 min ago")
    assert pane.header.channel_status.window_label.text() == "Reply window closed 1 min ago"
    assert pane.composer.reply_blocked
