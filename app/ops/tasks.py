"""The one way background work is run: the runner contract, and the inline runner tests use.

Two lanes. The *store* lane is a single thread that owns the only SQLite
connection that writes (SQLite has one writer; serialising the lane means no
"database is locked"). The *compute* lane is a small pool for work that does
not touch the store (translation, network). Results always come back on the
thread that owns the UI; the Qt runner in ``app.ui.shell.tasks`` does that with a
queued signal, :class:`InlineTaskRunner` simply runs everything at once.

The semantics every runner keeps (tested on the real Qt runner in
``tests/ui/shell/test_task_runner.py``):

- A task submitted with a ``key`` supersedes any earlier task with the same key *and
  the same owner* (one widget never cancels another's task): the earlier one is
  skipped if it has not started, its token is cancelled, and its result is dropped if
  it arrives (switching conversations must never paint the previous one).
- ``shutdown()`` always finishes queued store writes (drafts!). Compute work is
  cancelled by default (queued tasks never start, running ones see their token
  cancelled), or drained with ``drain=True``. A task submitted with ``must_run=True``
  (sign-out's token revoke) is never dropped by a shutdown.
- ``store_call`` raises :class:`StoreLaneError` when it cannot work: after shutdown,
  on the UI thread (it would freeze the window) and on the store thread itself (it
  would wait for itself forever).
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from app.domain.cancel import CancelToken
from app.storage.store import Store

T = TypeVar("T")

StoreWork = Callable[[Store], T]
Work = Callable[[], T]
OnDone = Callable[[T], None]
OnError = Callable[[BaseException], None]
Lane = Literal["store", "compute"]


class StoreLaneError(RuntimeError):
    """A store call that cannot be made (after shutdown, or from a thread that must not
    wait for the store lane); the message says which and what to do instead."""


@dataclass
class TaskHandle:
    """What a submitter keeps to cancel a task or ask whether it still matters.

    ``token`` is the task's :class:`CancelToken`: long work that was given it checks it.
    """

    key: Hashable | None
    generation: int
    token: CancelToken = field(default_factory=CancelToken, repr=False)
    must_run: bool = False
    lane: Lane = "compute"

    def cancel(self) -> None:
        """Skip the work if it has not started, tell it to stop, drop its result."""
        self.token.cancel()

    @property
    def cancelled(self) -> bool:
        return self.token.cancelled


class Supersession:
    """Bookkeeping for keyed tasks (the newest per owner and key) and for every task not
    yet finished, so a shutdown can cancel what runs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latest: dict[Hashable, TaskHandle] = {}
        self._handles: dict[int, TaskHandle] = {}
        self._counter = 0

    def new_handle(
        self,
        key: str | None,
        owner: object | None = None,
        token: CancelToken | None = None,
        must_run: bool = False,
        lane: Lane = "compute",
    ) -> TaskHandle:
        # Keys are scoped to their owner: two live widgets of one kind (the old and the new
        # window during a language switch) must not supersede each other.
        scoped: Hashable | None = None if key is None else (id(owner), key)
        with self._lock:
            self._counter += 1
            handle = TaskHandle(scoped, self._counter, token or CancelToken(), must_run, lane)
            if scoped is not None:
                previous = self._latest.get(scoped)
                if previous is not None:
                    previous.cancel()
                self._latest[scoped] = handle
            self._handles[handle.generation] = handle
            return handle

    def finish(self, handle: TaskHandle) -> None:
        with self._lock:
            self._handles.pop(handle.generation, None)
            if handle.key is not None and self._latest.get(handle.key) is handle:
                del self._latest[handle.key]

    def cancel_all(self) -> None:
        """Shutdown: every unfinished compute task that may be dropped is told to stop
        (store work always finishes: it holds the agent's drafts)."""
        with self._lock:
            handles = [h for h in self._handles.values() if h.lane == "compute" and not h.must_run]
        for handle in handles:
            handle.cancel()


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


def outcome_of(handle: TaskHandle, call: Callable[[], Any]) -> tuple[bool, Any]:
    """Run ``call`` unless the task was cancelled before it started; never raises."""
    if handle.cancelled:
        return (True, None)
    try:
        return (True, call())
    except Exception as exc:  # delivered to on_error / the default handler, never lost
        return (False, exc)


class TaskRunner(ABC):
    """Run work off the UI thread and deliver its outcome back on it.

    The submit methods live here once; a runner says how a task reaches its lane
    (:meth:`_submit`), how ``store_call`` waits, and how it shuts down.
    """

    default_error: OnError

    def __init__(self, default_error: OnError) -> None:
        self.default_error = default_error
        self._supersession = Supersession()

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
        handle = self._supersession.new_handle(key, owner, lane="store")
        return self._submit("store", handle, work, on_done, on_error, owner)

    def run(
        self,
        work: Work[T],
        on_done: OnDone[T] | None = None,
        on_error: OnError | None = None,
        *,
        key: str | None = None,
        owner: object | None = None,
        token: CancelToken | None = None,
        must_run: bool = False,
    ) -> TaskHandle:
        """Run ``work()`` on the compute lane (never touches the store except through
        ``store_call``). Long work is given ``token`` and checks it; ``must_run``: no
        shutdown drops this task (it still runs after the runner has shut down)."""
        handle = self._supersession.new_handle(key, owner, token, must_run)
        return self._submit("compute", handle, lambda _repo: work(), on_done, on_error, owner)

    @abstractmethod
    def _submit(
        self,
        lane: Lane,
        handle: TaskHandle,
        work: Callable[[Any], Any],
        on_done: OnDone[Any] | None,
        on_error: OnError | None,
        owner: object | None,
    ) -> TaskHandle:
        """Queue ``work`` on ``lane``: store work receives the repository, compute work
        None."""

    @abstractmethod
    def store_call(self, work: StoreWork[T]) -> T:
        """Run ``work(repository)`` on the store lane and wait for its result.

        For code already running on the compute lane (the sync engine), never for the
        UI thread or the store lane: it lets long network work read and write the store
        in small steps while the store lane stays the only writer.
        """

    @abstractmethod
    def shutdown(self, *, drain: bool = False, timeout: float | None = None) -> bool:
        """Finish queued store writes, close the store; cancel compute work (or, with
        ``drain``, let it finish), waiting at most ``timeout`` seconds for the compute
        work that is kept. True if nothing kept is still running."""


def _reraise(exc: BaseException) -> None:
    raise exc


class InlineTaskRunner(TaskRunner):
    """Runs every task immediately on the calling thread (tests, command-line tools).

    Errors without an ``on_error`` are re-raised so a test sees them.
    """

    def __init__(
        self,
        open_repository: Callable[[], Store],
        default_error: OnError = _reraise,
    ) -> None:
        super().__init__(default_error)
        self._open_repository = open_repository
        self._repository: Store | None = None
        self._in_store_work = 0

    @property
    def repository(self) -> Store:
        if self._repository is None:
            self._repository = self._open_repository()
        return self._repository

    def _store(self, work: Callable[[Store], Any]) -> Any:
        self._in_store_work += 1
        try:
            return work(self.repository)
        finally:
            self._in_store_work -= 1

    def _submit(
        self,
        lane: Lane,
        handle: TaskHandle,
        work: Callable[[Any], Any],
        on_done: OnDone[Any] | None,
        on_error: OnError | None,
        owner: object | None,
    ) -> TaskHandle:
        if lane == "store":
            outcome = outcome_of(handle, lambda: self._store(work))
        else:
            outcome = outcome_of(handle, lambda: work(None))
        self._supersession.finish(handle)
        deliver(handle, outcome, on_done, on_error, self.default_error)
        return handle

    def store_call(self, work: StoreWork[T]) -> T:
        if self._in_store_work:  # the same mistake deadlocks the Qt runner: say so here too
            raise StoreLaneError("store_call from store-lane work; call the work directly")
        return self._store(work)

    def shutdown(self, *, drain: bool = False, timeout: float | None = None) -> bool:
        if self._repository is not None:
            self._repository.close()
            self._repository = None
        return True
