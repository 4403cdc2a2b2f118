"""The FastAPI application: routers, error handlers, the edge middleware and the
OpenAPI document that resources/contract/openapi.json is generated from."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from app.contract.models import CONTRACT_VERSION
from app.server import (
    feeds,
    routes_admin,
    routes_attachments,
    routes_audit,
    routes_auth,
    routes_inbox,
    routes_live,
    routes_moderation,
    routes_privacy,
    routes_review,
    routes_templates,
    routes_training,
)
from app.server.config import ServerConfig
from app.server.gate import GateMiddleware
from app.server.live import LiveRuntime
from app.server.middleware import EdgeMiddleware
from app.server.problems import PROBLEM_MEDIA_TYPE, install_handlers
from app.server.scale import build_limits, open_database
from app.server.state import ServerState

DESCRIPTION = """\
The CrossDesk sync contract: what a helpdesk backend speaks so the CrossDesk desktop
client can sync with it. JSON over HTTPS; timestamps are integer seconds since the
epoch (UTC); unknown fields are ignored by both sides; errors are RFC 9457 problem
documents with a stable `code`. Every POST and PATCH (except /v1/auth/*), and every PUT
or DELETE of a rubric, review, annotation or training record, needs an `Idempotency-Key`;
PATCH and those DELETEs need `If-Match`, those PUTs (but an attempt's) send it to replace.
See resources/contract/GUIDE.md.
"""

_HEADER_DOCS: dict[str, dict[str, Any]] = {
    "X-Request-Id": {
        "description": "Names this request in the server's logs (echoed if the client sent one)",
        "schema": {"type": "string"},
        "required": True,
    },
}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "string"},
        "required": True,
    }
}


def _operation_id(route: APIRoute) -> str:
    return route.name


def create_app(config: ServerConfig) -> FastAPI:
    """A server on the configured database (created or upgraded on the way)."""
    database = open_database(config)
    limiter, sign_in = build_limits(config, database)
    state = ServerState(config=config, db=database, limiter=limiter, sign_in=sign_in)
    state.maintain()
    live = LiveRuntime(
        database,
        max_streams=config.live_streams_per_process,
        max_per_account=config.live_streams_per_account,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await live.start()
        yield
        await live.stop()
        state.faults.clear()
        database.dispose()

    app = FastAPI(
        title="CrossDesk sync contract",
        version=CONTRACT_VERSION,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        separate_input_output_schemas=False,
        generate_unique_id_function=_operation_id,
        lifespan=lifespan,
        redirect_slashes=False,  # /v1/me/ is an unknown route: 404, never a 307 (contract 1.1)
    )
    app.state.server = state
    app.state.live = live
    install_handlers(app)
    routers = (
        routes_auth.router,
        feeds.router,
        routes_inbox.router,
        routes_moderation.router,
        routes_privacy.router,
        routes_admin.router,
        routes_attachments.router,
        routes_templates.router,
        routes_review.router,
        routes_audit.router,
        routes_training.router,
        routes_live.router,
    )
    for router in routers:  # feeds before inbox: "changes" is a valid conversation id
        app.include_router(router)
    # The last added runs first: the edge (request id, faults), then the gate (who is
    # asking, rate limits, the body limit), then routing.
    app.add_middleware(
        GateMiddleware, state=state, routes=[r for router in routers for r in router.routes]
    )
    app.add_middleware(EdgeMiddleware, faults=state.faults)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                separate_input_output_schemas=False,
            )
            app.openapi_schema = _finish(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _finish(schema: dict[str, Any]) -> dict[str, Any]:
    """What FastAPI cannot say by itself: problems are application/problem+json, every
    response names its request id, every /v1 call may meet 429 or 503, and every
    request body may meet 413."""
    for path, item in schema.get("paths", {}).items():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                responses.setdefault(
                    "413",
                    {"description": "`content_too_large`: the body is over the server's limit"},
                )
                if "application/json" in operation["requestBody"].get("content", {}):
                    responses.setdefault(
                        "415",
                        {"description": "`unsupported_media_type`: send `application/json`"},
                    )
            if path.startswith("/v1/"):
                responses.setdefault(
                    "429",
                    {"description": "`rate_limited`: wait Retry-After seconds"},
                )
                responses.setdefault(
                    "503",
                    {"description": "`service_unavailable`: wait Retry-After seconds"},
                )
            for status, response in responses.items():
                code = int(status)
                if code >= 400:
                    response["content"] = {
                        PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
                    }
                headers = response.setdefault("headers", {})
                headers.update(_HEADER_DOCS)
                if code in (429, 503):
                    headers.update(_RETRY_AFTER)
                if code == 405:
                    headers["Allow"] = {"schema": {"type": "string"}, "required": True}
                if code in (200, 201) and "Idempotency-Key" in _header_names(operation):
                    headers["Idempotent-Replayed"] = {
                        "description": "true when this is the stored answer to an earlier "
                        "request with the same Idempotency-Key",
                        "schema": {"type": "string", "enum": ["true"]},
                    }
    return schema


def _header_names(operation: dict[str, Any]) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p.get("in") == "header"}
