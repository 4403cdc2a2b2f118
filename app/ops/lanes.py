"""A lane: a queue and a few worker threads the runner controls (Qt-free).

Why not ``ThreadPoolExecutor``: its threads are joined at interpreter exit, so one
request stuck on a hung server kept the quitting process alive for up to 90 s; and
its ``shutdown(cancel_futures=True)`` cannot spare the one task that must still run
(sign-out's revoke). These workers are daemon threads; the runner decides what is
dropped, what is kept, and how long to wait for it.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


class LaneClosedError(RuntimeError):
    """Work was submitted to a lane that has been shut down."""


@dataclass(frozen=True, slots=True)
class Job:
    run: Callable[[], None]
    must_run: bool = False
    dropped: Callable[[], None] | None = None  # called instead of ``run`` if dropped


class WorkerLane:
    """Runs jobs in submission order on at most ``workers`` daemon threads."""

    def __init__(self, name: str, workers: int) -> None:
        self._name = name
        self._workers = workers
        self._cond = threading.Condition()
        self._queue: deque[Job] = deque()
        self._threads: list[threading.Thread] = []
        self._busy = 0
        self._kept = 0  # must-run jobs queued or running
        self._closed = False

    def on_lane(self) -> bool:
        """True on one of this lane's threads."""
        return threading.current_thread() in self._threads

    def submit(self, job: Job) -> None:
        with self._cond:
            if self._closed:
                raise LaneClosedError(f"the {self._name} lane is shut down")
            self._queue.append(job)
            self._kept += job.must_run
            if len(self._threads) < self._workers and self._busy + len(self._queue) > len(
                self._threads
            ):
                thread = threading.Thread(
                    target=self._work, name=f"{self._name}-{len(self._threads)}", daemon=True
                )
                self._threads.append(thread)
                thread.start()
            self._cond.notify()

    def close(self, *, drop_queued: bool) -> None:
        """Accept no more jobs; the queued ones run, or (``drop_queued``) only those that
        must run do; the others' ``dropped`` is called."""
        with self._cond:
            self._closed = True
            dropped: list[Job] = []
            if drop_queued:
                dropped = [job for job in self._queue if not job.must_run]
                self._queue = deque(job for job in self._queue if job.must_run)
            self._cond.notify_all()
        for job in dropped:
            if job.dropped is not None:
                job.dropped()

    def wait_idle(self, timeout: float | None, *, kept_only: bool = False) -> bool:
        """Wait until nothing (or, ``kept_only``, no must-run job) is queued or running."""
        with self._cond:
            if kept_only:
                return self._cond.wait_for(lambda: self._kept == 0, timeout)
            return self._cond.wait_for(lambda: not self._queue and self._busy == 0, timeout)

    def _work(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: bool(self._queue) or self._closed)
                if not self._queue:
                    return  # closed and nothing left
                job = self._queue.popleft()
                self._busy += 1
            try:
                job.run()
            except Exception:  # a job reports its own errors; never lose the worker
                log.exception("a job on the %s lane failed", self._name)
            finally:
                with self._cond:
                    self._busy -= 1
                    self._kept -= job.must_run
                    self._cond.notify_all()
