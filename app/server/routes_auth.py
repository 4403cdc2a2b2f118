"""``/v1/auth/*``, ``/v1/me`` and ``/v1/agents``: who may call and who is calling."""

from __future__ import annotations

import math

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.contract.models import (
    AgentList,
    Capabilities,
    Limits,
    Me,
    RevokeRequest,
    TokenRequest,
    TokenResponse,
)
from app.server import auth, store
from app.server.auth import CurrentPrincipal
from app.server.idempotency import json_response
from app.server.middleware import client_key
from app.server.problems import ProblemError, responses
from app.server.state import ServerState, server_state
from app.server.strict import strict_body

router = APIRouter(tags=["auth"])


def _bad_credentials() -> ProblemError:
    return ProblemError(
        401, "invalid_credentials", "The credentials are wrong, expired or revoked."
    )


def _throttled(wait: float) -> ProblemError:
    return ProblemError(
        429,
        "rate_limited",
        "Too many failed sign-ins from this address or for this account; wait Retry-After seconds.",
        retryable=True,
        headers={"Retry-After": str(max(1, math.ceil(wait)))},
    )


def _require(value: str | None, field: str, grant: str) -> str:
    """A grant without its credential is a failed sign-in like any other (401)."""
    if not value:
        raise ProblemError(401, "invalid_credentials", f"grant_type {grant} needs {field}.")
    return value


@router.post(
    "/v1/auth/token",
    dependencies=[Depends(strict_body(TokenRequest))],
    response_model=TokenResponse,
    responses=responses(401, 422),
    openapi_extra={"security": []},
)
def create_token(request: Request, body: TokenRequest) -> Response:
    """Sign in (password or API token) or refresh an access token. No Idempotency-Key:
    signing in twice is harmless. Failed attempts are counted per client address and per
    account; past either limit the answer is 429 before any credential is checked."""
    state = server_state(request)
    address = client_key(request.scope)
    account = body.username if body.grant_type == "password" else None
    wait = state.sign_in.wait(address, account)
    if wait is not None:
        raise _throttled(wait)
    try:
        tokens = _sign_in(state, body)
    except ProblemError as exc:
        if exc.code == "invalid_credentials":
            state.sign_in.failed(address, account)
        raise
    return json_response(200, tokens.model_dump_json(), extra={"Cache-Control": "no-store"})


def _sign_in(state: ServerState, body: TokenRequest) -> TokenResponse:
    """New tokens for the grant, or 401 ``invalid_credentials``."""
    now = state.now()
    with state.db.write() as conn:
        if body.grant_type == "password":
            username = _require(body.username, "username", "password")
            password = _require(body.password, "password", "password")
            account = auth.check_password(conn, username, password)
            if account is None:
                raise _bad_credentials()
            tokens = auth.issue_tokens(conn, state.config, account.id)
        elif body.grant_type == "api_token":
            api_token = _require(body.api_token, "api_token", "api_token")
            row = auth.live_token(conn, api_token, ("api",), now)
            if row is None:
                raise _bad_credentials()
            tokens = auth.issue_tokens(conn, state.config, row.account_id, parent_hash=row.hash)
        else:
            refresh = _require(body.refresh_token, "refresh_token", "refresh_token")
            row = auth.live_token(conn, refresh, ("refresh",), now)
            if row is None:
                raise _bad_credentials()
            tokens = auth.issue_tokens(conn, state.config, row.account_id, refresh_token=refresh)
    return tokens


@router.post(
    "/v1/auth/revoke",
    dependencies=[Depends(strict_body(RevokeRequest))],
    status_code=204,
    response_class=Response,
    responses=responses(422),
    openapi_extra={"security": []},
)
def revoke_token(request: Request, body: RevokeRequest) -> Response:
    """Revoke any token (RFC 7009 style: unknown tokens are not an error). Revoking a
    refresh or API token also revokes the access tokens issued from it."""
    state = server_state(request)
    with state.db.write() as conn:
        auth.revoke(conn, body.token)
    return Response(status_code=204)


@router.get("/v1/me", response_model=Me, responses=responses(401), tags=["identity"])
def get_me(request: Request, principal: CurrentPrincipal) -> Response:
    """Who the token belongs to, what this server supports and its limits; the client
    also reads ``server_time`` to measure clock skew."""
    state = server_state(request)
    me = Me(
        agent=principal.agent,
        capabilities=Capabilities(
            articles=True,
            annotations=True,
            scenarios=True,
            live_events=True,
            audit=True,
            customer_erasure=True,
        ),
        limits=Limits(requests_per_minute=state.config.rate_limit or None),
        server_time=state.now(),
        retention_days=state.config.client_retention_days,
    )
    return json_response(200, me.model_dump_json())


@router.get("/v1/agents", response_model=AgentList, responses=responses(401), tags=["identity"])
def list_agents(request: Request, _principal: CurrentPrincipal) -> Response:
    """Everyone a conversation can be assigned to."""
    state = server_state(request)
    with state.db.read() as conn:
        agents = AgentList(items=store.list_agents(conn))
    return json_response(200, agents.model_dump_json())
