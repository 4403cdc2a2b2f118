"""One change path: the window hands each Changes to every pane, and each pane re-reads
only what it names (counted at the operations the panes submit to the store lane)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.domain.changes import NOTHING, Changes
from app.domain.models import Status
from app.ops import inbox, knowledge
from app.sync.engine import SyncEngine
from app.sync.report import SyncReport
from app.ui.shell.main_window import MainWindow
from app.ui.sync.status import SyncController
from tests.helpers.fixtures import ContextFactory
from tests.ui.conftest import ErrorSink

pytestmark = pytest.mark.gui

COUNTED = {
    inbox: (
        "load_page",
        "filter_choices",
        "header_choices",
        "open_conversation",
        "conversation_detail",
        "conversation_rows",
    ),
    knowledge: ("suggest", "search"),
}


class StoreCalls(Counter[str]):
    """How often each operation ran since the last :meth:`clear`."""

    def wrap(self, name: str, work: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self[name] += 1
            return work(*args, **kwargs)

        return counted


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> StoreCalls:
    counter = StoreCalls()
    for module, names in COUNTED.items():
        for name in names:
            monkeypatch.setattr(module, name, counter.wrap(name, getattr(module, name)))
    return counter


def never_made() -> SyncEngine:
    raise AssertionError("these tests deliver sync reports; no cycle runs")


@pytest.fixture
def window(
    standard_inbox: dict[str, int],
    make_ctx: ContextFactory,
    error_sink: ErrorSink,
    qtbot: QtBot,
) -> MainWindow:
    ctx = make_ctx()
    win = MainWindow(ctx, error_sink, sync=SyncController(ctx, never_made))
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.inbox.page_loaded, timeout=5000):
        win.show()
        win.start()
    return win


def open_one(window: MainWindow, qtbot: QtBot, conversation_id: int) -> None:
    """Open this conversation (the first page selects its first row: wait for that first)."""
    qtbot.waitUntil(lambda: window.conversation.detail is not None, timeout=5000)
    if window.conversation.conversation_id != conversation_id:
        with qtbot.waitSignal(window.conversation.loaded, timeout=5000):
            assert window.inbox.select_conversation(conversation_id)
    detail = window.conversation.detail
    assert detail is not None and detail.row.id == conversation_id
    card = window.side_panel.card  # the side panel settles a moment later (its articles too)
    qtbot.waitUntil(lambda: detail.customer.name in card.text(), timeout=5000)


def synced(window: MainWindow, changes: Changes) -> None:
    """A cycle's report arrives, as the sync controller delivers it."""
    assert window.sync is not None
    window.sync.finished.emit(SyncReport(online=True, pulled_messages=1, changes=changes))


def test_a_sync_that_touches_only_another_conversation_reloads_neither_the_open_one_nor_the_menus(
    window: MainWindow, qtbot: QtBot, standard_inbox: dict[str, int], calls: StoreCalls
) -> None:
    open_y, touched_x = standard_inbox["Ana Souza"], standard_inbox["Yuki Tanaka"]
    open_one(window, qtbot, open_y)
    calls.clear()

    with qtbot.waitSignal(window.inbox.page_loaded, timeout=5000):
        synced(window, Changes.of(touched_x, list_membership=True, messages=True))

    assert calls == {"load_page": 1}  # the list re-queried; no menus, no detail, no articles
    calls.clear()
    synced(window, Changes.of(open_y, messages=True))  # a pull that names the open one
    qtbot.waitUntil(lambda: calls["conversation_detail"] == 1, timeout=5000)
    assert calls["open_conversation"] == 0 and calls["load_page"] == 0
    assert calls["filter_choices"] == calls["header_choices"] == 0
    calls.clear()
    synced(window, NOTHING)  # a quiet cycle costs the store nothing
    assert calls == {}


def test_only_changes_that_name_them_reload_the_menus_and_the_articles(
    window: MainWindow, qtbot: QtBot, standard_inbox: dict[str, int], calls: StoreCalls
) -> None:
    open_one(window, qtbot, standard_inbox["Ana Souza"])
    calls.clear()
    synced(window, Changes(articles=True))
    assert calls == {"suggest": 1}
    calls.clear()
    synced(window, Changes(choices=True))
    assert calls == {"filter_choices": 1, "header_choices": 1}


def test_a_glossary_save_translates_the_open_conversation_again_and_nothing_else(
    window: MainWindow, qtbot: QtBot, standard_inbox: dict[str, int], calls: StoreCalls
) -> None:
    cid = standard_inbox["Ana Souza"]
    open_one(window, qtbot, cid)
    calls.clear()
    glossary = window.open_glossary()
    glossary.add_row(["Aurora", "", "", "", "product"])
    with qtbot.waitSignal(window.conversation.loaded, timeout=5000):
        glossary.save()
    assert calls["open_conversation"] == 1  # re-opened: its messages are translated again
    assert calls["load_page"] == calls["filter_choices"] == calls["header_choices"] == 0


def test_an_action_on_the_open_conversation_rereads_it_without_translating_it_again(
    make_ctx: ContextFactory,
    error_sink: ErrorSink,
    standard_inbox: dict[str, int],
    qtbot: QtBot,
    calls: StoreCalls,
) -> None:
    window = MainWindow(make_ctx(), error_sink)  # no server: nothing to sync afterwards
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.inbox.page_loaded, timeout=5000):
        window.show()
        window.start()
    cid = standard_inbox["Ana Souza"]
    open_one(window, qtbot, cid)
    calls.clear()
    with qtbot.waitSignal(window.changes_applied, timeout=5000) as applied:
        window.conversation.set_status(Status.PENDING)
    changes, initiator = applied.args
    assert changes.names(cid) and changes.list_membership and initiator is window.conversation
    qtbot.waitUntil(lambda: calls["conversation_detail"] == 1, timeout=5000)
    assert calls["open_conversation"] == 0  # not re-opened: nothing to translate again
    assert calls["load_page"] == 1
    assert calls["filter_choices"] == calls["header_choices"] == 0
