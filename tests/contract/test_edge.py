"""What every response shares: X-Request-Id, problem documents, 404/405/422, 429 and 503."""

from __future__ import annotations

import math

import pytest

from tests.contract.client import Api, expect_problem


def test_every_response_has_a_request_id(api: Api, anonymous: Api) -> None:
    responses = [
        api.get("/v1/me"),
        anonymous.get("/v1/me"),
        api.get("/v1/no/such/route"),
        api.get("/v1/conversations/changes", params={"limit": 0}),
        api.post("/v1/inbound/messages", {}, key=None),
    ]
    ids = [r.headers.get("x-request-id") for r in responses]
    assert all(ids), ids
    assert len(set(ids)) == len(ids)


def test_a_sane_client_request_id_is_echoed(api: Api) -> None:
    response = api.get("/v1/me", headers={"X-Request-Id": "desk-1234.abc"})
    assert response.headers["x-request-id"] == "desk-1234.abc"


def test_unknown_routes_are_404_problems(api: Api) -> None:
    expect_problem(api.get("/v1/does-not-exist"), 404, "not_found")


def test_an_unsupported_method_is_405_with_allow(api: Api) -> None:
    response = api.http.delete("/v1/me")
    expect_problem(response, 405, "method_not_allowed")
    assert "GET" in response.headers["allow"]


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'"text"', b"", b'{"conversation": 7}'],
    ids=["broken", "array", "string", "empty", "wrong-type"],
)
def test_bad_bodies_are_422_validation_problems_never_500(api: Api, body: bytes) -> None:
    response = api.http.post(
        "/v1/inbound/messages",
        content=body,
        headers={"Content-Type": "application/json", "Idempotency-Key": "bad-body-test"},
    )
    problem = expect_problem(response, 422, "validation_failed")
    assert problem.errors
    for error in problem.errors:
        assert error.code and error.detail


def test_hostile_strings_are_rejected_or_kept_verbatim(api: Api) -> None:
    nasty = "<img src=x onerror=alert(1)>\u202e\U0001f600 ' OR 1=1 --"
    conversation = api.new_conversation(body=nasty)
    messages = api.get(f"/v1/conversations/{conversation['id']}/messages").json()["items"]
    assert messages[0]["body"] == nasty
    response = api.get("/v1/conversations/%00%2F..%2Fetc")
    assert response.status_code in (404, 422)
    assert response.headers["content-type"].startswith("application/problem+json")


def test_too_many_requests_is_429_with_retry_after(api: Api, anonymous: Api) -> None:
    limit = api.get("/v1/me").json()["limits"]["requests_per_minute"]
    if not limit:
        pytest.skip("this server advertises no rate limit (limits.requests_per_minute)")
    tokens = anonymous.post(
        "/v1/auth/token", {"grant_type": "api_token", "api_token": api.api_token}, key=None
    ).json()
    client = anonymous.with_token(tokens["access_token"])  # its own bucket: others unaffected
    for _ in range(limit * 2):
        response = client.get("/v1/me")
        if response.status_code != 200:
            break
    problem = expect_problem(response, 429, "rate_limited")
    assert problem.retryable is True
    assert 1 <= int(response.headers["retry-after"]) <= math.ceil(60 / limit) + 60
    assert api.get("/v1/me").status_code == 200  # another token is not throttled


@pytest.mark.test_hooks
def test_injected_unavailability_is_503_with_retry_after(api: Api) -> None:
    armed = api.post("/v1/admin/faults", {"kind": "unavailable", "count": 2, "retry_after": 7})
    assert armed.status_code == 200, "start the server with --enable-test-faults"
    try:
        for _ in range(2):
            response = api.get("/v1/me")
            problem = expect_problem(response, 503, "service_unavailable")
            assert problem.retryable is True
            assert response.headers["retry-after"] == "7"
        assert api.get("/v1/me").status_code == 200
    finally:
        api.post("/v1/admin/faults", {"kind": "clear"})


@pytest.mark.reference  # admin routes are the reference server's, not the contract's
def test_admin_hooks_need_the_admin_role(agent_api: Api) -> None:
    expect_problem(agent_api.post("/v1/admin/compact"), 403, "forbidden")
    expect_problem(agent_api.get("/v1/admin/faults"), 403, "forbidden")
