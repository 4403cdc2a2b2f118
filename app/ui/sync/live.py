"""Live updates in the window: the server's stream wakes the sync cycle within a second.

:class:`LiveSync` bridges the Qt-free listener (``app.sync.live``, on a thread of its
own) to the :class:`~app.ui.sync.status.SyncController`: a ``changes`` event or a
(re)connect runs ``sync_now()`` (which already coalesces: a cycle running means one more
right after). While the stream is connected the 30 s poll becomes a slow safety net;
when it is lost, or the backend has none, the window polls every 30 s as before, and
says nothing about it (a backend without the stream is not an error). A change of the
network's reachability (Qt's network information, where a backend exists) reconnects at
once. The listener starts after the first good sync (its engine, and its tokens, exist
by then) and stops with the controller.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from app.sync import session
from app.sync.api import LiveState, LiveStream, SyncReport
from app.ui.sync.status import SyncController

log = logging.getLogger(__name__)

LIVE_POLL_MS = 5 * 60_000  # while connected, a poll every 5 min is only a safety net
STOP_WAIT_SECONDS = 1.0


class LiveSync(QObject):
    """The controller's live-update stream (a child of the controller).

    Signals (emitted on the listener's thread, delivered queued on the UI thread):
        changes(object): the feed names a ``changes`` event named.
        connected(): a ``ready`` event: the stream is (re)connected.
        state_changed(str): a :class:`LiveState` value.
    """

    changes = Signal(object)
    connected = Signal()
    state_changed = Signal(str)

    def __init__(self, controller: SyncController, *, watch_network: bool = True) -> None:
        super().__init__(controller)
        self._controller = controller
        self.listener: LiveStream | None = None
        self.state: LiveState | None = None  # None: not started yet
        self.events = 0  # changes events received (tests, the benchmark)
        self.live_poll_ms = LIVE_POLL_MS
        self._stopped = False
        self.changes.connect(self._changes)
        self.connected.connect(self._connected)
        self.state_changed.connect(self._state)
        controller.finished.connect(self._report)
        controller.stopped.connect(self.stop)
        self.network_watched = watch_network and self._watch_network()

    # ---------------------------------------------------------------- start and stop
    def _report(self, report: SyncReport) -> None:
        """After a good cycle: start the stream if there is none (the first cycle, or
        after the stream gave up on a refused token that a later sign-in renewed)."""
        if self._stopped or not report.online or report.signed_out:
            return
        if self.listener is not None and self.state is not LiveState.SIGNED_OUT:
            return
        engine = self._controller.engine
        if engine is None:
            return
        listener = session.live_listener(
            engine,
            self.changes.emit,
            self.connected.emit,
            lambda state: self.state_changed.emit(str(state)),
        )
        if listener is None:  # an engine without a server (never in the app)
            self._stopped = True
            return
        self.listener, self.state = listener, LiveState.CONNECTING
        listener.start()

    def stop(self) -> None:
        """The workspace closes: end the connection (the socket is shut at once)."""
        self._stopped = True
        listener, self.listener = self.listener, None
        if listener is not None and not listener.stop(STOP_WAIT_SECONDS):
            log.warning("the live-update thread did not end within %s s", STOP_WAIT_SECONDS)
        self._live(False)

    def poke(self) -> None:
        """Reconnect now (the network changed); with no stream yet (the first cycles were
        offline), sync now: a good cycle starts it."""
        if self._stopped:
            return
        if self.listener is not None:
            self.listener.poke()
        elif self.state is None:
            self._controller.sync_now()

    # ---------------------------------------------------------------- from the listener
    def _changes(self, _feeds: object) -> None:
        if not self._stopped:
            self.events += 1
            self._controller.sync_now()

    def _connected(self) -> None:
        if not self._stopped:  # catch up on whatever happened while disconnected
            self._controller.sync_now()

    def _state(self, value: str) -> None:
        if self._stopped:
            return
        self.state = LiveState(value)
        self._live(self.state is LiveState.LIVE)

    def _live(self, live: bool) -> None:
        self._controller.set_live(live)
        self._controller.set_interval(self.live_poll_ms if live else self._controller.poll_ms)

    # ---------------------------------------------------------------- the network
    def _watch_network(self) -> bool:
        """Reconnect when reachability changes; False where Qt has no backend for it."""
        from PySide6.QtNetwork import QNetworkInformation

        feature = QNetworkInformation.Feature.Reachability
        if QNetworkInformation.instance() is None and not (
            QNetworkInformation.loadBackendByFeatures(feature)
        ):
            log.info("no network information backend: live updates reconnect on their own")
            return False
        info = QNetworkInformation.instance()
        if info is None or not info.supports(feature):
            return False
        info.reachabilityChanged.connect(self._reachability)
        return True

    def _reachability(self, reachability: object) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        reach = QNetworkInformation.Reachability
        if reachability not in (reach.Disconnected, reach.Unknown):
            self.poke()
