"""Idempotency-Key on every POST and PATCH: replay, reuse (422), in flight (409), missing (400)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.contract.client import Api, expect_problem, new_id, wait_until


def _writes(api: Api) -> list[tuple[str, str, dict, dict]]:
    conversation = api.new_conversation()
    cid = conversation["id"]
    note = {"id": new_id("m"), "kind": "note", "body": "x"}
    inbound = {
        "conversation": {"id": cid, "customer": conversation["customer"], "channel": "email"},
        "message": {"id": new_id("m"), "body": "hi"},
    }
    return [
        ("POST", f"/v1/conversations/{cid}/messages", note, {}),
        ("PATCH", f"/v1/conversations/{cid}", {"status": "pending"}, {"If-Match": '"1"'}),
        ("POST", "/v1/inbound/messages", inbound, {}),
    ]


def test_every_write_needs_an_idempotency_key(api: Api) -> None:
    for method, path, body, headers in _writes(api):
        response = api.http.request(method, path, json=body, headers=headers)
        expect_problem(response, 400, "idempotency_key_missing")


def test_same_key_same_request_replays_the_first_response(api: Api) -> None:
    conversation = api.new_conversation()
    path = f"/v1/conversations/{conversation['id']}/messages"
    key = str(uuid.uuid4())
    body = {"id": new_id("m"), "kind": "agent", "body": "Replay me"}
    first = api.post(path, body, key=key)
    second = api.post(path, body, key=key)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers.get("idempotent-replayed") == "true"
    assert "idempotent-replayed" not in first.headers
    assert len(api.get(path).json()["items"]) == 2


def test_a_replayed_patch_keeps_its_etag_and_is_not_applied_twice(api: Api) -> None:
    conversation = api.new_conversation()
    path = f"/v1/conversations/{conversation['id']}"
    key = str(uuid.uuid4())
    body = {"tags": {"add": ["vip"]}}
    first = api.patch(path, body, if_match='"1"', key=key)
    second = api.patch(path, body, if_match='"1"', key=key)  # a retry after a lost response
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.headers["etag"] == first.headers["etag"] == '"2"'
    assert second.headers.get("idempotent-replayed") == "true"
    assert api.conversation(conversation["id"]).json()["version"] == 2


def test_same_key_with_a_different_request_is_422(api: Api) -> None:
    conversation = api.new_conversation()
    path = f"/v1/conversations/{conversation['id']}/messages"
    key = str(uuid.uuid4())
    assert (
        api.post(path, {"id": new_id("m"), "kind": "agent", "body": "a"}, key=key).status_code
        == 201
    )
    other = api.post(path, {"id": new_id("m"), "kind": "agent", "body": "b"}, key=key)
    expect_problem(other, 422, "idempotency_key_reused")
    elsewhere = api.patch(f"/v1/conversations/{conversation['id']}", {}, if_match='"2"', key=key)
    expect_problem(elsewhere, 422, "idempotency_key_reused")


def test_keys_belong_to_one_account(api: Api, agent_api: Api) -> None:
    conversation = api.new_conversation()
    path = f"/v1/conversations/{conversation['id']}/messages"
    key = str(uuid.uuid4())
    mine = api.post(path, {"id": new_id("m"), "kind": "note", "body": "admin"}, key=key)
    theirs = agent_api.post(path, {"id": new_id("m"), "kind": "note", "body": "agent"}, key=key)
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert "idempotent-replayed" not in theirs.headers


def test_a_failed_request_does_not_burn_its_key(api: Api) -> None:
    conversation = api.new_conversation()
    path = f"/v1/conversations/{conversation['id']}"
    key = str(uuid.uuid4())
    expect_problem(
        api.patch(path, {"status": "pending"}, if_match='"9"', key=key), 412, "version_mismatch"
    )
    retried = api.patch(path, {"status": "pending"}, if_match='"1"', key=key)
    assert retried.status_code == 200


@pytest.mark.test_hooks
def test_a_retry_while_the_first_is_running_is_409_in_flight(api: Api) -> None:
    conversation = api.new_conversation()
    path = f"/v1/conversations/{conversation['id']}/messages"
    body = {"id": new_id("m"), "kind": "agent", "body": "slow one"}
    key = str(uuid.uuid4())
    armed = api.post("/v1/admin/faults", {"kind": "hold", "count": 1, "hold_seconds": 30})
    assert armed.status_code == 200, "start the server with --enable-test-faults"
    other = api.with_token(api.token)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            first = pool.submit(other.post, path, body, key=key)
            wait_until(
                lambda: api.get("/v1/admin/faults").json()["held_now"] == 1, what="a held write"
            )
            retry = api.post(path, body, key=key)
            problem = expect_problem(retry, 409, "idempotency_in_flight")
            assert problem.retryable is True
            assert api.post("/v1/admin/faults", {"kind": "clear"}).status_code == 200
            assert first.result(timeout=30).status_code == 201
    finally:
        api.post("/v1/admin/faults", {"kind": "clear"})
        other.close()
    replay = api.post(path, body, key=key)
    assert replay.status_code == 201
    assert replay.headers.get("idempotent-replayed") == "true"
    assert [m["id"] for m in api.get(path).json()["items"]].count(body["id"]) == 1
