"""The customer's patience in a practice conversation: scenario time runs at the
trainer's speed while the trainee writes; the customer writes again when their patience
runs out and leaves after their last reminder (the engine decides; this only drives it
and shows how long the customer has been waiting)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from app.i18n import I18n
from app.ui.training.labels import duration

TICK_MS = 250


def waiting_since(steps: Sequence[Any]) -> float | None:
    """Scenario time of the first customer message not answered yet (a reminder does not
    restart the wait); None when the trainee spoke last."""
    since: float | None = None
    for step in steps:
        if step.who == "customer":
            if since is None:
                since = float(step.at)
        else:
            since = None
    return since


def reminders_since_reply(steps: Sequence[Any]) -> int:
    count = 0
    for step in steps:
        count = 0 if step.who != "customer" else count + (1 if step.nudge else 0)
    return count


class PlayClock(QObject):
    """Advances the play's scenario time by real time × ``speed`` on a timer.

    Signals:
        advanced(float): scenario seconds that just passed (the view calls the engine).
    """

    advanced = Signal(float)

    def __init__(self, speed: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.speed = speed
        self._last = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        self._last = time.monotonic()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.monotonic()
        elapsed, self._last = now - self._last, now
        self.advanced.emit(elapsed * self.speed)


class PatienceBar(QWidget):
    """The customer's wait ("waiting 1:20 (patience 2:00) · reminders 1 of 2 · clock ×2")
    with a bar that fills up as their patience runs out."""

    def __init__(self, i18n: I18n, patience: float, leaves_after: int, speed: float,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("patienceClock")
        self._i18n = i18n
        self.patience = max(1.0, patience)
        self.leaves_after = leaves_after
        self.speed = speed
        self.label = QLabel(self)
        self.label.setObjectName("muted")
        self.bar = QProgressBar(self)
        self.bar.setObjectName("patienceBar")
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedWidth(140)
        self.bar.setFixedHeight(8)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.label)

    def show_wait(self, steps: Sequence[Any], clock: float, finished: bool) -> None:
        _ = self._i18n._
        since = None if finished else waiting_since(steps)
        parts = []
        if since is None:
            self.bar.setValue(0)
            parts.append(_("Not waiting") if not finished else _("Conversation over"))
        else:
            waited = max(0.0, clock - since)
            self.bar.setValue(min(1000, int(1000 * waited / self.patience)))
            parts.append(
                _("Customer waiting {waited} (patience {patience})").format(
                    waited=duration(waited), patience=duration(self.patience)
                )
            )
            if self.leaves_after:
                parts.append(
                    _("reminders {count} of {limit}").format(
                        count=reminders_since_reply(steps), limit=self.leaves_after
                    )
                )
        if self.speed != 1:
            parts.append(_("clock ×{speed}").format(speed=self._i18n.number(self.speed)))
        self.label.setText(" · ".join(parts))
        over = since is not None and clock - since > self.patience
        self.bar.setProperty("late", "true" if over else "false")
        self.bar.style().unpolish(self.bar)
        self.bar.style().polish(self.bar)


def make_clock(speed: float, parent: QObject, on_advance: Callable[[float], None]) -> PlayClock:
    clock = PlayClock(speed, parent)
    clock.advanced.connect(on_advance)
    return clock
