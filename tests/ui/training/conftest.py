"""Fixtures for the training window's tests: the standard inbox with a small practice
scenario saved by a trainer (tests/ui/training/data/practice-es.yaml), and the window
opened from View → Training…"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from app.domain.training import PlayOptions
from app.storage.store import Store
from app.ui.shell.main_window import MainWindow
from app.ui.training.play_view import PlayView
from app.ui.training.window import TrainingWindow
from tests.helpers.builders import NOW
from tests.helpers.fixtures import ContextFactory
from tests.ui.conftest import WindowFactory
from tests.ui.helpers import focus
from tests.ui.training.trainer_host import TrainerHost, trainer_desk

PRACTICE = Path(__file__).parent / "data" / "practice-es.yaml"
PRACTICE_ID = "practice-es"


def counts(repo: Store) -> dict[str, int]:
    """What a real conversation would leave behind: conversations, messages, drafts, the
    outbox."""
    conn = repo._link.conn
    tables = ("conversations", "messages", "drafts", "outbox")
    return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}


@pytest.fixture
def practice(repo: Store, standard_inbox: dict[str, int]) -> dict[str, int]:
    """The standard inbox, and the practice scenario saved by a trainer."""
    repo.training.save_scenario(PRACTICE_ID, PRACTICE.read_text(encoding="utf-8"), None, NOW)
    return counts(repo)


@pytest.fixture
def host(repo: Store, make_ctx: ContextFactory, qtbot: QtBot) -> TrainerHost:
    """A trainer's stand-in for the window, for the tests that drive one of its dialogs."""
    host, _agents = trainer_desk(repo, make_ctx, qtbot)
    return host


def open_training(window: MainWindow, qtbot: QtBot) -> TrainingWindow:
    """View → Training…, then wait for the scenarios."""
    action = window.training.action
    assert action.isEnabled()  # every agent: trainees are agents
    assert action.shortcut().toString() == "Ctrl+Shift+E"  # Ctrl+Shift+T is Tags…
    others = [a for a in window.actions() if a is not action]
    assert all(action.shortcut() not in a.shortcuts() for a in others)
    menus = [a.menu() for a in window.menuBar().actions()]
    assert any(isinstance(m, QMenu) and action in m.actions() for m in menus)
    action.trigger()
    view = window.training.view
    assert view is not None
    qtbot.addWidget(view)
    view.resize(1366, 768)
    qtbot.waitUntil(
        lambda: view.training_data is not None and view.culture is not None, timeout=20000
    )
    return view


TrainingFactory = Callable[..., TrainingWindow]


@pytest.fixture
def training_window(
    practice: dict[str, int], open_window: WindowFactory, qtbot: QtBot
) -> TrainingFactory:
    def factory(lang: str = "en") -> TrainingWindow:
        window = focus(open_window(lang), qtbot)
        return open_training(window, qtbot)

    return factory


def start(view: TrainingWindow, qtbot: QtBot, **options: object) -> PlayView:
    """Choose the practice scenario and press Start (with these options)."""
    assert view.browser.select(PRACTICE_ID)
    if options:
        chosen = PlayOptions(**options)  # type: ignore[arg-type]
        view.browser.translate_box.setChecked(chosen.translation)
        view.browser.etiquette_box.setChecked(chosen.etiquette)
        view.browser.speed_box.setValue(chosen.clock_speed)
    view.browser.start_button.click()
    play = view.current
    assert play is not None
    qtbot.waitUntil(lambda: bool(play.play.steps), timeout=5000)
    return play


def thread(play: PlayView) -> str:
    return play.thread_view.toPlainText().replace("\u2068", "").replace("\u2069", "")


def send(play: PlayView, qtbot: QtBot, text: str) -> None:
    before = len(play.play.steps)
    play.composer.editor.setPlainText(text)
    play.composer.send_button.click()
    qtbot.waitUntil(lambda: len(play.play.steps) > before, timeout=5000)
