"""The edge of the server: request ids, injected faults, the rate-limit buckets and
problem answers sent straight from the ASGI layer.

These run before routing, as a proxy or load balancer would, so a client sees a 429
or a 503 exactly as it would in production: on any path, with ``Retry-After``.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.server.problems import PROBLEM_MEDIA_TYPE, problem_body

log = logging.getLogger("crossdesk.server")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
FAULTS_PATH = "/v1/admin/faults"


class Limiter(Protocol):
    """What the gate and the sign-in throttle need of a rate limiter: this module's
    in-memory one (SQLite: one process) or the database's (shared_limits, PostgreSQL)."""

    capacity: int

    def check(self, key: str) -> float | None: ...

    def charge(self, key: str) -> None: ...

    def wait(self, key: str) -> float | None: ...

    def prune(self) -> int: ...


class RateLimiter:
    """A token bucket per key: ``capacity`` requests per ``window`` seconds, refilled
    continuously, bursts up to ``capacity``. At most ``max_keys`` buckets are kept, so a
    flood of fresh keys cannot grow memory without bound."""

    def __init__(
        self,
        capacity: int,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 50_000,
    ) -> None:
        self.capacity = capacity
        self._rate = capacity / window if capacity > 0 else 0.0
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._buckets)

    def check(self, key: str) -> float | None:
        """Take one token: None to go ahead, else the seconds to wait."""
        return self._take(key, consume_anyway=False)

    def charge(self, key: str) -> None:
        """Take one token for something that already happened (a failed sign-in)."""
        self._take(key, consume_anyway=True)

    def wait(self, key: str) -> float | None:
        """Seconds until ``key`` has a token again; None if it has one now (takes nothing)."""
        if self.capacity <= 0:
            return None
        with self._lock:
            tokens = self._tokens(key, self._clock())
        return None if tokens >= 1.0 else (1.0 - tokens) / self._rate

    def prune(self) -> int:
        """Forget the buckets that have refilled (they carry no state)."""
        with self._lock:
            before = len(self._buckets)
            self._forget(self._clock(), keep=len(self._buckets))
            return before - len(self._buckets)

    def _tokens(self, key: str, now: float) -> float:
        tokens, last = self._buckets.get(key, (float(self.capacity), now))
        return min(float(self.capacity), tokens + (now - last) * self._rate)

    def _take(self, key: str, *, consume_anyway: bool) -> float | None:
        if self.capacity <= 0:
            return None
        now = self._clock()
        with self._lock:
            tokens = self._tokens(key, now)
            if tokens >= 1.0 or consume_anyway:
                self._store(key, max(0.0, tokens - 1.0), now)
                return None
            self._store(key, tokens, now)
            return (1.0 - tokens) / self._rate

    def _store(self, key: str, tokens: float, now: float) -> None:
        self._buckets.pop(key, None)  # re-insert: the dict stays ordered by last use
        self._buckets[key] = (tokens, now)
        if len(self._buckets) > self._max_keys:
            self._forget(now)

    def _forget(self, now: float, keep: int | None = None) -> None:
        """Drop buckets that have refilled (they carry no state); if that leaves more
        than ``keep`` (default: 90% of the maximum), the least recently used ones."""
        full = [
            key
            for key, (tokens, last) in self._buckets.items()
            if tokens + (now - last) * self._rate >= self.capacity
        ]
        for key in full:
            del self._buckets[key]
        excess = len(self._buckets) - (self._max_keys * 9 // 10 if keep is None else keep)
        for key in list(self._buckets)[: max(0, excess)]:
            del self._buckets[key]


class SignInThrottle:
    """Failed sign-ins counted per client address and per account: past either limit,
    sign-in answers 429 until the bucket refills (before any password is checked)."""

    def __init__(
        self,
        per_address: int,
        per_account: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._addresses: Limiter = RateLimiter(per_address, window, clock)
        self._accounts: Limiter = RateLimiter(per_account, window, clock)

    @classmethod
    def over(cls, addresses: Limiter, accounts: Limiter) -> SignInThrottle:
        """A throttle counting in the given limiters (the database's, on PostgreSQL)."""
        throttle = cls(0, 0, 1.0)
        throttle._addresses, throttle._accounts = addresses, accounts
        return throttle

    def prune(self) -> int:
        return self._addresses.prune() + self._accounts.prune()

    def wait(self, address: str, account: str | None) -> float | None:
        """Seconds this sign-in must wait, or None to go ahead."""
        waits = [self._addresses.wait(address)]
        if account is not None:
            waits.append(self._accounts.wait(account))
        known = [w for w in waits if w is not None]
        return max(known) if known else None

    def failed(self, address: str, account: str | None) -> None:
        self._addresses.charge(address)
        if account is not None:
            self._accounts.charge(account)


def client_key(scope: Scope) -> str:
    """The caller's address as a limit key; IPv6 by /64, since one host usually owns one
    (as reported by the proxy in front, when uvicorn trusts its forwarded headers)."""
    client = scope.get("client") or ("?", 0)
    host = str(client[0])
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return f"a:{host[:100]}"
    if address.version == 6 and address.ipv4_mapped is None:
        return f"a:{ipaddress.ip_network(f'{address}/64', strict=False)}"
    mapped = getattr(address, "ipv4_mapped", None)
    return f"a:{mapped or address}"


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


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


class EdgeMiddleware:
    """Request id on every response; 503 faults before routing; a problem document
    (never a stack trace) if anything below fails unexpectedly."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = header(scope, b"x-request-id")
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
            await send_problem(send_with_id, path, 503, "service_unavailable", retry=retry_after)
            return
        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception(
                "unhandled error in %s %s (request %s)", scope["method"], path, request_id
            )
            if started:
                raise
            await send_problem(send_with_id, path, 500, "internal_error")


_DETAILS = {
    401: "Send Authorization: Bearer <access token or API token>.",
    403: "This needs another role.",
    413: "The request body is too large for this server.",
    429: "Too many requests; wait Retry-After seconds.",
    503: "The server is unavailable for a moment; wait Retry-After seconds.",
    500: "Something went wrong on the server; the request id names it in the logs.",
}


async def send_problem(
    send: Send,
    path: str,
    status: int,
    code: str,
    detail: str | None = None,
    *,
    retry: int | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Answer with a problem document straight from the ASGI layer (no app involved)."""
    body = problem_body(
        status,
        code,
        detail or _DETAILS[status],
        instance=path,
        retryable=status in (429, 503),
    )
    raw = json.dumps(body).encode("utf-8")
    raw_headers = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(raw)).encode()),
    ]
    if retry is not None:
        raw_headers.append((b"retry-after", str(max(1, retry)).encode()))
    for name, value in (headers or {}).items():
        raw_headers.append((name.lower().encode("latin-1"), value.encode("latin-1")))
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": raw})
