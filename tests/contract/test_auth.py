"""Sign-in, refresh, revoke and bearer checks (POST /v1/auth/token, /v1/auth/revoke)."""

from __future__ import annotations

import pytest

from app.contract.models import TokenResponse
from tests.contract.client import Api, expect_problem


def _token(anonymous: Api, **body: str) -> TokenResponse:
    response = anonymous.post("/v1/auth/token", body, key=None)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return TokenResponse.model_validate(response.json())


def test_password_grant_gives_working_tokens(
    anonymous: Api, agent_credentials: tuple[str, str]
) -> None:
    username, password = agent_credentials
    tokens = _token(anonymous, grant_type="password", username=username, password=password)
    assert tokens.token_type == "Bearer"
    assert tokens.expires_in > 0
    assert tokens.access_token != tokens.refresh_token
    me = anonymous.with_token(tokens.access_token).get("/v1/me")
    assert me.status_code == 200
    assert me.json()["agent"]["id"] == username


@pytest.mark.parametrize(
    "body",
    [
        {"grant_type": "password", "username": "nobody-here", "password": "wrong"},
        {"grant_type": "password", "username": "nobody-here"},
        {"grant_type": "api_token", "api_token": "cdk_not-a-token"},
        {"grant_type": "refresh_token", "refresh_token": "cdr_not-a-token"},
    ],
)
def test_wrong_credentials_are_401_invalid_credentials(anonymous: Api, body: dict) -> None:
    response = anonymous.post("/v1/auth/token", body, key=None)
    expect_problem(response, 401, "invalid_credentials")


def test_wrong_password_for_a_real_agent_is_401(
    anonymous: Api, agent_credentials: tuple[str, str]
) -> None:
    username, password = agent_credentials
    body = {"grant_type": "password", "username": username, "password": password + "x"}
    expect_problem(anonymous.post("/v1/auth/token", body, key=None), 401, "invalid_credentials")


def test_api_token_grant_and_direct_use(api: Api, anonymous: Api) -> None:
    direct = anonymous.with_token(api.api_token).get("/v1/me")  # an API token is a bearer too
    assert direct.status_code == 200
    tokens = _token(anonymous, grant_type="api_token", api_token=api.api_token or "")
    assert anonymous.with_token(tokens.access_token).get("/v1/me").status_code == 200


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer cda_bogus"}, {"Authorization": "Basic dXNlcjpwYXNz"}],
    ids=["none", "unknown", "not-bearer"],
)
def test_missing_or_bad_bearer_is_401_unauthorized(anonymous: Api, headers: dict) -> None:
    for path in ("/v1/me", "/v1/agents", "/v1/conversations/changes"):
        response = anonymous.get(path, headers=headers)
        expect_problem(response, 401, "unauthorized")
        assert response.headers.get("www-authenticate", "").lower().startswith("bearer")


def test_refresh_grant_gives_a_new_working_access_token(api: Api, anonymous: Api) -> None:
    first = _token(anonymous, grant_type="api_token", api_token=api.api_token or "")
    refreshed = _token(anonymous, grant_type="refresh_token", refresh_token=first.refresh_token)
    assert refreshed.access_token != first.access_token
    assert anonymous.with_token(refreshed.access_token).get("/v1/me").status_code == 200
    assert anonymous.with_token(first.access_token).get("/v1/me").status_code == 200


def test_a_refresh_token_is_not_a_bearer(api: Api, anonymous: Api) -> None:
    tokens = _token(anonymous, grant_type="api_token", api_token=api.api_token or "")
    expect_problem(anonymous.with_token(tokens.refresh_token).get("/v1/me"), 401, "unauthorized")


def test_revoking_an_access_token(api: Api, anonymous: Api) -> None:
    tokens = _token(anonymous, grant_type="api_token", api_token=api.api_token or "")
    client = anonymous.with_token(tokens.access_token)
    assert client.get("/v1/me").status_code == 200
    response = anonymous.post("/v1/auth/revoke", {"token": tokens.access_token}, key=None)
    assert response.status_code == 204
    expect_problem(client.get("/v1/me"), 401, "unauthorized")
    # the refresh token still works: only the access token was revoked
    again = _token(anonymous, grant_type="refresh_token", refresh_token=tokens.refresh_token)
    assert anonymous.with_token(again.access_token).get("/v1/me").status_code == 200


def test_revoking_a_refresh_token_kills_its_access_tokens(api: Api, anonymous: Api) -> None:
    tokens = _token(anonymous, grant_type="api_token", api_token=api.api_token or "")
    second = _token(anonymous, grant_type="refresh_token", refresh_token=tokens.refresh_token)
    response = anonymous.post("/v1/auth/revoke", {"token": tokens.refresh_token}, key=None)
    assert response.status_code == 204
    for access in (tokens.access_token, second.access_token):
        expect_problem(anonymous.with_token(access).get("/v1/me"), 401, "unauthorized")
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token}
    expect_problem(anonymous.post("/v1/auth/token", refresh, key=None), 401, "invalid_credentials")
    assert (
        anonymous.with_token(api.api_token).get("/v1/me").status_code == 200
    )  # its API token lives


def test_revoking_an_unknown_token_is_not_an_error(anonymous: Api) -> None:
    response = anonymous.post("/v1/auth/revoke", {"token": "cdr_never-issued"}, key=None)
    assert response.status_code == 204


def test_auth_endpoints_need_no_idempotency_key(api: Api, anonymous: Api) -> None:
    response = anonymous.post(
        "/v1/auth/token", {"grant_type": "api_token", "api_token": api.api_token}, key=None
    )
    assert response.status_code == 200


def test_token_request_validation(anonymous: Api) -> None:
    response = anonymous.post("/v1/auth/token", {"grant_type": "magic"}, key=None)
    problem = expect_problem(response, 422, "validation_failed")
    assert any(e.pointer == "/grant_type" for e in problem.errors)
