"""What a server can answer when it fails: plain exception types, without httpx or pydantic.

The sign-in dialog and the window tell these apart before anything has loaded the
HTTP client, so they live apart from ``app.sync.client`` (which raises them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.domain.errors import LocalizedError

if TYPE_CHECKING:  # the wire models (pydantic) load with the client, not with the window
    from app.contract import models as wire

RETRY_STATUSES = frozenset({429, 502, 503, 504})


class NetworkError(LocalizedError):
    """The server could not be reached (offline, DNS, refused, reset, TLS)."""


class ServerProblemError(Exception):
    """The server answered with an error (RFC 9457 problem details)."""

    def __init__(
        self, status: int, problem: wire.Problem, retry_after: float | None, request_id: str | None
    ) -> None:
        self.status = status
        self.problem = problem
        self.retry_after = retry_after
        self.request_id = request_id
        super().__init__(f"{status} {problem.code}: {problem.detail or problem.title}")

    @property
    def code(self) -> str:
        return self.problem.code

    @property
    def transient(self) -> bool:
        # 409 + retryable: a concurrent write collided ("retry with the same key")
        return (
            self.status in RETRY_STATUSES
            or self.code == "idempotency_in_flight"
            or (self.status == 409 and self.problem.retryable)
        )
