"""The Qt task runner: a single store thread, a compute pool, results on the UI thread.

Workers never touch widgets. Each finished task is turned into a closure and
emitted through a queued signal to a QObject that lives on the UI thread, which
runs it there (the pattern of Anki's task manager and Picard's ``run_task``).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot

from app.ops.tasks import (
    OnDone,
    OnError,
    StoreWork,
    Supersession,
    T,
    TaskHandle,
    Work,
    deliver,
)
from app.storage.repository import InboxRepository

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


class QtTaskRunner:
    """TaskRunner for the running application (see ``app.ops.tasks``)."""

    def __init__(
        self,
        open_repository: Callable[[], InboxRepository],
        default_error: OnError,
        compute_workers: int = 2,
    ) -> None:
        self._open_repository = open_repository
        self._local = threading.local()
        self._bridge = _Bridge()
        self._store = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crossdesk-store")
        self._compute = ThreadPoolExecutor(compute_workers, thread_name_prefix="crossdesk-compute")
        self._supersession = Supersession()
        self._pending = 0
        self._closed = False
        self._lock = threading.Lock()
        self.default_error = default_error

    @property
    def pending(self) -> int:
        """Tasks submitted and not yet delivered (benchmarks and tests wait on this)."""
        return self._pending

    def _repository(self) -> InboxRepository:
        repo: InboxRepository | None = getattr(self._local, "repo", None)
        if repo is None:
            repo = self._open_repository()
            self._local.repo = repo
        return repo

    def _submit(
        self,
        executor: ThreadPoolExecutor,
        call: Callable[[], Any],
        on_done: OnDone[Any] | None,
        on_error: OnError | None,
        key: str | None,
        owner: object | None,
    ) -> TaskHandle:
        handle = self._supersession.new_handle(key)
        if self._closed:  # the app is quitting: a late timer must not start new work
            handle.cancel()
            return handle
        with self._lock:
            self._pending += 1

        def job() -> None:
            outcome: tuple[bool, Any]
            if handle.cancelled:
                outcome = (True, None)
            else:
                try:
                    outcome = (True, call())
                except Exception as exc:  # delivered to the UI thread, never lost
                    outcome = (False, exc)
            self._supersession.finish(handle)

            def on_ui() -> None:
                with self._lock:
                    self._pending -= 1
                if isinstance(owner, QObject) and not shiboken6.isValid(owner):
                    return  # its window is gone: nobody is left to show the result to
                deliver(handle, outcome, on_done, on_error, self.default_error)

            self._bridge.delivered.emit(on_ui)

        executor.submit(job)
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
        return self._submit(
            self._store, lambda: work(self._repository()), on_done, on_error, key, owner
        )

    def run(
        self,
        work: Work[T],
        on_done: OnDone[T] | None = None,
        on_error: OnError | None = None,
        *,
        key: str | None = None,
        owner: object | None = None,
    ) -> TaskHandle:
        return self._submit(self._compute, work, on_done, on_error, key, owner)

    def store_call(self, work: StoreWork[T]) -> T:
        if threading.current_thread() is threading.main_thread():
            raise RuntimeError("store_call would block the UI thread; use run_store")
        return self._store.submit(lambda: work(self._repository())).result()

    def shutdown(self) -> None:
        """Let queued writes (drafts!) finish, close the connection, stop the threads."""

        def close() -> None:
            repo: InboxRepository | None = getattr(self._local, "repo", None)
            if repo is not None:
                try:
                    repo.conn.execute("PRAGMA optimize")  # keep the planner's statistics fresh
                except sqlite3.Error:
                    log.warning("PRAGMA optimize failed at shutdown", exc_info=True)
                repo.conn.close()
                self._local.repo = None

        if self._closed:
            return
        self._closed = True
        self._store.submit(close)
        self._store.shutdown(wait=True)
        self._compute.shutdown(wait=False, cancel_futures=True)
