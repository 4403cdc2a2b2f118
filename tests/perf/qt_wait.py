"""Running the Qt event loop until a condition holds: what every window benchmark needs."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def wait_until(
    condition: Callable[[], object],
    timeout_s: float = 30,
    *,
    signal: Any = None,
    tick_ms: int = 5,
) -> None:
    """Run the event loop until ``condition()`` holds, waking on ``signal`` when given (no
    polling while a signal can be awaited; the slow tick then only guards against a hang)."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.perf_counter() + timeout_s
    loop = QEventLoop()
    if signal is not None:
        signal.connect(loop.quit)
    tick = QTimer()
    tick.setInterval(tick_ms if signal is None else 1000)
    tick.timeout.connect(loop.quit)
    tick.start()
    try:
        while not condition():
            if time.perf_counter() > deadline:
                raise TimeoutError("the app did not answer in time")
            loop.exec()
    finally:
        tick.stop()
        if signal is not None:
            signal.disconnect(loop.quit)


def select_and_paint(window: Any, conversation_id: int) -> float:
    """Select the conversation's inbox row as a click does, run the loop until the pane
    has loaded it and paint the thread; the ``perf_counter()`` of the selection (what an
    "open" figure is measured from)."""
    inbox, pane = window.inbox, window.conversation
    row = inbox.model.row_of(conversation_id)
    assert row is not None
    loaded: list[int] = []
    pane.loaded.connect(loaded.append)
    started = time.perf_counter()
    inbox.select_row(row)
    wait_until(lambda: conversation_id in loaded, signal=pane.loaded)
    pane.thread_view.viewport().repaint()
    pane.loaded.disconnect(loaded.append)
    return started
