"""Training over real HTTP: a trainer assigns a scenario on one desk and the trainee's desk
has it; an attempt recorded offline is sent once when the desk is back online and closes
the assignment everywhere; a scenario edited on two desks is a conflict the trainer
decides, like any other; a deleted scenario leaves every desk; a backend without the
training feed still syncs the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.config.paths import resources_dir
from app.domain.training import (
    AssignmentState,
    AttemptRecord,
    EndState,
    Outcome,
    PlayOptions,
)
from app.ops import sync_problems, training
from app.ops.review import me_id
from app.server.config import ServerConfig
from app.server.demo import DEMO_PASSWORD, load_demo_into
from app.sync import training as sync_training
from tests.contract.client import Api
from tests.contract.server import ADMIN_ID, AGENT_ID, RunningServer
from tests.helpers.keychain import MemoryKeyring
from tests.sync.accounts import add_password_account
from tests.sync.conftest import DeskFactory, ProxyFactory, Reference, assert_syncs_without
from tests.sync.harness import Desk
from tests.sync.proxy import DropAfterForward

TRAINER_ID = "sync-trainer"
TRAINER_PASSWORD = "trainer-password-1"
SCENARIO = "sa-ramadan-delay"
SCENARIO_FILE = resources_dir() / "training" / "scenarios" / f"{SCENARIO}.yaml"


@pytest.fixture
def desks(reference: Reference, make_desk: DeskFactory) -> tuple[Desk, Desk, Desk]:
    """Layla (a trainer, password), the admin's desk (API token) and the trainee's desk."""
    add_password_account(reference, TRAINER_ID, "Layla Haddad", "trainer", TRAINER_PASSWORD)
    trainer = make_desk("trainer", agent_id=TRAINER_ID, password=TRAINER_PASSWORD)
    admin_desk = make_desk("admin", agent_id=ADMIN_ID, api_token=reference.admin_token)
    trainee = make_desk("trainee")
    for desk in (trainer, admin_desk, trainee):
        desk.synced()  # everyone knows everyone (the agents list) and their roles
    return trainer, admin_desk, trainee


def _server(admin: Api, collection: str) -> dict[str, dict[str, object]]:
    items, _, _ = admin.drain(f"training/{collection}")
    return {item["id"]: item for item in items}


def _agent(desk: Desk, uid: str) -> int:
    agent = desk.runner.store_call(lambda repo: repo.conversations.agent_by_uid(uid))
    assert agent is not None, f"{uid} is not on this desk"
    return agent.id


def _attempt(desk: Desk, assignment_uid: str | None, uid: str = "att-offline-1") -> AttemptRecord:
    """A finished play as the play window records it (the trainee is "me")."""
    return AttemptRecord(
        uid=uid,
        scenario_id=SCENARIO,
        scenario_version=1,
        trainee_agent_id=desk.runner.store_call(me_id),
        trainee_name=None,
        trainee_language="zh",
        started_at=desk.clock() - 240,
        finished_at=desk.clock(),
        ending_id="thanked",
        end_state=EndState.RESOLVED,
        outcome=Outcome.SUCCESS,
        score=86.0,
        criteria={"greeting": 4, "empathy": 4, "etiquette": 3},
        path=("opening", "reassured", "thanked"),
        transcript_json=json.dumps({"transcript": [{"who": "customer", "text": "السلام عليكم"}]}),
        options=PlayOptions(translation=False, clock_speed=2.0),
        assignment_uid=assignment_uid,
    )


def test_an_assignment_made_on_one_desk_reaches_the_trainee(
    admin: Api, desks: tuple[Desk, Desk, Desk]
) -> None:
    trainer, admin_desk, trainee = desks
    assert trainer.runner.store_call(training.is_trainer)  # the role came from the server
    assert not trainee.runner.store_call(training.is_trainer)
    student = _agent(trainer, AGENT_ID)
    options = PlayOptions(translation=False, etiquette=True, clock_speed=2.0)
    due = trainer.clock() + 3 * 86400
    changes = trainer.runner.store_call(
        lambda repo: training.assign(
            repo, SCENARIO, [student], me_id(repo), due, options, trainer.clock()
        )
    )
    assert changes.training and changes.outbox
    report = trainer.synced()
    assert report.pushed == 1 and trainer.outbox() == []
    (on_server,) = _server(admin, "assignments").values()
    assert (on_server["scenario_id"], on_server["trainee_id"], on_server["assigned_by"]) == (
        SCENARIO,
        AGENT_ID,
        TRAINER_ID,
    )
    report = trainee.synced()
    assert report.changes.training
    me = trainee.runner.store_call(me_id)
    (given,) = trainee.runner.store_call(lambda repo: training.assignments(repo, trainee_id=me))
    assert (given.scenario_id, given.due_at, given.options, given.state) == (
        SCENARIO,
        due,
        options,
        AssignmentState.OPEN,
    )
    assert given.assigned_by_name == "Layla Haddad"
    assert trainee.outbox() == []  # what came from the server is not sent back
    admin_desk.synced()  # another trainer-capable desk sees it too
    assert len(admin_desk.runner.store_call(training.assignments)) == 1


def test_an_attempt_recorded_offline_is_sent_once_when_connected(
    admin: Api, desks: tuple[Desk, Desk, Desk], make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    trainer, _admin_desk, _trainee = desks
    student = _agent(trainer, AGENT_ID)
    trainer.runner.store_call(
        lambda repo: training.assign(
            repo, SCENARIO, [student], me_id(repo), None, PlayOptions(), trainer.clock()
        )
    )
    trainer.synced()
    proxy = make_proxy()
    trainee = make_desk("trainee-behind-proxy", url=proxy.base_url)
    trainee.synced()
    (given,) = trainee.runner.store_call(training.assignments)

    proxy.offline = True
    record = _attempt(trainee, given.uid)
    trainee.runner.store_call(lambda repo: training.record_attempt(repo, record, trainee.clock()))
    (done_here,) = trainee.runner.store_call(training.assignments)
    assert done_here.state is AssignmentState.DONE  # offline, at once
    report = trainee.sync()
    assert not report.online and report.pending == 1  # kept in the outbox
    (queued,) = trainee.outbox()
    assert queued.op == "put_training_attempt"

    proxy.offline = False
    proxy.requests.clear()
    path = f"/v1/training/attempts/{record.uid}"
    proxy.on("PUT", path, DropAfterForward())  # stored on the server, the answer lost
    trainee.synced()
    puts = proxy.seen("PUT", path)
    assert len(puts) == 2 and len({p.headers["idempotency-key"] for p in puts}) == 1
    assert trainee.outbox() == []
    (stored,) = _server(admin, "attempts").values()
    assert (stored["trainee_id"], stored["score"], stored["path"]) == (
        AGENT_ID,
        86.0,
        ["opening", "reassured", "thanked"],
    )
    assert _server(admin, "assignments")[given.uid]["state"] == "done"
    # the trainer sees the attempt, and the assignment done
    trainer.synced()
    (seen,) = trainer.runner.store_call(lambda repo: training.attempts(repo, trainee_id=student))
    assert (seen.uid, seen.trainee_name, seen.score, seen.path[-1]) == (
        record.uid,
        "Conformance Agent",
        86.0,
        "thanked",
    )
    assert json.loads(seen.transcript_json) == json.loads(record.transcript_json)
    (closed,) = trainer.runner.store_call(training.assignments)
    assert closed.state is AssignmentState.DONE
    assert trainer.outbox() == []


def _edit(desk: Desk, title: str) -> None:
    text = SCENARIO_FILE.read_text(encoding="utf-8")
    edited = text.replace('title: {en: "', f'title: {{en: "{title} ', 1)
    assert edited != text
    desk.runner.store_call(
        lambda repo: training.save_scenario(repo, edited, me_id(repo), desk.clock())
    )


def _saved_title(desk: Desk) -> str:
    (saved,) = desk.runner.store_call(training.saved_scenarios)
    line = next(line for line in saved[1].splitlines() if line.startswith("title:"))
    return line


def test_a_scenario_edited_on_two_desks_is_a_conflict_the_trainer_decides(
    admin: Api, desks: tuple[Desk, Desk, Desk]
) -> None:
    trainer, admin_desk, trainee = desks
    _edit(trainer, "(team)")
    trainer.synced()
    admin_desk.synced()
    trainee.synced()
    assert trainee.runner.store_call(training.saved_scenarios)[0][0] == SCENARIO  # they play it
    # both change the title; the admin's desk syncs first
    _edit(admin_desk, "(admin)")
    admin_desk.synced()
    _edit(trainer, "(Layla)")
    report = trainer.synced()
    assert report.conflicts == 1
    (operation,) = trainer.outbox()
    assert operation.op == "put_training_scenario" and operation.state == "conflict"
    (problem,) = trainer.runner.store_call(sync_problems.list_problems)
    assert problem.item == "scenario"
    # nothing was overwritten: the server keeps the admin's title, Layla sees hers
    assert "(admin)" in str(_server(admin, "scenarios")[SCENARIO]["yaml"])
    assert "(Layla)" in _saved_title(trainer)
    trainer.runner.store_call(lambda repo: sync_problems.keep_mine(repo, operation.id))
    trainer.synced()
    assert trainer.outbox() == []
    assert "(Layla)" in str(_server(admin, "scenarios")[SCENARIO]["yaml"])
    # the admin's desk now edits a stale copy, and takes the server's
    _edit(admin_desk, "(again)")
    admin_desk.synced()
    (conflict,) = admin_desk.outbox()
    changes = admin_desk.runner.store_call(
        lambda repo: sync_problems.keep_theirs(repo, conflict.id)
    )
    assert changes.training and admin_desk.outbox() == []
    assert "(Layla)" in _saved_title(admin_desk)
    admin_desk.synced()
    assert admin_desk.outbox() == []


def test_a_deleted_scenario_leaves_every_desk(admin: Api, desks: tuple[Desk, Desk, Desk]) -> None:
    trainer, _admin_desk, trainee = desks
    _edit(trainer, "(team)")
    trainer.synced()
    trainee.synced()
    assert len(trainee.runner.store_call(training.saved_scenarios)) == 1
    trainer.runner.store_call(
        lambda repo: training.delete_scenario(repo, SCENARIO, trainer.clock())
    )
    assert trainer.runner.store_call(training.saved_scenarios) == []  # gone here at once
    sync_training.collect(trainer.engine)  # what the next push sends
    assert [op.op for op in trainer.outbox()] == ["delete_training_scenario"]
    trainer.synced()
    assert trainer.outbox() == [] and trainer.query("SELECT count(*) FROM training_scenarios") == [
        (0,)
    ]
    assert SCENARIO not in _server(admin, "scenarios")
    trainee.synced()
    assert trainee.runner.store_call(training.saved_scenarios) == []


def test_a_backend_without_the_training_feed_still_syncs(
    admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    assert_syncs_without("/v1/training/scenarios/changes", admin, make_desk, make_proxy)


def test_a_lead_signing_in_to_the_demo_server_sees_the_demo_training(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    config = ServerConfig(data_dir=tmp_path / "server")
    server = RunningServer(config).start()
    try:
        load_demo_into(server.state.db, config)
        desk = Desk.open(
            tmp_path / "li-wei.sqlite3", server.base_url, agent_id="li.wei", password=DEMO_PASSWORD
        )
        try:
            desk.synced()
            chen = _agent(desk, "chen.jing")
            tries = desk.runner.store_call(
                lambda repo: training.attempts(repo, trainee_id=chen, scenario_id=SCENARIO)
            )
            assert [a.score for a in tries] == [20.2, 50.0, 100.0]  # the trainer's chart
            assert len(desk.runner.store_call(training.attempts)) == 5
            states = {
                a.uid: a.state for a in desk.runner.store_call(training.assignments)
            }  # the attempt that answered it closed it on the server
            assert states == {
                "demo-assignment-ramadan": AssignmentState.DONE,
                "demo-assignment-angry-mx": AssignmentState.OPEN,
                "demo-assignment-bargaining": AssignmentState.OPEN,
            }
            assert desk.outbox() == []
        finally:
            desk.close()
    finally:
        server.stop()
