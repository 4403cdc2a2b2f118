"""The one way background work is run: a protocol, and the inline runner tests use.

Two lanes. The *store* lane is a single thread that owns the only SQLite
connection that writes (SQLite has one writer; serialising the lane means no
"database is locked"). The *compute* lane is a small pool for work that does
not touch the store (translation, network). Results always come back on the
thread that owns the UI; the Qt runner in ``app.ui.shell.tasks`` does that with a
queued signal, :class:`InlineTaskRunner` simply runs everything at once.

A task submitted with a ``key`` supersedes any earlier task with the same key:
the earlier one is skipped if it has not started, and its result is dropped if
it has (switching conversations must never paint the previous one).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from app.storage.repository import InboxRepository

T = TypeVar("T")

StoreWork = Callable[[InboxRepository], T]
Work = Callable[[], T]
OnDone = Callable[[T], None]
OnError = Callable[[BaseException], None]


@dataclass
class TaskHandle:
    """What a submitter keeps to cancel a task or ask whether it still matters."""

    key: str | None
    generation: int
    _cancelled: threading.Event = field(default_factory=threading.Event, repr=False)

    def cancel(self) -> None:
        """Skip the work if it has not started and drop its result if it has."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()


class TaskRunner(Protocol):
    """Run work off the UI thread and deliver its outcome back on it."""

    def run_store(
        self,
        work: StoreWork[T],
        on_done: OnDone[T] | None = None,
        on_error: OnError | None = None,
        *,
        key: str | None = None,
        owner: object | None = None,
    ) -> TaskHandle:
        """Run ``work(repository)`` on the store lane (the single SQLite writer).

        ``owner`` is the object the callbacks belong to: if it has been destroyed
        by the time the result arrives (a closed window), the result is dropped.
        """
        ...

    def run(
        self,
        work: Work[T],
        on_done: OnDone[T] | None = None,
        on_error: OnError | None = None,
        *,
        key: str | None = None,
        owner: object | None = None,
    ) -> TaskHandle:
        """Run ``work()`` on the compute lane (never touches the store)."""
        ...

    def store_call(self, work: StoreWork[T]) -> T:
        """Run ``work(repository)`` on the store lane and wait for its result.

        For code already running on the compute lane (the sync engine), never for the
        UI thread: it lets long network work read and write the store in small steps
        while the store lane stays the only writer.
        """
        ...

    def shutdown(self) -> None:
        """Finish queued store writes, then stop the lanes."""
        ...


class Supersession:
    """Bookkeeping for keyed tasks: which generation is the newest per key."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latest: dict[str, TaskHandle] = {}
        self._counter = 0

    def new_handle(self, key: str | None) -> TaskHandle:
        with self._lock:
            self._counter += 1
            handle = TaskHandle(key, self._counter)
            if key is not None:
                previous = self._latest.get(key)
                if previous is not None:
                    previous.cancel()
                self._latest[key] = handle
            return handle

    def finish(self, handle: TaskHandle) -> None:
        with self._lock:
            if handle.key is not None and self._latest.get(handle.key) is handle:
                del self._latest[handle.key]


def deliver(
    handle: TaskHandle,
    outcome: tuple[bool, Any],
    on_done: OnDone[Any] | None,
    on_error: OnError | None,
    default_error: OnError,
) -> None:
    """Call the right callback for a finished task, unless it was superseded."""
    if handle.cancelled:
        return
    ok, value = outcome
    if ok:
        if on_done is not None:
            on_done(value)
    elif on_error is not None:
        on_error(value)
    else:
        default_error(value)


def _reraise(exc: BaseException) -> None:
    raise exc


class InlineTaskRunner:
    """Runs every task immediately on the calling thread (tests, command-line tools).

    Errors without an ``on_error`` are re-raised so a test sees them.
    """

    def __init__(
        self,
        open_repository: Callable[[], InboxRepository],
        default_error: OnError = _reraise,
    ) -> None:
        self._open_repository = open_repository
        self._repository: InboxRepository | None = None
        self._supersession = Supersession()
        self.default_error = default_error

    @property
    def repository(self) -> InboxRepository:
        if self._repository is None:
            self._repository = self._open_repository()
        return self._repository

    def _execute(
        self,
        handle: TaskHandle,
        call: Callable[[], Any],
        on_done: OnDone[Any] | None,
        on_error: OnError | None,
    ) -> TaskHandle:
        try:
            outcome: tuple[bool, Any] = (True, call())
        except Exception as exc:  # delivered to on_error / default handler
            outcome = (False, exc)
        self._supersession.finish(handle)
        deliver(handle, outcome, on_done, on_error, self.default_error)
        return handle

    def run_store(
        self,
        work: StoreWork[T],
        on_done: OnDone[T] | None = None,
        on_error: OnError | None = None,
        *,
        key: str | None = None,
        owner: object | None = None,
    ) -> TaskHandle:
        handle = self._supersession.new_handle(key)
        return self._execute(handle, lambda: work(self.repository), on_done, on_error)

    def run(
        self,
        work: Work[T],
        on_done: OnDone[T] | None = None,
        on_error: OnError | None = None,
        *,
        key: str | None = None,
        owner: object | None = None,
    ) -> TaskHandle:
        handle = self._supersession.new_handle(key)
        return self._execute(handle, work, on_done, on_error)

    def store_call(self, work: StoreWork[T]) -> T:
        return work(self.repository)

    def shutdown(self) -> None:
        if self._repository is not None:
            self._repository.conn.close()
            self._repository = None
