"""The operating system's session lock, as one Qt signal: when the agent locks the screen
(or it locks itself), CrossDesk locks too, so unlocking the computer does not unlock the
customer data with it.

- Linux: over D-Bus (QtDBus, when the Qt build has it and a bus is reachable): logind's
  ``org.freedesktop.login1.Session.Lock`` for this process's session (system bus), and the
  desktop's ``org.freedesktop.ScreenSaver.ActiveChanged(true)`` (session bus; GNOME's and
  KDE's screen savers send it).
- Windows: ``WM_WTSSESSION_CHANGE`` / ``WTS_SESSION_LOCK``, after
  ``WTSRegisterSessionNotification`` for the window (a native event filter).
- macOS: not yet (the idle lock still works); see the report of issue 17.

Every part is optional: without a bus (a container, CI) nothing is connected and nothing
fails.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import sys
from typing import cast

from PySide6.QtCore import (
    SLOT,
    QAbstractNativeEventFilter,
    QByteArray,
    QObject,
    Signal,
    Slot,
)
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)

LOGIN1 = "org.freedesktop.login1"
SCREEN_SAVERS = (
    ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"),
    ("org.freedesktop.ScreenSaver", "/ScreenSaver"),
    ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver"),
)
WM_WTSSESSION_CHANGE = 0x02B1
WTS_SESSION_LOCK = 0x7
NOTIFY_FOR_THIS_SESSION = 0


class SessionLockWatch(QObject):
    """Emits :attr:`locked` when the OS session locks.

    Signals:
        locked(): the screen was locked by the OS.

    Attributes:
        sources: what is being watched (for the log and the tests).
    """

    locked = Signal()

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.sources: list[str] = []
        self._native: _WindowsFilter | None = None
        if sys.platform.startswith("linux"):
            self._watch_dbus()
        elif sys.platform == "win32":
            self._watch_windows(window)
        if self.sources:
            log.info("screen lock follows: %s", ", ".join(self.sources))

    # ------------------------------------------------------------------ slots
    @Slot()
    def session_locked(self) -> None:
        """logind's Lock signal (or the Windows message)."""
        self.locked.emit()

    @Slot(bool)
    def screen_saver_active(self, active: bool) -> None:
        """The desktop's screen saver started (True) or stopped."""
        if active:
            self.locked.emit()

    # ------------------------------------------------------------------ Linux
    def _watch_dbus(self) -> None:
        try:
            from PySide6.QtDBus import QDBusConnection, QDBusInterface
        except ImportError:  # a Qt build without QtDBus
            return
        system = QDBusConnection.systemBus()
        if system.isConnected():
            manager = QDBusInterface(
                LOGIN1, "/org/freedesktop/login1", "org.freedesktop.login1.Manager", system
            )
            session_id = os.environ.get("XDG_SESSION_ID", "")
            reply = (
                manager.call("GetSession", session_id)
                if session_id
                else manager.call("GetSessionByPID", os.getpid())
            )
            arguments = reply.arguments()
            path = _object_path(arguments[0]) if arguments else ""
            if path and system.connect(
                LOGIN1,
                path,
                "org.freedesktop.login1.Session",
                "Lock",
                self,
                _slot("session_locked()"),
            ):
                self.sources.append(f"logind {path}")
        session = QDBusConnection.sessionBus()
        if session.isConnected():
            for service, path in SCREEN_SAVERS:
                if session.connect(
                    "",  # any sender: the screen saver's unique name
                    path,
                    service,
                    "ActiveChanged",
                    self,
                    _slot("screen_saver_active(bool)"),
                ):
                    self.sources.append(f"{service} {path}")

    # ------------------------------------------------------------------ Windows
    def _watch_windows(self, window: QWidget) -> None:
        try:
            wtsapi = ctypes.windll.wtsapi32  # type: ignore[attr-defined]
            if not wtsapi.WTSRegisterSessionNotification(
                int(window.winId()), NOTIFY_FOR_THIS_SESSION
            ):
                return
        except (AttributeError, OSError):
            return
        qt_app = QApplication.instance()
        if qt_app is None:
            return
        self._native = _WindowsFilter(self)
        qt_app.installNativeEventFilter(self._native)
        self.sources.append("WTS session notifications")
        self.destroyed.connect(lambda _obj=None: _remove_filter(self._native))


def _slot(signature: str) -> bytes:
    """A slot for QDBusConnection.connect: PySide6 takes the ``str`` that ``SLOT()`` makes
    (its stub says bytes; bytes are refused at run time)."""
    return cast(bytes, SLOT(signature))


def _object_path(value: object) -> str:
    """logind's session path from a D-Bus reply (a QDBusObjectPath, or already text)."""
    if isinstance(value, str):
        return value
    path = getattr(value, "path", None)
    return str(path()) if callable(path) else ""


def _remove_filter(native: QAbstractNativeEventFilter | None) -> None:
    qt_app = QApplication.instance()
    if native is not None and qt_app is not None:
        with contextlib.suppress(RuntimeError):
            qt_app.removeNativeEventFilter(native)


class _WindowsFilter(QAbstractNativeEventFilter):
    """Reads WM_WTSSESSION_CHANGE from the window's messages (Windows only)."""

    def __init__(self, watch: SessionLockWatch) -> None:
        super().__init__()
        self._watch = watch

    def nativeEventFilter(  # noqa: N802 - Qt override
        self, event_type: QByteArray | bytes | bytearray | memoryview, message: int
    ) -> tuple[bool, int]:
        if bytes(event_type) == b"windows_generic_MSG":  # type: ignore[arg-type]
            from ctypes import wintypes

            msg = wintypes.MSG.from_address(int(message))
            if msg.message == WM_WTSSESSION_CHANGE and msg.wParam == WTS_SESSION_LOCK:
                self._watch.session_locked()
        return False, 0
