"""The desk's sync, in a process of its own so that a test can SIGKILL it anywhere.

    python -m tests.sync.crash_child CONFIG.json [EVENT N]

CONFIG names the store, the server and the tokens (signed in by the test). The child
syncs until a cycle ends online with nothing left to send, prints ``drained`` and
exits 0. With ``EVENT N`` it SIGKILLs itself at the N-th event of that kind instead:
``statement`` (just before SQLite runs its N-th SQL statement, so possibly inside a
transaction) or ``response`` (just after the server answered its N-th request, before
the desk has stored what it learnt). The kill point is thus chosen by the test, not by
how fast this process happens to run.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import httpx

from app.ops.tasks import InlineTaskRunner
from app.storage.sqlite import sqlite3  # the SQLCipher build every workspace opens with
from app.storage.store import Store
from app.sync.auth import Tokens
from app.sync.client import ServerClient
from app.sync.engine import SyncEngine

MAX_CYCLES = 100

EVENTS = ("statement", "response")


class KillPoint:
    """Counts events; at the chosen one, says which it was and SIGKILLs this process."""

    def __init__(self, event: str | None, n: int) -> None:
        self.event, self.n = event, n
        self.seen = dict.fromkeys(EVENTS, 0)

    def reached(self, event: str, what: str) -> None:
        self.seen[event] += 1
        if event == self.event and self.seen[event] == self.n:
            print(f"killed at {event} {self.n}: {what}", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)


class _CountedTransport(httpx.HTTPTransport):
    def __init__(self, kill: KillPoint) -> None:
        super().__init__()
        self._kill = kill

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        self._kill.reached("response", f"{request.method} {request.url.path}")
        return response


def _count_statements(kill: KillPoint) -> None:
    """Every SQLite connection the desk opens reports each statement it runs."""
    connect = sqlite3.connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(lambda sql: kill.reached("statement", sql))
        return conn

    sqlite3.connect = traced


def main(config_path: str, event: str | None = None, n: int = 0) -> int:
    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    kill = KillPoint(event, n)
    _count_statements(kill)
    runner = InlineTaskRunner(lambda: Store.open(Path(config["store"])))
    client = ServerClient(
        config["url"], tokens=Tokens(**config["tokens"]), transport=_CountedTransport(kill)
    )
    engine = SyncEngine(client, runner.store_call)
    try:
        for _ in range(MAX_CYCLES):
            report = engine.sync_once()
            print(f"cycle pushed={report.pushed} pending={report.pending}", flush=True)
            if report.error is not None:
                print(f"error {report.error}", flush=True)
            elif report.pending == 0:
                print(f"drained after {kill.seen}", flush=True)
                return 0
        return 1
    finally:
        client.close()
        runner.shutdown()


if __name__ == "__main__":
    path, *point = sys.argv[1:]
    sys.exit(main(path, point[0], int(point[1])) if point else main(path))
