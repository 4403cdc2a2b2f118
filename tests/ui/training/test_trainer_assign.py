"""A trainer assigns a scenario to a trainee with a due date and options: the assignment
is stored for that trainee, listed as open, and can be cancelled from the same dialog."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QListWidget
from pytestqt.qtbot import QtBot

from app.domain.review import Role
from app.domain.training import AssignmentState
from app.ops import training
from app.storage.store import Store
from app.ui.training.assign_dialog import ID_ROLE, STATE, AssignDialog
from tests.helpers.fixtures import ContextFactory
from tests.ui.training.trainer_host import TrainerHost, a_builtin_id, cell, trainer_desk

pytestmark = pytest.mark.gui


def tick(widget: QListWidget, value: object) -> None:
    for row in range(widget.count()):
        item = widget.item(row)
        if item.data(ID_ROLE) == value:
            item.setCheckState(Qt.CheckState.Checked)
            return
    raise AssertionError(f"{value!r} is not offered")


def open_dialog(qtbot: QtBot, host: TrainerHost) -> AssignDialog:
    dialog = AssignDialog(host, host)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_an_assignment_is_stored_for_the_trainee_and_can_be_cancelled(
    repo: Store, make_ctx: ContextFactory, qtbot: QtBot
) -> None:
    host, agents = trainer_desk(repo, make_ctx, qtbot)
    dialog = open_dialog(qtbot, host)
    names = [dialog.trainees.item(r).text() for r in range(dialog.trainees.count())]
    assert sorted(names) == ["Carl Colleague", "Mei Agent"]
    sid = a_builtin_id()
    tick(dialog.scenarios, sid)
    tick(dialog.trainees, agents["colleague"])
    dialog.has_due.setChecked(True)
    dialog.due.setDate(QDate(2026, 12, 4))
    dialog.etiquette.setChecked(False)
    dialog.clock_speed.setValue(2.5)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.assign_button.click()
    assert dialog.status.text() == "1 assignment given."

    (given,) = training.assignments(repo, trainee_id=agents["colleague"])
    assert given.scenario_id == sid and given.state is AssignmentState.OPEN
    assert given.assigned_by_agent_id == agents["me"]
    assert given.options.translation and not given.options.etiquette
    assert given.options.clock_speed == 2.5
    assert given.due_at is not None
    due = dt.datetime.fromtimestamp(given.due_at)
    assert (due.year, due.month, due.day, due.hour) == (2026, 12, 4, 23)
    assert training.assignments(repo, trainee_id=agents["me"]) == []

    assert dialog.table.rowCount() == 1
    assert cell(dialog.table, 0, 1) == "Carl Colleague"
    assert cell(dialog.table, 0, STATE) == "Open"
    assert not dialog.cancel_button.isEnabled()
    dialog.table.selectRow(0)
    assert dialog.cancel_button.isEnabled()
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.cancel_button.click()
    (cancelled,) = training.assignments(repo, trainee_id=agents["colleague"])
    assert cancelled.state is AssignmentState.CANCELLED
    assert cell(dialog.table, 0, STATE) == "Cancelled"


def test_assigning_needs_a_scenario_and_a_trainee(
    repo: Store, make_ctx: ContextFactory, qtbot: QtBot
) -> None:
    host, agents = trainer_desk(repo, make_ctx, qtbot)
    dialog = open_dialog(qtbot, host)
    tick(dialog.trainees, agents["colleague"])
    dialog.assign_button.click()
    assert dialog.status.text() == "Choose at least one scenario and one trainee."
    assert training.assignments(repo) == []


def test_an_agent_who_is_not_a_trainer_is_told_why_nothing_was_assigned(
    repo: Store, make_ctx: ContextFactory, qtbot: QtBot
) -> None:
    host, agents = trainer_desk(repo, make_ctx, qtbot, roles=(Role.AGENT,))
    dialog = open_dialog(qtbot, host)
    tick(dialog.scenarios, a_builtin_id())
    tick(dialog.trainees, agents["colleague"])
    dialog.assign_button.click()
    assert "Only a trainer, team lead or admin can assign" in dialog.status.text()
    assert training.assignments(repo) == []
