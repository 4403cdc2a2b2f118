"""A bare HTTP/1.1 client for hostile requests httpx will not send: bodies that lie
about their length, or stream hundreds of megabytes from a generator while the answer
is read as soon as the server gives it (which a well-behaved server does early)."""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    sent: int = 0  # body bytes the server accepted before answering
    seconds: float = 0.0
    extra: dict[str, object] = field(default_factory=dict)


def zeros(total: int, chunk: int = 64 * 1024) -> Iterator[bytes]:
    """``total`` bytes of body, one chunk at a time (never all in memory)."""
    block = b"0" * chunk
    left = total
    while left > 0:
        yield block[: min(chunk, left)]
        left -= chunk


def _frame(chunks: Iterable[bytes], chunked: bool) -> Iterator[bytes]:
    for chunk in chunks:
        yield b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk
    if chunked:
        yield b"0\r\n\r\n"


def _parse(buffer: bytes) -> RawResponse | None:
    """The response once it is complete (it always carries Content-Length here)."""
    head, sep, rest = buffer.partition(b"\r\n\r\n")
    if not sep:
        return None
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    if len(rest) < length:
        return None
    return RawResponse(int(lines[0].split()[1]), headers, rest[:length])


def request(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str],
    body: Iterable[bytes] = (),
    *,
    chunked: bool = False,
    timeout: float = 10.0,
) -> RawResponse:
    """Send the request, streaming ``body`` until the server answers, and return the
    answer; TimeoutError if none comes within ``timeout`` seconds."""
    started = time.monotonic()
    deadline = started + timeout
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    pending = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    frames = _frame(body, chunked)
    sent = -len(pending)
    received = b""
    writing = True
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.setblocking(False)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no answer within {timeout} s ({sent} body bytes sent)")
            readable, writable, _ = select.select([sock], [sock] if writing else [], [], remaining)
            if readable:
                try:
                    data = sock.recv(256 * 1024)
                except ConnectionResetError:
                    data = b""
                received += data
                answer = _parse(received)
                if answer is not None:
                    answer.sent = max(0, sent)
                    answer.seconds = time.monotonic() - started
                    return answer
                if not data:
                    raise ConnectionError(f"closed without an answer: {received[:200]!r}")
                continue
            if writable:
                if not pending:
                    pending = next(frames, b"")
                    if not pending:
                        writing = False
                        continue
                try:
                    count = sock.send(pending)
                except (BrokenPipeError, ConnectionResetError):
                    writing = False
                    continue
                pending = pending[count:]
                sent += count
