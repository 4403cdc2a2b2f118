"""The one place CrossDesk sets the process-wide garbage-collector policy.

A full collection walks every long-lived object of the app (Qt wrappers, pydantic's
validators, locale and holiday data: 40-80 ms) holding the GIL, so the window freezes
meanwhile. Two rules keep that off the agent's screen: once start-up is over, what it
built is frozen (full passes no longer rescan it); and while a sync cycle runs, with the
thousands of short-lived objects each page is made of, cyclic collection is paused and
only the youngest generation is collected as the cycle goes. Qt-free, so the sync engine
follows the same policy in tests and benchmarks as in the window.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


def freeze_after_startup() -> None:
    """Start-up is over: what it built lives as long as the app; stop rescanning it."""
    gc.freeze()


_lock = threading.Lock()
_collector_pauses = 0  # cycles running now
_collector_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic garbage collection while a cycle runs (then as it was).

    A full collection walks every long-lived object of the app (Qt wrappers, pydantic's
    validators: 40-80 ms) holding the GIL, so the window freezes meanwhile; and a pull,
    with the thousands of short-lived objects each page is made of, sets one off every few
    pages. Those are freed by reference counting anyway; the few cycles a sync makes are
    freed by :func:`collect_young` as it goes, or once it is over.
    """
    global _collector_pauses, _collector_was_enabled
    with _lock:
        if _collector_pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _collector_pauses += 1
    try:
        yield
    finally:
        with _lock:
            _collector_pauses -= 1
            if _collector_pauses == 0 and _collector_was_enabled:
                gc.enable()


def collect_young() -> None:
    """While collection is paused: collect the youngest objects only (a few milliseconds),
    as each HTTP response, a reference cycle holding the body it read, is garbage."""
    if _collector_pauses and _collector_was_enabled:
        gc.collect(0)
