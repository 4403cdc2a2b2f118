"""The live-update stream (``GET /v1/events``, server-sent events): hints that feeds moved.

One connection, on a daemon thread of its own, for a signed-in workspace. It never
carries data: a ``changes`` event only says which feeds moved, and the window then runs
its usual sync cycle (``on_changes``); every (re)connect asks for one catch-up cycle too
(``on_connected``), so nothing missed while disconnected is lost. Without a stream (the
backend does not advertise ``capabilities.live_events``, or answers 404) the window keeps
polling, and nothing is shown as an error.

Staying connected: exponential backoff with full jitter after a failure (base 1 s, cap
60 s, reset after a stream that lived over a minute), never sooner than Retry-After; a
stream silent for three heartbeats is dead; a wall clock that jumped against the
monotonic one means the machine slept, and the connection is dropped and made again at
once, as after ``poke()`` (the network changed). ``stop()`` shuts the socket from the
caller's thread, so a blocked read ends at once.

Everything from outside is bounded: a line or an event over ``MAX_EVENT_BYTES`` is
dropped (:mod:`app.sync.live_wire`), unknown events and fields are ignored, garbage
never ends the thread.
"""

from __future__ import annotations

import contextlib
import logging
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from httpx_sse import ServerSentEvent, connect_sse

from app.sync.api import LiveState
from app.sync.client import ServerClient
from app.sync.live_wire import (
    BACKOFF_BASE_SECONDS,
    BACKOFF_CAP_SECONDS,
    EventReader,
    clock_jumped,
    json_object,
    parse_feeds,
    parse_heartbeat,
    parse_retry_after,
    reconnect_delay,
)

log = logging.getLogger(__name__)

EVENTS_PATH = "/v1/events"
HEALTHY_SECONDS = 60.0  # a stream that lived this long resets the backoff
DEFAULT_HEARTBEAT_SECONDS = 15.0
SILENT_HEARTBEATS = 3  # this many heartbeats without a byte: the connection is dead
WATCH_SECONDS = 10.0  # how often the clocks are compared (sleep/resume)
UNSUPPORTED_STATUSES = frozenset({404, 405, 501})

Callback = Callable[[], None]


# ------------------------------------------------------------------------ the listener
@dataclass
class _Ended:
    """How one connection ended."""

    lived: float = 0.0  # seconds since its ``ready`` (0: it never got that far)
    clean: bool = False  # the server ended it (token expiry, its own time limit)
    retry_after: float | None = None
    final: LiveState | None = None  # no more connecting: UNSUPPORTED, SIGNED_OUT
    again_now: bool = False  # a fresh token, or poked: reconnect without waiting


class LiveListener:
    """One workspace's live-update connection (see the module docstring).

    Callbacks run on the listener's thread and must only hand over (a queued Qt signal):
    ``on_changes(feeds)`` after a ``changes`` event, ``on_connected()`` after each
    ``ready`` (run the catch-up sync), ``on_state(state)`` when the state changes."""

    def __init__(
        self,
        client: ServerClient,
        *,
        on_changes: Callable[[tuple[str, ...]], None],
        on_connected: Callback,
        on_state: Callable[[LiveState], None],
        rand: Callable[[], float] = random.random,
        wall: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        base: float = BACKOFF_BASE_SECONDS,
        cap: float = BACKOFF_CAP_SECONDS,
        healthy_seconds: float = HEALTHY_SECONDS,
        heartbeat: float = DEFAULT_HEARTBEAT_SECONDS,
        watch_seconds: float = WATCH_SECONDS,
    ) -> None:
        self.client = client
        self._on_changes, self._on_connected, self._on_state = on_changes, on_connected, on_state
        self.rand, self.wall, self.monotonic = rand, wall, monotonic
        self.base, self.cap, self.healthy_seconds = base, cap, healthy_seconds
        self.heartbeat = heartbeat
        self.watch_seconds = watch_seconds
        self.state = LiveState.CONNECTING
        self.last_event_id = ""
        self._advertised_ok = False  # /v1/me said the backend has the stream
        self._connected_at: float | None = None  # monotonic time of this stream's ``ready``
        self._refreshed = False  # a 401 was answered with a fresh token since the last ready
        self.connects = 0  # ``ready`` events seen (tests, the benchmark)
        self.delays: list[float] = []  # each wait before reconnecting (tests)
        self._stopping = threading.Event()
        self._wake = threading.Event()  # ends a backoff wait early (poke, stop)
        self._poked = False
        self._lock = threading.Lock()
        self._response: httpx.Response | None = None
        self._http: httpx.Client | None = None
        self._thread = threading.Thread(target=self._run, name="crossdesk-live", daemon=True)
        self._watch = threading.Thread(target=self._watch_clocks, name="crossdesk-live-watch")
        self._watch.daemon = True

    # ---------------------------------------------------------------- control
    def start(self) -> None:
        self._thread.start()
        self._watch.start()

    def stop(self, timeout: float = 2.0) -> bool:
        self._stopping.set()
        self._wake.set()
        self._interrupt()
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._set_state(LiveState.STOPPED, force=True)
        return not self._thread.is_alive()

    def poke(self) -> None:
        if self._stopping.is_set():
            return
        log.info("live updates: reconnecting now (network change or wake-up)")
        self._poked = True
        self._wake.set()
        self._interrupt()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _interrupt(self) -> None:
        """Shut the stream's socket from this thread: the reader's blocked read returns at
        once (closing the file descriptor alone would not wake it on Linux)."""
        with self._lock:
            response = self._response
        if response is None:
            return
        stream = response.extensions.get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    # ---------------------------------------------------------------- callbacks
    def _set_state(self, state: LiveState, *, force: bool = False) -> None:
        if state is self.state or (self._stopping.is_set() and not force):
            return
        self.state = state
        self._call(self._on_state, state)

    def _call(self, callback: Callable[..., None], *args: object) -> None:
        if self._stopping.is_set() and callback is not self._on_state:
            return
        try:
            callback(*args)
        except Exception:  # a callback's bug must not end the connection
            log.exception("live updates: a callback failed")

    # ---------------------------------------------------------------- the thread
    def _run(self) -> None:
        failures = 0
        try:
            while not self._stopping.is_set():
                self._poked = False
                try:
                    ended = self._connect_once()
                except Exception:  # never end the thread on something unexpected
                    log.exception("live updates: the connection failed unexpectedly")
                    ended = _Ended()
                if ended.final is not None:
                    self._set_state(ended.final)
                    return
                if self._stopping.is_set():
                    return
                now = ended.again_now or self._poked
                healthy = ended.lived >= self.healthy_seconds
                if healthy or self._poked:
                    failures = 0
                if now or (ended.clean and failures == 0):
                    delay = 0.0  # a server's clean end (token expiry, time limit): at once
                else:
                    delay = reconnect_delay(
                        failures + 1,
                        ended.retry_after,
                        base=self.base,
                        cap=self.cap,
                        rand=self.rand,
                    )
                if not now and not (ended.clean and healthy):  # quick ends count as failures
                    failures += 1
                self._set_state(LiveState.DOWN)
                self.delays.append(delay)
                if delay > 0:
                    log.info("live updates: reconnecting in %.1f s", delay)
                    self._wake.wait(delay)
                self._wake.clear()
        finally:
            self._drop_client()

    def _drop_client(self) -> None:
        with self._lock:
            http, self._http = self._http, None
        if http is not None:
            http.close()

    def _stream_client(self) -> httpx.Client:
        timeout = self.heartbeat * SILENT_HEARTBEATS
        if self._http is None or self._http.timeout.read != timeout:
            if self._http is not None:
                self._http.close()
            self._http = self.client.stream_http(timeout)
        return self._http

    def _connect_once(self) -> _Ended:
        tokens = self.client.tokens
        if tokens is None:
            return _Ended(final=LiveState.SIGNED_OUT)
        headers = {"Authorization": f"Bearer {tokens.access_token}"}
        if self.last_event_id:
            headers["Last-Event-ID"] = self.last_event_id
        self._connected_at = None
        http = self._stream_client()
        try:
            if not self._advertised_ok:
                if not self._advertised(http, headers):
                    return _Ended(final=LiveState.UNSUPPORTED)
                self._advertised_ok = True
            with connect_sse(http, "GET", EVENTS_PATH, headers=headers) as source:
                response = source.response
                with self._lock:
                    self._response = response
                try:
                    return self._consume(response, tokens.access_token)
                finally:
                    with self._lock:
                        self._response = None
        except _RefusedError as refused:
            return refused.ended
        except httpx.TransportError as exc:  # also what stop() and poke() cause
            if not self._stopping.is_set() and not self._poked:
                log.info("live updates: connection lost (%s)", type(exc).__name__)
            self._drop_client()  # its pool may hold the broken socket: close it, not leak it
            return _Ended(lived=self._lived())

    def _advertised(self, http: httpx.Client, headers: dict[str, str]) -> bool:
        """``/v1/me`` says the backend has the stream (an older backend omits the flag);
        a refusal raises :class:`_RefusedError`, as the stream's own would."""
        response = http.get("/v1/me", headers=headers, timeout=30.0)
        if response.status_code >= 400:
            raise _RefusedError(self._refusal(response, headers["Authorization"][7:]))
        body = json_object(response.text) if len(response.content) <= 1_000_000 else None
        capabilities = body.get("capabilities") if body else None
        return isinstance(capabilities, dict) and capabilities.get("live_events") is True

    def _refusal(self, response: httpx.Response, access_token: str) -> _Ended:
        status = response.status_code
        if status == 401:
            if self.client.refresh_after(access_token):
                return _Ended(again_now=self._refreshes_left())
            return _Ended(final=LiveState.SIGNED_OUT)
        if status in UNSUPPORTED_STATUSES:
            return _Ended(final=LiveState.UNSUPPORTED)
        return _Ended(retry_after=parse_retry_after(response.headers.get("Retry-After")))

    def _refreshes_left(self) -> bool:
        """A fresh token reconnects at once, but only once in a row: a server that refuses
        every token is retried with backoff (the sync cycle says "sign in again")."""
        fresh, self._refreshed = not self._refreshed, True
        return fresh

    def _consume(self, response: httpx.Response, access_token: str) -> _Ended:
        if response.status_code != 200:
            raise _RefusedError(self._refusal(response, access_token))
        kind = response.headers.get("content-type", "").partition(";")[0].strip().lower()
        if kind != "text/event-stream":
            log.warning("live updates: %s is not an event stream (%s)", EVENTS_PATH, kind[:80])
            return _Ended()
        reader = EventReader()
        for chunk in response.iter_bytes():
            if self._stopping.is_set() or self._poked:
                break
            for event in reader.feed(chunk):
                self._handle(event)
        self.last_event_id = reader.last_id or self.last_event_id
        return _Ended(lived=self._lived(), clean=not (self._stopping.is_set() or self._poked))

    def _lived(self) -> float:
        started = self._connected_at
        return 0.0 if started is None else self.monotonic() - started

    def _handle(self, event: ServerSentEvent) -> None:
        if event.id:
            self.last_event_id = event.id
        if event.event == "ready":
            beat = parse_heartbeat(event.data)
            if beat is not None:
                self.heartbeat = beat  # the read timeout of the next connection
            self._connected_at = self.monotonic()
            self._refreshed = False
            self.connects += 1
            self._set_state(LiveState.LIVE)
            self._call(self._on_connected)
        elif event.event == "changes":
            feeds = parse_feeds(event.data)
            if feeds:
                self._call(self._on_changes, feeds)
            elif feeds is None:
                log.info("live updates: an unreadable changes event was ignored")

    def _watch_clocks(self) -> None:
        """Compare the clocks every few seconds: after a sleep, reconnect at once rather
        than wait for the dead connection's read timeout."""
        wall, mono = self.wall(), self.monotonic()
        while not self._stopping.wait(self.watch_seconds):
            now_wall, now_mono = self.wall(), self.monotonic()
            if clock_jumped(wall, mono, now_wall, now_mono):
                log.info("live updates: the clock jumped (sleep/resume?)")
                self.poke()
            wall, mono = now_wall, now_mono


class _RefusedError(Exception):
    """A 4xx/5xx answer to the stream or to ``/v1/me``, as how the connection ended."""

    def __init__(self, ended: _Ended) -> None:
        super().__init__()
        self.ended = ended
