"""Logging set up from :class:`~app.config.paths.Paths` and the log level setting.

``crossdesk.log`` in the OS log folder, rotated (a support case needs the recent past,
never an ever-growing file); ``crash.log`` beside it for :mod:`faulthandler`, so a native
crash inside Qt or CTranslate2 (no Python traceback, no excepthook) still leaves a trace.
Qt-free: the UI adds Qt's own messages (``app.ui.shell.diagnostics``) and the Qt version.
"""

from __future__ import annotations

import contextlib
import faulthandler
import importlib.metadata
import logging
import logging.handlers
import platform
import sys
from pathlib import Path
from typing import TextIO

import app
from app.config.paths import Paths
from app.config.settings import LOG_LEVELS

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_LOG_BYTES = 1_000_000  # per file; with the backups at most 4 MB of log
LOG_BACKUPS = 3
CRASH_LOG = "crash.log"
MAX_CRASH_BYTES = 1_000_000  # a bigger crash.log is moved to crash.log.1 at start-up
_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}

# faulthandler writes to a file descriptor when the process dies: the file object must
# outlive every caller, so it is kept here (faulthandler itself is process-wide too).
_crash_file: TextIO | None = None
_handler: logging.Handler | None = None


def level_number(name: str) -> int:
    """The :mod:`logging` level of a setting value ("debug"...); unknown: info."""
    return _LEVELS.get(name if name in LOG_LEVELS else "info", logging.INFO)


def configure_logging(
    paths: Paths, level: str = "info", *, crash_trace: bool = True
) -> Path | None:
    """Send the root logger to the rotating ``crossdesk.log`` at ``level`` (stderr when the
    folder cannot be written) and turn on the crash trace; the log file, or None.

    Safe to call again (a new data folder, a test): the previous handler is replaced."""
    global _handler
    root = logging.getLogger()
    handler: logging.Handler
    written: Path | None = paths.log_file
    try:
        paths.logs.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            paths.log_file, maxBytes=MAX_LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
    except OSError:  # a windowed build may have no stderr at all
        handler = logging.StreamHandler(sys.stderr) if sys.stderr else logging.NullHandler()
        written = None
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    _handler = handler
    root.addHandler(handler)
    root.setLevel(level_number(level))
    logging.captureWarnings(True)  # Python's warnings (deprecations...) go to the log too
    if crash_trace:
        enable_crash_trace(paths)
    return written


def enable_crash_trace(paths: Paths) -> Path | None:
    """Write native crashes (segfaults, aborts) of every thread to ``crash.log``; the file,
    or None when it cannot be opened (then faulthandler writes to stderr)."""
    global _crash_file
    target = paths.logs / CRASH_LOG
    try:
        paths.logs.mkdir(parents=True, exist_ok=True)
        if target.is_file() and target.stat().st_size > MAX_CRASH_BYTES:
            # Held open by another CrossDesk (Windows): appended to instead.
            with contextlib.suppress(OSError):
                target.replace(target.with_name(CRASH_LOG + ".1"))
        crash_file = target.open("a", encoding="utf-8")
    except OSError:
        if sys.stderr:
            faulthandler.enable(all_threads=True)
        return None
    faulthandler.enable(file=crash_file, all_threads=True)
    previous, _crash_file = _crash_file, crash_file
    if previous is not None:
        previous.close()
    return target


def announce(text: str, name: str = "app") -> None:
    """Write ``text`` at the info level whatever the level setting (the start-up line must
    be in every log, also one kept at "error")."""
    record = logging.getLogger(name).makeRecord(name, logging.INFO, "", 0, text, (), None)
    for handler in logging.getLogger().handlers:
        handler.handle(record)


def shutdown_logging() -> None:
    """Undo :func:`configure_logging` (tests, or a second start in one process): the log
    handler removed, the crash trace back on stderr and its file closed."""
    global _handler, _crash_file
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None
    if _crash_file is not None:
        stream = sys.__stderr__ or sys.stderr
        if stream:
            faulthandler.enable(file=stream, all_threads=True)
        else:
            faulthandler.disable()
        _crash_file.close()
        _crash_file = None
    logging.captureWarnings(False)


def set_level(level: str) -> None:
    """Change the level while running (the setting changed)."""
    logging.getLogger().setLevel(level_number(level))


def distribution_version(name: str) -> str | None:
    """The installed version of a distribution, None if it is not installed."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def platform_text() -> str:
    """``Linux-6.8.0-45-generic-x86_64-with-glibc2.39 (x86_64)``: enough to reproduce."""
    return f"{platform.platform()} ({platform.machine() or 'unknown machine'})"


def startup_line(paths: Paths, level: str, qt: str | None = None) -> str:
    """The first line of every run: version, platform, Python, Qt, folders, level.

    ``qt``: the Qt runtime version, known once Qt is loaded (the UI passes it); without
    it the PySide6 distribution's version is given (its wheels bundle that same Qt)."""
    pyside = (
        distribution_version("PySide6")
        or distribution_version("PySide6_Essentials")  # the wheel without the add-ons
        or "not installed"
    )
    qt_text = f"Qt {qt or pyside} / PySide6 {pyside}"
    return (
        f"CrossDesk {app.__version__} starting: {platform_text()}, "
        f"Python {platform.python_version()}, {qt_text}, data folder {paths.data_dir}, "
        f"config {paths.settings_file.parent}, log level "
        f"{level if level in LOG_LEVELS else 'info'}"
    )
