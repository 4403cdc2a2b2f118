"""A reference server with a clock the test moves by hand, over real HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.server.config import ServerConfig
from tests.contract.client import Api
from tests.contract.server import RunningServer, seed


class Clock:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


ServerFactory = Callable[..., tuple[RunningServer, Api]]


@pytest.fixture
def start_server(tmp_path: Path, clock: Clock) -> Iterator[ServerFactory]:
    """Start a seeded reference server on the fake clock; returns it and an admin client."""
    running: list[tuple[RunningServer, Api]] = []

    def factory(**overrides: object) -> tuple[RunningServer, Api]:
        values: dict[str, object] = {"data_dir": tmp_path / f"s{len(running)}", "clock": clock}
        values.update(overrides)
        server = RunningServer(ServerConfig(**values)).start()  # type: ignore[arg-type]
        client = Api(server.base_url, seed(server).admin_token)
        running.append((server, client))
        return server, client

    yield factory
    for server, client in running:
        client.close()
        server.stop()
