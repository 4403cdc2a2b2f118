"""Roles and scopes on a real desk (contract 1.2): an agent limited to a team downloads,
stores and searches only that team's conversations; when the server moves them to another
team, the next sync drops what left the scope (the server's 410 on a cursor of the old
scope, then a snapshot) and brings what entered it; every signed-in agent has a mirror of
their own; only a lead (or admin) is offered the review of others' work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.config.paths import Paths
from app.config.settings import ServerWorkspace, Settings
from app.domain.filters import InboxQuery
from app.ops import inbox, review
from app.server import auth
from app.sync.session import choose_workspace
from tests.contract.client import Api, new_id
from tests.sync.conftest import DeskFactory, Reference
from tests.sync.harness import Desk

SECRET = "Rua Augusta 1200, apto 54"  # customer data of the apac team


def _account(reference: Reference, account_id: str, role: str, teams: list[str]) -> str:
    """A scoped account, straight into the server (its admin's tool); its API token."""
    state = reference.server.state
    with state.db.write() as conn:
        auth.create_account(
            conn,
            account_id=account_id,
            name=account_id.title(),
            roles=[role],
            now=state.now(),
            teams=teams,
        )
        return auth.create_api_token(conn, account_id, state.now())


def _deliver(admin: Api, team: str, body: str) -> str:
    payload: dict[str, Any] = {
        "conversation": {
            "id": new_id("conv"),
            "customer": {"id": new_id("cust"), "name": "Ana Souza", "country": "BR"},
            "channel": "whatsapp",
            "team": team,
        },
        "message": {"id": new_id("msg"), "body": body},
    }
    response = admin.post("/v1/inbound/messages", payload)
    assert response.status_code == 201, response.text
    return str(response.json()["conversation"]["id"])


def _held(desk: Desk) -> set[str]:
    return {str(r[0]) for r in desk.query("SELECT uid FROM conversations")}


def _message_bodies(desk: Desk) -> str:
    return " ".join(str(r[0]) for r in desk.query("SELECT body FROM messages"))


def test_a_team_agent_holds_only_their_teams_conversations_and_follows_a_move(
    reference: Reference, admin: Api, make_desk: DeskFactory
) -> None:
    eu = [_deliver(admin, "eu", f"Where is order {n}?") for n in range(3)]
    apac = _deliver(admin, "apac", f"Please deliver to {SECRET}")
    token = _account(reference, "eu-agent", "agent", ["eu"])
    desk = make_desk("eu-agent", agent_id="eu-agent", api_token=token)
    desk.synced()
    assert _held(desk) == set(eu)
    assert SECRET not in _message_bodies(desk)
    assert inbox_ids(desk) == {desk.conversation_id(uid) for uid in eu}
    assert inbox_ids(desk, "Augusta") == set()
    assert inbox_ids(desk, "order") == {desk.conversation_id(uid) for uid in eu}

    # the team lead moves this agent to the apac team
    with reference.server.state.db.write() as conn:
        auth.set_scope(conn, "eu-agent", teams=["apac"], regions=[])
    desk.synced()
    assert _held(desk) == {apac}
    bodies = _message_bodies(desk)
    assert SECRET in bodies and "Where is order" not in bodies
    assert desk.query("SELECT count(*) FROM conversations_fts") == [(1,)]
    assert inbox_ids(desk) == {desk.conversation_id(apac)}
    assert inbox_ids(desk, "order") == set()  # nothing of the old team left in search


def inbox_ids(desk: Desk, search: str = "") -> set[int]:
    """What the inbox list shows (the op the window uses), as local conversation ids."""
    query = InboxQuery(search=search)
    listed = desk.runner.store_call(lambda repo: inbox.load_all_ids(repo, query, None, 0))
    return set(listed)


def test_each_signed_in_agent_has_a_mirror_of_their_own(tmp_path: Path) -> None:
    paths = Paths(data_dir=tmp_path)
    url = "https://desk.example.com"
    first = choose_workspace(paths, Settings(workspace=ServerWorkspace(url, "eu-agent")))
    second = choose_workspace(paths, Settings(workspace=ServerWorkspace(url, "apac-agent")))
    other_server = choose_workspace(
        paths, Settings(workspace=ServerWorkspace("https://other.example.com", "eu-agent"))
    )
    assert len({first.path, second.path, other_server.path}) == 3
    assert first.path.parent == second.path.parent == tmp_path / "workspaces"


def test_only_leads_are_offered_the_review_of_others_work(
    reference: Reference, admin: Api, make_desk: DeskFactory
) -> None:
    _deliver(admin, "eu", "Hello")
    agent = make_desk(
        "plain", agent_id="plain", api_token=_account(reference, "plain", "agent", ["eu"])
    )
    lead = make_desk("lead", agent_id="lead", api_token=_account(reference, "lead", "lead", ["eu"]))
    agent.synced()
    lead.synced()
    assert not agent.runner.store_call(review.is_lead)
    assert lead.runner.store_call(review.is_lead)


def test_a_leads_review_records_leave_with_their_conversations_scope(
    reference: Reference, admin: Api, make_desk: DeskFactory
) -> None:
    eu, apac = _deliver(admin, "eu", "Hello"), _deliver(admin, "apac", "Hi")
    for conversation in (eu, apac):
        review: dict[str, Any] = {"conversation_id": conversation, "scores": {}}
        assert admin.put(f"/v1/reviews/{new_id('rev')}", review).status_code == 201
        answer = {
            "id": new_id("ans"),
            "conversation_id": conversation,
            "kind": "csat",
            "score": 5,
            "answered_at": 1,
        }
        assert admin.post("/v1/inbound/survey-answers", answer).status_code == 201
    token = _account(reference, "eu-lead", "lead", ["eu"])
    lead = make_desk("eu-lead", agent_id="eu-lead", api_token=token)
    lead.synced()
    held = "SELECT c.uid FROM {} r JOIN conversations c ON c.id = r.conversation_id"
    assert lead.query(held.format("reviews")) == [(eu,)]
    assert lead.query(held.format("survey_answers")) == [(eu,)]
    with reference.server.state.db.write() as conn:
        auth.set_scope(conn, "eu-lead", teams=["apac"], regions=[])
    lead.synced()
    assert lead.query(held.format("reviews")) == [(apac,)]
    assert lead.query(held.format("survey_answers")) == [(apac,)]
