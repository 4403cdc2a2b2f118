"""The review audit log (contract 1.2, optional: ``capabilities.audit``): a write of a
review or annotation on another agent's work leaves an entry (who, roles, what, which
conversation, when; no text), which admins read with ``GET /v1/audit?since=&limit=``."""

from __future__ import annotations

from typing import Any

import pytest

from app.contract.audit_models import AuditEntry, AuditPage
from tests.contract.client import Api, expect_problem, new_id

ENTRY_FIELDS = set(AuditEntry.model_fields)


@pytest.fixture(autouse=True)
def _only_if_advertised(api: Api) -> None:
    """The audit log is optional: tested where /v1/me advertises it (the reference
    server does, so there it always runs)."""
    if not api.get("/v1/me").json().get("capabilities", {}).get("audit"):
        pytest.skip("this backend does not advertise capabilities.audit")


def _drain(api: Api, since: int = 0, limit: int = 500) -> tuple[list[dict[str, Any]], int]:
    entries: list[dict[str, Any]] = []
    for _ in range(10_000):
        response = api.get("/v1/audit", params={"since": since, "limit": limit})
        assert response.status_code == 200, response.text
        page = AuditPage.model_validate(response.json())
        entries += response.json()["items"]
        since = page.next_since
        if not page.has_more:
            return entries, since
    raise AssertionError("the audit log never ended")


def _assigned_conversation(api: Api, agent_id: str) -> tuple[str, str]:
    message_id = new_id("msg")
    conversation = api.new_conversation(message_id=message_id, body="My card 4111 was charged")
    response = api.patch(
        f"/v1/conversations/{conversation['id']}", {"assignee_id": agent_id}, if_match="*"
    )
    assert response.status_code == 200, response.text
    return conversation["id"], message_id


def test_reviewing_another_agents_work_leaves_an_entry_without_text(
    api: Api, agent_credentials: tuple[str, str]
) -> None:
    agent_id = agent_credentials[0]
    me = api.get("/v1/me").json()["agent"]
    _before, since = _drain(api)
    conversation_id, message_id = _assigned_conversation(api, agent_id)
    review_id = new_id("rev")
    comment = "Quoted the card number back to the customer"
    review = {
        "conversation_id": conversation_id,
        "reviewed_agent_id": agent_id,
        "scores": {},
        "comment": comment,
    }
    key = new_id("key")
    assert api.put(f"/v1/reviews/{review_id}", review, key=key).status_code == 201
    replay = api.put(f"/v1/reviews/{review_id}", review, key=key)
    assert replay.headers.get("Idempotent-Replayed") == "true"
    annotation = {
        "conversation_id": conversation_id,
        "message_id": message_id,
        "kind": "agent_error",
        "body": "Never repeat card numbers",
    }
    assert api.put(f"/v1/annotations/{new_id('ann')}", annotation).status_code == 201
    entries, _since = _drain(api, since)
    mine = [e for e in entries if e["conversation_id"] == conversation_id]
    assert [(e["action"], e["record_id"]) for e in mine][:1] == [("review_write", review_id)]
    assert [e["action"] for e in mine] == ["review_write", "annotation_write"]  # no replay
    for entry in mine:
        assert entry["actor_id"] == me["id"] and entry["agent_id"] == agent_id
        assert set(entry["actor_roles"]) <= set(me["roles"]) and entry["actor_roles"]
        assert set(entry) <= ENTRY_FIELDS
        assert "4111" not in str(entry) and comment not in str(entry)


def test_a_review_of_another_agents_work_handed_out_by_the_feed_is_a_read_entry(
    api: Api, agent_api: Api, agent_credentials: tuple[str, str]
) -> None:
    agent_id = agent_credentials[0]
    me = api.get("/v1/me").json()["agent"]
    conversation_id, _message = _assigned_conversation(api, agent_id)
    review_id = new_id("rev")
    review = {
        "conversation_id": conversation_id,
        "reviewed_agent_id": agent_id,
        "scores": {},
        "state": "done",
    }
    assert api.put(f"/v1/reviews/{review_id}", review).status_code == 201
    _before, since = _drain(api)
    items, _deleted, _cursor = api.drain("reviews")
    assert review_id in {item["id"] for item in items}
    reads = [
        e
        for e in _drain(api, since)[0]
        if e["action"] == "review_read" and e["record_id"] == review_id
    ]
    assert [(e["actor_id"], e["conversation_id"], e["agent_id"]) for e in reads] == [
        (me["id"], conversation_id, agent_id)
    ]
    # the agent reading the feedback on their own work is no entry
    _before, since = _drain(api)
    mine, _deleted, _cursor = agent_api.drain("reviews")
    assert review_id in {item["id"] for item in mine}
    assert [e for e in _drain(api, since)[0] if e["actor_id"] == agent_id] == []


def test_reviewing_ones_own_work_leaves_no_entry(api: Api) -> None:
    me = api.get("/v1/me").json()["agent"]
    _before, since = _drain(api)
    conversation_id, _message = _assigned_conversation(api, me["id"])
    review: dict[str, Any] = {"conversation_id": conversation_id, "scores": {}}
    assert api.put(f"/v1/reviews/{new_id('rev')}", review).status_code == 201
    entries, _since = _drain(api, since)
    assert [e for e in entries if e["conversation_id"] == conversation_id] == []


def test_the_log_pages_by_since(api: Api, agent_credentials: tuple[str, str]) -> None:
    _before, since = _drain(api)
    conversation_id, _message = _assigned_conversation(api, agent_credentials[0])
    for _ in range(3):
        review: dict[str, Any] = {"conversation_id": conversation_id, "scores": {}}
        assert api.put(f"/v1/reviews/{new_id('rev')}", review).status_code == 201
    paged, last = _drain(api, since, limit=1)
    whole, same_last = _drain(api, since)
    assert paged == whole and len(whole) >= 3 and last == same_last
    seqs = [e["seq"] for e in whole]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs) and seqs[0] > since
    assert _drain(api, last)[0] == []


def test_only_admins_read_the_log(api: Api, agent_api: Api, anonymous: Api) -> None:
    expect_problem(agent_api.get("/v1/audit"), 403, "forbidden")
    expect_problem(anonymous.get("/v1/audit"), 401, "unauthorized")


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"since": -1}, {"since": "soon"}])
def test_bad_paging_is_422(api: Api, params: dict[str, Any]) -> None:
    expect_problem(api.get("/v1/audit", params=params), 422, "validation_failed")
