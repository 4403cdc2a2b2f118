"""A trainer follows a trainee's attempts: the table lists them (date, scenario, score,
ending, language, time), the chart holds one point per attempt (finished time, score),
the scenario filter narrows both, and a double-click shows the attempt again."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from pytestqt.qtbot import QtBot

from app.domain.training import AttemptRecord, EndState, Outcome
from app.ops.culture import load_culture
from app.ops.training_play import headless_play
from app.storage.store import Store
from app.ui.training.attempts_view import (
    DATE,
    ENDING,
    LANGUAGE,
    SCENARIO,
    SCORE,
    TIME,
    AttemptDebriefDialog,
    AttemptsDialog,
)
from tests.helpers.builders import NOW
from tests.helpers.fixtures import ContextFactory
from tests.ui.training.trainer_host import a_builtin_id, cell, trainer_desk

pytestmark = pytest.mark.gui

REPLY = "Hello, I am very sorry for the trouble. Let me check your order right away."


def attempt(
    n: int, trainee: int, scenario_id: str, score: float, finished: int, language: str = "en"
) -> AttemptRecord:
    good = score >= 60
    return AttemptRecord(
        uid=f"attempt-{n}",
        scenario_id=scenario_id,
        scenario_version=1,
        trainee_agent_id=trainee,
        trainee_name=None,
        trainee_language=language,
        started_at=finished - 185,
        finished_at=finished,
        ending_id="thanked" if good else "gave_up",
        end_state=EndState.RESOLVED if good else EndState.LEFT,
        outcome=Outcome.SUCCESS if good else Outcome.FAILURE,
        score=score,
        criteria={"greeting": 4},
        path=("opening",),
        transcript_json=json.dumps({"scenario": scenario_id, "score": score, "n": n}),
    )


def test_a_trainees_attempts_show_in_the_table_and_on_the_chart(
    repo: Store, make_ctx: ContextFactory, qtbot: QtBot
) -> None:
    host, agents = trainer_desk(repo, make_ctx, qtbot)
    colleague, me = agents["colleague"], agents["me"]
    first = a_builtin_id()
    assert host.training_data is not None
    other = sorted(set(host.training_data.scenarios.scenarios) - {first})[0]
    day = 86_400
    culture = load_culture(host.ctx.paths)
    report = headless_play(host.training_data, culture, first, [REPLY], trainee_language="en")
    records = [
        replace(attempt(1, colleague, first, 42.0, NOW - 3 * day), transcript_json="not a report"),
        attempt(2, colleague, other, 61.5, NOW - 2 * day, "zh"),
        replace(attempt(3, colleague, first, 88.0, NOW - day), transcript_json=json.dumps(report)),
        attempt(4, me, first, 70.0, NOW - day),  # someone else's: not shown
    ]
    for record in records:
        repo.training.add_attempt(record)

    dialog = AttemptsDialog(host, host)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.choose(colleague)
    table = dialog.table
    assert table.rowCount() == 3
    assert [cell(table, r, SCORE) for r in range(3)] == ["42", "61.5", "88"]
    assert cell(table, 0, SCENARIO).endswith(f"({first})")
    assert cell(table, 1, SCENARIO).endswith(f"({other})")
    assert cell(table, 0, ENDING) == "Failure (The customer left)"
    assert cell(table, 2, ENDING) == "Success (Resolved)"
    assert [cell(table, r, LANGUAGE) for r in range(3)] == ["English", "Chinese", "English"]
    assert cell(table, 0, TIME) == "3:05"
    assert cell(table, 0, DATE)
    x, y = dialog.chart.curve.getData()
    assert list(y) == [42.0, 61.5, 88.0]
    assert list(x) == [float(NOW - 3 * day), float(NOW - 2 * day), float(NOW - day)]
    assert dialog.summary.text() == "3 attempts, average score 63.8."

    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.choose(colleague, first)
    assert table.rowCount() == 2
    x, y = dialog.chart.curve.getData()
    assert list(y) == [42.0, 88.0]

    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.choose(None)
    assert table.rowCount() == 4 and not table.isColumnHidden(1)

    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.choose(colleague)
    dialog.table.cellDoubleClicked.emit(2, SCORE)
    shown = dialog.findChild(AttemptDebriefDialog)
    assert isinstance(shown, AttemptDebriefDialog) and shown.isVisible()
    assert shown.debrief is not None and not shown.debrief.try_button.isVisible()
    assert REPLY in shown.text()  # the trainee's reply, in the debrief's transcript
    shown.close()

    dialog.open_debrief(0)  # a record that cannot be read is shown as it is
    raw = [d for d in dialog.findChildren(AttemptDebriefDialog) if d.isVisible()]
    assert len(raw) == 1 and raw[0].debrief is None
    assert raw[0].text() == "not a report"


def test_no_attempts_yet(repo: Store, make_ctx: ContextFactory, qtbot: QtBot) -> None:
    host, agents = trainer_desk(repo, make_ctx, qtbot)
    dialog = AttemptsDialog(host, host)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.choose(agents["colleague"])
    assert dialog.table.rowCount() == 0
    assert dialog.summary.text() == "No attempts yet."
    x, _y = dialog.chart.curve.getData()
    assert x is None or len(x) == 0
