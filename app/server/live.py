"""Live updates inside one server process: the hub that wakes ``GET /v1/events`` streams,
and on PostgreSQL the thread that hears every process's commits.

A commit that moved a change feed is announced as ``(seq, feeds)`` (see
:mod:`app.server.db`). On SQLite the database calls :meth:`LiveHub.publish` right after
the commit; on PostgreSQL every process LISTENs on one channel and its
:class:`PgListener` forwards what it hears, so a write through any process wakes the
streams held by all of them. An announcement is a hint: a stream only tells its client
which feeds to read, never what changed.

Each stream has a :class:`Subscription`, a mailbox that merges what it has not yet sent
(highest seq, union of feeds) instead of queueing every commit: a burst of writes, or a
slow client, costs one pending entry, never a growing queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.contract.models import LIVE_FEEDS
from app.server.db import NOTIFY_CHANNEL, Database

log = logging.getLogger("crossdesk.server.live")
LISTENER_NAME = "crossdesk-live"  # the LISTEN connection's application_name

# Every feed the reference server has, by its wire name: all of the contract's.
FEEDS = LIVE_FEEDS


class StreamRefusedError(Exception):
    """Too many streams: answered with ``status``/``code`` and Retry-After ``retry``."""

    def __init__(self, status: int, code: str, detail: str, retry: int) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.retry = status, code, detail, retry


@dataclass(frozen=True, slots=True)
class Change:
    """What a stream has to tell: the highest seq committed and the feeds moved."""

    seq: int
    feeds: frozenset[str]


@dataclass(eq=False)
class Subscription:
    """One stream's mailbox on the hub's event loop (use it only from that loop)."""

    hub: LiveHub
    account_id: str
    _seq: int = 0
    _feeds: set[str] = field(default_factory=set)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    closed: bool = False

    def _offer(self, seq: int, feeds: frozenset[str]) -> None:
        self._seq = max(self._seq, seq)
        self._feeds |= feeds
        self._wake.set()

    async def next(self, timeout: float) -> Change | None:
        """The changes merged since the last call, waiting up to ``timeout`` seconds for
        one; None on timeout or once the hub or this subscription is closed."""
        if not self._feeds and not self.closed:
            try:
                await asyncio.wait_for(self._wake.wait(), max(0.0, timeout))
            except TimeoutError:
                return None
        self._wake.clear()
        if self.closed or not self._feeds:
            return None
        change = Change(self._seq, frozenset(self._feeds))
        self._feeds = set()
        return change

    def close(self) -> None:
        """Leave the hub (idempotent): the account's and the process's slot is free again."""
        if not self.closed:
            self.closed = True
            self._wake.set()
            self.hub._leave(self)


class LiveHub:
    """The streams of one server process and the announcements that wake them.

    ``publish`` may be called from any thread (a request's worker thread after its
    commit, the PostgreSQL listener); delivery happens on the event loop given to
    ``bind``. Before ``bind`` (no loop, hence no streams) announcements are dropped.
    """

    def __init__(self, *, max_streams: int = 2000, max_per_account: int = 8) -> None:
        self.max_streams = max_streams
        self.max_per_account = max_per_account
        self._loop: asyncio.AbstractEventLoop | None = None
        self._subscribers: set[Subscription] = set()
        self._per_account: dict[str, int] = {}
        self.published = 0  # announcements delivered to the loop (for tests and figures)

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Deliver on ``loop`` (the server's, at startup)."""
        self._loop = loop

    @property
    def streams(self) -> int:
        return len(self._subscribers)

    def subscribe(self, account_id: str) -> Subscription:
        """A mailbox for a new stream, or :class:`StreamRefusedError` past a bound (on the loop).
        A server run without its lifespan (an in-process test client) binds here."""
        if self._loop is None or self._loop.is_closed():
            self._loop = asyncio.get_running_loop()
        if self._per_account.get(account_id, 0) >= self.max_per_account:
            raise StreamRefusedError(
                429,
                "rate_limited",
                f"This account already holds {self.max_per_account} live streams; "
                "close one or wait Retry-After seconds.",
                retry=30,
            )
        if len(self._subscribers) >= self.max_streams:
            raise StreamRefusedError(
                503,
                "service_unavailable",
                "This server holds as many live streams as it can; wait Retry-After seconds.",
                retry=10,
            )
        subscription = Subscription(self, account_id)
        self._subscribers.add(subscription)
        self._per_account[account_id] = self._per_account.get(account_id, 0) + 1
        return subscription

    def _leave(self, subscription: Subscription) -> None:
        if subscription in self._subscribers:
            self._subscribers.discard(subscription)
            left = self._per_account.get(subscription.account_id, 1) - 1
            if left > 0:
                self._per_account[subscription.account_id] = left
            else:
                self._per_account.pop(subscription.account_id, None)

    def publish(self, seq: int, feeds: Iterable[str]) -> None:
        """Announce a commit (from any thread); never raises into the writer."""
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop has closed: shutting down
            loop.call_soon_threadsafe(self._deliver, seq, frozenset(feeds))

    def _deliver(self, seq: int, feeds: frozenset[str]) -> None:
        self.published += 1
        for subscription in self._subscribers:
            subscription._offer(seq, feeds)

    def close(self) -> None:
        """End every stream (on the loop): the server is stopping."""
        for subscription in list(self._subscribers):
            subscription.close()


def parse_payload(payload: str) -> tuple[int, frozenset[str]] | None:
    """``"<seq> <feed>,<feed>"`` as ``pg_notify`` carries it; None if it is not one."""
    seq_text, _, feeds_text = payload.partition(" ")
    if not seq_text.isdigit():
        return None
    feeds = frozenset(f for f in feeds_text.split(",") if f)
    return (int(seq_text), feeds) if feeds else None


class PgListener:
    """A thread holding one psycopg connection that LISTENs on the changes channel and
    forwards every notification to the hub. When the connection drops (database
    restart, network), it reconnects after a growing delay, and then wakes every stream
    for every feed if commits happened meanwhile (their notifications were lost)."""

    POLL_SECONDS = 1.0  # how often the thread looks up from the socket to see if it must stop

    def __init__(
        self,
        connect_args: Mapping[str, Any],
        hub: LiveHub,
        *,
        first_delay: float = 0.5,
        max_delay: float = 10.0,
    ) -> None:
        self._connect_args = dict(connect_args)
        self._hub = hub
        self._first_delay = first_delay
        self._max_delay = max_delay
        self._stop = threading.Event()
        self.listening = threading.Event()  # set while LISTEN is in effect
        self.connections = 0  # successful (re)connections, for tests
        self._last_seq: int | None = None
        self._thread = threading.Thread(target=self._run, name="crossdesk-live", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        delay = self._first_delay
        while not self._stop.is_set():
            try:
                self._listen()
                delay = self._first_delay
            except Exception as exc:  # psycopg.Error, OSError: the database went away
                self.listening.clear()
                log.warning("live updates: lost the database (%s); retrying in %.1fs", exc, delay)
                self._stop.wait(delay)
                delay = min(self._max_delay, delay * 2)

    def _listen(self) -> None:
        import psycopg  # only on PostgreSQL

        with psycopg.connect(**self._connect_args, autocommit=True) as conn:
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
            row = conn.execute("SELECT value FROM change_counter WHERE id = 1").fetchone()
            newest = int(row[0]) if row else 0
            if self._last_seq is not None and newest > self._last_seq:
                self._hub.publish(newest, FEEDS)  # missed while away: read everything
            self._last_seq = max(self._last_seq or 0, newest)
            self.connections += 1
            self.listening.set()
            while not self._stop.is_set():
                for notify in conn.notifies(timeout=self.POLL_SECONDS):
                    parsed = parse_payload(notify.payload)
                    if parsed is not None:
                        self._last_seq = max(self._last_seq, parsed[0])
                        self._hub.publish(*parsed)
        self.listening.clear()


class LiveRuntime:
    """The live-update machinery of one server process, wired to its database: the hub,
    fed by the database itself (SQLite) or by a LISTEN thread (PostgreSQL)."""

    def __init__(self, database: Database, *, max_streams: int, max_per_account: int) -> None:
        self.hub = LiveHub(max_streams=max_streams, max_per_account=max_per_account)
        self.listener: PgListener | None = None
        if database.is_sqlite:
            database.on_commit = self.hub.publish
        else:
            engine = database.engine
            _args, params = engine.dialect.create_connect_args(engine.url)
            params.pop("context", None)  # SQLAlchemy's adapters, not a connection setting
            params["application_name"] = LISTENER_NAME  # so pg_stat_activity names it
            self.listener = PgListener(params, self.hub)

    async def start(self) -> None:
        """On the server's event loop, at startup: streams opened from now on hear every
        commit (on PostgreSQL once LISTEN is in effect, which is waited for, boundedly)."""
        self.hub.bind(asyncio.get_running_loop())
        if self.listener is not None:
            self.listener.start()
            if not await asyncio.to_thread(self.listener.listening.wait, 15.0):
                log.warning("live updates: not listening yet; streams wake once it is")

    async def stop(self) -> None:
        """At shutdown: end the streams still open, stop listening."""
        self.hub.close()
        if self.listener is not None:
            await asyncio.to_thread(self.listener.stop)
