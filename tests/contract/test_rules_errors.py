"""Contract 1.1, settled rules about requests: which error wins when several apply, the
Idempotency-Key and If-Match edge cases, sign-in without a credential, content types and
trailing slashes (GUIDE.md, "Which error wins" and "Requests and responses")."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.contract.client import Api, expect_problem, new_id

BAD_MESSAGE = {"id": "bad id", "kind": "customer", "body": ""}


def _message(api: Api) -> tuple[str, dict[str, str]]:
    conversation = api.new_conversation()
    body = {"id": new_id("m"), "kind": "agent", "body": "Hello"}
    return f"/v1/conversations/{conversation['id']}/messages", body


# ------------------------------------------------------------------- which error wins
def test_no_token_wins_over_everything_else(anonymous: Api) -> None:
    for response in (
        anonymous.http.post("/v1/inbound/messages", content=b"not json"),
        anonymous.get("/v1/no/such/route"),
        anonymous.http.delete("/v1/me"),
    ):
        expect_problem(response, 401, "unauthorized")


def test_a_missing_role_wins_over_the_key_and_the_body(agent_api: Api) -> None:
    response = agent_api.http.post(
        "/v1/inbound/messages", content=b"not json", headers={"Content-Type": "text/plain"}
    )
    expect_problem(response, 403, "forbidden")


def test_a_body_that_is_not_json_wins_over_a_missing_key(api: Api) -> None:
    path, _body = _message(api)
    response = api.http.post(path, content=b"hello", headers={"Content-Type": "text/plain"})
    expect_problem(response, 415, "unsupported_media_type")


def test_a_missing_idempotency_key_wins_over_a_bad_body(api: Api) -> None:
    path, _body = _message(api)
    expect_problem(api.post(path, BAD_MESSAGE, key=None), 400, "idempotency_key_missing")


def test_a_missing_idempotency_key_wins_over_a_missing_if_match(api: Api) -> None:
    conversation = api.new_conversation()
    response = api.patch(f"/v1/conversations/{conversation['id']}", {}, if_match=None, key=None)
    expect_problem(response, 400, "idempotency_key_missing")


def test_a_missing_if_match_wins_over_a_bad_body(api: Api) -> None:
    conversation = api.new_conversation()
    response = api.patch(
        f"/v1/conversations/{conversation['id']}", {"status": "closed"}, if_match=None
    )
    expect_problem(response, 428, "precondition_required")


def test_a_bad_body_wins_over_an_unknown_conversation(api: Api) -> None:
    response = api.patch("/v1/conversations/no-such-xyz", {"status": "closed"}, if_match='"1"')
    expect_problem(response, 422, "validation_failed")
    expect_problem(
        api.post("/v1/conversations/no-such-xyz/messages", BAD_MESSAGE), 422, "validation_failed"
    )


def test_an_unknown_conversation_wins_over_a_stale_if_match(api: Api) -> None:
    response = api.patch("/v1/conversations/no-such-xyz", {"status": "open"}, if_match='"99"')
    expect_problem(response, 404, "not_found")


def test_a_reused_key_wins_over_the_state_of_the_conversation(api: Api) -> None:
    path, body = _message(api)
    key = str(uuid.uuid4())
    assert api.post(path, body, key=key).status_code == 201
    other = api.patch("/v1/conversations/no-such-xyz", {}, if_match='"1"', key=key)
    expect_problem(other, 422, "idempotency_key_reused")


# ------------------------------------------------------------------- Idempotency-Key
@pytest.mark.parametrize("key", ["", '""'], ids=["empty", "empty-quoted"])
def test_an_empty_idempotency_key_is_400_missing(api: Api, key: str) -> None:
    path, body = _message(api)
    response = api.http.post(path, json=body, headers={"Idempotency-Key": key})
    expect_problem(response, 400, "idempotency_key_missing")


def test_an_idempotency_key_over_255_characters_is_422(api: Api) -> None:
    path, body = _message(api)
    problem = expect_problem(api.post(path, body, key="k" * 256), 422, "validation_failed")
    assert [e.pointer for e in problem.errors] == ["header:idempotency-key"]
    assert api.post(path, body, key="k" * 255).status_code == 201


def test_a_quoted_idempotency_key_is_the_same_key(api: Api) -> None:
    path, body = _message(api)
    key = str(uuid.uuid4())
    assert api.post(path, body, key=key).status_code == 201
    again = api.post(path, body, key=f'"{key}"')
    assert again.status_code == 201
    assert again.headers.get("idempotent-replayed") == "true"


# ------------------------------------------------------------------- If-Match
@pytest.mark.parametrize(
    "if_match",
    ["", '"1', 'W/"1"', "1", '"1 "', "x" * 2000],
    ids=["empty", "unterminated", "weak", "unquoted", "padded", "oversized"],
)
def test_any_if_match_but_the_current_etag_is_412_never_422(api: Api, if_match: str) -> None:
    conversation = api.new_conversation()
    path = f"/v1/conversations/{conversation['id']}"
    problem = expect_problem(
        api.patch(path, {"status": "pending"}, if_match=if_match), 412, "version_mismatch"
    )
    assert problem.current is not None and problem.current["version"] == 1


def test_if_match_star_or_a_list_holding_the_current_etag_matches(api: Api) -> None:
    conversation = api.new_conversation()
    path = f"/v1/conversations/{conversation['id']}"
    star = api.patch(path, {"status": "pending"}, if_match="*")
    assert star.status_code == 200 and star.headers["etag"] == '"2"'
    listed = api.patch(path, {"status": "open"}, if_match='"1", "2"')
    assert listed.status_code == 200 and listed.headers["etag"] == '"3"'


# ------------------------------------------------------------------- sign-in
@pytest.mark.parametrize(
    "body",
    [
        {"grant_type": "password", "username": "someone"},
        {"grant_type": "password", "password": "secret"},
        {"grant_type": "password", "username": "", "password": ""},
        {"grant_type": "api_token"},
        {"grant_type": "refresh_token", "refresh_token": ""},
    ],
    ids=["no-password", "no-username", "empty", "no-api-token", "empty-refresh-token"],
)
def test_a_grant_without_its_credential_is_401_invalid_credentials(
    anonymous: Api, body: dict[str, str]
) -> None:
    expect_problem(anonymous.post("/v1/auth/token", body, key=None), 401, "invalid_credentials")


# ------------------------------------------------------------------- content types
@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1"],
    ids=["none", "text", "form", "latin-1"],
)
def test_a_body_that_is_not_application_json_is_415(
    api: Api, anonymous: Api, content_type: str | None
) -> None:
    path, _body = _message(api)
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    if content_type:
        headers["Content-Type"] = content_type
    raw = b'{"id": "m-415", "kind": "agent", "body": "Hello"}'
    expect_problem(api.http.post(path, content=raw, headers=headers), 415, "unsupported_media_type")
    sign_in = anonymous.http.post(
        "/v1/auth/token",
        content=b'{"grant_type": "api_token", "api_token": "x"}',
        headers={k: v for k, v in headers.items() if k == "Content-Type"},
    )
    expect_problem(sign_in, 415, "unsupported_media_type")


def test_json_with_a_utf8_charset_is_accepted(api: Api) -> None:
    path, _body = _message(api)
    raw = json.dumps({"id": new_id("m"), "kind": "agent", "body": "Olá"}, ensure_ascii=False)
    response = api.http.post(
        path,
        content=raw.encode("utf-8"),
        headers={
            "Content-Type": "application/json; charset=UTF-8",
            "Idempotency-Key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["body"] == "Olá"


def test_answers_are_json_and_problems_are_problem_json(api: Api) -> None:
    path, body = _message(api)
    for response in (api.get("/v1/me"), api.post(path, body), api.get(path)):
        assert response.headers["content-type"].split(";")[0].strip() == "application/json"
        response.json()
    expect_problem(api.get("/v1/conversations/no-such-xyz"), 404, "not_found")


# ------------------------------------------------------------------- routes
@pytest.mark.parametrize("path", ["/v1/me/", "/v1/conversations/changes/", "/v1/agents//"])
def test_a_trailing_slash_is_an_unknown_route_404_not_a_redirect(api: Api, path: str) -> None:
    response = api.get(path)
    expect_problem(response, 404, "not_found")
    assert "location" not in response.headers
