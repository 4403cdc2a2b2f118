"""A scripted event-stream server on loopback, for what the reference server never does:
refuse with Retry-After, fall silent, send garbage or oversized events, refuse tokens.

Real TCP and real HTTP/1.1 (``http.server``), so the listener's socket handling is the
one it has in the field. Each ``GET /v1/events`` takes the next :class:`Plan` (or a
healthy stream when none is queued) and, while it is held open, writes whatever the test
``push``es; ``end()`` closes it as a server that ends a stream cleanly would.
"""

from __future__ import annotations

import json
import queue
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


def ready(position: str = "1.1", heartbeat: float = 15) -> bytes:
    body = json.dumps({"position": position, "heartbeat": heartbeat})
    return f"retry: 2000\n\nevent: ready\nid: {position}\ndata: {body}\n\n".encode()


def changes(position: str, *feeds: str) -> bytes:
    body = json.dumps({"position": position, "feeds": list(feeds)})
    return f"event: changes\nid: {position}\ndata: {body}\n\n".encode()


@dataclass
class Plan:
    """One answer to ``GET /v1/events``."""

    status: int = 200
    body: bytes = field(default_factory=ready)
    headers: dict[str, str] = field(default_factory=dict)
    hold: bool = True  # keep the stream open after ``body`` (until ended or stopped)


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    at: float


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that shut its socket mid-request is what these tests do


class _Connection:
    def __init__(self) -> None:
        self.outgoing: queue.Queue[bytes | None] = queue.Queue()
        self.ended = threading.Event()  # the handler has returned


class FakeStreamServer:
    """``start()`` it; ``base_url``; queue plans with ``plans.append``."""

    def __init__(self, *, live_events: bool = True, tls: ssl.SSLContext | None = None) -> None:
        self.live_events = live_events
        self.tls = tls
        self.plans: list[Plan] = []
        self.seen: list[Seen] = []
        self.valid_tokens: set[str] = {"access-0"}
        self.refresh_ok = True
        self.refreshes = 0
        self.connections: list[_Connection] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _QuietServer(("127.0.0.1", 0), _Handler)
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeStreamServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        for connection in self.connections:
            connection.outgoing.put(None)
        self._server.shutdown()
        self._server.server_close()

    def events_requests(self) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if s.path == "/v1/events"]

    def push(self, data: bytes) -> None:
        """Write to the newest open stream."""
        self.connections[-1].outgoing.put(data)

    def end(self) -> None:
        """End the newest stream cleanly (the server closes it)."""
        self.connections[-1].outgoing.put(None)

    def _plan(self) -> Plan:
        with self._lock:
            return self.plans.pop(0) if self.plans else Plan()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    @property
    def fake(self) -> FakeStreamServer:
        return self.server.fake  # type: ignore[attr-defined]

    def _answer(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _unauthorized(self) -> None:
        problem = {"type": "about:blank", "title": "Unauthorized", "status": 401}
        self._answer(401, {**problem, "code": "unauthorized"})

    def _authorized(self) -> bool:
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        return token in self.fake.valid_tokens

    def do_POST(self) -> None:  # the token refresh
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        fake = self.fake
        if urlsplit(self.path).path != "/v1/auth/token" or not fake.refresh_ok:
            self._unauthorized()
            return
        with fake._lock:
            fake.refreshes += 1
            token = f"access-{fake.refreshes}"
            fake.valid_tokens = {token}
        body = {"access_token": token, "expires_in": 900, "refresh_token": f"refresh-{token}"}
        self._answer(200, {**body, "token_type": "Bearer"})

    def do_GET(self) -> None:
        fake = self.fake
        path = urlsplit(self.path).path
        with fake._lock:
            fake.seen.append(Seen(path, dict(self.headers.items()), time.monotonic()))
        if not self._authorized():
            self._unauthorized()
            return
        if path == "/v1/me":
            self._answer(200, {"capabilities": {"live_events": fake.live_events, "new": 1}})
            return
        if path != "/v1/events":
            self._answer(404, {"status": 404, "code": "not_found", "title": "Not Found"})
            return
        plan = fake._plan()
        if plan.status != 200:
            self.send_response(plan.status)
            for name, value in plan.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(plan.body)))
            self.end_headers()
            self.wfile.write(plan.body)
            return
        self._stream(plan)

    def _stream(self, plan: Plan) -> None:
        connection = _Connection()
        self.fake.connections.append(connection)
        self.close_connection = True
        try:
            self.send_response(200)
            headers = {"Content-Type": "text/event-stream; charset=utf-8", **plan.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Connection", "close")  # the body ends when the socket does
            self.end_headers()
            self.wfile.write(plan.body)
            self.wfile.flush()
            while plan.hold and not self.fake._stopping.is_set():
                data = connection.outgoing.get()
                if data is None:
                    break
                self.wfile.write(data)
                self.wfile.flush()
        except OSError:  # the client went away
            pass
        finally:
            connection.ended.set()


@contextmanager
def fake_stream_server(**options: Any) -> Iterator[FakeStreamServer]:
    server = FakeStreamServer(**options).start()
    try:
        yield server
    finally:
        server.stop()
