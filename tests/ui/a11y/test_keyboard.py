"""Everything from the keyboard: Tab goes round the main window in a sensible order and
comes back (no trap); every dialog the app opens is tabbed through, its default button
reached, and Escape closes it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTabBar,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.domain.models import Channel
from app.ui.inbox.model import ROW_ROLE
from app.ui.shell.main_window import MainWindow
from tests.ui.a11y.conftest import DemoFactory
from tests.ui.a11y.walk import describe, describe_all, tab_through, within

pytestmark = pytest.mark.gui
OPERABLE = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
)


def open_an_email(window: MainWindow, qtbot: QtBot) -> None:
    """Open an e-mail conversation (no reply window to close the composer) and type a
    reply, so Send is enabled."""
    model = window.inbox.model
    row = next(
        i
        for i in range(model.rowCount())
        if model.data(model.index(i), ROW_ROLE).channel is Channel.EMAIL
    )
    window.inbox.select_row(row)
    wanted = model.data(model.index(row), ROW_ROLE).id
    qtbot.waitUntil(lambda: window.conversation.conversation_id == wanted)
    composer = window.conversation.composer
    composer.editor.setPlainText("Thank you, we are on it.")
    qtbot.waitUntil(composer.send_button.isEnabled)


def first_index(chain: list[QWidget], region: QWidget) -> int:
    found = [i for i, w in enumerate(chain) if within(w, region)]
    assert found, f"Tab never reaches {describe(region)}: {describe_all(chain)}"
    return found[0]


def test_tab_goes_round_the_main_window_in_order(demo: DemoFactory, qtbot: QtBot) -> None:
    window = demo("en")
    open_an_email(window, qtbot)
    conversation = window.conversation
    chain = tab_through(window.inbox.list)  # raises if focus is trapped or never comes back
    assert chain[-1] is window.inbox.list
    order = [
        first_index(chain, conversation.header),
        first_index(chain, conversation.thread_view),
        first_index(chain, conversation.composer.editor),
        first_index(chain, conversation.composer.send_button),
        first_index(chain, window.side_panel),
        first_index(chain, window.inbox.queues),
        first_index(chain, window.inbox.filters.search),
        len(chain) - 1,  # the conversation list again: round we went
    ]
    assert order == sorted(order), describe_all(chain)
    # Shift+Tab walks back: from the list to the filter bar.
    window.inbox.list.setFocus()
    QTest.keyClick(window.inbox.list, Qt.Key.Key_Backtab)
    focused = QApplication.focusWidget()
    assert focused is not None and within(focused, window.inbox.filters)


def operable_children(dialog: QDialog) -> list[QWidget]:
    """What a user could operate in the dialog as it opened: visible, enabled, takes Tab."""
    return [
        w
        for w in dialog.findChildren(QWidget)
        if isinstance(w, OPERABLE)
        and w.isVisible()
        and w.isEnabled()
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.focusProxy() is None
        and not isinstance(w.parent(), QLineEdit)  # a line edit's clear button: a mouse aid
        and not exclusive_and_unchecked(w)
    ]


def exclusive_and_unchecked(widget: QWidget) -> bool:
    """One of a group of radio buttons that is not chosen: Tab reaches the chosen one,
    the arrow keys the others (as every platform does)."""
    if not isinstance(widget, QAbstractButton) or widget.isChecked():
        return False
    group = widget.group()
    return bool(widget.autoExclusive() or (group is not None and group.exclusive()))


def dialog_openers(window: MainWindow) -> dict[str, Callable[[], object]]:
    """Every dialog the main window opens: the menus' "…" entries and the dialogs the
    panes open (snooze, templates, merge, an article)."""
    actions = {a.text(): a for menu in window.menuBar().findChildren(QMenu) for a in menu.actions()}
    openers: dict[str, Callable[[], object]] = {
        text: actions[text].trigger
        for text in (
            "Sign in to a server…",
            "Settings…",
            "Export transcript…",
            "Review queues…",
            "Scorecard rubric…",
            "Feedback on my conversations…",
            "Language packs…",
            "Glossary…",
            "Translation memory…",
            "Canned replies…",
            "Keyboard shortcuts",
        )
    }
    openers["Snooze (pick a time)"] = window.conversation.pick_snooze
    merge = window.side_panel.customer.findChild(QPushButton, "mergeCustomers")
    assert merge is not None
    openers["Merge customers"] = merge.click
    return openers


def new_dialog(before: set[QWidget]) -> QDialog | None:
    return next(
        (
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QDialog) and w.isVisible() and w not in before
        ),
        None,
    )


def check_dialog(
    name: str, opener: Callable[[], object], qtbot: QtBot, window: MainWindow | None = None
) -> list[str]:
    """Open one dialog, let what it loads arrive (a button it enables later must be
    reached too), Tab through it, close it with Escape; what went wrong."""
    before = set(QApplication.topLevelWidgets())
    opener()
    qtbot.waitUntil(lambda: new_dialog(before) is not None, timeout=5000)
    dialog = new_dialog(before)
    assert dialog is not None
    if window is not None:
        tasks = window._ctx.tasks
        qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    operable = operable_children(dialog)
    start = QApplication.focusWidget()
    assert start is not None and within(start, dialog), name
    failures: list[str] = []
    try:
        chain = tab_through(start, presses=len(operable) * 3 + 10)
    except AssertionError as error:
        failures.append(f"{name}: {error}")
    else:
        missed = [w for w in operable if w not in chain]
        if missed:
            failures.append(f"{name}: Tab never reaches {describe_all(missed)}")
        default = next(
            (b for b in dialog.findChildren(QPushButton) if b.isDefault() and b.isVisible()),
            None,
        )
        if default is not None and default.isEnabled() and default not in chain:
            failures.append(f"{name}: the default button {describe(default)} is not reached")
    QTest.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    return failures


def test_every_dialog_is_operable_from_the_keyboard(demo: DemoFactory, qtbot: QtBot) -> None:
    window = demo("en")
    open_an_email(window, qtbot)
    failures: list[str] = []
    openers = dialog_openers(window)
    assert len(openers) >= 13
    for name, opener in openers.items():
        failures += check_dialog(name, opener, qtbot, window)
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    assert not failures, "\n".join(failures)
