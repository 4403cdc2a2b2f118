"""The real reference server on loopback (one per test: faults and compaction are
global to a server), an admin client for setting the scene, desks and proxies."""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.contract.client import Api
from tests.contract.server import AGENT_ID, AGENT_PASSWORD, RunningServer, reference_config, seed
from tests.helpers.keychain import MemoryKeyring
from tests.sync.harness import Desk
from tests.sync.proxy import Answer, FaultProxy, Reply


@dataclass(frozen=True)
class Reference:
    """A running, seeded reference server."""

    server: RunningServer
    url: str
    admin_token: str


@pytest.fixture
def reference(tmp_path: Path) -> Iterator[Reference]:
    """No rate limit (the crash and drain tests send hundreds of requests a minute;
    the Retry-After tests inject 429/503 themselves)."""
    server = RunningServer(reference_config(tmp_path / "server", rate_limit=0)).start()
    try:
        yield Reference(server, server.base_url, seed(server).admin_token)
    finally:
        server.stop()


@pytest.fixture
def admin(reference: Reference) -> Iterator[Api]:
    """The scene-setter: customers writing in, faults, compaction, reading what the server holds."""
    signer = Api(reference.url, None)
    response = signer.post(
        "/v1/auth/token",
        {"grant_type": "api_token", "api_token": reference.admin_token},
        key=None,
    )
    signer.close()
    assert response.status_code == 200, response.text
    client = Api(reference.url, response.json()["access_token"])
    yield client
    client.close()


DeskFactory = Callable[..., Desk]


@pytest.fixture
def make_desk(
    request: pytest.FixtureRequest,
    reference: Reference,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
) -> DeskFactory:
    """Open an agent's desk (default: the seeded agent, signing in with a password;
    closed when the test ends)."""

    def factory(name: str = "desk", url: str | None = None, **options: Any) -> Desk:
        if "api_token" not in options:
            options.setdefault("agent_id", AGENT_ID)
            options.setdefault("password", AGENT_PASSWORD)
        desk = Desk.open(tmp_path / f"{name}.sqlite3", url or reference.url, **options)
        request.addfinalizer(desk.close)
        return desk

    return factory


ProxyFactory = Callable[..., FaultProxy]


@pytest.fixture
def make_proxy(reference: Reference) -> Iterator[ProxyFactory]:
    proxies: list[FaultProxy] = []

    def factory(tls: ssl.SSLContext | None = None) -> FaultProxy:
        proxy = FaultProxy(reference.url, tls=tls).start()
        proxies.append(proxy)
        return proxy

    yield factory
    for proxy in proxies:
        proxy.stop()


def assert_syncs_without(
    path: str, admin: Api, make_desk: DeskFactory, make_proxy: ProxyFactory
) -> None:
    """A backend that answers 404 on an optional feed (``GET path``) still syncs its
    conversations: the feed is a later addition to the contract, not a requirement."""
    conversation = admin.new_conversation()["id"]
    proxy = make_proxy()
    problem = json.dumps(
        {"type": "about:blank", "title": "Not Found", "status": 404, "code": "not_found"}
    ).encode()
    headers = {"Content-Type": "application/problem+json"}
    proxy.on("GET", path, Answer(Reply(404, headers, problem)), times=None)
    desk = make_desk(url=proxy.base_url)
    report = desk.synced()
    assert report.online and report.error is None
    assert desk.conversation_id(conversation)
