"""The snooze menu wakes a conversation at the promised local time across a DST change."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.ops import inbox
from app.storage.store import Store
from app.ui.conversation.header import ConversationHeader
from tests.helpers.builders import Conv, add_agents, add_conversation
from tests.helpers.fixtures import ContextFactory
from tests.helpers.zones import at

pytestmark = pytest.mark.gui


# One of the two is on the other side of a DST change from any real "today", so a
# zone frozen at today's offset fails at least one of them whatever the season.
@pytest.mark.parametrize(
    ("now", "morning", "week"),
    [
        ("2027-03-27T10:00", "2027-03-28T09:00", "2027-03-29T09:00"),  # spring forward
        ("2027-10-30T10:00", "2027-10-31T09:00", "2027-11-01T09:00"),  # fall back
    ],
)
def test_snooze_until_morning_is_nine_local_across_a_dst_change(
    now: str,
    morning: str,
    week: str,
    agent_in_berlin: None,
    repo: Store,
    make_ctx: ContextFactory,
    qtbot: QtBot,
) -> None:
    clock = at(now)
    cid = add_conversation(
        repo,
        Conv(customer="Jonas Müller", country="DE", timezone="Europe/Berlin"),
        add_agents(repo),
    )
    ctx = make_ctx(clock=lambda: clock)
    header = ConversationHeader(ctx.i18n, ctx.clock)
    qtbot.addWidget(header)
    header.show_detail(inbox.conversation_detail(repo, cid), clock)
    menu = header.snooze_button.menu()
    menu.aboutToShow.emit()
    actions = {a.text().split(" (")[0]: a for a in menu.actions()}

    for label, expected in (
        ("Until your next morning", at(morning)),
        ("Until the customer's morning", at(morning)),
        ("Until next week", at(week)),
    ):
        action = actions[label]
        assert "9:00" in action.text()  # what the menu promises...
        with qtbot.waitSignal(header.snooze_requested) as blocker:
            action.trigger()
        assert blocker.args == [expected]  # ...is what is stored
