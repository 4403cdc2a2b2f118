"""The draft checker's findings where the agent looks: at the underline (hover, right-click
Replace / Ignore) and a one-line strip under the editor, one line per rule when opened."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QMenu, QToolTip
from pytestqt.qtbot import QtBot

from app.config.paths import Paths
from app.domain.models import MessageKind
from app.ops.culture import load_culture
from app.storage.store import Store
from app.ui.culture.draft_check import DraftCheck
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import Conv, add_agents, add_conversation
from tests.helpers.fixtures import ContextFactory
from tests.ui.conftest import WindowFactory
from tests.ui.helpers import visible_names

pytestmark = pytest.mark.gui

DRAFT = "Our cheap cable is the cheapest one, really cheap. Cheers"


@pytest.fixture
def window(
    repo: Store, open_window: WindowFactory, make_ctx: ContextFactory, qtbot: QtBot
) -> MainWindow:
    conv = Conv(
        customer="山本 健",
        country="JP",
        language="ja",
        timezone="Asia/Tokyo",
        messages=[(MessageKind.CUSTOMER, "返品について教えてください。")],
    )
    add_conversation(repo, conv, add_agents(repo))
    win = open_window(ctx=make_ctx())
    win.set_culture_data(load_culture(Paths(Path("/nonexistent-crossdesk-data"))))
    qtbot.waitUntil(lambda: "山本 健" in visible_names(win), timeout=5000)
    win.inbox.select_row(visible_names(win).index("山本 健"))
    qtbot.waitUntil(lambda: win.conversation.composer.conversation_id is not None, timeout=5000)
    qtbot.waitUntil(lambda: win.side_panel.culture is not None, timeout=5000)
    return win


def write(window: MainWindow, qtbot: QtBot, text: str) -> DraftCheck:
    check = window.draft_check
    window.conversation.composer.editor.setPlainText(text)
    qtbot.waitUntil(
        lambda: not check._debounce.isActive() and check._text == text and bool(check.findings),
        timeout=5000,
    )
    return check


def point_at(check: DraftCheck, index: int) -> QPoint:
    """Viewport coordinates over the character at ``index`` of the draft."""
    cursor = QTextCursor(check.editor.document())
    cursor.setPosition(index)
    left = check.editor.cursorRect(cursor)
    cursor.setPosition(index + 1)
    right = check.editor.cursorRect(cursor)
    return QPoint((left.x() + right.x()) // 2, left.center().y())


def cheap_findings(check: DraftCheck) -> list[str]:
    return [f.excerpt for f in check.findings if f.rule_id == "sensitive.cheap"]


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen: no stacking
def test_hovering_an_underline_says_why_and_what_instead(window: MainWindow, qtbot: QtBot) -> None:
    check = write(window, qtbot, DRAFT)
    assert cheap_findings(check) == ["cheap", "cheapest", "cheap"]
    viewport = check.editor.viewport()
    pos = point_at(check, DRAFT.index("cheap") + 2)
    QApplication.sendEvent(
        viewport, QHelpEvent(QEvent.Type.ToolTip, pos, viewport.mapToGlobal(pos))
    )
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    tip = QToolTip.text()
    assert "suggests poor quality" in tip
    assert "Try: Write &quot;affordable&quot;" in tip or 'Try: Write "affordable"' in tip
    assert "replace it with “affordable”" in tip
    assert check.tooltip_text(check.findings[0]).startswith("In Japan")
    # Over plain words there is no finding (and no tooltip of ours).
    assert check.finding_at(point_at(check, DRAFT.index("cable") + 1)) is None


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")  # offscreen
def test_replace_from_the_right_click_menu(window: MainWindow, qtbot: QtBot) -> None:
    check = write(window, qtbot, DRAFT)
    editor = check.editor
    pos = point_at(check, DRAFT.index("cheapest") + 3)
    chosen: list[str] = []

    def pick() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        chosen.extend(a.text() for a in menu.actions())
        next(a for a in menu.actions() if a.objectName() == "replaceFinding").trigger()
        menu.close()

    QTimer.singleShot(50, pick)
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, pos, editor.viewport().mapToGlobal(pos)
    )
    QApplication.sendEvent(editor.viewport(), event)
    assert chosen[:3] == ["Replace with “most affordable”", "Ignore “cheapest” in this reply", ""]
    assert any(text.startswith("&Copy") for text in chosen)  # the usual edit menu stays
    fixed = "Our cheap cable is the most affordable one, really cheap. Cheers"
    assert editor.toPlainText() == fixed
    assert cheap_findings(check) == ["cheap", "cheap"]  # at once, before the recheck
    last = check.findings[-1]
    assert fixed[last.start : last.end] == last.excerpt  # the later ones moved with the text
    qtbot.waitUntil(lambda: check._text == fixed and not check._debounce.isActive(), timeout=3000)
    assert cheap_findings(check) == ["cheap", "cheap"]
    editor.undo()  # one undo step brings the agent's word back
    assert editor.toPlainText() == DRAFT


def test_ignore_hides_the_phrase_while_the_draft_lives(window: MainWindow, qtbot: QtBot) -> None:
    check = write(window, qtbot, DRAFT)
    first = check.findings[0]
    assert first.excerpt == "cheap"
    menu = check.menu_for(first, QMenu())
    menu.actions()[-1].trigger()  # Ignore
    assert cheap_findings(check) == ["cheapest"]  # both "cheap", not the other phrase
    assert len(check.highlighter.spans) == len(check.findings)
    more = DRAFT + " and cheap."
    write(window, qtbot, more)
    assert cheap_findings(check) == ["cheapest"]  # still ignored as the agent types on
    window.conversation.composer.editor.setPlainText("")  # sent or emptied: a new draft
    write(window, qtbot, DRAFT)
    assert cheap_findings(check) == ["cheap", "cheapest", "cheap"]


def test_a_one_line_strip_that_opens_into_one_line_per_rule(
    window: MainWindow, qtbot: QtBot
) -> None:
    window.resize(1366, 768)
    check = write(window, qtbot, DRAFT)
    QApplication.processEvents()
    assert check.isVisible() and not check.summary.isVisible()
    assert check.toggle.text() == "⚠ 4 suggestions ▸"
    one_line = check.toggle.fontMetrics().height()
    assert check.height() <= one_line + 16
    qtbot.mouseClick(check.toggle, Qt.MouseButton.LeftButton)
    assert check.summary.isVisible()
    lines = check.summary.text().split("\n")
    assert len(lines) == 2  # "cheap" (three times) and "Cheers": two rules, two lines
    assert lines[0].startswith("⚠ “cheap”, “cheapest” (3×): In Japan")
    assert check.summary.text().count("suggests poor quality") == 1
    assert check.toggle.text().endswith("▾")
