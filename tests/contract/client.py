"""A thin HTTP client for the conformance suite: real requests, no contract logic.

It adds a fresh Idempotency-Key to writes unless the test passes one (or ``None`` to
send none), and parses nothing: tests assert on what the server actually sent.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from app.contract.models import Problem

_FRESH = object()


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


class Api:
    def __init__(self, base_url: str, token: str | None, *, log: list[str] | None = None) -> None:
        """``log``, when given, receives the path of every request (the plugin checks that
        core tests never call /v1/admin)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.base_url = base_url
        self.token = token
        self.api_token: str | None = None
        self.log = log
        hooks = {} if log is None else {"request": [lambda sent: log.append(sent.url.path)]}
        self.http = httpx.Client(
            base_url=base_url, headers=headers, timeout=60.0, event_hooks=hooks
        )
        self._children: list[Api] = []

    def close(self) -> None:
        for child in self._children:
            child.close()
        self.http.close()

    def with_token(self, token: str | None) -> Api:
        """Another client on the same server (closed together with this one)."""
        child = Api(self.base_url, token, log=self.log)
        self._children.append(child)
        return child

    # ---------------------------------------------------------------- raw verbs
    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(path, **kwargs)

    def _write(
        self,
        method: str,
        path: str,
        body: Any,
        key: object,
        headers: dict[str, str] | None,
    ) -> httpx.Response:
        sent = dict(headers or {})
        if key is _FRESH:
            sent["Idempotency-Key"] = str(uuid.uuid4())
        elif key is not None:
            sent["Idempotency-Key"] = str(key)
        return self.http.request(method, path, json=body, headers=sent)

    def post(
        self,
        path: str,
        body: Any = None,
        *,
        key: object = _FRESH,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        return self._write("POST", path, body, key, headers)

    def patch(
        self,
        path: str,
        body: Any,
        *,
        if_match: str | None,
        key: object = _FRESH,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent = dict(headers or {})
        if if_match is not None:
            sent["If-Match"] = if_match
        return self._write("PATCH", path, body, key, sent)

    def put(
        self,
        path: str,
        body: Any,
        *,
        if_match: str | None = None,
        key: object = _FRESH,
    ) -> httpx.Response:
        """PUT with an Idempotency-Key (and If-Match when replacing)."""
        sent = {} if if_match is None else {"If-Match": if_match}
        return self._write("PUT", path, body, key, sent)

    def delete(self, path: str, *, if_match: str | None, key: object = _FRESH) -> httpx.Response:
        sent = {} if if_match is None else {"If-Match": if_match}
        return self._write("DELETE", path, None, key, sent)

    # ---------------------------------------------------------------- helpers
    def inbound(
        self,
        conversation_id: str | None = None,
        *,
        customer_id: str | None = None,
        channel: str = "email",
        body: str = "Hello, where is my order?",
        message_id: str | None = None,
        **message: Any,
    ) -> httpx.Response:
        """Deliver a customer message as a channel integration would."""
        payload = {
            "conversation": {
                "id": conversation_id or new_id("conv"),
                "customer": {
                    "id": customer_id or new_id("cust"),
                    "name": "Ana Souza",
                    "country": "BR",
                    "language": "pt-BR",
                    "timezone": "America/Sao_Paulo",
                    "handles": {"whatsapp": "+55 11 98765-4321"},
                },
                "channel": channel,
                "subject": "Pedido atrasado",
            },
            "message": {"id": message_id or new_id("msg"), "body": body, **message},
        }
        return self.post("/v1/inbound/messages", payload)

    def deliver_fields(
        self,
        conversation_id: str,
        customer_id: str,
        *,
        fields: dict[str, Any] | None = None,
        customer_fields: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Deliver a customer message carrying backend fields (on the conversation, on the
        customer; None: the key is left out); the conversation the server returns."""
        customer: dict[str, Any] = {"id": customer_id, "name": "Ana Souza", "country": "BR"}
        conversation: dict[str, Any] = {
            "id": conversation_id,
            "customer": customer,
            "channel": "email",
        }
        if fields is not None:
            conversation["fields"] = fields
        if customer_fields is not None:
            customer["fields"] = customer_fields
        message = {"id": new_id("msg"), "body": "Where is my order?"}
        response = self.post(
            "/v1/inbound/messages", {"conversation": conversation, "message": message}
        )
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()["conversation"]
        return result

    def new_conversation(self, **kwargs: Any) -> dict[str, Any]:
        response = self.inbound(**kwargs)
        assert response.status_code == 201, response.text
        conversation: dict[str, Any] = response.json()["conversation"]
        return conversation

    def conversation(self, conversation_id: str) -> httpx.Response:
        return self.get(f"/v1/conversations/{conversation_id}")

    def feed(self, collection: str, cursor: str | None = None, limit: int = 500) -> httpx.Response:
        params: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        return self.get(f"/v1/{collection}/changes", params=params)

    def drain(
        self, collection: str, cursor: str | None = None, limit: int = 500
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
        """Follow a feed until has_more is false: (items, tombstones, last cursor)."""
        items: list[dict[str, Any]] = []
        deleted: list[dict[str, Any]] = []
        for _ in range(10_000):
            response = self.feed(collection, cursor, limit)
            assert response.status_code == 200, response.text
            page = response.json()
            items += page["items"]
            deleted += page["deleted"]
            cursor = page["next_cursor"]
            if not page["has_more"]:
                assert cursor is not None
                return items, deleted, cursor
        raise AssertionError(f"the {collection} feed never ended")


def expect_problem(response: httpx.Response, status: int, code: str) -> Problem:
    """The response is a problem document with this status and code (and a request id)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    assert response.headers.get("x-request-id")
    problem = Problem.model_validate(response.json())
    assert problem.status == status
    assert problem.code == code, problem
    return problem


def wait_until(
    condition: Callable[[], bool], timeout: float = 20.0, what: str = "condition"
) -> None:
    """Poll a condition (over HTTP) until it holds: the tests wait for states, not times."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)
