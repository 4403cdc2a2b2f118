"""A fault-injecting HTTP/1.1 reverse proxy on loopback, in front of the reference server.

The client talks to the proxy exactly as it would to a server (real TCP, real
keep-alive, optionally real TLS); the proxy forwards to the reference server and can,
per request: drop the connection after the server has answered (a response lost on
the way back), answer by itself (429 with Retry-After), rewrite the server's answer
(hostile payloads), or refuse everything (the server is unreachable). It records
every request it parsed and when it arrived, so a test can assert on what actually
went over the wire.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "content-length",
        "host",
    }
)


@dataclass(frozen=True)
class Seen:
    """One request as it arrived at the proxy."""

    method: str
    path: str  # without the query
    query: str
    headers: dict[str, str]  # lower-cased names
    body: bytes
    at: float  # time.monotonic() on arrival


@dataclass(frozen=True)
class Reply:
    """A response: the server's (possibly rewritten) or the proxy's own."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Forward:
    """Pass the request to the server and its answer back (the default)."""


@dataclass(frozen=True)
class DropAfterForward:
    """The server processes the request; the connection is closed before any byte of
    the answer reaches the client (the response is lost, the write is not): reset (RST),
    or an orderly close (FIN; on TLS without a close_notify, an "unexpected EOF")."""

    reset: bool = True


@dataclass(frozen=True)
class Answer:
    """Answer by the proxy itself; the server never sees the request."""

    reply: Reply


@dataclass(frozen=True)
class Rewrite:
    """Forward, then replace the server's answer with ``edit(answer)``."""

    edit: Callable[[Reply], Reply]


Action = Forward | DropAfterForward | Answer | Rewrite


@dataclass
class _Rule:
    method: str
    path: str
    action: Action
    remaining: int | None  # None: every matching request


@dataclass
class FaultProxy:
    """``start()`` it, point the client at ``base_url``, arm rules with ``on()``."""

    upstream: str
    tls: ssl.SSLContext | None = None
    offline: bool = False  # reset every connection: the server is unreachable
    requests: list[Seen] = field(default_factory=list)
    handshake_failures: list[str] = field(default_factory=list)
    _rules: list[_Rule] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    # ---------------------------------------------------------------- control
    def start(self) -> FaultProxy:
        server = _ProxyServer(("127.0.0.1", 0), _Handler)
        server.proxy = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="fault-proxy")
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)

    @property
    def base_url(self) -> str:
        assert self._server is not None
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self._server.server_address[1]}"

    def on(self, method: str, path: str, action: Action, times: int | None = 1) -> None:
        """Apply ``action`` to the next ``times`` requests whose path starts with ``path``
        (``times=None``: all of them)."""
        with self._lock:
            self._rules.append(_Rule(method.upper(), path, action, times))

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def seen(self, method: str, path: str) -> list[Seen]:
        with self._lock:
            return [r for r in self.requests if r.method == method and r.path.startswith(path)]

    # ---------------------------------------------------------------- internals
    def _record(self, seen: Seen) -> None:
        with self._lock:
            self.requests.append(seen)

    def _action(self, seen: Seen) -> Action:
        with self._lock:
            for rule in self._rules:
                if rule.method == seen.method and seen.path.startswith(rule.path):
                    if rule.remaining is not None:
                        rule.remaining -= 1
                        if rule.remaining <= 0:
                            self._rules.remove(rule)
                    return rule.action
        return Forward()

    def forward(self, seen: Seen) -> Reply:
        parts = urlsplit(self.upstream)
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
        try:
            headers = {k: v for k, v in seen.headers.items() if k not in _HOP_BY_HOP}
            target = seen.path + (f"?{seen.query}" if seen.query else "")
            conn.request(seen.method, target, body=seen.body or None, headers=headers)
            response = conn.getresponse()
            body = response.read()
            kept = {k.lower(): v for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP}
            return Reply(response.status, kept, body)
        finally:
            conn.close()


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a client's idle keep-alive connection must not block stop()
    proxy: FaultProxy

    def finish_request(self, request: Any, client_address: Any) -> None:
        tls = self.proxy.tls
        if tls is None:
            super().finish_request(request, client_address)
            return
        try:
            wrapped = tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            self.proxy.handshake_failures.append(str(exc))
            return
        try:
            super().finish_request(wrapped, client_address)
        finally:
            wrapped.close()  # the server closes only the plain socket it accepted

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-request is normal here; say nothing."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60
    server: _ProxyServer

    def setup(self) -> None:
        super().setup()
        # headers and body go out in separate writes: without this, Nagle and delayed
        # ACKs add 40 ms to every request
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test asserts on ``requests`` instead."""

    def _handle(self) -> None:
        proxy = self.server.proxy
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        seen = Seen(
            self.command,
            path,
            query,
            {k.lower(): v for k, v in self.headers.items()},
            body,
            time.monotonic(),
        )
        proxy._record(seen)
        if proxy.offline:
            self._reset()
            return
        action = proxy._action(seen)
        if isinstance(action, Answer):
            self._send(action.reply)
            return
        reply = proxy.forward(seen)
        if isinstance(action, DropAfterForward):
            self._reset(linger=not action.reset)
            return
        if isinstance(action, Rewrite):
            reply = action.edit(reply)
        self._send(reply)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle  # noqa: N815

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            if name.lower() not in _HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def _reset(self, *, linger: bool = False) -> None:
        """Close with RST (SO_LINGER 0), or with a plain FIN when ``linger``: either way
        nothing of an answer reaches the client."""
        self.close_connection = True
        if linger:
            self.connection.shutdown(socket.SHUT_RDWR)
        else:
            option = struct.pack("ii", 1, 0)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, option)
        self.connection.close()
