"""Concurrent clients: no lost update, no duplicate seq, no duplicate message."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.contract.client import Api, new_id

WORKERS = 8


def _parallel(api: Api, calls: list) -> list[httpx.Response]:
    """Run one call per client, released together by a barrier."""
    clients = [api.with_token(api.token) for _ in calls]
    barrier = threading.Barrier(len(calls))

    def run(index: int) -> httpx.Response:
        barrier.wait(timeout=30)
        return calls[index](clients[index])

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, range(len(calls))))


def test_concurrent_patches_on_one_version_let_exactly_one_win(api: Api) -> None:
    conversation = api.new_conversation()
    path = f"/v1/conversations/{conversation['id']}"
    calls = [
        (lambda c, i=i: c.patch(path, {"tags": {"add": [f"t{i}"]}}, if_match='"1"'))
        for i in range(WORKERS)
    ]
    statuses = sorted(r.status_code for r in _parallel(api, calls))
    assert statuses == [200] + [412] * (WORKERS - 1), statuses
    final = api.conversation(conversation["id"]).json()
    assert final["version"] == 2
    assert len(final["tags"]) == 1


def test_concurrent_posts_get_distinct_consecutive_seqs(api: Api) -> None:
    conversation = api.new_conversation()
    path = f"/v1/conversations/{conversation['id']}/messages"
    calls = [
        (lambda c: c.post(path, {"id": new_id("m"), "kind": "agent", "body": "hi"}))
        for _ in range(WORKERS)
    ]
    responses = _parallel(api, calls)
    for response in responses:
        if response.status_code == 409:  # a server may ask to retry a collision
            assert response.json()["retryable"] is True
    items = api.get(path).json()["items"]
    assert [m["seq"] for m in items] == list(range(1, len(items) + 1))
    created = [r for r in responses if r.status_code == 201]
    assert len(items) == 1 + len(created)
    assert len(created) >= 1


def test_concurrent_duplicates_of_one_message_store_it_once(api: Api) -> None:
    conversation = api.new_conversation()
    path = f"/v1/conversations/{conversation['id']}/messages"
    body = {"id": new_id("m"), "kind": "agent", "body": "only once"}
    responses = _parallel(api, [(lambda c: c.post(path, body)) for _ in range(WORKERS)])
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == 1, statuses
    assert set(statuses) <= {200, 201, 409}
    items = api.get(path).json()["items"]
    assert [m["id"] for m in items].count(body["id"]) == 1
