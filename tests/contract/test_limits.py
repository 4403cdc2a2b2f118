"""Request-body limits, for any backend: a body over the server's limit is 413
``content_too_large``, and an unauthenticated one is 401 whatever it carries. The
bodies (64 MiB, over any sensible limit) are streamed, never held in memory."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract.client import Api, expect_problem

OVERSIZED = 64 * 1024 * 1024


def _stream(total: int = OVERSIZED, chunk: int = 256 * 1024) -> Iterator[bytes]:
    yield b'{"id": "big", "kind": "agent", "body": "'
    block = b"x" * chunk
    for _ in range(total // chunk):
        yield block
    yield b'"}'


def test_an_oversized_body_is_413(api: Api) -> None:
    conversation = api.new_conversation()
    response = api.http.post(
        f"/v1/conversations/{conversation['id']}/messages",
        content=_stream(),
        headers={"Content-Type": "application/json", "Idempotency-Key": "oversized-body"},
    )
    problem = expect_problem(response, 413, "content_too_large")
    assert problem.retryable is False
    assert api.get("/v1/me").status_code == 200


@pytest.mark.parametrize("path", ["/v1/conversations/any/messages", "/v1/inbound/messages"])
def test_an_unauthenticated_oversized_body_is_401(anonymous: Api, path: str) -> None:
    response = anonymous.http.post(
        path,
        content=_stream(),
        headers={"Content-Type": "application/json", "Idempotency-Key": "anonymous-body"},
    )
    expect_problem(response, 401, "unauthorized")


def test_an_oversized_sign_in_is_413(anonymous: Api) -> None:
    response = anonymous.http.post(
        "/v1/auth/token", content=_stream(), headers={"Content-Type": "application/json"}
    )
    expect_problem(response, 413, "content_too_large")
