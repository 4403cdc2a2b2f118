"""A trainer's records through the operations, over a real store: who may save, delete and
assign; what is checked before anything is written; an attempt closing its assignment; the
Changes each write returns (the outbox only for a workspace that syncs)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from app.config.paths import Paths, resources_dir
from app.domain.datafiles import DataFileError
from app.domain.review import Role
from app.domain.training import (
    MAX_TRANSCRIPT_JSON,
    AssignmentState,
    EndState,
    Outcome,
    PlayOptions,
    TrainingError,
)
from app.ops import review, training
from app.ops.demo import load_demo_into
from app.ops.outbox import mark_server_workspace
from app.storage.store import Store
from tests.helpers.builders import NOW, add_agents
from tests.helpers.training import ATTEMPT_SCENARIO, attempt_record

SCENARIO = ATTEMPT_SCENARIO  # the attempts' scenario: an attempt closes its assignment
SCENARIO_TEXT = (resources_dir() / "training" / "scenarios" / f"{SCENARIO}.yaml").read_text(
    encoding="utf-8"
)


@pytest.fixture
def agents(repo: Store) -> dict[str, int]:
    """'me' is a trainer; 'colleague' an agent (a trainee)."""
    ids = add_agents(repo)
    review.set_roles(repo, ids["me"], [Role.AGENT, Role.TRAINER])
    return ids


def _as_colleague(repo: Store) -> None:
    repo.meta.set("me_agent_uid", "colleague")


def test_a_trainer_assigns_a_scenario_to_trainees(repo: Store, agents: dict[str, int]) -> None:
    options = PlayOptions(translation=False, etiquette=False, clock_speed=3.0)
    changes = training.assign(
        repo, SCENARIO, [agents["colleague"], agents["me"]], agents["me"], NOW + 86400, options, NOW
    )
    assert changes.training and not changes.outbox  # a local workspace sends nothing
    given = training.assignments(repo, trainee_id=agents["colleague"])
    assert [(a.scenario_id, a.due_at, a.options, a.state, a.assigned_by_name) for a in given] == [
        (SCENARIO, NOW + 86400, options, AssignmentState.OPEN, "Mei Agent")
    ]
    assert len(training.assignments(repo)) == 2
    assert [a.name for a in training.trainees(repo)] == ["Carl Colleague", "Mei Agent"]


@pytest.mark.parametrize(
    ("scenario", "trainees", "options", "message"),
    [
        ("no-such-scenario", "colleague", PlayOptions(), "There is no scenario"),
        (SCENARIO, "", PlayOptions(), "Choose at least one trainee"),
        (SCENARIO, "ghost", PlayOptions(), "not in this workspace"),
        (SCENARIO, "colleague", PlayOptions(clock_speed=40.0), "clock speed"),
        (SCENARIO, "colleague", PlayOptions(clock_speed=float("nan")), "clock speed"),
        ("../../etc/passwd", "colleague", PlayOptions(), "There is no scenario"),
    ],
)
def test_a_bad_assignment_is_refused_with_a_clear_message(
    repo: Store,
    agents: dict[str, int],
    scenario: str,
    trainees: str,
    options: PlayOptions,
    message: str,
) -> None:
    ids = [agents.get(trainees, 999)] if trainees else []
    with pytest.raises(TrainingError, match=message):
        training.assign(repo, scenario, ids, agents["me"], None, options, NOW)
    assert training.assignments(repo) == []


def test_only_trainers_leads_and_admins_assign_save_delete_and_cancel(
    repo: Store, agents: dict[str, int]
) -> None:
    training.assign(repo, SCENARIO, [agents["colleague"]], agents["me"], None, PlayOptions(), NOW)
    (given,) = training.assignments(repo)
    _as_colleague(repo)  # a plain agent
    with pytest.raises(TrainingError, match="trainer, team lead or admin can assign"):
        training.assign(
            repo, SCENARIO, [agents["me"]], agents["colleague"], None, PlayOptions(), NOW
        )
    with pytest.raises(TrainingError, match="trainer, team lead or admin can cancel"):
        training.cancel_assignment(repo, given.uid, NOW)
    with pytest.raises(TrainingError, match="trainer, team lead or admin can save"):
        training.save_scenario(repo, SCENARIO_TEXT, agents["colleague"], NOW)
    with pytest.raises(TrainingError, match="trainer, team lead or admin can save"):
        training.delete_scenario(repo, SCENARIO, NOW)
    review.set_roles(repo, agents["colleague"], [Role.LEAD])  # a lead may
    training.cancel_assignment(repo, given.uid, NOW + 1)
    (cancelled,) = training.assignments(repo)
    assert cancelled.state is AssignmentState.CANCELLED and cancelled.version == 2


def test_an_attempt_is_the_players_own_and_closes_its_assignment(
    repo: Store, agents: dict[str, int]
) -> None:
    training.assign(repo, SCENARIO, [agents["colleague"]], agents["me"], None, PlayOptions(), NOW)
    (given,) = training.assignments(repo)
    _as_colleague(repo)
    someone_else = attempt_record(agents["me"], assignment_uid=given.uid)
    with pytest.raises(TrainingError, match="recorded by the trainee who played it"):
        training.record_attempt(repo, someone_else, NOW)
    played = attempt_record(None, assignment_uid=given.uid)  # "me" is the player
    changes = training.record_attempt(repo, played, NOW)
    assert changes.training
    (stored,) = training.attempts(repo, trainee_id=agents["colleague"])
    assert (stored.trainee_name, stored.score, stored.assignment_uid) == (
        "Carl Colleague",
        77.5,
        given.uid,
    )
    (done,) = training.assignments(repo)
    assert done.state is AssignmentState.DONE
    assert done.version == 1  # nothing to send: the server closes it when the attempt arrives
    review.set_roles(repo, agents["colleague"], [Role.TRAINER])
    with pytest.raises(TrainingError, match="done: it cannot be cancelled"):
        training.cancel_assignment(repo, given.uid, NOW)
    assert training.attempts(repo, scenario_id="other") == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"transcript_json": json.dumps({"x": "y" * MAX_TRANSCRIPT_JSON})}, "too long to keep"),
        ({"trainee_language": "fr"}, "English or Chinese"),
        ({"score": 120.0}, "not valid"),
        ({"finished_at": NOW - 500}, "not valid"),
        ({"path": ("x" * 100,)}, "not valid"),
        ({"criteria": {"greeting": 99}}, "not valid"),
        ({"options": PlayOptions(clock_speed=0.0)}, "clock speed"),
    ],
)
def test_a_bad_attempt_is_refused_and_nothing_is_stored(
    repo: Store, agents: dict[str, int], fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(TrainingError, match=message):
        training.record_attempt(repo, attempt_record(agents["me"], **fields), NOW)
    assert training.attempts(repo) == []


def test_a_trainer_saves_edits_and_deletes_a_scenario(repo: Store, agents: dict[str, int]) -> None:
    changes = training.save_scenario(repo, SCENARIO_TEXT, agents["me"], NOW)
    assert changes.training
    assert training.saved_scenarios(repo) == [(SCENARIO, SCENARIO_TEXT)]
    edited = SCENARIO_TEXT.replace('title: {en: "', 'title: {en: "Team: ', 1)
    training.save_scenario(repo, edited, agents["me"], NOW + 1)
    assert training.saved_scenarios(repo) == [(SCENARIO, edited)]
    training.delete_scenario(repo, SCENARIO, NOW + 2)
    assert training.saved_scenarios(repo) == []
    with pytest.raises(TrainingError, match="There is no saved scenario"):
        training.delete_scenario(repo, SCENARIO, NOW + 3)


def test_a_broken_scenario_is_refused_naming_its_line(repo: Store, agents: dict[str, int]) -> None:
    broken = SCENARIO_TEXT.replace("start: ", "start: nowhere_at_all\n# was: ", 1)
    with pytest.raises(DataFileError) as raised:
        training.save_scenario(repo, broken, agents["me"], NOW)
    assert raised.value.line is not None
    with pytest.raises(TrainingError, match="at most 200000 characters"):
        training.save_scenario(repo, "#" * 200_001, agents["me"], NOW)
    assert training.saved_scenarios(repo) == []


def test_in_a_synced_workspace_every_write_asks_for_a_sync(
    repo: Store, agents: dict[str, int]
) -> None:
    mark_server_workspace(repo, "https://desk.example", "me", "Mei Agent")
    assign = training.assign(
        repo, SCENARIO, [agents["colleague"]], agents["me"], None, PlayOptions(), NOW
    )
    recorded = training.record_attempt(repo, attempt_record(agents["me"]), NOW)
    assert assign.outbox and assign.training and recorded.outbox and recorded.training
    ops = {d.op for d in repo.remote_training.dirty()}
    assert ops == {"put_training_assignment", "put_training_attempt"}


# ------------------------------------------------------------------ the demo
DEMO = resources_dir() / "demo"


def test_the_offline_demo_has_assignments_and_attempts_over_time(repo: Store) -> None:
    load_demo_into(repo, DEMO, NOW)
    chen = repo.conversations.agent_by_uid("chen.jing")
    assert chen is not None
    tries = training.attempts(repo, trainee_id=chen.id, scenario_id=SCENARIO)
    assert [a.score for a in tries] == [20.2, 50.0, 100.0]  # the chart shows progress
    assert (tries[-1].end_state, tries[-1].outcome) == (EndState.RESOLVED, Outcome.SUCCESS)
    assert [a.finished_at for a in tries] == sorted(a.finished_at for a in tries)
    assert all(a.finished_at < NOW and a.started_at < a.finished_at for a in tries)
    states = {a.scenario_id: a.state for a in training.assignments(repo, trainee_id=chen.id)}
    assert states == {SCENARIO: AssignmentState.DONE, "mx-angry": AssignmentState.OPEN}
    played = json.loads(tries[-1].transcript_json)
    assert played["ending"]["id"] == "thanked" and played["transcript"][0]["who"] == "trainee"
    # loading again (the demo files changed) adds nothing twice
    repo.meta.set("demo_fingerprint", "changed")
    load_demo_into(repo, DEMO, NOW + 60)
    assert len(training.attempts(repo)) == 5 and len(training.assignments(repo)) == 3


def test_the_demo_attempts_are_what_the_engine_gives_for_their_replies(tmp_path: Path) -> None:
    from app.contract.demo_schema import load_demo
    from app.contract.demo_training_schema import SCENARIOS, load_training_demo
    from app.ops.culture import load_culture
    from app.ops.training_play import headless_play, load_training

    rubric = review.default_rubric()
    data = load_training_demo(
        DEMO / "training.yaml", load_demo(DEMO), rubric, DEMO.parent / SCENARIOS
    )
    paths = Paths(tmp_path / "data")
    scenarios, culture = load_training(paths), load_culture(paths)
    for attempt in data.attempts:
        played = headless_play(
            scenarios, culture, attempt.scenario, attempt.replies, attempt.waits,
            attempt.language, "en", rubric,
        )  # fmt: skip
        assert (played["ending"]["id"], played["path"]) == (attempt.ending, attempt.path), (
            attempt.id
        )
        assert played["score"] == pytest.approx(attempt.score, abs=0.05), attempt.id
        assert {c["key"]: c["points"] for c in played["criteria"]} == attempt.criteria, attempt.id


def test_a_broken_training_demo_file_names_its_line(repo: Store, tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    (tmp_path / "training").symlink_to(resources_dir() / "training")
    text = (folder / "training.yaml").read_text(encoding="utf-8")
    (folder / "training.yaml").write_text(
        text.replace("ending: settled", "ending: nowhere").replace(
            "impatient, settled]", "impatient, nowhere]"
        ),
        encoding="utf-8",
    )
    with pytest.raises(DataFileError) as raised:
        load_demo_into(repo, folder, NOW)
    assert raised.value.line is not None and "'nowhere' is not an ending" in str(raised.value)
    assert training.attempts(repo) == []
