"""The inbox as the agent sees it: list, filters, search, sort, paging."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.domain.filters import AssigneeFilter, SlaFilter, SortOrder
from app.domain.models import Channel
from app.storage.store import Store
from tests.helpers.builders import Conv, add_agents, add_conversation
from tests.ui.conftest import WindowFactory
from tests.ui.helpers import choose, visible_names, visible_rows

pytestmark = pytest.mark.gui


@pytest.fixture
def window(standard_inbox: dict[str, int], open_window: WindowFactory):
    return open_window()


def test_opens_on_open_and_pending_with_the_most_urgent_first(window) -> None:
    assert visible_names(window) == [
        "Ana Souza",
        "Carlos Pérez",
        "Yuki Tanaka",
        "Jonas Müller",
        "Fatima Al-Harbi",
    ]
    assert window.inbox.count.text() == "5 conversations"
    assert window.inbox.list.currentIndex().row() == 0
    assert window.conversation.header.customer_name.text() == "Ana Souza"


def test_filter_menus_offer_what_the_store_holds(window) -> None:
    filters = window.inbox.filters
    countries = [filters.country.itemText(i) for i in range(filters.country.count())]
    assert countries[0] == "All countries and regions"
    assert {"Brazil", "Japan", "Saudi Arabia", "Thailand", "Mexico", "India"} <= set(countries)
    languages = [filters.language.itemText(i) for i in range(filters.language.count())]
    assert {"Portuguese", "Japanese", "Arabic", "Thai"} <= set(languages)
    tags = [filters.tag.itemText(i) for i in range(filters.tag.count())]
    assert "gdpr" in tags
    agents = [filters.assignee.itemText(i) for i in range(filters.assignee.count())]
    assert agents[:3] == ["Everyone", "Assigned to me", "Unassigned"]
    assert "Carl Colleague" in agents


def test_each_filter_narrows_the_list(window) -> None:
    filters = window.inbox.filters
    choose(filters.channel, Channel.WHATSAPP.value)
    assert visible_names(window) == ["Ana Souza", "Fatima Al-Harbi"]
    assert all(r.channel is Channel.WHATSAPP for r in visible_rows(window))
    assert window.inbox.count.text() == "2 conversations"
    choose(filters.channel, None)
    choose(filters.status, "all")
    assert len(visible_names(window)) == 7
    choose(filters.language, "th")
    assert visible_names(window) == ["Somchai Dee"]
    choose(filters.language, None)
    choose(filters.country, "IN")
    assert visible_names(window) == ["Priya Sharma"]
    choose(filters.country, None)
    choose(filters.tag, "gdpr")
    assert visible_names(window) == ["Jonas Müller"]
    choose(filters.tag, None)
    choose(filters.assignee, AssigneeFilter.ME.value)
    assert visible_names(window) == ["Ana Souza", "Fatima Al-Harbi"]
    choose(filters.assignee, AssigneeFilter.UNASSIGNED.value)
    assert set(visible_names(window)) == {
        "Jonas Müller",
        "Somchai Dee",
        "Priya Sharma",
        "Carlos Pérez",
    }
    choose(filters.assignee, AssigneeFilter.ALL.value)
    choose(filters.sla, SlaFilter.BREACHED.value)
    assert visible_names(window) == ["Ana Souza"]
    choose(filters.sla, SlaFilter.DUE_SOON.value)
    assert visible_names(window) == ["Carlos Pérez", "Yuki Tanaka"]


def test_a_filter_that_matches_nothing_says_so(window) -> None:
    choose(window.inbox.filters.sla, SlaFilter.BREACHED.value)
    choose(window.inbox.filters.tag, "gdpr")
    assert visible_names(window) == []
    assert window.inbox.count.text() == "0 conversations"
    # the conversation being read stays on screen: a filter change is not an action on it
    assert window.conversation.header.customer_name.text() == "Ana Souza"
    assert not window.inbox.list.selectionModel().hasSelection()


def test_typing_in_search_filters_after_a_pause(window, qtbot: QtBot) -> None:
    search = window.inbox.filters.search
    with qtbot.waitSignal(window.inbox.page_loaded, timeout=3000):
        qtbot.keyClicks(search, "parcel")
    assert visible_names(window) == ["Ana Souza"]
    with qtbot.waitSignal(window.inbox.page_loaded, timeout=3000):
        search.clear()
        search.insert("返金")  # what an input method commits
    assert visible_names(window) == ["Yuki Tanaka"]
    with qtbot.waitSignal(window.inbox.page_loaded, timeout=3000):
        search.clear()
    assert len(visible_names(window)) == 5


def test_search_by_customer_name_and_order_number(window, qtbot: QtBot) -> None:
    search = window.inbox.filters.search
    choose(window.inbox.filters.status, "all")
    for text, expected in (("priya", ["Priya Sharma"]), ("LM-2026-1001", ["Fatima Al-Harbi"])):
        search.setText(text)
        with qtbot.waitSignal(window.inbox.page_loaded, timeout=3000):
            qtbot.keyClick(search, "\r")
        assert visible_names(window) == expected


def test_a_search_with_nothing_to_look_for_says_so(window, qtbot: QtBot) -> None:
    """Punctuation alone finds nothing (it used to show everything), and the count line
    says why instead of a bare "0 conversations"."""
    search = window.inbox.filters.search
    search.setText("?!…")
    with qtbot.waitSignal(window.inbox.page_loaded, timeout=3000):
        qtbot.keyClick(search, "\r")
    assert visible_names(window) == []
    assert window.inbox.count.text() == (
        "Nothing to search for in “?!…”: type a word, a number or an emoji"
    )
    search.setText("parcel")
    with qtbot.waitSignal(window.inbox.page_loaded, timeout=3000):
        qtbot.keyClick(search, "\r")
    assert window.inbox.count.text() == "1 conversation (all statuses)"


def test_sort_by_latest_activity(window) -> None:
    choose(window.inbox.filters.sort, SortOrder.LAST_ACTIVITY.value)
    rows = visible_rows(window)
    assert [r.last_activity_at for r in rows] == sorted(
        (r.last_activity_at for r in rows), reverse=True
    )


def test_rows_beyond_the_first_page_load_when_scrolled_to(
    repo: Store, open_window: WindowFactory, qtbot: QtBot
) -> None:
    agents = add_agents(repo)
    for i in range(250):
        add_conversation(repo, Conv(customer=f"Customer {i:03d}", sla_in=60 * i), agents)
    window = open_window()
    model = window.inbox.model
    assert model.rowCount() == 250
    assert window.inbox.count.text() == "250 conversations"
    last = model.index(249)
    assert model.cached_row(model.conversation_id(249)) is None  # not fetched yet
    with qtbot.waitSignal(model.rows_loaded, timeout=3000):
        window.inbox.list.scrollToBottom()
        window.inbox.list.viewport().repaint()
    assert model.data(last, 0) == "Customer 249"


def test_a_row_clicked_while_the_list_loads_stays_the_open_conversation(
    repo: Store, open_window: WindowFactory, qtbot: QtBot
) -> None:
    """After a sort change the open conversation (far down the list) is looked for once
    every id has arrived; a conversation the agent clicks meanwhile wins, and the list
    does not jump back to the old one."""
    agents = add_agents(repo)
    for i in range(250):
        add_conversation(
            repo, Conv(customer=f"Customer {i:03d}", sla_in=60 * i, age=60 * i), agents
        )
    window = open_window()
    inbox, model = window.inbox, window.inbox.model
    qtbot.waitUntil(lambda: model.ids_complete, timeout=5000)
    inbox.select_row(200)
    far = model.conversation_id(200)
    qtbot.waitUntil(lambda: window.conversation.conversation_id == far, timeout=5000)

    with qtbot.waitSignal(inbox.page_loaded, timeout=3000):
        choose(inbox.filters.sort, SortOrder.LAST_ACTIVITY.value)
    assert not model.ids_complete  # the full list is still on its way
    first = model.conversation_id(0)
    assert first is not None and first != far
    inbox.list.setCurrentIndex(model.index(0))  # the agent clicks the top row
    qtbot.waitUntil(lambda: model.ids_complete, timeout=5000)
    qtbot.waitUntil(lambda: window.conversation.conversation_id == first, timeout=5000)
    assert inbox.list.currentIndex().row() == 0
    assert inbox.selected_id == first
