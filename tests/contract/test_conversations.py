"""GET and PATCH /v1/conversations/{id}: ETag, If-Match, 412 with current, 428."""

from __future__ import annotations

import time

import httpx
import pytest

from app.contract.models import Conversation
from tests.contract.client import Api, expect_problem


def _etag(response: httpx.Response) -> str:
    return response.headers["etag"]


def test_get_returns_the_conversation_with_its_version_as_strong_etag(api: Api) -> None:
    created = api.new_conversation(channel="whatsapp")
    response = api.conversation(created["id"])
    assert response.status_code == 200
    conversation = Conversation.model_validate(response.json())
    assert _etag(response) == f'"{conversation.version}"'
    assert conversation.customer.name == "Ana Souza"
    assert conversation.customer.handles == {"whatsapp": "+55 11 98765-4321"}


def test_unknown_conversation_is_404(api: Api) -> None:
    expect_problem(api.conversation("no-such-conversation-xyz"), 404, "not_found")
    response = api.patch("/v1/conversations/no-such-xyz", {"status": "open"}, if_match='"1"')
    expect_problem(response, 404, "not_found")


def test_patch_with_current_etag_applies_and_bumps_the_version(api: Api) -> None:
    conversation = api.new_conversation()
    response = api.patch(
        f"/v1/conversations/{conversation['id']}",
        {"status": "pending", "tags": {"add": ["vip", "refund"]}},
        if_match=f'"{conversation["version"]}"',
    )
    assert response.status_code == 200, response.text
    changed = Conversation.model_validate(response.json())
    assert changed.version == conversation["version"] + 1
    assert _etag(response) == f'"{changed.version}"'
    assert changed.status == "pending"
    assert sorted(changed.tags) == ["refund", "vip"]
    # optional fields may be omitted or null (GUIDE.md): compare what they mean
    assert Conversation.model_validate(api.conversation(conversation["id"]).json()) == changed


def test_stale_if_match_is_412_with_the_current_conversation(api: Api) -> None:
    conversation = api.new_conversation()
    path = f"/v1/conversations/{conversation['id']}"
    first = api.patch(path, {"status": "pending"}, if_match='"1"')
    assert first.status_code == 200
    stale = api.patch(path, {"status": "resolved"}, if_match='"1"')
    problem = expect_problem(stale, 412, "version_mismatch")
    assert problem.current is not None
    assert Conversation.model_validate(problem.current) == Conversation.model_validate(first.json())
    assert api.conversation(conversation["id"]).json()["status"] == "pending"


@pytest.mark.parametrize("if_match", ['W/"1"', "1", '"999"', "garbage"])
def test_weak_or_wrong_etags_never_match(api: Api, if_match: str) -> None:
    conversation = api.new_conversation()
    response = api.patch(
        f"/v1/conversations/{conversation['id']}", {"status": "pending"}, if_match=if_match
    )
    expect_problem(response, 412, "version_mismatch")


def test_missing_if_match_is_428(api: Api) -> None:
    conversation = api.new_conversation()
    response = api.patch(
        f"/v1/conversations/{conversation['id']}", {"status": "pending"}, if_match=None
    )
    expect_problem(response, 428, "precondition_required")


def test_snoozing_needs_snoozed_until(api: Api) -> None:
    conversation = api.new_conversation()
    path = f"/v1/conversations/{conversation['id']}"
    problem = expect_problem(
        api.patch(path, {"status": "snoozed"}, if_match='"1"'), 422, "validation_failed"
    )
    assert [e.pointer for e in problem.errors] == ["/snoozed_until"]
    until = int(time.time()) + 3600
    response = api.patch(path, {"status": "snoozed", "snoozed_until": until}, if_match='"1"')
    assert response.status_code == 200
    assert response.json()["snoozed_until"] == until
    reopened = api.patch(path, {"status": "open"}, if_match=_etag(response))
    assert reopened.status_code == 200
    assert reopened.json().get("snoozed_until") is None


def test_tag_operations_are_idempotent_and_merge(api: Api) -> None:
    conversation = api.new_conversation()
    path = f"/v1/conversations/{conversation['id']}"
    one = api.patch(path, {"tags": {"add": ["vip"]}}, if_match='"1"')
    assert one.json()["tags"] == ["vip"]
    # adding a tag that is there changes nothing: same version
    same = api.patch(path, {"tags": {"add": ["vip"], "remove": ["absent"]}}, if_match=_etag(one))
    assert same.status_code == 200
    assert same.json()["version"] == one.json()["version"]
    assert same.json()["tags"] == ["vip"]
    two = api.patch(path, {"tags": {"add": ["customs"], "remove": ["vip"]}}, if_match=_etag(same))
    assert two.json()["tags"] == ["customs"]


def test_assign_and_unassign(api: Api) -> None:
    agents = api.get("/v1/agents").json()["items"]
    conversation = api.new_conversation()
    path = f"/v1/conversations/{conversation['id']}"
    assigned = api.patch(path, {"assignee_id": agents[0]["id"]}, if_match='"1"')
    assert assigned.json()["assignee_id"] == agents[0]["id"]
    # status absent stays as it is; assignee_id null unassigns
    cleared = api.patch(path, {"assignee_id": None}, if_match=_etag(assigned))
    assert cleared.status_code == 200
    assert cleared.json().get("assignee_id") is None
    assert cleared.json()["status"] == assigned.json()["status"]


def test_assigning_an_unknown_agent_is_422(api: Api) -> None:
    conversation = api.new_conversation()
    response = api.patch(
        f"/v1/conversations/{conversation['id']}",
        {"assignee_id": "nobody-at-all-xyz"},
        if_match='"1"',
    )
    problem = expect_problem(response, 422, "validation_failed")
    assert problem.errors[0].pointer == "/assignee_id"


def test_patch_body_validation_is_422_with_pointers(api: Api) -> None:
    conversation = api.new_conversation()
    response = api.patch(
        f"/v1/conversations/{conversation['id']}",
        {"status": "closed", "tags": {"add": "vip"}},
        if_match='"1"',
    )
    problem = expect_problem(response, 422, "validation_failed")
    pointers = {e.pointer for e in problem.errors}
    assert "/status" in pointers
    assert "/tags/add" in pointers
