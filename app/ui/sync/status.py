"""Sync in the window: a cycle on a schedule and on demand, and its state in the status bar.

The cycle runs on the compute lane (network) and reaches the store only through
the store lane; the UI thread never waits for the network. Offline is a state,
not an error: the agent keeps reading, searching and replying, and replies show
"queued" until the server has them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.domain.cancel import CancelToken
from app.domain.changes import Changes
from app.i18n import I18n
from app.ops.context import AppContext

if TYPE_CHECKING:
    from app.sync.api import Syncer, SyncReport

SYNC_INTERVAL_MS = 30_000


def retry_text(i18n: I18n, attempts: int, at: int, now: int) -> str:
    """ "Retrying in 4 min (attempt 5)": an operation the server failed for now, waiting
    for its next try on the backoff schedule (``attempts``: the tries that failed)."""
    attempt = attempts + 1
    if at - now < 60:
        return i18n._("Retrying in under a minute (attempt {attempt})").format(attempt=attempt)
    return i18n._("Retrying in {duration} (attempt {attempt})").format(
        duration=i18n.duration(at - now), attempt=attempt
    )


class SyncController(QObject):
    """Runs sync cycles; one at a time.

    Signals:
        started(): a cycle began.
        finished(object): its SyncReport.
        stopped(): the schedule stopped (the workspace closes).
        live_changed(bool): the live-update stream connected or was lost.
    """

    started = Signal()
    finished = Signal(object)
    stopped = Signal()
    live_changed = Signal(bool)

    def __init__(
        self,
        ctx: AppContext,
        engine_factory: Callable[[], Syncer],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._factory = engine_factory
        self._engine: Syncer | None = None
        self.running = False
        self._again = False  # a change arrived during a cycle: run once more right after
        self.last: SyncReport | None = None
        self.poll_ms = SYNC_INTERVAL_MS  # the schedule without a live stream
        self._timer = QTimer(self)
        self._timer.setInterval(self.poll_ms)
        self._timer.timeout.connect(self.sync_now)
        self.live = False  # the live-update stream is connected (app.ui.sync.live)

    @property
    def engine(self) -> Syncer | None:
        """The engine, once the first cycle has made it (on the compute lane)."""
        return self._engine

    def set_interval(self, ms: int) -> None:
        """How often to poll: slowly while the live stream is connected."""
        if self._timer.interval() != ms:
            self._timer.setInterval(ms)

    def set_live(self, live: bool) -> None:
        if live != self.live:
            self.live = live
            self.live_changed.emit(live)

    def start(self) -> None:
        self._timer.start()
        self.sync_now()

    def stop(self) -> None:
        self._timer.stop()
        self.stopped.emit()

    def sync_now(self) -> None:
        """Push and pull now (once more right after, if a cycle is already running)."""
        if self.running:
            self._again = True
            return
        self.running = True
        self.started.emit()
        token = CancelToken()  # cancelled when the runner shuts down (the workspace closes)
        self._ctx.tasks.run(
            lambda: self._cycle(token),
            self._done,
            self._failed,
            key="sync",
            owner=self,
            token=token,
        )

    def fetch_attachment(
        self,
        attachment_id: int,
        done: Callable[[Changes], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """A received file the thread needs, fetched from the server on the compute lane
        (``done`` gets the Changes naming its conversation; offline: ``failed``)."""

        def work() -> Changes:
            if self._engine is None:
                self._engine = self._factory()
            return self._engine.fetch_attachment(attachment_id)

        self._ctx.tasks.run(work, done, failed, owner=self)

    def _cycle(self, token: CancelToken) -> SyncReport:
        # Compute lane: the engine (and its keychain read) is made here, not on the UI thread.
        if self._engine is None:
            self._engine = self._factory()
        return self._engine.sync_once(token)

    def _done(self, report: SyncReport) -> None:
        self.running = False
        self.last = report
        self.finished.emit(report)
        self._follow_up(report.online and not report.signed_out)

    def _follow_up(self, reachable: bool) -> None:
        again, self._again = self._again, False
        if again and reachable and self._timer.isActive():
            self.sync_now()

    def _failed(self, error: BaseException) -> None:
        from app.sync.api import SyncReport

        self.running = False
        report = SyncReport(
            online=False, error=str(error) or type(error).__name__, finished_at=self._ctx.clock()
        )
        self.last = report
        self.finished.emit(report)
        self._follow_up(False)


class SyncStatus(QWidget):
    """Online / offline / syncing, last sync, outbox and attention counts, sync now."""

    sign_in_requested = Signal()

    def __init__(
        self, ctx: AppContext, controller: SyncController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        _ = ctx.i18n._
        self.state = QLabel(_("Not synced yet"), self)
        self.state.setObjectName("syncState")
        self.attention = QPushButton(self)
        self.attention.setObjectName("syncAttention")
        self.attention.setFlat(True)
        self.attention.hide()
        self.sign_in = QPushButton(_("Sign in again…"), self)
        self.sign_in.setObjectName("syncSignIn")
        self.sign_in.setFlat(True)
        self.sign_in.hide()
        self.sign_in.clicked.connect(self.sign_in_requested)
        self.button = QPushButton(_("Sync now"), self)
        self.button.setObjectName("syncNow")
        self.button.setFlat(True)
        self.button.clicked.connect(controller.sync_now)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.state)
        layout.addWidget(self.attention)
        layout.addWidget(self.sign_in)
        layout.addWidget(self.button)
        controller.started.connect(lambda: self.state.setText(_("Syncing…")))
        controller.finished.connect(self.show_report)
        self._controller = controller
        controller.live_changed.connect(self._live_changed)

    def _live_changed(self, _live: bool) -> None:
        if self._controller.last is not None and not self._controller.running:
            self.show_report(self._controller.last)

    def show_report(self, report: SyncReport) -> None:
        i18n = self._ctx.i18n
        _ = i18n._
        if report.signed_out:
            text = _("Signed out by the server: sign in again")
        elif not report.online:
            text = _("Offline: changes are kept and sent when the server is back")
        elif self._controller.live:  # changes arrive as they happen
            text = _("Live · synced at {time}").format(time=i18n.time(report.finished_at))
        else:
            text = _("Online · synced at {time}").format(time=i18n.time(report.finished_at))
        if report.pending:
            text += " · " + i18n.ngettext(
                "{count} change to send", "{count} changes to send", report.pending
            ).format(count=report.pending)
        self.state.setText(text)
        self.state.setToolTip(report.error or "")
        self.sign_in.setVisible(report.signed_out)
        problems = report.needs_attention + report.conflicts
        parts = []
        if problems:
            parts.append(
                i18n.ngettext("{count} needs attention", "{count} need attention", problems).format(
                    count=problems
                )
            )
        if report.retrying and report.next_retry_at is not None:  # opens the same dialog
            parts.append(
                retry_text(i18n, report.retry_attempts, report.next_retry_at, report.finished_at)
            )
        self.attention.setVisible(bool(parts))
        self.attention.setText(" · ".join(parts))
