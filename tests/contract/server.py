"""Run the reference server for real: uvicorn on 127.0.0.1, a random port, in a thread."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from app.server import auth
from app.server.app import create_app
from app.server.config import ServerConfig

ADMIN_ID = "conformance-admin"
AGENT_ID = "conformance-agent"
AGENT_PASSWORD = "conformance-password-1"
SECOND_AGENT_ID = "conformance-agent-2"


@dataclass(frozen=True)
class Seed:
    """What the suite needs on a fresh reference server."""

    admin_token: str
    agent_id: str
    agent_password: str


class RunningServer:
    """A uvicorn server in a background thread; ``stop`` ends it and waits."""

    def __init__(self, config: ServerConfig, port: int = 0) -> None:
        self.app = create_app(config)
        self.state = self.app.state.server
        self._server = uvicorn.Server(
            uvicorn.Config(
                self.app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"
            )
        )
        self._thread = threading.Thread(
            target=self._server.run, name="contract-server", daemon=True
        )

    def start(self, timeout: float = 30.0) -> RunningServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:  # wait for the condition, not a fixed time
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the reference server did not start")
            time.sleep(0.01)
        return self

    @property
    def base_url(self) -> str:
        port = self._server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self._server.should_exit = True
        # uvicorn waits for open responses before its lifespan ends the live-update
        # streams, and in a thread no signal tells sse-starlette: end them here, until
        # the server has stopped accepting (a client may reconnect meanwhile).
        hub = getattr(getattr(self.app.state, "live", None), "hub", None)
        deadline = time.monotonic() + 30
        while self._thread.is_alive() and time.monotonic() < deadline:
            loop = getattr(hub, "_loop", None)
            if hub is not None and loop is not None and not loop.is_closed():
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(hub.close)
            self._thread.join(timeout=0.05)


def seed(server: RunningServer) -> Seed:
    """An admin with an API token, and two agents (one with a known password)."""
    state = server.state
    now = state.now()
    with state.db.write() as conn:
        auth.create_account(
            conn, account_id=ADMIN_ID, name="Conformance Admin", roles=["admin"], now=now
        )
        auth.create_account(
            conn,
            account_id=AGENT_ID,
            name="Conformance Agent",
            roles=["agent"],
            now=now,
            password=AGENT_PASSWORD,
            languages=["en", "zh"],
        )
        auth.create_account(
            conn, account_id=SECOND_AGENT_ID, name="Second Agent", roles=["lead"], now=now
        )
        token = auth.create_api_token(conn, ADMIN_ID, now)
    return Seed(admin_token=token, agent_id=AGENT_ID, agent_password=AGENT_PASSWORD)


def reference_config(
    data_dir: Path, database_url: str | None = None, **overrides: object
) -> ServerConfig:
    values: dict[str, object] = {
        "data_dir": None if database_url else data_dir,
        "database_url": database_url,
        "enable_test_faults": True,
        "rate_limit": 300,  # the 429 test needs ~300 quick requests; each test has its own token
    }
    values.update(overrides)
    return ServerConfig(**values)  # type: ignore[arg-type]
