"""A lead finds conversations to review: a seeded sample per region (the same seed, the
same conversations), a smart queue, and opening one's review from the list."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.domain.models import MessageKind, Status
from app.domain.review import Role, SurveyKind
from app.ops import review, surveys
from app.storage.store import Store
from app.ui.review.queues import QueueDialog
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import NOW, Conv, add_agents, add_conversation
from tests.ui.conftest import WindowFactory

pytestmark = pytest.mark.gui

COUNTRIES = [("BR", "pt-BR"), ("JP", "ja"), ("DE", "de")]


@pytest.fixture
def window(repo: Store, open_window: WindowFactory, qtbot: QtBot) -> MainWindow:
    agents = add_agents(repo)
    review.set_roles(repo, agents["me"], [Role.LEAD])
    for i in range(18):
        country, language = COUNTRIES[i % 3]
        add_conversation(
            repo,
            Conv(
                customer=f"Customer {i:02d}",
                country=country,
                language=language,
                assignee="me" if i % 2 else "colleague",
                status=Status.RESOLVED,
                messages=[(MessageKind.CUSTOMER, "Hello?"), (MessageKind.AGENT, "Hello!")],
                age=3600 + i * 60,
            ),
            agents,
        )
    shown = open_window()
    shown.resize(1366, 768)
    qtbot.waitUntil(lambda: shown.review.is_lead, timeout=5000)
    return shown


def sample(dialog: QueueDialog, qtbot: QtBot, seed: int) -> list[int]:
    dialog.seed.setValue(seed)
    dialog.table.setRowCount(0)
    dialog.find_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=5000)
    return dialog.table.ids()


def test_a_seeded_sample_per_region_is_the_same_every_time(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialog = window.review.open_queues()
    assert dialog is not None
    dialog.count.setValue(2)
    dialog.group.setCurrentIndex(dialog.group.findData("region"))
    first = sample(dialog, qtbot, 7)
    assert len(first) == 6  # two per country
    countries = [dialog.table.item(r, 2).text() for r in range(6)]  # type: ignore[union-attr]
    assert sorted(countries) == ["BR", "BR", "DE", "DE", "JP", "JP"]
    assert dialog.status.text() == "6 conversations to review"
    assert sample(dialog, qtbot, 7) == first
    others = {tuple(sample(dialog, qtbot, seed)) for seed in range(8, 14)}
    assert others - {tuple(first)}  # another seed draws differently


def test_opening_a_queued_conversation_shows_its_review(window: MainWindow, qtbot: QtBot) -> None:
    dialog = window.review.open_queues()
    assert dialog is not None
    dialog.count.setValue(3)
    picked = sample(dialog, qtbot, 1)
    dialog.table.selectRow(1)
    dialog.review_button.click()
    shown = window.review.windows[picked[1]]
    qtbot.waitUntil(lambda: shown.data is not None, timeout=5000)
    assert shown.can_write
    assert shown.annotations.annotate_button.isVisible()


def test_an_agent_sees_the_queues_disabled(
    repo: Store, open_window: WindowFactory, qtbot: QtBot
) -> None:
    add_conversation(repo, Conv(), add_agents(repo))
    shown = open_window()
    qtbot.waitUntil(lambda: shown.conversation.detail is not None)
    assert not shown.review.queues_action.isEnabled()
    assert shown.review.open_queues() is None


def test_the_inbox_right_click_menu_opens_a_review(
    repo: Store, open_window: WindowFactory, qtbot: QtBot
) -> None:
    agents = add_agents(repo)
    review.set_roles(repo, agents["me"], [Role.LEAD])
    add_conversation(repo, Conv(), agents)
    window = open_window()
    qtbot.waitUntil(lambda: window.conversation.detail is not None and window.review.is_lead)
    menu = window.inbox.bulk.context_menu()
    action = next(a for a in menu.actions() if a.text() == "Review conversation")
    assert action.isEnabled()
    action.trigger()
    cid = window.inbox.selected_id
    assert cid is not None
    shown = window.review.windows[cid]
    qtbot.waitUntil(lambda: shown.data is not None, timeout=5000)
    assert shown.data is not None and shown.data.transcript.detail.row.id == cid


def test_a_smart_queue_lists_the_conversations_with_a_low_csat(
    window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    unhappy = repo.conversations.conversation_row(3)  # any answered conversation
    surveys.add_answer(repo, unhappy.id, SurveyKind.CSAT, 1, "slow", NOW - 600)
    dialog = window.review.open_queues()
    assert dialog is not None
    dialog.queue.setCurrentIndex(dialog.queue.findData("low_csat"))
    assert not dialog.seed.isEnabled()  # a smart queue is not a sample
    dialog.find_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=5000)
    assert dialog.table.ids() == [unhappy.id]
