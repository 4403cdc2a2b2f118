"""One way to wait for the agent to pause: a single-shot timer that every keystroke
restarts, so a search, a draft save or a preview runs once typing stops."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


def debouncer(parent: QObject, ms: int, slot: Callable[[], object]) -> QTimer:
    """A stopped single-shot timer of ``ms`` that calls ``slot``; ``start()`` it on each
    change (a restart pushes the call back), ``stop()`` it when the work is done anyway."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(ms)
    timer.timeout.connect(slot)
    return timer
