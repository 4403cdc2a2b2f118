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
