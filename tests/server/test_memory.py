"""Hostile bodies against the real server process (issue 9 §6): 200 MB bodies, sent in
parallel, chunked or with a lying Content-Length, must be refused fast (401/413) while
the server's resident memory stays bounded, and the server must keep answering."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from app.server import auth
from app.server.config import ServerConfig
from app.server.db import Database
from tests.server import rawhttp

ROOT = Path(__file__).resolve().parents[2]
HUGE = 200 * 1024 * 1024
MAX_GROWTH = 50 * 1024 * 1024  # bytes of resident memory the whole attack may add
MiB = 1024 * 1024


@dataclass
class ServerProcess:
    process: subprocess.Popen[str]
    port: int
    token: str

    def memory(self, field: str) -> int:
        """VmRSS (now) or VmHWM (peak since start) of the server, in bytes."""
        status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="ascii")
        for line in status.splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
        raise AssertionError(f"{field} missing from /proc/{self.process.pid}/status")

    def reset_peak(self) -> None:
        """Start VmHWM again from the current RSS (start-up peaks, such as argon2's
        64 MiB, are not the attack's)."""
        Path(f"/proc/{self.process.pid}/clear_refs").write_text("5", encoding="ascii")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server_process(tmp_path: Path) -> Iterator[ServerProcess]:
    """``python -m app.server`` on loopback with an admin API token, once it listens."""
    config = ServerConfig(data_dir=tmp_path)
    database = Database(config.database())
    database.create_schema()
    with database.write() as conn:
        auth.create_account(conn, account_id="admin", name="Admin", roles=["admin"], now=0)
        token = auth.create_api_token(conn, "admin", config.now())
    database.dispose()
    port = _free_port()
    command = [sys.executable, "-m", "app.server", "--data-dir", str(tmp_path)]
    command += ["--port", str(port), "--rate-limit", "0"]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    listening = threading.Event()
    assert process.stderr is not None
    stderr = process.stderr

    def drain() -> None:  # keep the pipe empty; say when uvicorn listens
        for line in stderr:
            if "Uvicorn running on" in line:
                listening.set()

    threading.Thread(target=drain, daemon=True).start()
    try:
        assert listening.wait(30), "the server did not start"
        yield ServerProcess(process, port, token)
    finally:
        process.terminate()
        process.wait(30)
        stderr.close()


def _messages_path() -> str:
    return "/v1/conversations/conv-1/messages"


def _attack(server: ServerProcess) -> list[Callable[[], rawhttp.RawResponse]]:
    json_headers = {"Content-Type": "application/json", "Idempotency-Key": "k"}
    signed = {**json_headers, "Authorization": f"Bearer {server.token}"}

    def send(
        path: str, headers: dict[str, str], *, chunked: bool = True
    ) -> Callable[[], rawhttp.RawResponse]:
        return lambda: rawhttp.request(
            server.port,
            "POST",
            path,
            headers,
            rawhttp.zeros(HUGE),
            chunked=chunked,
            timeout=15.0,
        )

    return [
        *[send(_messages_path(), json_headers) for _ in range(3)],
        *[send("/v1/auth/token", json_headers) for _ in range(3)],
        *[send(_messages_path(), signed) for _ in range(3)],
        send(_messages_path(), {**json_headers, "Content-Length": "1000"}, chunked=False),
        send(_messages_path(), {**json_headers, "Content-Length": str(HUGE)}, chunked=False),
        send(_messages_path(), {**signed, "Content-Length": "1000"}, chunked=False),
    ]


def test_hostile_bodies_leave_memory_bounded_and_the_server_answering(
    server_process: ServerProcess,
) -> None:
    me = httpx.Client(
        base_url=f"http://127.0.0.1:{server_process.port}",
        headers={"Authorization": f"Bearer {server_process.token}"},
        timeout=10.0,
    )
    with me:
        assert me.get("/v1/me").status_code == 200  # warm: every code path loaded
        attacks = _attack(server_process)
        server_process.reset_peak()
        before = server_process.memory("VmRSS")
        with ThreadPoolExecutor(max_workers=len(attacks)) as pool:
            answers = [future.result() for future in [pool.submit(a) for a in attacks]]
        peak = server_process.memory("VmHWM")
        statuses = [answer.status for answer in answers]
        assert statuses[:6] == [401, 401, 401, 413, 413, 413], statuses
        assert statuses[6:9] == [413, 413, 413], statuses
        # A body longer than its Content-Length: the excess is never a request body.
        assert statuses[9:11] == [401, 401], statuses
        assert statuses[11] in (400, 413, 422), statuses
        assert all(answer.seconds < 10 for answer in answers), [a.seconds for a in answers]
        assert all(answer.sent < 32 * MiB for answer in answers), [a.sent for a in answers]
        growth = peak - before  # bodies of 12 x 200 MB went by
        assert growth < MAX_GROWTH, f"resident memory grew by {growth / MiB:.0f} MiB"
        assert me.get("/v1/me").status_code == 200
