"""Real ``crossdesk-server`` processes on one database, as an operator runs them.

Each is ``python -m app.server --database-url URL --port P [--workers N] ...`` in its own
process group (so stopping it also stops the uvicorn workers it spawned), ready once
it answers HTTP. Used by the scale-out tests and the live load benchmark.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServerProcess:
    """One ``crossdesk-server`` command line, started in the background."""

    def __init__(self, database_url: str, *options: str, log_dir: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.command = [
            sys.executable, "-m", "app.server", "--database-url", database_url,
            "--port", str(self.port), *options,
        ]  # fmt: skip
        self.log_path = log_dir / f"server-{self.port}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the workers stop with it
        )

    def wait_ready(self, timeout: float = 60.0) -> ServerProcess:
        """Until it answers HTTP (or has died, which raises with its log)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command} exited:\n{self.log()}")
            try:
                if httpx.get(f"{self.base_url}/openapi.json", timeout=2.0).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.05)  # nothing to await on another process's socket
        raise RuntimeError(f"{self.command} did not answer within {timeout} s:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        """SIGTERM to its process group (uvicorn shuts its workers down), then SIGKILL."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        self._log.close()


def start_all(
    database_url: str, option_sets: Sequence[Sequence[str]], log_dir: Path
) -> list[ServerProcess]:
    """Start one process per option set, all at once, and wait until each answers."""
    started = [ServerProcess(database_url, *options, log_dir=log_dir) for options in option_sets]
    try:
        for server in started:
            server.wait_ready()
    except BaseException:
        stop_all(started)
        raise
    return started


def stop_all(servers: Sequence[ServerProcess]) -> None:
    for server in servers:
        server.stop()
