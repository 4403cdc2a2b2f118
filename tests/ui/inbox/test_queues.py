"""Queues with live counts above the list, and search results with the match highlighted."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor
from pytestqt.qtbot import QtBot

from app.domain.changes import Changes
from app.domain.models import MessageKind, Status
from app.ops import held
from app.ops.matches import Match
from app.storage.store import Store
from app.ui.inbox.delegate import MATCH_BACKGROUND
from app.ui.inbox.model import MATCH_ROLE
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import NOW
from tests.helpers.fixtures import ContextFactory
from tests.ui.conftest import WindowFactory
from tests.ui.helpers import visible_names

pytestmark = pytest.mark.gui


@pytest.fixture
def clock() -> list[int]:
    return [NOW]


@pytest.fixture
def window(
    standard_inbox: dict[str, int],
    open_window: WindowFactory,
    make_ctx: ContextFactory,
    clock: list[int],
    qtbot: QtBot,
) -> MainWindow:
    win = open_window(ctx=make_ctx(clock=lambda: clock[0]))
    win.resize(1366, 768)
    qtbot.waitUntil(lambda: win.inbox.queues.counts is not None, timeout=3000)
    return win


def shown_counts(window: MainWindow) -> dict[str, str]:
    """What the queue list says, queue label -> count text."""
    return {item.text(0): item.text(1) for item in window.inbox.queues.items.values()}


def click_queue(window: MainWindow, qtbot: QtBot, key: str) -> None:
    tree = window.inbox.queues.tree
    item = window.inbox.queues.items[key]
    rect = tree.visualItemRect(item)
    with qtbot.waitSignal(window.inbox.page_loaded, timeout=3000):
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_queues_show_their_counts_and_clicking_one_lists_it(
    window: MainWindow, qtbot: QtBot
) -> None:
    assert shown_counts(window) == {
        "Mine": "2",
        "Unassigned": "2",
        "Breached": "1",
        "Due within the hour": "2",
        "Needs translation": "0",
        "For me": "0",
        "Mentions": "0",
        "All": "5",
    }
    click_queue(window, qtbot, "mine")
    assert sorted(visible_names(window)) == ["Ana Souza", "Fatima Al-Harbi"]
    assert window.inbox.count.text() == "2 conversations"
    assert window.inbox.queues.tree.currentItem() is window.inbox.queues.items["mine"]
    click_queue(window, qtbot, "breached")
    assert visible_names(window) == ["Ana Souza"]
    click_queue(window, qtbot, "due_soon")
    assert sorted(visible_names(window)) == ["Carlos Pérez", "Yuki Tanaka"]
    click_queue(window, qtbot, "all")
    assert len(visible_names(window)) == 5
    assert window.inbox.filters.more.text() == "Filters"  # nothing narrows "All"


def test_counts_follow_every_change_and_the_clock(
    window: MainWindow, qtbot: QtBot, standard_inbox: dict[str, int], clock: list[int]
) -> None:
    window.inbox.select_conversation(standard_inbox["Ana Souza"])
    qtbot.waitUntil(lambda: window.conversation.detail is not None, timeout=3000)
    window.conversation.set_status(Status.RESOLVED)  # as the header's Resolve does
    qtbot.waitUntil(lambda: shown_counts(window)["Breached"] == "0", timeout=3000)
    assert shown_counts(window)["Mine"] == "1" and shown_counts(window)["All"] == "4"
    clock[0] = NOW + 400  # Carlos's five minutes pass: nothing else happens
    window.inbox._clock.timeout.emit()
    qtbot.waitUntil(lambda: shown_counts(window)["Breached"] == "1", timeout=3000)
    assert shown_counts(window)["Due within the hour"] == "1"


def test_needs_translation_lists_a_held_reply_even_in_a_resolved_conversation(
    window: MainWindow, qtbot: QtBot, repo: Store, standard_inbox: dict[str, int]
) -> None:
    somchai = standard_inbox["Somchai Dee"]
    repo.messages.add_message(somchai, MessageKind.AGENT, "ขอบคุณครับ", NOW, held=True)
    window.apply_changes(Changes.of(somchai, messages=True))  # as a sync would say
    qtbot.waitUntil(lambda: shown_counts(window)["Needs translation"] == "1", timeout=3000)
    click_queue(window, qtbot, "held")
    assert visible_names(window) == ["Somchai Dee"]
    assert window.inbox.filters.status.currentData() == "all"


def test_needs_translation_for_me_is_a_sub_row_with_the_replies_given_to_me(
    window: MainWindow, qtbot: QtBot, repo: Store, standard_inbox: dict[str, int]
) -> None:
    somchai, ana = standard_inbox["Somchai Dee"], standard_inbox["Ana Souza"]
    me = window._ctx.workspace.me_id
    colleague = repo.conversations.agent_by_uid("colleague")
    assert me is not None and colleague is not None
    mine = repo.messages.add_message(somchai, MessageKind.AGENT, "ขอบคุณครับ", NOW, held=True)
    theirs = repo.messages.add_message(ana, MessageKind.AGENT, "Obrigado", NOW, held=True)
    held.assign(repo, mine, me, colleague.id, NOW)  # a colleague gives me the Thai one
    window.apply_changes(held.assign(repo, theirs, colleague.id, me, NOW))
    qtbot.waitUntil(lambda: shown_counts(window)["For me"] == "1", timeout=3000)
    assert shown_counts(window)["Needs translation"] == "2"
    queues = window.inbox.queues
    parent, row = queues.items["held"], queues.items["held_for_me"]
    assert row.parent() is parent  # under Needs translation, indented, right below it
    above, below = queues.tree.visualItemRect(parent), queues.tree.visualItemRect(row)
    assert below.left() > above.left() and below.top() == above.bottom() + 1
    assert row.font(1).bold()  # work waiting for me stands out
    click_queue(window, qtbot, "held_for_me")
    assert visible_names(window) == ["Somchai Dee"]  # resolved, still listed; not Ana's
    assert queues.tree.currentItem() is row
    click_queue(window, qtbot, "held")
    assert sorted(visible_names(window)) == ["Ana Souza", "Somchai Dee"]


def test_alt_and_a_digit_switch_queues_without_touching_the_draft(
    window: MainWindow, qtbot: QtBot, standard_inbox: dict[str, int]
) -> None:
    window.inbox.select_conversation(standard_inbox["Yuki Tanaka"])
    qtbot.waitUntil(lambda: window.conversation.detail is not None, timeout=3000)
    composer = window.conversation.composer
    composer.editor.setFocus()
    qtbot.keyClicks(composer.editor, "Half a reply")
    queues = window.inbox.queues
    everyone = ["Ana Souza", "Carlos Pérez", "Fatima Al-Harbi", "Jonas Müller", "Yuki Tanaka"]
    expected = {
        Qt.Key.Key_1: ("mine", ["Ana Souza", "Fatima Al-Harbi"]),
        Qt.Key.Key_3: ("breached", ["Ana Souza"]),
        Qt.Key.Key_4: ("due_soon", ["Carlos Pérez", "Yuki Tanaka"]),
        Qt.Key.Key_2: ("unassigned", ["Carlos Pérez", "Jonas Müller"]),
        Qt.Key.Key_8: ("all", everyone),
    }
    for key, (queue, names) in expected.items():
        with qtbot.waitSignal(window.inbox.page_loaded, timeout=3000):
            qtbot.keyClick(composer.editor, key, Qt.KeyboardModifier.AltModifier)
        assert queues.tree.currentItem() is queues.items[queue], queue
        assert sorted(visible_names(window)) == names, queue
    assert composer.editor.toPlainText() == "Half a reply"  # nothing typed, nothing lost
    assert composer.editor.hasFocus()
    assert window.conversation.conversation_id == standard_inbox["Yuki Tanaka"]
    for number, key in enumerate(("held", "held_for_me", "mentions"), start=5):
        with qtbot.waitSignal(window.inbox.page_loaded, timeout=3000):
            qtbot.keyClick(window, Qt.Key.Key_0 + number, Qt.KeyboardModifier.AltModifier)
        assert queues.tree.currentItem() is queues.items[key]


def test_the_queue_keys_are_listed_in_the_shortcuts_help(window: MainWindow) -> None:
    table = window.show_shortcuts().table
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert rows["Go to queue: Mine"] == "Alt+1"
    assert rows["Go to queue: Needs translation · For me"] == "Alt+6"
    assert rows["Go to queue: All"] == "Alt+8"
    assert len([k for k in rows.values() if k.startswith("Alt+") and k[4:].isdigit()]) == 8
    assert "Alt+U" in rows.values()  # the window's own shortcuts are still there
    # Qt ignores a key two enabled actions share ("ambiguous"): none may.
    keys = [
        key.toString()
        for action in window.findChildren(QAction)
        if action.isEnabled()
        for key in action.shortcuts()
    ]
    assert len(keys) == len(set(keys))


def test_mentions_queue_counts_unseen_mentions_and_opening_sees_them(
    window: MainWindow, qtbot: QtBot, repo: Store, standard_inbox: dict[str, int]
) -> None:
    jonas = standard_inbox["Jonas Müller"]
    me = window._ctx.workspace.me_id
    assert me is not None
    note = repo.messages.add_message(jonas, MessageKind.NOTE, "@Mei please check", NOW)
    repo.mentions.add(note, jonas, [me])
    window.apply_changes(Changes.of(jonas, messages=True))
    qtbot.waitUntil(lambda: shown_counts(window)["Mentions"] == "1", timeout=3000)
    click_queue(window, qtbot, "mentions")
    assert visible_names(window) == ["Jonas Müller"]
    window.inbox.select_row(0)
    qtbot.waitUntil(lambda: shown_counts(window)["Mentions"] == "0", timeout=3000)


def test_a_search_result_shows_the_matching_text_highlighted(
    window: MainWindow, qtbot: QtBot, standard_inbox: dict[str, int]
) -> None:
    window.inbox.filters.search.setText("dsgvo")
    with qtbot.waitSignal(window.inbox.page_loaded, timeout=3000):
        qtbot.keyClick(window.inbox.filters.search, Qt.Key.Key_Return)
    model = window.inbox.model
    qtbot.waitUntil(lambda: model.data(model.index(0), MATCH_ROLE) is not None, timeout=3000)
    match = model.data(model.index(0), MATCH_ROLE)
    assert isinstance(match, Match)
    # The customer's words as written (not the index's lower-cased form), from a little
    # before the match so it shows in a narrow row, the match marked.
    assert match.text == "…meine Daten gemäß Art. 17 DSGVO."
    assert [match.text[s:e] for s, e in match.spans] == ["DSGVO"]
    said = model.data(model.index(0), Qt.ItemDataRole.AccessibleDescriptionRole)
    assert said.endswith(" · …meine Daten gemäß Art. 17 DSGVO.")  # a screen reader too
    assert model.data(model.index(0), Qt.ItemDataRole.AccessibleTextRole).startswith(
        "Jonas Müller, "
    )
    # ... and the delegate draws the mark: highlighter-coloured pixels in the row.
    image = (
        window.inbox.list.viewport().grab(window.inbox.list.visualRect(model.index(0))).toImage()
    )
    marked = sum(
        QColor(image.pixel(x, y)) == MATCH_BACKGROUND
        for x in range(0, image.width(), 2)
        for y in range(image.height())
    )
    assert marked > 20


@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)])
def test_on_a_laptop_screen_the_queues_fit_and_the_list_keeps_room(
    window: MainWindow, qtbot: QtBot, size: tuple[int, int]
) -> None:
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().height() == size[1], timeout=3000)
    queues = window.inbox.queues.tree
    assert all(not queues.visualItemRect(i).isEmpty() for i in window.inbox.queues.items.values())
    last = window.inbox.queues.items["all"]
    assert queues.visualItemRect(last).bottom() <= queues.viewport().height()
    rows = (
        window.inbox.list.viewport().height()
        / window.inbox.list.verticalHeader().defaultSectionSize()
    )
    assert rows >= 4  # four conversations at least stay visible under the queues
