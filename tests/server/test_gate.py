"""The gate in front of the app (issue 9 §6, §7): nobody's body is read before we know
who is asking, bodies are cut off at the limit, and sign-in guessing is throttled per
address and per account whatever Authorization header comes with it."""

from __future__ import annotations

import json
import secrets
from urllib.parse import urlsplit

import pytest

from app.server.cli import main
from app.server.middleware import RateLimiter
from tests.contract.client import Api, expect_problem
from tests.contract.server import AGENT_ID, AGENT_PASSWORD, RunningServer
from tests.server import rawhttp
from tests.server.conftest import Clock, ServerFactory

HUGE = 200 * 1024 * 1024
SMALL_LIMIT = 64 * 1024


def _port(server: RunningServer) -> int:
    return int(urlsplit(server.base_url).port or 0)


def _problem(answer: rawhttp.RawResponse) -> dict:
    assert answer.headers["content-type"].startswith("application/problem+json")
    return json.loads(answer.body)


def _conversation(api: Api) -> str:
    return str(api.new_conversation()["id"])


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize(
    "authorization", [None, "Bearer cda_not-a-token", "Basic dXNlcjpwYXNz"], ids=str
)
def test_an_unauthenticated_write_is_401_before_its_body_is_read(
    start_server: ServerFactory, chunked: bool, authorization: str | None
) -> None:
    server, api = start_server()
    headers = {"Content-Type": "application/json", "Idempotency-Key": "k1"}
    if authorization:
        headers["Authorization"] = authorization
    if not chunked:
        headers["Content-Length"] = str(HUGE)  # announced, never sent
    path = f"/v1/conversations/{_conversation(api)}/messages"
    body = rawhttp.zeros(HUGE) if chunked else [b"{"]
    answer = rawhttp.request(_port(server), "POST", path, headers, body, chunked=chunked)
    assert answer.status == 401, answer
    assert _problem(answer)["code"] == "unauthorized"
    assert answer.headers["www-authenticate"].lower().startswith("bearer")
    assert answer.sent < 32 * 1024 * 1024  # cut off long before 200 MB
    assert api.get("/v1/me").status_code == 200


def test_a_caller_without_the_role_is_403_before_its_body_is_read(
    start_server: ServerFactory,
) -> None:
    server, api = start_server()
    signed = api.with_token(None).post(
        "/v1/auth/token",
        {"grant_type": "password", "username": AGENT_ID, "password": AGENT_PASSWORD},
        key=None,
    )
    agent_token = signed.json()["access_token"]
    headers = {
        "Authorization": f"Bearer {agent_token}",
        "Content-Type": "application/json",
        "Idempotency-Key": "k2",
        "Content-Length": str(HUGE),
    }
    answer = rawhttp.request(_port(server), "POST", "/v1/inbound/messages", headers, [b"{"])
    assert answer.status == 403, answer
    assert _problem(answer)["code"] == "forbidden"


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_an_oversized_body_is_413_while_it_streams(
    start_server: ServerFactory, chunked: bool
) -> None:
    server, api = start_server(max_body_bytes=SMALL_LIMIT)
    headers = {
        "Authorization": f"Bearer {api.token}",
        "Content-Type": "application/json",
        "Idempotency-Key": "k3",
    }
    if not chunked:
        headers["Content-Length"] = str(HUGE)
    path = f"/v1/conversations/{_conversation(api)}/messages"
    body = rawhttp.zeros(HUGE) if chunked else [b"{"]
    answer = rawhttp.request(_port(server), "POST", path, headers, body, chunked=chunked)
    assert answer.status == 413, answer
    problem = _problem(answer)
    assert problem["code"] == "content_too_large"
    assert str(SMALL_LIMIT) in problem["detail"]
    assert answer.sent < 32 * 1024 * 1024
    assert api.get("/v1/me").status_code == 200


def test_a_body_just_over_the_limit_is_413_and_one_under_is_read(
    start_server: ServerFactory,
) -> None:
    _, api = start_server(max_body_bytes=SMALL_LIMIT)
    conversation = _conversation(api)
    text = {"id": "m-under", "kind": "agent", "body": "x"}
    padding = SMALL_LIMIT - len(json.dumps({**text, "body": ""})) - 10
    under = api.post(f"/v1/conversations/{conversation}/messages", {**text, "body": "x" * padding})
    assert under.status_code in (200, 201), under.text
    over = api.post(
        f"/v1/conversations/{conversation}/messages",
        {**text, "id": "m-over", "body": "x" * (SMALL_LIMIT + 1)},
    )
    expect_problem(over, 413, "content_too_large")


def test_sign_in_bodies_are_limited_to_16_kib(start_server: ServerFactory) -> None:
    _, api = start_server()
    body = {"grant_type": "password", "username": AGENT_ID, "password": "x" * 20_000}
    response = api.with_token(None).post("/v1/auth/token", body, key=None)
    expect_problem(response, 413, "content_too_large")


def test_password_guessing_is_throttled_per_account_whatever_the_header(
    start_server: ServerFactory, clock: Clock
) -> None:
    _, api = start_server(sign_in_failures_per_account=5, sign_in_failures_per_address=1000)
    anonymous = api.with_token(None)
    statuses = []
    for _ in range(20):
        header = {"Authorization": f"Bearer {secrets.token_urlsafe(16)}"}
        body = {"grant_type": "password", "username": AGENT_ID, "password": secrets.token_hex(8)}
        response = anonymous.post("/v1/auth/token", body, key=None, headers=header)
        statuses.append(response.status_code)
    assert statuses == [401] * 5 + [429] * 15
    throttled = anonymous.post(
        "/v1/auth/token",
        {"grant_type": "password", "username": AGENT_ID, "password": AGENT_PASSWORD},
        key=None,
    )
    problem = expect_problem(throttled, 429, "rate_limited")
    assert problem.retryable is True
    assert 1 <= int(throttled.headers["retry-after"]) <= 15 * 60
    clock.advance(15 * 60)
    again = anonymous.post(
        "/v1/auth/token",
        {"grant_type": "password", "username": AGENT_ID, "password": AGENT_PASSWORD},
        key=None,
    )
    assert again.status_code == 200, again.text


def test_sign_in_failures_are_limited_per_address(start_server: ServerFactory) -> None:
    _, api = start_server(sign_in_failures_per_account=1000, sign_in_failures_per_address=4)
    anonymous = api.with_token(None)
    statuses = []
    for index in range(6):
        body = {"grant_type": "password", "username": f"guess-{index}", "password": "x"}
        statuses.append(anonymous.post("/v1/auth/token", body, key=None).status_code)
    token_grant = {"grant_type": "api_token", "api_token": "cdk_guess"}
    statuses.append(anonymous.post("/v1/auth/token", token_grant, key=None).status_code)
    assert statuses == [401] * 4 + [429] * 3


def test_random_bearer_headers_share_the_address_bucket(start_server: ServerFactory) -> None:
    """Unverified tokens are limited per address; a verified token keeps its own bucket."""
    _, api = start_server(rate_limit=10)
    anonymous = api.with_token(None)
    statuses = [
        anonymous.get(
            "/v1/me", headers={"Authorization": f"Bearer {secrets.token_urlsafe(16)}"}
        ).status_code
        for _ in range(15)
    ]
    assert statuses[:10] == [401] * 10
    assert set(statuses[10:]) == {429}
    assert api.get("/v1/me").status_code == 200


def test_a_flood_of_fresh_keys_keeps_the_limiter_bounded() -> None:
    limiter = RateLimiter(5, window=60.0, clock=lambda: 0.0, max_keys=100)
    for index in range(1000):
        limiter.check(f"a:{index}")
    assert len(limiter) <= 100
    assert all(limiter.check("a:999") is None for _ in range(4))
    assert limiter.check("a:999") is not None


@pytest.mark.parametrize("value", ["100", "-1"])
def test_a_body_limit_below_64_kib_is_refused(
    tmp_path: object, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    assert main(["--data-dir", str(tmp_path), "--max-body-bytes", value]) == 2
    err = capsys.readouterr().err
    assert "--max-body-bytes must be at least 65536" in err
    assert "Traceback" not in err
