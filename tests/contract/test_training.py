"""Training in the contract: scenarios trainers save, assignments and the trainees'
attempts sync under the review objects' rules - feeds with cursors and tombstones, PUT with
If-Match (412 when stale, absent: create only) and Idempotency-Key, problem documents. Only
trainers, leads and admins write scenarios and assignments; every account records its own
attempts, once; an agent reads every scenario and only their own assignments and attempts."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from app.contract.training_models import (
    Assignment,
    AssignmentChanges,
    Attempt,
    AttemptChanges,
    ScenarioChanges,
)
from app.domain.training import MAX_TRANSCRIPT_JSON
from tests.contract.client import Api, expect_problem, new_id
from tests.contract.feed_checks import (
    check_compaction_expires_cursors,
    check_delete_needs_the_version,
    check_foreign_cursors_are_400,
    check_pages_match,
    ids,
)

FEEDS: dict[str, type[ScenarioChanges | AssignmentChanges | AttemptChanges]] = {
    "training/scenarios": ScenarioChanges,
    "training/assignments": AssignmentChanges,
    "training/attempts": AttemptChanges,
}
YAML = "# A defective kettle, Japan\nid: {id}\nversion: 1\ncountry: JP\n"


def scenario_id() -> str:
    return f"sc-{uuid.uuid4().hex[:12]}"


def _assignment(
    trainee: str, scenario: str = "jp-defective-kettle", **fields: Any
) -> dict[str, Any]:
    return {
        "scenario_id": scenario,
        "trainee_id": trainee,
        "due_at": 1_900_000_000,
        "options": {"translation": False, "etiquette": True, "clock_speed": 2.0},
        **fields,
    }


def _attempt(trainee: str, **fields: Any) -> dict[str, Any]:
    return {
        "scenario_id": "jp-defective-kettle",
        "scenario_version": 1,
        "trainee_id": trainee,
        "trainee_language": "zh",
        "started_at": 1_800_000_000,
        "finished_at": 1_800_000_240,
        "ending_id": "apology_accepted",
        "end_state": "resolved",
        "outcome": "success",
        "score": 84.5,
        "criteria": {"greeting": 4, "empathy": 3, "etiquette": 4},
        "path": ["opening", "asks_photo", "apology_accepted"],
        "transcript": {"transcript": [{"who": "customer", "text": "ケトルが壊れていました"}]},
        "options": {"translation": True, "etiquette": True, "clock_speed": 1.0},
        **fields,
    }


@pytest.fixture(autouse=True)
def _only_if_advertised(api: Api) -> None:
    """Training is optional in the contract: tested where /v1/me advertises it (the
    reference server does, so there it always runs)."""
    if not api.get("/v1/me").json().get("capabilities", {}).get("scenarios"):
        pytest.skip("this backend does not advertise capabilities.scenarios")


def _me(api: Api) -> str:
    """The caller's account id (GET /v1/me)."""
    return str(api.get("/v1/me").json()["agent"]["id"])


def _other(api: Api, *not_these: str) -> str:
    """Another agent of the backend (GET /v1/agents): a trainee who is not the caller."""
    agents = api.get("/v1/agents").json()["items"]
    return next(a["id"] for a in agents if a["id"] not in not_these)


def test_the_server_says_it_has_the_training_feeds(agent_api: Api) -> None:
    me = agent_api.get("/v1/me")
    assert me.status_code == 200 and me.json()["capabilities"]["scenarios"] is True


@pytest.mark.parametrize("collection", sorted(FEEDS))
def test_feed_pages_match_the_contract_models(api: Api, agent_api: Api, collection: str) -> None:
    check_pages_match(api, agent_api, collection, FEEDS[collection])


def test_a_scenario_is_created_once_replaced_under_if_match_and_read_by_everyone(
    api: Api, agent_api: Api
) -> None:
    _, _, cursor = agent_api.drain("training/scenarios")
    ident = scenario_id()
    path = f"/v1/training/scenarios/{ident}"
    created = api.put(path, {"yaml": YAML.format(id=ident)})
    assert created.status_code == 201, created.text
    assert created.headers["etag"] == '"1"'
    assert created.json()["updated_by"] and created.json()["yaml"].startswith("# A defective")
    again = expect_problem(api.put(path, {"yaml": "id: x\n"}), 412, "version_mismatch")
    assert again.current is not None and again.current["version"] == 1
    edited = YAML.format(id=ident).replace("version: 1", "version: 2")
    replaced = api.put(path, {"yaml": edited}, if_match='"1"')
    assert (replaced.status_code, replaced.json()["version"]) == (200, 2), replaced.text
    stale = expect_problem(
        api.put(path, {"yaml": "id: y\n"}, if_match='"1"'), 412, "version_mismatch"
    )
    assert stale.current is not None and stale.current["yaml"] == edited
    # every account reads scenarios (trainees play them); only trainers write
    items, _, _ = agent_api.drain("training/scenarios", cursor)
    assert [i for i in items if i["id"] == ident] == [replaced.json()]
    expect_problem(agent_api.put(path, {"yaml": "id: z\n"}, if_match='"2"'), 403, "forbidden")
    expect_problem(agent_api.delete(path, if_match='"2"'), 403, "forbidden")


def test_deleting_a_scenario_needs_its_version_and_leaves_a_tombstone(api: Api) -> None:
    ident = scenario_id()
    path = f"/v1/training/scenarios/{ident}"
    assert api.put(path, {"yaml": YAML.format(id=ident)}).status_code == 201
    assert api.put(path, {"yaml": "id: two\n"}, if_match='"1"').status_code == 200
    check_delete_needs_the_version(api, path, "training/scenarios")
    expect_problem(api.delete(path, if_match='"2"'), 404, "not_found")
    expect_problem(api.put(path, {"yaml": "id: x\n"}, if_match='"2"'), 404, "not_found")


def test_assignments_reach_their_trainee_only_and_keep_their_trainee(
    api: Api, agent_api: Api, agent_credentials: tuple[str, str]
) -> None:
    agent_id = agent_credentials[0]
    _, _, agent_cursor = agent_api.drain("training/assignments")
    mine_path = f"/v1/training/assignments/{new_id('as')}"
    mine = api.put(mine_path, _assignment(agent_id))
    assert mine.status_code == 201, mine.text
    created = Assignment.model_validate(mine.json())
    assert (created.state, created.version, created.options.clock_speed) == ("open", 1, 2.0)
    assert created.assigned_by  # the account that created it
    other = _other(api, agent_id)
    others = api.put(f"/v1/training/assignments/{new_id('as')}", _assignment(other))
    assert others.status_code == 201, others.text
    items, _, agent_cursor = agent_api.drain("training/assignments", agent_cursor)
    assert items == [mine.json()]  # not the other trainee's
    assert others.json()["id"] in ids(api, "training/assignments")  # trainers read all
    cancelled = api.put(mine_path, _assignment(agent_id, state="cancelled"), if_match='"1"')
    assert cancelled.status_code == 200 and cancelled.json()["version"] == 2
    moved = api.put(mine_path, _assignment(other), if_match='"2"')
    assert expect_problem(moved, 422, "validation_failed").errors[0].pointer == "/trainee_id"
    expect_problem(
        agent_api.put(mine_path, _assignment(agent_id), if_match='"2"'), 403, "forbidden"
    )
    unknown = api.put(f"/v1/training/assignments/{new_id('as')}", _assignment("nobody-here"))
    assert expect_problem(unknown, 422, "validation_failed").errors[0].pointer == "/trainee_id"
    born_done = api.put(
        f"/v1/training/assignments/{new_id('as')}", _assignment(agent_id, state="done")
    )
    assert expect_problem(born_done, 422, "validation_failed").errors[0].pointer == "/state"


def test_an_attempt_is_recorded_once_by_its_trainee_and_closes_its_assignment(
    api: Api, agent_api: Api, agent_credentials: tuple[str, str]
) -> None:
    agent_id = agent_credentials[0]
    assignment = api.put(f"/v1/training/assignments/{new_id('as')}", _assignment(agent_id))
    assert assignment.status_code == 201, assignment.text
    _, _, assignments_cursor = agent_api.drain("training/assignments")
    _, _, attempts_cursor = api.drain("training/attempts")
    path = f"/v1/training/attempts/{new_id('att')}"
    body = _attempt(agent_id, assignment_id=assignment.json()["id"])
    recorded = agent_api.put(path, body)
    assert recorded.status_code == 201, recorded.text
    stored = Attempt.model_validate(recorded.json())
    assert (stored.score, stored.path[-1], stored.version) == (84.5, "apology_accepted", 1)
    assert stored.transcript == body["transcript"]
    # delivered again after a lost answer (a new key): the stored one, never a second
    again = agent_api.put(path, body)
    assert again.status_code == 200 and again.json() == recorded.json()
    expect_problem(agent_api.put(path, {**body, "score": 12.0}), 409, "attempt_conflict")
    # the assignment it answers is done, in the trainee's feed too
    items, _, _ = agent_api.drain("training/assignments", assignments_cursor)
    assert [(i["id"], i["state"], i["version"]) for i in items] == [
        (assignment.json()["id"], "done", 2)
    ]
    reopened = api.put(
        f"/v1/training/assignments/{assignment.json()['id']}", _assignment(agent_id), if_match='"2"'
    )
    assert expect_problem(reopened, 422, "validation_failed").errors[0].pointer == "/state"
    # the trainer reads every attempt; nobody records one for someone else
    assert ids(api, "training/attempts", attempts_cursor) == {recorded.json()["id"]}
    other = _other(api, agent_id)
    someone_else = agent_api.put(f"/v1/training/attempts/{new_id('att')}", _attempt(other))
    expect_problem(someone_else, 403, "forbidden")


def test_an_agent_reads_only_their_own_attempts(
    api: Api, agent_api: Api, agent_credentials: tuple[str, str]
) -> None:
    _, _, cursor = agent_api.drain("training/attempts")
    admin_attempt = api.put(f"/v1/training/attempts/{new_id('att')}", _attempt(_me(api)))
    assert admin_attempt.status_code == 201, admin_attempt.text
    mine = agent_api.put(f"/v1/training/attempts/{new_id('att')}", _attempt(agent_credentials[0]))
    assert mine.status_code == 201, mine.text
    assert ids(agent_api, "training/attempts", cursor) == {mine.json()["id"]}


@pytest.mark.parametrize(
    ("fields", "pointer"),
    [
        ({"score": 100.5}, "/score"),
        ({"trainee_language": "fr"}, "/trainee_language"),
        ({"path": ["opening", "Not An Id"]}, "/path/1"),
        ({"criteria": {"greeting": 11}}, "/criteria/greeting"),
        ({"scenario_id": "X"}, "/scenario_id"),
        ({"options": {"clock_speed": 50}}, "/options/clock_speed"),
        ({"transcript": {"text": "x" * MAX_TRANSCRIPT_JSON}}, ""),
        ({"finished_at": 1_700_000_000}, ""),
    ],
)
def test_invalid_attempts_are_422_with_the_field(
    agent_api: Api, agent_credentials: tuple[str, str], fields: dict[str, Any], pointer: str
) -> None:
    body = {**_attempt(agent_credentials[0]), **fields}
    problem = expect_problem(
        agent_api.put(f"/v1/training/attempts/{new_id('att')}", body), 422, "validation_failed"
    )
    assert pointer in {e.pointer for e in problem.errors}, problem


def test_invalid_scenarios_and_assignments_are_422(api: Api, agent_api: Api) -> None:
    too_long = api.put(f"/v1/training/scenarios/{scenario_id()}", {"yaml": "x" * 200_001})
    assert expect_problem(too_long, 422, "validation_failed").errors[0].pointer == "/yaml"
    expect_problem(api.put(f"/v1/training/scenarios/{scenario_id()}", {"yaml": ""}), 422,
                   "validation_failed")  # fmt: skip
    bad_id = api.put("/v1/training/scenarios/Not_An_Id", {"yaml": "id: x\n"})
    expect_problem(bad_id, 422, "validation_failed")
    slow = _assignment(_me(agent_api), options={"clock_speed": 0.1})
    response = api.put(f"/v1/training/assignments/{new_id('as')}", slow)
    assert expect_problem(response, 422, "validation_failed").errors[0].pointer == (
        "/options/clock_speed"
    )


def test_a_write_replays_under_its_idempotency_key(api: Api) -> None:
    ident = scenario_id()
    path = f"/v1/training/scenarios/{ident}"
    key = str(uuid.uuid4())
    body = {"yaml": YAML.format(id=ident)}
    first = api.put(path, body, key=key)
    second = api.put(path, body, key=key)  # the response was lost: the retry replays it
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers.get("idempotent-replayed") == "true"
    expect_problem(api.put(path, {"yaml": "id: other\n"}, key=key), 422, "idempotency_key_reused")
    expect_problem(api.http.put(path, json=body), 400, "idempotency_key_missing")


@pytest.mark.parametrize("collection", sorted(FEEDS))
def test_a_cursor_of_another_feed_is_400(api: Api, collection: str) -> None:
    check_foreign_cursors_are_400(api, collection)


@pytest.mark.test_hooks
def test_compaction_expires_training_cursors_with_410(api: Api) -> None:
    trainee = _me(api)

    def write() -> str:
        response = api.put(f"/v1/training/assignments/{new_id('as')}", _assignment(trainee))
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    check_compaction_expires_cursors(api, "training/assignments", write)


def test_a_page_of_attempts_holds_at_most_50(
    api: Api, agent_api: Api, agent_credentials: tuple[str, str]
) -> None:
    _, _, cursor = api.drain("training/attempts")
    for _ in range(51):
        response = agent_api.put(
            f"/v1/training/attempts/{new_id('att')}", _attempt(agent_credentials[0])
        )
        assert response.status_code == 201, response.text
    page = api.feed("training/attempts", cursor, limit=500).json()
    assert len(page["items"]) == 50 and page["has_more"] is True
    items, _, _ = api.drain("training/attempts", page["next_cursor"])
    assert len(items) == 1
