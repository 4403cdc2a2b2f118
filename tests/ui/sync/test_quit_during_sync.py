"""Quitting during a sync against a hung server ends the process at once.

The server accepts the connection and reads the request, then never answers (a stalled
proxy, a server stuck in a long GC). Before: the compute lane's threads were joined at
interpreter exit, so the process lived on for the client's 30 s read timeout and its
retries (up to 90 s) after the window had gone."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

EXIT_WITHIN_S = 8.0  # the must-run grace is 5 s; the hung request would take 30-90 s
CHILD = Path(__file__).with_name("quit_child.py")


@pytest.fixture
def hung_server() -> Iterator[tuple[str, threading.Event]]:
    """Accepts, reads a request, never answers; the event is set once a request came."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    got_request = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            held.append(conn)
            if conn.recv(65536):
                got_request.set()

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", got_request
    listener.close()
    for conn in held:
        conn.close()


def test_quitting_during_a_sync_with_a_hung_server_ends_the_process_at_once(
    tmp_path: Path, hung_server: tuple[str, threading.Event]
) -> None:
    url, got_request = hung_server
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with subprocess.Popen(
        [sys.executable, str(CHILD), url, str(tmp_path / "store.sqlite3")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=Path(__file__).parents[3],
    ) as child:
        try:
            assert child.stdout is not None and child.stdin is not None
            assert child.stdout.readline().strip() == "syncing"
            assert got_request.wait(20), "the sync cycle never reached the server"
            began = time.monotonic()
            child.stdin.write("quit\n")
            child.stdin.flush()
            try:
                child.wait(timeout=EXIT_WITHIN_S)
            except subprocess.TimeoutExpired:
                pytest.fail(f"the process was still alive {EXIT_WITHIN_S} s after quitting")
            assert time.monotonic() - began < EXIT_WITHIN_S
            assert child.returncode == 0
        finally:
            if child.poll() is None:
                child.kill()
