"""Roles and scopes (contract 1.2) on the reference server: an account limited to teams or
regions reads only those conversations, in lists, feeds and by id (404 outside, never
403), their messages and review records with them; a cursor of an older scope is 410.

Scoped accounts are made on the server itself (a backend has its own admin tools for
that), so these tests are the reference server's: marked ``reference``.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.server import auth
from app.server.cli import main
from tests.contract.client import Api, expect_problem, new_id
from tests.contract.server import RunningServer, reference_config

pytestmark = pytest.mark.reference


@dataclass
class World:
    server: RunningServer
    admin: Api
    eu_agent: Api
    eu_lead: Api
    apac_agent: Api
    br_agent: Api  # limited by region only
    free_agent: Api  # no teams, no regions: not limited
    eu: dict[str, Any]  # conversation of team eu, region BR
    apac: dict[str, Any]  # conversation of team apac, region JP
    loose: dict[str, Any]  # no team, no region


def _deliver(admin: Api, *, team: str | None, region: str | None) -> dict[str, Any]:
    message_id = new_id("msg")
    payload = {
        "conversation": {
            "id": new_id("conv"),
            "customer": {"id": new_id("cust"), "name": "Ana Souza", "country": "BR"},
            "channel": "email",
            **({"team": team} if team else {}),
            **({"region": region} if region else {}),
        },
        "message": {"id": message_id, "body": "Where is my order?"},
    }
    response = admin.post("/v1/inbound/messages", payload)
    assert response.status_code == 201, response.text
    conversation: dict[str, Any] = response.json()["conversation"]
    conversation["first_message_id"] = message_id
    return conversation


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    data_dir: Path = tmp_path_factory.mktemp("scoped-server")
    server = RunningServer(reference_config(data_dir, rate_limit=0)).start()
    state = server.state
    accounts: dict[str, tuple[list[str], list[str], list[str]]] = {
        "admin-1": (["admin"], [], []),
        "eu-agent": (["agent"], ["eu"], []),
        "eu-lead": (["lead"], ["eu"], []),
        "apac-agent": (["agent"], ["apac"], []),
        "br-agent": (["agent"], [], ["BR"]),
        "free-agent": (["agent"], [], []),
    }
    tokens: dict[str, str] = {}
    with state.db.write() as conn:
        for account_id, (roles, teams, regions) in accounts.items():
            auth.create_account(
                conn,
                account_id=account_id,
                name=account_id,
                roles=roles,
                now=state.now(),
                teams=teams,
                regions=regions,
            )
            tokens[account_id] = auth.create_api_token(conn, account_id, state.now())
    clients = {k: Api(server.base_url, v) for k, v in tokens.items()}
    admin = clients["admin-1"]
    try:
        yield World(
            server=server,
            admin=admin,
            eu_agent=clients["eu-agent"],
            eu_lead=clients["eu-lead"],
            apac_agent=clients["apac-agent"],
            br_agent=clients["br-agent"],
            free_agent=clients["free-agent"],
            eu=_deliver(admin, team="eu", region="BR"),
            apac=_deliver(admin, team="apac", region="JP"),
            loose=_deliver(admin, team=None, region=None),
        )
    finally:
        for client in clients.values():
            client.close()
        server.stop()


def _ids(api: Api, collection: str) -> set[str]:
    items, _deleted, _cursor = api.drain(collection)
    return {item["id"] for item in items}


def _conversation_ids(api: Api, collection: str) -> set[str]:
    items, _deleted, _cursor = api.drain(collection)
    return {item["conversation_id"] for item in items}


def test_me_names_the_teams_and_regions(world: World) -> None:
    agent = world.eu_agent.get("/v1/me").json()["agent"]
    assert (agent["teams"], agent["regions"]) == (["eu"], [])
    assert world.br_agent.get("/v1/me").json()["agent"]["regions"] == ["BR"]
    listed = {a["id"]: a for a in world.admin.get("/v1/agents").json()["items"]}
    assert listed["apac-agent"]["teams"] == ["apac"]


def test_a_conversation_carries_its_team_and_region(world: World) -> None:
    assert (world.eu["team"], world.eu["region"]) == ("eu", "BR")
    assert world.loose.get("team") is None


def test_the_conversation_feed_holds_only_the_callers_scope(world: World) -> None:
    eu, apac, loose = world.eu["id"], world.apac["id"], world.loose["id"]
    assert {eu, apac, loose} <= _ids(world.admin, "conversations")
    assert {eu, apac, loose} <= _ids(world.free_agent, "conversations")
    assert _ids(world.eu_agent, "conversations") == {eu}
    assert _ids(world.eu_lead, "conversations") == {eu}
    assert _ids(world.apac_agent, "conversations") == {apac}
    assert _ids(world.br_agent, "conversations") == {eu}  # region BR, whatever the team


def test_the_message_feed_holds_only_messages_of_the_scope(world: World) -> None:
    assert _conversation_ids(world.eu_agent, "messages") == {world.eu["id"]}
    assert _conversation_ids(world.apac_agent, "messages") == {world.apac["id"]}
    every = _conversation_ids(world.admin, "messages")
    assert {world.eu["id"], world.apac["id"], world.loose["id"]} <= every


def test_out_of_scope_ids_are_404_not_403(world: World) -> None:
    apac = world.apac["id"]
    agent = world.eu_agent
    expect_problem(agent.conversation(apac), 404, "not_found")
    expect_problem(agent.get(f"/v1/conversations/{apac}/messages"), 404, "not_found")
    reply = {"id": new_id("msg"), "kind": "agent", "body": "Hello"}
    expect_problem(agent.post(f"/v1/conversations/{apac}/messages", reply), 404, "not_found")
    patch = agent.patch(f"/v1/conversations/{apac}", {"status": "pending"}, if_match="*")
    expect_problem(patch, 404, "not_found")
    # the same answer as for an id that does not exist at all
    expect_problem(agent.conversation(new_id("conv")), 404, "not_found")
    # and nothing changed
    assert world.admin.conversation(apac).json()["version"] == world.apac["version"]
    assert agent.conversation(world.eu["id"]).status_code == 200


def test_review_records_follow_their_conversations_scope(world: World) -> None:
    admin = world.admin
    for conversation in (world.eu, world.apac):
        review = {
            "conversation_id": conversation["id"],
            "reviewed_agent_id": "eu-agent",
            "scores": {},
            "state": "draft",
        }
        assert admin.put(f"/v1/reviews/{new_id('rev')}", review).status_code == 201
        answer = {
            "id": new_id("ans"),
            "conversation_id": conversation["id"],
            "kind": "csat",
            "score": 4,
            "answered_at": 1,
        }
        assert admin.post("/v1/inbound/survey-answers", answer).status_code == 201
    assert _conversation_ids(world.eu_lead, "reviews") == {world.eu["id"]}
    assert _conversation_ids(world.eu_lead, "survey-answers") == {world.eu["id"]}
    assert _conversation_ids(world.apac_agent, "survey-answers") == {world.apac["id"]}
    assert {world.eu["id"], world.apac["id"]} <= _conversation_ids(admin, "reviews")


def test_a_lead_cannot_review_outside_their_scope(world: World) -> None:
    review = {"conversation_id": world.apac["id"], "reviewed_agent_id": "apac-agent"}
    response = world.eu_lead.put(f"/v1/reviews/{new_id('rev')}", {**review, "scores": {}})
    problem = expect_problem(response, 422, "validation_failed")
    assert problem.errors[0].pointer == "/conversation_id"
    note = {
        "conversation_id": world.apac["id"],
        "message_id": world.apac["first_message_id"],
        "kind": "tone",
        "severity": "minor",
        "body": "x",
    }
    response = world.eu_lead.put(f"/v1/annotations/{new_id('ann')}", note)
    assert expect_problem(response, 422, "validation_failed").errors[0].pointer == "/message_id"
    # the same notes on a conversation of the lead's team are taken
    inside = {**note, "conversation_id": world.eu["id"], "message_id": world.eu["first_message_id"]}
    assert world.eu_lead.put(f"/v1/annotations/{new_id('ann')}", inside).status_code == 201


def test_a_changed_scope_expires_old_cursors_and_the_new_snapshot_is_the_new_scope(
    world: World,
) -> None:
    state = world.server.state
    with state.db.write() as conn:
        auth.create_account(
            conn, account_id="mover", name="Mover", roles=["agent"], now=0, teams=["eu"]
        )
        token = auth.create_api_token(conn, "mover", state.now())
    mover = world.admin.with_token(token)
    _items, _deleted, conversations_cursor = mover.drain("conversations")
    _items, _deleted, messages_cursor = mover.drain("messages")
    assert mover.feed("conversations", conversations_cursor).status_code == 200
    with state.db.write() as conn:
        auth.set_scope(conn, "mover", teams=["apac"], regions=[])
    expect_problem(mover.feed("conversations", conversations_cursor), 410, "cursor_expired")
    expect_problem(mover.feed("messages", messages_cursor), 410, "cursor_expired")
    assert _ids(mover, "conversations") == {world.apac["id"]}
    expect_problem(mover.conversation(world.eu["id"]), 404, "not_found")


def test_a_scoped_cursor_passes_what_the_caller_may_not_read(world: World) -> None:
    _items, _deleted, cursor = world.eu_agent.drain("conversations")
    _deliver(world.admin, team="apac", region="JP")
    page = world.eu_agent.feed("conversations", cursor).json()
    assert page["items"] == [] and not page["has_more"]
    assert page["next_cursor"] != cursor  # moved past the apac change, not stuck before it
    fresh = _deliver(world.admin, team="eu", region="BR")
    later = world.eu_agent.feed("conversations", page["next_cursor"]).json()
    assert [item["id"] for item in later["items"]] == [fresh["id"]]


def test_a_leads_review_of_an_agents_conversation_is_audited_for_admins(world: World) -> None:
    since = world.admin.get("/v1/audit", params={"limit": 500}).json()["next_since"]
    conversation = _deliver(world.admin, team="eu", region="BR")
    patch = {"assignee_id": "eu-agent"}
    path = f"/v1/conversations/{conversation['id']}"
    assert world.eu_lead.patch(path, patch, if_match="*").status_code == 200
    review_id = new_id("rev")
    review = {"conversation_id": conversation["id"], "reviewed_agent_id": None, "scores": {}}
    assert world.eu_lead.put(f"/v1/reviews/{review_id}", review).status_code == 201
    page = world.admin.get("/v1/audit", params={"since": since}).json()
    assert [
        (e["actor_id"], e["actor_roles"], e["action"], e["agent_id"], e["record_id"])
        for e in page["items"]
    ] == [("eu-lead", ["lead"], "review_write", "eu-agent", review_id)]
    for reader in (world.eu_lead, world.eu_agent, world.free_agent):
        expect_problem(reader.get("/v1/audit"), 403, "forbidden")


def test_the_server_cli_puts_an_account_in_teams_and_regions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "data")
    monkeypatch.setattr(sys, "stdin", io.StringIO("s3cret pass\n"))
    args = ["create-account", "--data-dir", data, "--id", "li.wei", "--name", "Li Wei"]
    scope = ["--team", "eu", "--team", "emea", "--region", "BR", "--password-stdin"]
    assert main([*args, *scope]) == 0
    assert main(["create-token", "--data-dir", data, "--id", "li.wei"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    server = RunningServer(reference_config(Path(data), rate_limit=0)).start()
    client = Api(server.base_url, token)
    try:
        agent = client.get("/v1/me").json()["agent"]
        assert (agent["teams"], agent["regions"]) == (["eu", "emea"], ["BR"])
    finally:
        client.close()
        server.stop()
    too_long = [*args[:3], "--id", "x.y", "--name", "X", "--team", "t" * 129, "--password", "p"]
    assert main(too_long) == 2
    assert "1-128 characters" in capsys.readouterr().err


def test_a_record_of_an_out_of_scope_conversation_is_404_never_shown_in_a_412(
    world: World,
) -> None:
    review_id = new_id("rev")
    review = {"conversation_id": world.apac["id"], "reviewed_agent_id": None, "scores": {}}
    assert (
        world.admin.put(f"/v1/reviews/{review_id}", {**review, "comment": "x"}).status_code == 201
    )
    for if_match in (None, '"1"', '"7"'):
        response = world.eu_lead.put(f"/v1/reviews/{review_id}", review, if_match=if_match)
        problem = expect_problem(response, 404, "not_found")
        assert problem.current is None
    note = {
        "conversation_id": world.apac["id"],
        "message_id": world.apac["first_message_id"],
        "kind": "tone",
        "body": "Too curt",
    }
    note_id = new_id("ann")
    assert world.admin.put(f"/v1/annotations/{note_id}", note).status_code == 201
    gone = world.eu_lead.delete(f"/v1/annotations/{note_id}", if_match='"1"')
    expect_problem(gone, 404, "not_found")
    assert note_id in _ids(world.admin, "annotations")  # still there


def test_the_demo_labels_regions_and_a_region_account_reads_its_share(tmp_path: Path) -> None:
    from app.server.demo import load_demo_into

    server = RunningServer(reference_config(tmp_path / "demo", rate_limit=0)).start()
    state = server.state
    try:
        load_demo_into(state.db, state.config)
        with state.db.write() as conn:
            auth.create_account(
                conn, account_id="jp-desk", name="JP", roles=["agent"], now=0, regions=["JP"]
            )
            token = auth.create_api_token(conn, "jp-desk", state.now())
        client = Api(server.base_url, token)
        try:
            items, _deleted, _cursor = client.drain("conversations")
        finally:
            client.close()
        assert items and {item["customer"]["country"] for item in items} == {"JP"}
        assert {item["region"] for item in items} == {"JP"}
    finally:
        server.stop()
