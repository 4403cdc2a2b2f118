"""Shared fixtures: real SQLite files in a temporary folder, the inline task runner,
real widgets on Qt's offscreen platform, and no network beyond this machine."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = [
    "tests.helpers.fixtures",
    "tests.helpers.translation",
    "tests.helpers.keychain",
    "tests.helpers.zones",
    "tests.contract.plugin",
]

NETWORK_ATTEMPTS: list[str] = []


def _loopback(host: object) -> bool:
    if host in ("localhost", "localhost.localdomain", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every test runs with the network cut except loopback (test servers); any other
    attempt is refused and fails the test: CrossDesk must not phone home, nor must its
    dependencies (argostranslate, minisbd, lingua...)."""
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if self.family == socket.AF_UNIX or _loopback(host):
            return real_connect(self, address)
        attempts.append(f"connect {address!r}")
        raise OSError(f"network access refused in tests: {address!r}")

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if _loopback(host):
            return real_getaddrinfo(host, *args, **kwargs)
        attempts.append(f"getaddrinfo {host!r}")
        raise socket.gaierror(f"name lookup refused in tests: {host!r}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield attempts
    assert not attempts, f"the test tried to reach the network: {attempts}"
