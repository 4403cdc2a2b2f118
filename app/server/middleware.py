"""The edge of the server: request ids, rate limiting and injected faults.

These run before routing, as a proxy or load balancer would, so a client sees a 429
or a 503 exactly as it would in production: on any path, with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.server.problems import PROBLEM_MEDIA_TYPE, problem_body

log = logging.getLogger("crossdesk.server")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
FAULTS_PATH = "/v1/admin/faults"


class RateLimiter:
    """A token bucket per key: ``per_minute`` requests, refilled continuously, bursts up
    to the same number. ``check`` answers how long to wait, or None to go ahead."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._rate = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> float | None:
        if self.per_minute <= 0:
            return None
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * self._rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return None
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > 50_000:
                self._forget_full(now)
            return (1.0 - tokens) / self._rate

    def _forget_full(self, now: float) -> None:
        """Buckets that have refilled carry no state worth keeping."""
        full = [
            key
            for key, (tokens, last) in self._buckets.items()
            if tokens + (now - last) * self._rate >= self.per_minute
        ]
        for key in full:
            del self._buckets[key]


@dataclass
class FaultState:
    unavailable: int = 0
    retry_after: int = 1
    holds: int = 0
    hold_seconds: int = 30
    held: int = 0


class Faults:
    """Test-only failure injection (enabled with --enable-test-faults): answer the next N
    requests with 503, or hold the next N writes open so a retry meets them in flight."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = FaultState()
        self._release = threading.Event()

    def snapshot(self) -> FaultState:
        with self._lock:
            return FaultState(**vars(self._state))

    def arm_unavailable(self, count: int, retry_after: int) -> None:
        with self._lock:
            self._state.unavailable = count
            self._state.retry_after = retry_after

    def arm_hold(self, count: int, seconds: int) -> None:
        with self._lock:
            self._release = threading.Event()
            self._state.holds = count
            self._state.hold_seconds = seconds

    def clear(self) -> None:
        """Disarm everything and let held requests go on."""
        with self._lock:
            self._state.unavailable = 0
            self._state.holds = 0
            self._release.set()

    def take_unavailable(self, path: str) -> int | None:
        """Retry-After seconds if this request is to fail with 503 (never the hook itself)."""
        if path == FAULTS_PATH:
            return None
        with self._lock:
            if self._state.unavailable <= 0:
                return None
            self._state.unavailable -= 1
            return self._state.retry_after

    def hold_if_armed(self, path: str) -> None:
        """Block this (write) request until released or the hold times out."""
        if path.startswith("/v1/admin/"):
            return
        with self._lock:
            if self._state.holds <= 0:
                return
            self._state.holds -= 1
            self._state.held += 1
            release, seconds = self._release, self._state.hold_seconds
        try:
            release.wait(seconds)
        finally:
            with self._lock:
                self._state.held -= 1


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


class EdgeMiddleware:
    """Request id on every response; 503 faults and 429 before routing; a problem
    document (never a stack trace) if anything below fails unexpectedly."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter, faults: Faults) -> None:
        self.app = app
        self.limiter = limiter
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        path: str = scope.get("path", "")
        retry_after = self.faults.take_unavailable(path)
        if retry_after is not None:
            await self._problem(send_with_id, path, 503, "service_unavailable", retry_after)
            return
        if path.startswith("/v1/"):
            wait = self.limiter.check(self._limit_key(scope))
            if wait is not None:
                await self._problem(send_with_id, path, 429, "rate_limited", math.ceil(wait))
                return
        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception(
                "unhandled error in %s %s (request %s)", scope["method"], path, request_id
            )
            if started:
                raise
            await self._problem(send_with_id, path, 500, "internal_error", None)

    @staticmethod
    def _limit_key(scope: Scope) -> str:
        """Per token when one is sent; per client address otherwise (sign-in)."""
        auth = _header(scope, b"authorization")
        if auth:
            return "t:" + hashlib.sha256(auth.encode("utf-8")).hexdigest()
        client = scope.get("client") or ("?", 0)
        return f"a:{client[0]}"

    @staticmethod
    async def _problem(send: Send, path: str, status: int, code: str, retry: int | None) -> None:
        details = {
            429: "Too many requests for this token; wait Retry-After seconds.",
            503: "The server is unavailable for a moment; wait Retry-After seconds.",
            500: "Something went wrong on the server; the request id names it in the logs.",
        }
        body = problem_body(
            status, code, details[status], instance=path, retryable=status in (429, 503)
        )
        raw = json.dumps(body).encode("utf-8")
        headers = [
            (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
            (b"content-length", str(len(raw)).encode()),
        ]
        if retry is not None:
            headers.append((b"retry-after", str(max(1, retry)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": raw})
