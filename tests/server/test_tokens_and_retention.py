"""Time-dependent rules, on a fake clock: token expiry, key and tombstone retention."""

from __future__ import annotations

from sqlalchemy import select

from app.server import db
from tests.contract.client import expect_problem
from tests.contract.server import AGENT_ID, AGENT_PASSWORD
from tests.server.conftest import Clock, ServerFactory


def _sign_in(api, **body):
    response = api.with_token(None).post("/v1/auth/token", body, key=None)
    assert response.status_code == 200, response.text
    return response.json()


def test_access_tokens_expire_and_refresh_tokens_renew_them(
    start_server: ServerFactory, clock: Clock
) -> None:
    _, api = start_server(access_token_ttl=60)
    tokens = _sign_in(api, grant_type="password", username=AGENT_ID, password=AGENT_PASSWORD)
    assert tokens["expires_in"] == 60
    agent = api.with_token(tokens["access_token"])
    assert agent.get("/v1/me").status_code == 200
    clock.advance(61)
    expect_problem(agent.get("/v1/me"), 401, "unauthorized")
    renewed = _sign_in(api, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert api.with_token(renewed["access_token"]).get("/v1/me").status_code == 200


def test_refresh_tokens_expire_after_their_ttl(start_server: ServerFactory, clock: Clock) -> None:
    _, api = start_server(refresh_token_ttl=3600)
    tokens = _sign_in(api, grant_type="password", username=AGENT_ID, password=AGENT_PASSWORD)
    clock.advance(3601)
    body = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    response = api.with_token(None).post("/v1/auth/token", body, key=None)
    expect_problem(response, 401, "invalid_credentials")


def test_api_tokens_do_not_expire(start_server: ServerFactory, clock: Clock) -> None:
    _, api = start_server()
    clock.advance(5 * 365 * 86400)
    assert api.get("/v1/me").status_code == 200


def test_only_hashes_of_tokens_and_passwords_are_stored(start_server: ServerFactory) -> None:
    server, api = start_server()
    tokens = _sign_in(api, grant_type="password", username=AGENT_ID, password=AGENT_PASSWORD)
    with server.state.db.read() as conn:
        stored = conn.execute(select(db.tokens.c.hash)).scalars().all()
        password_hash = conn.execute(
            select(db.accounts.c.password_hash).where(db.accounts.c.id == AGENT_ID)
        ).scalar_one()
    secrets = {tokens["access_token"], tokens["refresh_token"], api.token}
    assert not secrets & set(stored)
    assert all(len(h) == 64 for h in stored)
    assert password_hash.startswith("$argon2")
    assert AGENT_PASSWORD not in password_hash
    raw = (server.state.config.data_dir / "crossdesk-server.sqlite3").read_bytes()
    for secret in (*secrets, AGENT_PASSWORD):
        assert secret.encode() not in raw


def test_idempotency_keys_are_kept_72_hours(start_server: ServerFactory, clock: Clock) -> None:
    server, api = start_server()
    conversation = api.new_conversation()
    path = f"/v1/conversations/{conversation['id']}/messages"
    body = {"id": "m-keep", "kind": "note", "body": "x"}
    assert api.post(path, body, key="k-72").status_code == 201
    clock.advance(71 * 3600)
    server.state.maintain()
    assert api.post(path, body, key="k-72").headers.get("idempotent-replayed") == "true"
    clock.advance(2 * 3600)
    server.state.maintain()
    # the key is forgotten; the message id still makes the retry harmless
    again = api.post(path, body, key="k-72")
    assert again.status_code == 200
    assert "idempotent-replayed" not in again.headers


def test_tombstones_outlive_retention_then_old_cursors_get_410(
    start_server: ServerFactory, clock: Clock
) -> None:
    server, api = start_server(tombstone_retention=86400)
    conversation = api.new_conversation()
    _, _, cursor = api.drain("conversations")
    assert api.http.delete(f"/v1/admin/conversations/{conversation['id']}").status_code == 204
    clock.advance(3600)
    server.state.maintain()
    _, deleted, _ = api.drain("conversations", cursor)
    assert [t["id"] for t in deleted] == [conversation["id"]]
    clock.advance(86400)
    server.state.maintain()
    expect_problem(api.feed("conversations", cursor), 410, "cursor_expired")
    items, deleted, _ = api.drain("conversations")  # a fresh snapshot is fine
    assert conversation["id"] not in {c["id"] for c in items}
    assert deleted == []


def test_faults_are_off_unless_enabled(start_server: ServerFactory) -> None:
    _, api = start_server(enable_test_faults=False)
    expect_problem(api.post("/v1/admin/faults", {"kind": "clear"}), 404, "not_found")
    expect_problem(api.get("/v1/admin/faults"), 404, "not_found")


def test_rate_limit_zero_means_no_limit(start_server: ServerFactory) -> None:
    _, api = start_server(rate_limit=0)
    assert api.get("/v1/me").json()["limits"]["requests_per_minute"] is None
