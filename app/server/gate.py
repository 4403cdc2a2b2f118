"""The gate every request passes before the application reads a byte of its body.

Anyone can send a body, so nothing is read before we know who is asking: a /v1 call
(except sign-in and revoke) is authenticated and authorised here from its headers
alone, and an unauthenticated one gets 401 whatever it carries. Then the body is
counted while it streams (chunked or not, whatever Content-Length claims) and cut
off with 413 past the limit. Rate limits are keyed by the verified token, and by the
client address for everything that has not proved who it is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.domain.attachments import MAX_ATTACHMENT_BYTES
from app.server.auth import Principal, authenticate, required_roles
from app.server.config import SIGN_IN_MAX_BODY_BYTES
from app.server.middleware import client_key, header, send_problem
from app.server.state import ServerState

OPEN_PATHS = ("/v1/auth/token", "/v1/auth/revoke")  # reachable without a token
MAX_TOKEN_CHARS = 1000  # the contract's bound on a token; longer is never looked up
_WWW_AUTHENTICATE = {"WWW-Authenticate": "Bearer"}


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` once the body passes the limit; the gate answers 413."""

    def __init__(self) -> None:
        super().__init__(413)


def _bearer(scope: Scope) -> str | None:
    value = header(scope, b"authorization")
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_CHARS:
        return None
    return token


def _declared_length(scope: Scope) -> int | None:
    value = header(scope, b"content-length")
    return int(value) if value is not None and value.strip().isdigit() else None


class GateMiddleware:
    """Authentication, authorisation, rate limits and the body limit, in that order."""

    def __init__(self, app: ASGIApp, state: ServerState, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.state = state
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        limit = self.state.config.max_body_bytes
        if path.startswith("/v1/attachments/"):  # files have their own limit (20 MiB)
            limit = MAX_ATTACHMENT_BYTES
        if path.startswith("/v1/"):
            if path in OPEN_PATHS:
                limit = min(limit, SIGN_IN_MAX_BODY_BYTES)
                if not await self._admit_anonymous(scope, send, path):
                    return
            elif not await self._admit_principal(scope, send, path):
                return
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await send_problem(send, path, 413, "content_too_large", _too_large(limit))
            return
        await self._limited(scope, receive, send, path, limit)

    async def _admit_anonymous(self, scope: Scope, send: Send, path: str) -> bool:
        """Sign-in and revoke: limited per client address, since no one is known yet."""
        key = client_key(scope)
        if self.state.db.is_sqlite:  # the limiter is in memory: no need to leave the loop
            wait = self.state.limiter.check(key)
        else:  # a database round trip
            wait = await run_in_threadpool(self.state.limiter.check, key)
        if wait is None:
            return True
        await send_problem(send, path, 429, "rate_limited", retry=math.ceil(wait))
        return False

    async def _admit_principal(self, scope: Scope, send: Send, path: str) -> bool:
        """401 for no or a bad token (counted against the address), 429 per verified
        token, 403 when the route needs a role the caller lacks; never reads the body."""
        token = _bearer(scope)
        principal, wait = (
            (None, None) if token is None else await run_in_threadpool(self._lookup, token)
        )
        if principal is None:
            if not await self._admit_anonymous(scope, send, path):
                return False
            detail = (
                "Send Authorization: Bearer <access token or API token>."
                if token is None
                else "The token is unknown, expired or revoked; sign in again."
            )
            await send_problem(send, path, 401, "unauthorized", detail, headers=_WWW_AUTHENTICATE)
            return False
        if wait is not None:
            detail = "Too many requests for this token; wait Retry-After seconds."
            await send_problem(send, path, 429, "rate_limited", detail, retry=math.ceil(wait))
            return False
        for roles in self._roles_for(scope):
            if not set(principal.roles) & set(roles):
                detail = f"This needs one of the roles: {', '.join(roles)}."
                await send_problem(send, path, 403, "forbidden", detail)
                return False
        scope.setdefault("state", {})["principal"] = principal
        return True

    def _lookup(self, token: str) -> tuple[Principal | None, float | None]:
        """Who the token is, and the wait its rate limit imposes (one thread hop: on
        PostgreSQL the limit is a database round trip too)."""
        with self.state.db.read() as conn:
            principal = authenticate(conn, token, self.state.now())
        if principal is None:
            return None, None
        return principal, self.state.limiter.check("t:" + principal.token_hash)

    def _roles_for(self, scope: Scope) -> list[tuple[str, ...]]:
        """The role sets the matching route demands (each must be met)."""
        for route in self.routes:
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return required_roles(route)
        return []

    async def _limited(
        self, scope: Scope, receive: Receive, send: Send, path: str, limit: int
    ) -> None:
        """Run the app with a ``receive`` that counts body bytes and stops past ``limit``;
        whatever the app then answers is replaced by one 413."""
        received = 0
        too_large = False
        answered = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = True
                    raise BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal answered
            if too_large:
                if not answered and message["type"] == "http.response.start":
                    answered = True
                    await send_problem(send, path, 413, "content_too_large", _too_large(limit))
                return
            if message["type"] == "http.response.start":
                answered = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not too_large:  # past the limit, whatever went wrong is the body's size
                raise
        if too_large and not answered:
            await send_problem(send, path, 413, "content_too_large", _too_large(limit))


def _too_large(limit: int) -> str:
    return f"The request body is over this server's limit of {limit} bytes; send less."
