"""The Qt task runner: a single store thread, a compute pool, results on the UI thread.

Workers never touch widgets. Each finished task is turned into a closure and
emitted through a queued signal to a QObject that lives on the UI thread, which
runs it there (the pattern of Anki's task manager and Picard's ``run_task``).
The semantics (supersession per owner, shutdown, must-run, store_call errors) are
those of :class:`app.ops.tasks.TaskRunner`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot

from app.ops.lanes import Job, LaneClosedError, WorkerLane
from app.ops.tasks import (
    Lane,
    OnDone,
    OnError,
    StoreLaneError,
    StoreWork,
    T,
    TaskHandle,
    TaskRunner,
    deliver,
    outcome_of,
)
from app.ops.types import Store

log = logging.getLogger(__name__)


class _Bridge(QObject):
    """Lives on the UI thread; runs closures emitted from worker threads.

    Signals:
        delivered(object): a zero-argument callable to run on the UI thread.
    """

    delivered = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.delivered.connect(self._run, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _run(self, closure: Callable[[], None]) -> None:
        closure()


class QtTaskRunner(TaskRunner):
    """TaskRunner for the running application (see ``app.ops.tasks``)."""

    def __init__(
        self,
        open_repository: Callable[[], Store],
        default_error: OnError,
        compute_workers: int = 2,
    ) -> None:
        super().__init__(default_error)
        self._open_repository = open_repository
        self._repo: Store | None = None  # only ever touched on the store thread
        self._bridge = _Bridge()
        self._store = WorkerLane("crossdesk-store", 1)
        self._compute = WorkerLane("crossdesk-compute", compute_workers)
        self._pending = 0
        self._closed = False
        self._lock = threading.Lock()

    @property
    def pending(self) -> int:
        """Tasks submitted and not yet delivered (benchmarks and tests wait on this)."""
        return self._pending

    @property
    def closed(self) -> bool:
        return self._closed

    def _repository(self) -> Store:
        if self._repo is None:
            self._repo = self._open_repository()
        return self._repo

    def _settle(self) -> None:
        with self._lock:
            self._pending -= 1

    def _submit(
        self,
        lane: Lane,
        handle: TaskHandle,
        work: Callable[[Any], Any],
        on_done: OnDone[Any] | None,
        on_error: OnError | None,
        owner: object | None,
    ) -> TaskHandle:
        if self._closed and not handle.must_run:  # quitting: a late timer starts nothing
            handle.cancel()
            self._supersession.finish(handle)
            return handle
        if lane == "store":
            call: Callable[[], Any] = lambda: work(self._repository())  # noqa: E731
        else:
            call = lambda: work(None)  # noqa: E731
        with self._lock:
            self._pending += 1

        def job() -> None:
            outcome = outcome_of(handle, call)
            self._supersession.finish(handle)

            def on_ui() -> None:
                self._settle()
                if isinstance(owner, QObject) and not shiboken6.isValid(owner):
                    return  # its window is gone: nobody is left to show the result to
                deliver(handle, outcome, on_done, on_error, self.default_error)

            self._bridge.delivered.emit(on_ui)

        def dropped() -> None:  # shut down before it started
            handle.cancel()
            self._supersession.finish(handle)
            self._bridge.delivered.emit(self._settle)

        target = self._store if lane == "store" else self._compute
        try:
            target.submit(Job(job, handle.must_run, dropped))
        except LaneClosedError:  # a must-run task after shutdown: a lane of its own
            threading.Thread(target=job, name="crossdesk-must-run", daemon=True).start()
        return handle

    def store_call(self, work: StoreWork[T]) -> T:
        if threading.current_thread() is threading.main_thread():
            raise StoreLaneError("store_call would block the UI thread; use run_store")
        if self._store.on_lane():
            raise StoreLaneError(
                "store_call from the store lane would wait for itself; call the work directly"
            )
        result: Future[T] = Future()

        def call() -> None:
            try:
                result.set_result(work(self._repository()))
            except BaseException as exc:  # handed to the waiting caller
                result.set_exception(exc)

        try:
            self._store.submit(Job(call))
        except LaneClosedError:
            raise StoreLaneError(
                "store_call after the task runner was shut down (the workspace is closed)"
            ) from None
        return result.result()

    def shutdown(self, *, drain: bool = False, timeout: float | None = None) -> bool:
        """Stop the compute lane (cancel, or ``drain``), let queued store writes (drafts!)
        finish, close the connection; then wait at most ``timeout`` s for compute work
        that is kept. Safe to call again (it then only waits)."""
        if not self._closed:
            self._closed = True
            self._compute.close(drop_queued=not drain)
            if drain:  # compute work may still need the store lane: it closes after
                self._compute.wait_idle(timeout)
            else:
                self._supersession.cancel_all()  # running work checks its token
            self._store.submit(Job(self._close_repository))
            self._store.close(drop_queued=False)
            self._store.wait_idle(None)
        return self._compute.wait_idle(timeout, kept_only=not drain)

    def _close_repository(self) -> None:
        """Store lane, last job: keep the planner's statistics fresh, close."""
        repo, self._repo = self._repo, None
        if repo is None:
            return
        repo.optimize()  # logs its own failure
        repo.close()
