"""The reference server as its own process (``python -m app.server``), stopped the way an
operator stops it (SIGTERM: uvicorn ends open event streams on the way out) and started
again on the same port and data, as a restart or a deploy does."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


class ServerProcess:
    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir, self.port = data_dir, port
        self.base_url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> ServerProcess:
        log = (self.data_dir / "server-process.log").open("ab")
        command = [sys.executable, "-m", "app.server", "--data-dir", str(self.data_dir)]
        self.proc = subprocess.Popen(
            [*command, "--port", str(self.port), "--rate-limit", "0"],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        log.close()
        deadline = time.monotonic() + timeout
        while True:  # the condition is "it answers"; nothing to be signalled by
            try:
                httpx.get(f"{self.base_url}/v1/me", timeout=1)
                return self
            except httpx.TransportError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server process did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None
