"""The Trainer menu of the real training window (opened from View → Training…): a
trainer's entries work end to end (a new scenario saved from the editor joins the list,
a built-in one is edited and exported); anyone else sees them disabled, told why."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app.config.paths import resources_dir
from app.domain.review import Role
from app.ops import review, training
from app.storage.store import Store
from app.ui.training.assign_dialog import AssignDialog
from app.ui.training.attempts_view import AttemptsDialog
from app.ui.training.editor import ScenarioEditorDialog
from app.ui.training.trainer import TrainerTools
from app.ui.training.window import TrainingWindow
from tests.helpers.builders import NOW
from tests.ui.training.conftest import TrainingFactory

pytestmark = pytest.mark.gui

ENTRIES = [
    "New scenario…",
    "Edit scenario…",
    "Import scenarios…",
    "Export scenario…",
    "Delete scenario…",
    "Assign…",
    "Attempts and progress…",
]


def me_as(repo: Store, role: Role) -> int:
    """Give the signed-in agent this one role, before the window opens (its menu follows)."""
    me = review.me_id(repo)
    assert me is not None
    review.set_roles(repo, me, [role])
    return me


def opened(training_window: TrainingFactory) -> tuple[TrainingWindow, TrainerTools]:
    """The window opened from View → Training…, and its trainer's tools."""
    view = training_window()
    tools = getattr(view, "trainer_tools", None)
    assert isinstance(tools, TrainerTools)
    return view, tools


def test_a_trainer_writes_a_new_scenario_and_it_joins_the_list(
    repo: Store, training_window: TrainingFactory, qtbot: QtBot
) -> None:
    me_as(repo, Role.TRAINER)
    view, tools = opened(training_window)
    assert [a.text() for a in view.trainer_menu().actions()] == ENTRIES
    qtbot.waitUntil(lambda: all(a.isEnabled() for a in tools.actions.values()), timeout=5000)

    tools.actions["newScenario"].trigger()
    editor = view.findChild(ScenarioEditorDialog)
    assert isinstance(editor, ScenarioEditorDialog) and editor.isVisible()
    text = editor.editor.toPlainText()
    with qtbot.waitSignal(editor.checked, timeout=5000):
        editor.replace_text(text.replace("id: new-scenario ", "id: us-parcel-late ", 1))
    assert editor.scenario is not None
    with qtbot.waitSignals([editor.saved, view.changed], timeout=5000):
        editor.save_button.click()
    qtbot.waitUntil(
        lambda: (
            view.training_data is not None
            and "us-parcel-late" in view.training_data.scenarios.scenarios
        ),
        timeout=10000,
    )
    assert view.browser.select("us-parcel-late")

    tools.actions["assignScenarios"].trigger()
    assert isinstance(view.findChild(AssignDialog), AssignDialog)
    tools.actions["trainingAttempts"].trigger()
    assert isinstance(view.findChild(AttemptsDialog), AttemptsDialog)


def test_a_trainer_edits_and_exports_the_selected_scenario(
    repo: Store,
    training_window: TrainingFactory,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    me_as(repo, Role.LEAD)
    view, tools = opened(training_window)
    qtbot.waitUntil(lambda: tools.actions["editScenario"].isEnabled(), timeout=5000)
    assert view.training_data is not None
    sid = "mx-angry"
    assert view.browser.select(sid)
    offered: list[int] = []

    def pick(_p: object, _t: str, _l: str, items: list[str], current: int, _e: bool) -> tuple:
        offered.append(current)
        return items[current], True

    monkeypatch.setattr(QInputDialog, "getItem", pick)
    tools.actions["editScenario"].trigger()
    editor = view.findChild(ScenarioEditorDialog)
    assert isinstance(editor, ScenarioEditorDialog)
    assert editor.builtin and editor.editor.toPlainText() == view.training_data.scenarios.texts[sid]
    editor.close()

    target = tmp_path / f"{sid}.yaml"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(target), ""))
    tools.actions["exportScenario"].trigger()
    assert target.read_text(encoding="utf-8") == view.training_data.scenarios.texts[sid]
    assert len(offered) == 2 and offered[0] == offered[1]  # the selected one, both times
    assert training.saved_scenarios(repo)[0][0] == "practice-es"  # nothing else saved


def test_an_agent_sees_the_trainer_entries_disabled_and_why(
    repo: Store, training_window: TrainingFactory, qtbot: QtBot
) -> None:
    view, tools = opened(training_window)
    view.trainer_menu().aboutToShow.emit()
    assert view.trainer_menu().toolTipsVisible()
    for action in tools.actions.values():
        assert not action.isEnabled()
        assert action.toolTip() == "Only a trainer, team lead or admin can use the trainer's tools."
    tools.new_scenario()  # a shortcut or a stale menu cannot open it either
    assert view.findChild(ScenarioEditorDialog) is None


def test_a_trainer_deletes_the_teams_version_and_the_built_in_one_returns(
    repo: Store, training_window: TrainingFactory, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    me = me_as(repo, Role.TRAINER)
    builtin = (resources_dir() / "training" / "scenarios" / "mx-angry.yaml").read_text("utf-8")
    ours = builtin.replace("version: 1\n", "version: 2\n", 1)
    training.save_scenario(repo, ours, me, NOW)
    view, tools = opened(training_window)
    qtbot.waitUntil(lambda: tools.actions["deleteScenario"].isEnabled(), timeout=5000)
    assert view.training_data is not None
    assert view.training_data.scenarios.scenarios["mx-angry"].version == 2
    offered: list[list[str]] = []

    def pick(_p: object, _t: str, _l: str, items: list[str], _c: int, _e: bool) -> tuple:
        offered.append(items)
        return next(i for i in items if i.endswith("(mx-angry)")), True

    monkeypatch.setattr(QInputDialog, "getItem", pick)
    tools.actions["deleteScenario"].trigger()
    assert [len(items) for items in offered] == [2]  # only the team's saved scenarios
    box = tools.box
    assert isinstance(box, QMessageBox)
    assert "built-in scenario of that id is used again" in box.text()
    with qtbot.waitSignal(view.data_loaded, timeout=10000):
        next(b for b in box.buttons() if b.text() == "Delete").click()
    assert [sid for sid, _text in training.saved_scenarios(repo)] == ["practice-es"]
    assert view.training_data.scenarios.scenarios["mx-angry"].version == 1
    assert view.training_data.scenarios.origins["mx-angry"] == "builtin"


def test_test_play_from_the_editor_plays_in_the_window_and_records_nothing(
    repo: Store, training_window: TrainingFactory, qtbot: QtBot
) -> None:
    me_as(repo, Role.TRAINER)
    view, tools = opened(training_window)
    qtbot.waitUntil(lambda: tools.actions["newScenario"].isEnabled(), timeout=5000)
    tools.actions["newScenario"].trigger()
    editor = view.findChild(ScenarioEditorDialog)
    assert isinstance(editor, ScenarioEditorDialog)
    assert not editor.isModal()  # the trainer plays beside the editor
    assert editor.play_button.isEnabled()
    editor.play_button.click()
    qtbot.waitUntil(
        lambda: view.current is not None and bool(view.current.play.steps), timeout=5000
    )
    assert view.current is not None
    assert view.current.play.scenario.id == "new-scenario"
    assert training.attempts(repo) == [] and training.saved_scenarios(repo)[0][0] == "practice-es"
    assert editor.isVisible()
