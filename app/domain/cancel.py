"""Cancellation that reaches into long work: a token the work itself checks.

The task runner skips a superseded task that has not started, and drops its result
if it has; a *running* task only stops early if it looks. Long work (a sync cycle's
pages, a translation batch) takes a :class:`CancelToken` and checks it between steps,
and waits on it instead of ``time.sleep`` so a cancel wakes it at once.
Qt-free and dependency-free, so every layer may use it.
"""

from __future__ import annotations

import threading


class TaskCancelledError(Exception):
    """The work was cancelled (superseded, or the application is quitting)."""


class CancelToken:
    """Set once by whoever cancels; read by the work, from any thread."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Stop here (raise :class:`TaskCancelledError`) if the work is no longer wanted."""
        if self._event.is_set():
            raise TaskCancelledError

    def sleep(self, seconds: float) -> None:
        """``time.sleep`` that a cancel cuts short (then raises :class:`TaskCancelledError`)."""
        if self._event.wait(max(0.0, seconds)):
            raise TaskCancelledError
