"""The training tables (storage v9) over a real SQLite file: saved scenarios, assignments
and attempts as the domain's values, and the mirror the training sync reads and writes
(what is unsent, acknowledgements, a pull never overwriting an unsent change)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from app.domain.training import (
    MAX_TRANSCRIPT_JSON,
    AssignmentState,
    AttemptRecord,
    PlayOptions,
)
from app.storage import migrations
from app.storage.migrations import MIGRATIONS, migrate
from app.storage.remote_training import (
    DELETE_SCENARIO,
    PUT_ASSIGNMENT,
    PUT_ATTEMPT,
    PUT_SCENARIO,
    outbox_key,
)
from app.storage.sqlite import sqlite3
from app.storage.store import Store
from tests.helpers.builders import NOW, add_agents
from tests.helpers.sql import sql
from tests.helpers.training import attempt_record

SCENARIO = "id: jp-broken-kettle\nversion: 1\n"


def attempt(uid: str, trainee: int | None, **fields: object) -> AttemptRecord:
    """An attempt with options off their defaults and a non-ASCII transcript, so a round
    trip through the tables shows both survive."""
    kept: dict[str, object] = {
        "trainee_language": "zh",
        "transcript_json": json.dumps({"transcript": [{"who": "customer", "text": "壊れました"}]}),
        "options": PlayOptions(translation=False, etiquette=True, clock_speed=2.0),
    }
    return attempt_record(trainee, uid, **{**kept, **fields})


@pytest.fixture
def agents(repo: Store) -> dict[str, int]:
    return add_agents(repo)


def test_a_saved_scenario_keeps_its_text_and_each_save_raises_its_version(
    repo: Store, agents: dict[str, int]
) -> None:
    assert repo.training.save_scenario("jp-broken-kettle", SCENARIO, agents["me"], NOW) == 1
    edited = SCENARIO.replace("version: 1", "version: 2")
    assert repo.training.save_scenario("jp-broken-kettle", edited, agents["me"], NOW + 5) == 2
    saved = repo.training.saved_scenario("jp-broken-kettle")
    assert saved is not None
    assert (saved.body, saved.version, saved.updated_at, saved.updated_by) == (
        edited,
        2,
        NOW + 5,
        agents["me"],
    )


def test_deleting_a_scenario_never_sent_removes_it_and_one_the_server_has_waits(
    repo: Store, agents: dict[str, int]
) -> None:
    repo.training.save_scenario("local-only", SCENARIO, agents["me"], NOW)
    repo.training.save_scenario("on-server", SCENARIO, agents["me"], NOW)
    with repo.transaction():
        assert repo.remote_training.acknowledge("training_scenarios", "on-server", 1, 4)
    assert repo.training.delete_scenario("local-only", NOW)
    assert repo.training.delete_scenario("on-server", NOW)
    assert not repo.training.delete_scenario("never-saved", NOW)
    assert repo.training.saved_scenarios() == []  # neither is offered any more
    rows = sql(repo).execute("SELECT uid, deleted, version FROM training_scenarios").fetchall()
    assert rows == [("on-server", 1, 5)]  # kept, marked, until the server deletes it too
    assert [(d.op, d.uid, d.server_version) for d in repo.remote_training.dirty()] == [
        (DELETE_SCENARIO, "on-server", 4)
    ]
    with repo.transaction():
        assert repo.remote_training.acknowledge_delete("on-server", 5)
    assert sql(repo).execute("SELECT count(*) FROM training_scenarios").fetchone() == (0,)


def test_assignments_list_open_ones_first_soonest_due_first(
    repo: Store, agents: dict[str, int]
) -> None:
    options = PlayOptions(translation=False, clock_speed=4.0)
    later = repo.training.add_assignment("a-later", agents["me"], agents["colleague"], NOW + 900,
                                         options, NOW)  # fmt: skip
    sooner = repo.training.add_assignment("b-sooner", agents["me"], None, NOW + 60, options, NOW)
    other = repo.training.add_assignment("c-other", agents["colleague"], None, None, options, NOW)
    assert repo.training.set_assignment_state(sooner, AssignmentState.DONE, NOW + 1)
    mine = repo.training.assignments(agents["me"])
    assert [a.uid for a in mine] == [later, sooner]
    first = mine[0]
    assert (first.scenario_id, first.trainee_name, first.assigned_by_name, first.options) == (
        "a-later",
        "Mei Agent",
        "Carl Colleague",
        options,
    )
    assert mine[1].state is AssignmentState.DONE and mine[1].version == 2
    assert {a.uid for a in repo.training.assignments()} == {later, sooner, other}


def test_an_attempt_is_stored_once_and_read_back_whole(repo: Store, agents: dict[str, int]) -> None:
    record = attempt("att-1", agents["me"], assignment_uid="as-1")
    first = repo.training.add_attempt(record)
    assert repo.training.add_attempt(replace(record, score=10.0)) == first  # same uid: kept
    stored = repo.training.attempt("att-1")
    assert stored == replace(record, trainee_name="Mei Agent", id=first)
    repo.training.add_attempt(attempt("att-0", agents["me"], finished_at=NOW - 100))
    repo.training.add_attempt(attempt("att-2", agents["colleague"], scenario_id="sa-ramadan"))
    assert [a.uid for a in repo.training.attempts(agents["me"])] == ["att-0", "att-1"]
    assert [a.uid for a in repo.training.attempts(scenario_id="sa-ramadan")] == ["att-2"]


def test_the_table_refuses_a_transcript_over_the_bound(repo: Store, agents: dict[str, int]) -> None:
    huge = json.dumps({"x": "y" * MAX_TRANSCRIPT_JSON})
    with pytest.raises(sqlite3.IntegrityError):
        repo.training.add_attempt(attempt("att-big", agents["me"], transcript_json=huge))
    assert repo.training.attempts() == []


def test_unsent_rows_are_found_once_and_the_body_read_when_sent(
    repo: Store, agents: dict[str, int]
) -> None:
    repo.training.save_scenario("jp-broken-kettle", SCENARIO, agents["me"], NOW)
    uid = repo.training.add_assignment(
        "jp-broken-kettle", agents["colleague"], agents["me"], NOW + 60, PlayOptions(), NOW
    )
    repo.training.add_attempt(attempt("att-1", agents["me"]))
    found = {(d.op, d.uid) for d in repo.remote_training.dirty()}
    assert found == {
        (PUT_SCENARIO, "jp-broken-kettle"),
        (PUT_ASSIGNMENT, uid),
        (PUT_ATTEMPT, "att-1"),
    }
    with repo.transaction():
        for d in repo.remote_training.dirty():
            repo.outbox.enqueue(outbox_key(d.uid), d.op, {"uid": d.uid}, NOW)
    assert repo.remote_training.dirty() == []  # queued once
    version, body = repo.remote_training.assignment_body(uid) or (0, {})
    assert version == 1
    assert body == {
        "scenario_id": "jp-broken-kettle",
        "trainee_id": "colleague",
        "due_at": NOW + 60,
        "options": {"clock_speed": 1.0, "etiquette": True, "translation": True},
        "state": "open",
    }
    sent = repo.remote_training.attempt_body("att-1") or {}
    assert (sent["trainee_id"], sent["path"], sent["transcript"]["transcript"][0]["who"]) == (
        "me",
        ["opening", "thanked"],
        "customer",
    )
    assert repo.remote_training.scenario_body("jp-broken-kettle") == (1, False, {"yaml": SCENARIO})


def test_a_pull_never_overwrites_an_unsent_edit(repo: Store, agents: dict[str, int]) -> None:
    server = {"id": "jp-broken-kettle", "yaml": "id: theirs\n", "updated_at": NOW, "version": 3,
              "updated_by": "colleague"}  # fmt: skip
    with repo.transaction():
        repo.remote_training.upsert_scenarios([server])
    saved = repo.training.saved_scenario("jp-broken-kettle")
    assert saved is not None and saved.updated_by == agents["colleague"]
    repo.training.save_scenario("jp-broken-kettle", SCENARIO, agents["me"], NOW + 1)  # mine, v4
    with repo.transaction():
        repo.remote_training.upsert_scenarios([{**server, "version": 4, "yaml": "id: newer\n"}])
    saved = repo.training.saved_scenario("jp-broken-kettle")
    assert saved is not None and saved.body == SCENARIO  # kept until sent (a 412 decides)
    with repo.transaction():  # the trainer dropped theirs: the server's copy comes in
        repo.remote_training.take_server_copy(PUT_SCENARIO, {**server, "version": 4})
    saved = repo.training.saved_scenario("jp-broken-kettle")
    assert saved is not None and (saved.body, saved.version) == ("id: theirs\n", 4)
    assert repo.remote_training.dirty() == []


def test_pulled_assignments_need_their_trainee_and_tombstones_drop_queued_changes(
    repo: Store, agents: dict[str, int]
) -> None:
    item = {"id": "as-9", "scenario_id": "jp-broken-kettle", "trainee_id": "me",
            "assigned_by": "colleague", "due_at": None, "options": {"clock_speed": 2.0},
            "state": "open", "created_at": NOW, "updated_at": NOW, "version": 1}  # fmt: skip
    with repo.transaction():
        stored, skipped = repo.remote_training.upsert_assignments(
            [item, {**item, "id": "as-10", "trainee_id": "nobody-here"}]
        )
    assert (stored, skipped) == (1, 1)
    pulled = repo.training.assignment("as-9")
    assert pulled is not None and pulled.options == PlayOptions(clock_speed=2.0)
    assert pulled.assigned_by_agent_id == agents["colleague"]
    repo.training.set_assignment_state("as-9", AssignmentState.CANCELLED, NOW)
    with repo.transaction():
        repo.outbox.enqueue(outbox_key("as-9"), PUT_ASSIGNMENT, {"uid": "as-9"}, NOW)
        assert repo.remote_training.remove("training_assignments", ["as-9"]) == 1
    assert repo.training.assignment("as-9") is None
    assert repo.outbox.pending() == []


def test_an_attempt_pulled_back_is_acknowledged_not_duplicated(
    repo: Store, agents: dict[str, int]
) -> None:
    repo.training.add_attempt(attempt("att-1", agents["me"]))
    wire = {**(repo.remote_training.attempt_body("att-1") or {}), "id": "att-1", "version": 1}
    other = {**wire, "id": "att-2", "trainee_id": "colleague", "score": 40.0}
    with repo.transaction():
        assert repo.remote_training.upsert_attempts([wire, other]) == 2
    assert repo.remote_training.dirty() == []
    records = {a.uid: a for a in repo.training.attempts()}
    assert set(records) == {"att-1", "att-2"}
    assert records["att-2"].trainee_name == "Carl Colleague" and records["att-2"].score == 40.0
    assert json.loads(records["att-2"].transcript_json) == json.loads(
        records["att-1"].transcript_json
    )


def test_a_version_8_store_keeps_its_outbox_and_gains_the_training_tables(tmp_path: Path) -> None:
    path = tmp_path / "v8.sqlite3"
    conn = sqlite3.connect(path)
    migrate(conn, MIGRATIONS[:8])
    conn.execute(
        "INSERT INTO outbox (conversation_uid, op, payload, idempotency_key, created_at)"
        " VALUES ('c-1', 'put_review', '{\"uid\": \"r-1\"}', 'key-1', ?)",
        (NOW,),
    )
    conn.commit()
    conn.close()
    repo = Store.open(path)
    try:
        assert migrations.current_version(sql(repo)) == migrations.LATEST
        (kept,) = repo.outbox.pending()
        assert (kept.op, kept.payload, kept.idempotency_key) == (
            "put_review",
            {"uid": "r-1"},
            "key-1",
        )
        with repo.transaction():  # the widened list of operations takes the training ones
            repo.outbox.enqueue(outbox_key("att-1"), PUT_ATTEMPT, {"uid": "att-1"}, NOW)
        assert [op.op for op in repo.outbox.pending()] == ["put_review", PUT_ATTEMPT]
        assert repo.training.attempts() == [] and repo.training.saved_scenarios() == []
    finally:
        repo.close()
