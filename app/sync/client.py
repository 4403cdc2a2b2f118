"""HTTP client for the CrossDesk contract: TLS always verified, retries done right.

- httpx, with certificate verification always on (a team can point to its own CA
  bundle; there is no way to turn verification off);
- problem+json errors become :class:`ServerProblemError` with the stable ``code``;
- transient failures (connection errors, 429/502/503/504, an idempotent request
  still in flight) are retried by tenacity with exponential backoff and full
  jitter, never sooner than the server's ``Retry-After``;
- an expired access token is refreshed once, transparently;
- responses are validated item by item: a malformed or hostile record is
  quarantined (logged with the request id) and the rest of the page is used.
"""

from __future__ import annotations

import email.utils
import logging
import math
import random
import re
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr, ValidationError
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
)

from app.contract import models as wire
from app.i18n import N_
from app.sync.auth import Tokens
from app.sync.errors import NetworkError, ServerProblemError

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)

MAX_ATTEMPTS = 4
MAX_RETRY_SECONDS = 90
BACKOFF_BASE_SECONDS = 0.5  # in-request retries: 0.5, 1, 2... s, at most 30 s
BACKOFF_CAP_SECONDS = 30.0
MAX_RETRY_AFTER_SECONDS = 24 * 3600  # a server's Retry-After is honoured up to a day


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _problem(response: httpx.Response) -> ServerProblemError:
    try:
        problem = wire.Problem.model_validate(response.json())
    except (ValueError, ValidationError, RecursionError):
        problem = wire.Problem(
            title=response.reason_phrase or "Error",
            status=response.status_code,
            code=f"http_{response.status_code}",
        )
    return ServerProblemError(
        response.status_code, problem, _retry_after(response), response.headers.get("X-Request-Id")
    )


def _transient(error: BaseException) -> bool:
    if isinstance(error, ServerProblemError):
        return error.transient
    return isinstance(error, httpx.TransportError) and not _tls_failure(error)


def _tls_failure(error: BaseException) -> bool:
    text = str(error).lower()
    return "certificate" in text or "ssl" in text


def retry_delay(
    attempt: int,
    retry_after: float | None = None,
    *,
    base: float = BACKOFF_BASE_SECONDS,
    cap: float = BACKOFF_CAP_SECONDS,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds before try ``attempt + 1``, after ``attempt`` failed tries: the one backoff
    policy of sync (the client's in-request retries, the outbox's rescheduling).

    Exponential with full jitter (uniform in 0 .. min(cap, base * 2**(attempt - 1))), so
    desks that failed together do not come back together; never sooner than the server's
    Retry-After (bounded to a day: it comes from outside)."""
    exponent = min(max(attempt, 1) - 1, 62)  # 2**62 s is far beyond any cap
    ceiling = min(cap, base * 2.0**exponent)
    delay = rand() * ceiling
    if retry_after is not None and math.isfinite(retry_after):
        delay = max(delay, min(max(retry_after, 0.0), MAX_RETRY_AFTER_SECONDS))
    return delay


class _Wait:
    """Tenacity's wait: :func:`retry_delay` for the attempt that just failed."""

    def __call__(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        retry_after = error.retry_after if isinstance(error, ServerProblemError) else None
        return retry_delay(state.attempt_number, retry_after)


def _tls_context(verify: bool | str) -> ssl.SSLContext | bool:
    """The system's trust (certifi) or the team's CA bundle (a file or a folder), as an
    SSL context: httpx deprecates ``verify=<path>``."""
    if isinstance(verify, bool):
        return verify
    if Path(verify).is_dir():
        return ssl.create_default_context(capath=str(verify))
    return ssl.create_default_context(cafile=str(verify))


@dataclass
class Page:
    """One page of a change feed, after validation."""

    items: list[Any]
    deleted: list[wire.Tombstone]
    next_cursor: str
    has_more: bool
    quarantined: int = 0


class _WholePage(BaseModel, Generic[M]):
    """A feed page read in one pass, straight from the response bytes (see ``changes``)."""

    model_config = ConfigDict(extra="ignore")

    items: list[M]
    deleted: list[wire.Tombstone] = []
    next_cursor: StrictStr
    has_more: StrictBool


# What decoded text could hold a NUL or an unpaired surrogate (see _unsafe_text) from:
# their JSON escapes, a raw NUL, a UTF-8-encoded surrogate. Escaped pairs match too (then
# the page is simply read record by record).
_SURROGATE_BYTES = re.compile(rb"\xed[\xa0-\xbf]")
_RISKY_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def _maybe_unsafe(content: bytes) -> bool:
    return (
        b"\x00" in content
        or (b"\xed" in content and _SURROGATE_BYTES.search(content) is not None)
        or (b"\\u" in content and _RISKY_ESCAPE.search(content) is not None)
    )


@dataclass
class ServerClient:
    """One signed-in session with a server."""

    base_url: str
    tokens: Tokens | None = None
    on_tokens: Callable[[Tokens], None] | None = None  # keep refreshed tokens (the keychain)
    verify: bool | str = True
    timeout: float = 30.0
    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep
    _http: httpx.Client | None = field(default=None, init=False, repr=False)
    _one_at_a_time: threading.RLock = field(
        default_factory=threading.RLock, init=False, repr=False, compare=False
    )

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            if self.verify is False:
                raise ValueError("TLS verification cannot be turned off")
            self._http = httpx.Client(
                base_url=self.base_url.rstrip("/"),
                verify=_tls_context(self.verify),
                timeout=self.timeout,
                transport=self.transport,
                headers={"User-Agent": "CrossDesk"},
            )
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def stream_http(self, read_timeout: float) -> httpx.Client:
        """A connection of its own for a long-lived stream (the live updates): the same
        server and TLS trust, never this client's request lock; ``read_timeout`` is how
        long the stream may stay silent before it counts as dead."""
        if self.verify is False:
            raise ValueError("TLS verification cannot be turned off")
        return httpx.Client(
            base_url=self.base_url.rstrip("/"),
            verify=_tls_context(self.verify),
            timeout=httpx.Timeout(10.0, read=read_timeout),
            headers={"User-Agent": "CrossDesk"},
        )

    def refresh_after(self, refused_access_token: str) -> bool:
        """A stream was refused with ``refused_access_token`` (401): refresh it, once for
        every user of this client (if a request refreshed it meanwhile, that one is used;
        a second refresh would spend the rotated refresh token twice)."""
        with self._one_at_a_time:
            if self.tokens is not None and self.tokens.access_token != refused_access_token:
                return True
            return self._refresh()

    # ------------------------------------------------------------------ plumbing
    def _send(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if auth and self.tokens is not None:
            headers["Authorization"] = f"Bearer {self.tokens.access_token}"
        try:
            response = self.http.request(method, path, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            if _tls_failure(exc):
                raise NetworkError(
                    N_(
                        "The server's certificate is not trusted ({error}). Ask your "
                        "administrator for the CA certificate and add it in the sign-in dialog."
                    ),
                    error=str(exc),
                ) from exc
            raise
        if response.status_code >= 400:
            raise _problem(response)
        return response

    def request(
        self, method: str, path: str, *, auth: bool = True, **kwargs: Any
    ) -> httpx.Response:
        """Send with retries for transient failures and one token refresh on 401.

        One request at a time (the engine reads a feed's next page on a thread of its
        own while it stores the current one): a token refresh never races another."""
        with self._one_at_a_time:
            return self._request(method, path, auth=auth, **kwargs)

    def _request(
        self, method: str, path: str, *, auth: bool = True, **kwargs: Any
    ) -> httpx.Response:
        retrying = Retrying(
            retry=retry_if_exception(_transient),
            wait=_Wait(),
            # stop *before* a wait that would overrun the budget: a Retry-After of an hour
            # must not hold the sync worker for an hour (the engine reschedules instead)
            stop=stop_after_attempt(MAX_ATTEMPTS) | stop_before_delay(MAX_RETRY_SECONDS),
            sleep=self.sleep,
            reraise=True,
        )
        refreshed = False
        while True:
            try:
                return retrying(self._send, method, path, auth=auth, **kwargs)
            except ServerProblemError as problem:
                if problem.status == 401 and auth and not refreshed and self._refresh():
                    refreshed = True
                    continue
                raise
            except httpx.TransportError as exc:
                raise self.unreachable(exc) from exc

    def unreachable(self, exc: httpx.TransportError) -> NetworkError:
        """What the agent reads when a request of this client did not get through
        (every request says it the same way, a file's download too)."""
        return NetworkError(
            N_("The server at {url} cannot be reached: {error}"), url=self.base_url, error=str(exc)
        )

    def _refresh(self) -> bool:
        if self.tokens is None:
            return False
        try:
            response = self._send(
                "POST",
                "/v1/auth/token",
                auth=False,
                json={"grant_type": "refresh_token", "refresh_token": self.tokens.refresh_token},
            )
        except (ServerProblemError, httpx.TransportError):
            return False
        self._adopt(wire.TokenResponse.model_validate(response.json()))
        return True

    def _adopt(self, token: wire.TokenResponse) -> Tokens:
        self.tokens = Tokens(
            token.access_token, token.refresh_token, int(time.time()) + token.expires_in
        )
        if self.on_tokens is not None:
            self.on_tokens(self.tokens)
        return self.tokens

    # ------------------------------------------------------------------ auth
    def sign_in(
        self,
        *,
        username: str | None = None,
        password: str | None = None,
        api_token: str | None = None,
    ) -> Tokens:
        body: dict[str, str] = (
            {"grant_type": "api_token", "api_token": api_token or ""}
            if api_token
            else {"grant_type": "password", "username": username or "", "password": password or ""}
        )
        response = self.request("POST", "/v1/auth/token", auth=False, json=body)
        return self._adopt(wire.TokenResponse.model_validate(response.json()))

    def sign_out(self) -> None:
        if self.tokens is not None:
            try:
                self.request("POST", "/v1/auth/revoke", json={"token": self.tokens.refresh_token})
            finally:
                self.tokens = None

    # ------------------------------------------------------------------ reads
    def me(self) -> wire.Me:
        return wire.Me.model_validate(self.request("GET", "/v1/me").json())

    def agents(self) -> list[wire.Agent]:
        page = self._page_of(self.request("GET", "/v1/agents"), wire.Agent, "items")
        return page

    def templates(self) -> list[wire.MessageTemplate]:
        """The approved message templates (each checked on its own; at most 500 kept)."""
        response = self.request("GET", "/v1/templates")
        return self._page_of(response, wire.MessageTemplate, "items")[:500]

    def changes(
        self, collection: str, model: type[M], cursor: str | None, limit: int = 500
    ) -> Page:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        response = self.request("GET", f"/v1/{collection}/changes", params=params)
        whole = self._whole_page(response, model)
        if whole is not None:
            return whole
        body = self._json_object(response)
        raw_items, raw_deleted = body.get("items"), body.get("deleted", [])
        cursor_value = body.get("next_cursor")
        if (
            not isinstance(raw_items, list)
            or not isinstance(raw_deleted, list)
            or not isinstance(cursor_value, str)
            or _unsafe_text(cursor_value)
            or not isinstance(body.get("has_more"), bool)
        ):  # never move the cursor past a page that could not be read
            raise _malformed(response, "Malformed page")
        items = self._valid(raw_items, model, response)
        deleted = self._valid(raw_deleted, wire.Tombstone, response)
        total = len(raw_items) + len(raw_deleted)
        return Page(
            items, deleted, cursor_value, body["has_more"], total - len(items) - len(deleted)
        )

    def conversation(self, conversation_id: str) -> tuple[wire.Conversation, str | None]:
        response = self.request("GET", f"/v1/conversations/{conversation_id}")
        return self._one(response, wire.Conversation), response.headers.get("ETag")

    # ------------------------------------------------------------------ writes
    def post_message(self, conversation_id: str, body: dict[str, Any], key: str) -> wire.Message:
        response = self.request(
            "POST",
            f"/v1/conversations/{conversation_id}/messages",
            json=body,
            headers={"Idempotency-Key": key},
        )
        return self._one(response, wire.Message)

    def patch(
        self, conversation_id: str, body: dict[str, Any], version: int, key: str
    ) -> wire.Conversation:
        response = self.request(
            "PATCH",
            f"/v1/conversations/{conversation_id}",
            json=body,
            headers={"Idempotency-Key": key, "If-Match": f'"{version}"'},
        )
        return self._one(response, wire.Conversation)

    # ------------------------------------------------------------------ validation
    @staticmethod
    def _json_object(response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except (ValueError, RecursionError):  # not JSON, or nested beyond reason
            body = None
        if not isinstance(body, dict):
            raise _malformed(response, "Malformed response")
        return body

    @staticmethod
    def _whole_page(response: httpx.Response, model: type[M]) -> Page | None:
        """The usual page, validated in one pass from the bytes (no JSON objects built, no
        record dumped to be checked): when it holds no text that could be unsafe and every
        record is valid. Otherwise None, and the page is read record by record."""
        content = response.content
        if _maybe_unsafe(content):
            return None
        try:
            page = _WholePage[model].model_validate_json(content)  # type: ignore[valid-type]
        except (ValidationError, ValueError, RecursionError):
            return None
        return Page(page.items, page.deleted, page.next_cursor, page.has_more)

    def _one(self, response: httpx.Response, model: type[M]) -> M:
        """A single object, validated like a page's records (502 if unusable)."""
        valid = self._valid([self._json_object(response)], model, response)
        if not valid:
            raise _malformed(response, "Malformed response")
        return valid[0]

    def _page_of(self, response: httpx.Response, model: type[M], key: str) -> list[M]:
        return self._valid(self._json_object(response).get(key), model, response)

    @staticmethod
    def _valid(raw: object, model: type[M], response: httpx.Response) -> list[M]:
        """Validate each record on its own: one bad record must not cost the page."""
        if not isinstance(raw, list):
            return []
        valid = []
        for index, item in enumerate(raw):
            try:
                record = model.model_validate(item)
                reason = _unsafe_text(record.model_dump())
                if reason:
                    raise ValueError(f"text with {reason}")
                valid.append(record)
            except (ValidationError, TypeError, ValueError) as exc:
                log.warning(
                    "quarantined %s #%d from %s (request %s): %s",
                    model.__name__,
                    index,
                    response.request.url.path,
                    response.headers.get("X-Request-Id"),
                    " ".join(str(exc).split())[:300],
                )
        return valid


def _malformed(response: httpx.Response, title: str) -> ServerProblemError:
    """A 2xx answer the client cannot use: logged, then handled like a server error."""
    request_id = response.headers.get("X-Request-Id")
    log.warning(
        "%s from %s (request %s, %s, %d bytes)",
        title.lower(),
        response.request.url.path,
        request_id,
        response.headers.get("Content-Type"),
        len(response.content),
    )
    return ServerProblemError(
        502, wire.Problem(title=title, status=502, code="malformed_response"), None, request_id
    )


def _unsafe_text(value: object) -> str | None:
    """Why a decoded value cannot be stored as text, or None: a NUL (truncates text in C
    code and in SQLite functions) or an unpaired surrogate (not UTF-8, the store refuses it)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return "a NUL character"
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "an unpaired surrogate"
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return None
