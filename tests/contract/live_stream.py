"""A server-sent-events reader for the conformance suite: ``GET /v1/events`` read for real
over HTTP on its own thread, every line kept, events parsed as the SSE specification says.

The reader runs an asyncio loop in a thread so a test can write through the ordinary
(synchronous) client meanwhile, wait for the next event with a timeout, and close the
stream at any moment (the read is cancelled, not timed out).
"""

from __future__ import annotations

import asyncio
import json
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass(frozen=True)
class Event:
    kind: str  # the `event:` field ("message" when absent)
    id: str | None
    data: str
    at: float  # time.monotonic() when the blank line that ends it arrived

    def json(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.data)
        return value


@dataclass
class Stream:
    """One ``GET /v1/events`` on the server at ``base_url``."""

    base_url: str
    token: str | None
    last_event_id: str | None = None
    status: int | None = None
    headers: httpx.Headers | None = None
    body: bytes = b""  # the body of a refused stream (a problem document)
    lines: list[str] = field(default_factory=list)  # every line, as received
    comments: list[tuple[float, str]] = field(default_factory=list)
    ended: threading.Event = field(default_factory=threading.Event)  # the server ended it
    error: BaseException | None = None
    _events: queue.Queue[Event] = field(default_factory=queue.Queue)
    _answered: threading.Event = field(default_factory=threading.Event)
    _loop: asyncio.AbstractEventLoop | None = None
    _task: asyncio.Task[None] | None = None
    _thread: threading.Thread | None = None

    def open(self, timeout: float = 10.0) -> Stream:
        """Connect and wait for the response's status line and headers."""
        self._thread = threading.Thread(target=self._run, name="sse-reader", daemon=True)
        self._thread.start()
        assert self._answered.wait(timeout), "no answer to GET /v1/events"
        if self.error is not None:
            raise AssertionError(f"GET /v1/events failed: {self.error!r}")
        return self

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def next_event(self, timeout: float = 5.0) -> Event:
        try:
            return self._events.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(
                f"no event within {timeout}s; the stream so far: {self.lines!r}"
            ) from None

    def events_until(self, kind: str, timeout: float = 5.0) -> list[Event]:
        """Events up to and including the next one of ``kind``."""
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            event = self.next_event(max(0.0, deadline - time.monotonic()))
            seen.append(event)
            if event.kind == kind:
                return seen

    def close(self) -> None:
        loop, task = self._loop, self._task
        if loop is not None and task is not None and not loop.is_closed():
            loop.call_soon_threadsafe(task.cancel)
        if self._thread is not None:
            self._thread.join(10)

    # ---------------------------------------------------------------- the thread
    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.current_task()
        headers = {"Accept": "text/event-stream"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.last_event_id is not None:
            headers["Last-Event-ID"] = self.last_event_id
        try:
            timeout = httpx.Timeout(10.0, read=None)
            async with (
                httpx.AsyncClient(base_url=self.base_url, timeout=timeout) as client,
                client.stream("GET", "/v1/events", headers=headers) as response,
            ):
                self.status, self.headers = response.status_code, response.headers
                if response.status_code != 200:
                    self.body = await response.aread()
                    self._answered.set()
                    return
                self._answered.set()
                await self._read(response)
            self.ended.set()
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # seen by the test through .error / .ended
            self.error = exc
            self.ended.set()
        finally:
            self._answered.set()

    async def _read(self, response: httpx.Response) -> None:
        """Dispatch events at blank lines, keep comments (heartbeats) apart."""
        kind, event_id, data = "", None, list[str]()
        async for line in response.aiter_lines():
            self.lines.append(line)
            if line == "":
                if data:
                    event = Event(kind or "message", event_id, "\n".join(data), time.monotonic())
                    self._events.put(event)
                kind, data = "", []
            elif line.startswith(":"):
                self.comments.append((time.monotonic(), line[1:].strip()))
            else:
                name, _, value = line.partition(":")
                value = value.removeprefix(" ")
                if name == "event":
                    kind = value
                elif name == "data":
                    data.append(value)
                elif name == "id":
                    event_id = value
