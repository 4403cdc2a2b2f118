"""GET /v1/me and /v1/agents."""

from __future__ import annotations

from app.contract.models import CONTRACT_VERSION, AgentList, Me
from tests.contract.client import Api


def test_me_describes_the_caller_and_the_server(api: Api) -> None:
    response = api.get("/v1/me")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    me = Me.model_validate(response.json())
    assert me.contract_version == CONTRACT_VERSION
    assert me.server_time > 1_600_000_000
    assert 1 <= me.limits.max_page_size <= 500


def test_agents_lists_assignable_people(api: Api) -> None:
    response = api.get("/v1/agents")
    assert response.status_code == 200
    agents = AgentList.model_validate(response.json())
    assert agents.items
    assert len({a.id for a in agents.items}) == len(agents.items)
