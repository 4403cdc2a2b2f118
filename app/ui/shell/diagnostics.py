"""Qt's own messages in CrossDesk's log, and Help → Export diagnostics….

Qt reports trouble (a missing platform plugin, a font fallback, a bad style sheet) through
its message handler, which prints to stderr, where nobody looks on a desktop. Routed into
the ``qt`` logger they land in ``crossdesk.log`` at the matching level, and so in the
diagnostics zip a support engineer asks for.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import PySide6
from PySide6.QtCore import (
    QMessageLogContext,
    QStandardPaths,
    QtMsgType,
    qInstallMessageHandler,
    qVersion,
)
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from app.config.logs import announce, configure_logging, startup_line
from app.config.paths import Paths

if TYPE_CHECKING:
    from app.ops.diagnostics import DiagnosticsReport, WorkspaceFacts
    from app.ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")
MAX_QT_MESSAGE = 4000  # characters of one Qt message kept in the log
STATUS_MS = 15_000
_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's message handler: one record of the ``qt`` logger (never raises: Qt calls it
    from any thread, and an exception here would be lost or abort)."""
    try:
        category = context.category if context is not None else None
        where = f" [{category}]" if category and category != "default" else ""
        qt_log.log(_LEVELS.get(kind, logging.WARNING), "%s%s", message[:MAX_QT_MESSAGE], where)
    except Exception:  # the handler must never fail inside Qt
        return


def install_qt_logging() -> object:
    """Send Qt's warnings (and debug output, at the debug level) to the log; the handler
    that was installed before (to put back in a test)."""
    return qInstallMessageHandler(qt_message)


def qt_facts() -> dict[str, str]:
    """The Qt runtime, its binding, and (once the app exists) the platform plugin."""
    facts = {"qt": qVersion(), "pyside6": PySide6.__version__}
    qt_app = QApplication.instance()
    if isinstance(qt_app, QApplication):
        facts["platform"] = QApplication.platformName()
        style = QApplication.style()
        facts["style"] = style.name() if style is not None else ""
    return facts


def start_logging(paths: Paths, level: str) -> None:
    """The ``crossdesk`` command's logging: the rotating log and the crash trace
    (:mod:`app.config.logs`), Qt's own messages, and the start-up line."""
    configure_logging(paths, level)
    install_qt_logging()
    announce(startup_line(paths, level, qt=qVersion()), __name__)
    log.debug(
        "environment: QT_QPA_PLATFORM=%s, LANG=%s, executable %s",
        os.environ.get("QT_QPA_PLATFORM", "(unset)"),
        os.environ.get("LANG", "(unset)"),
        Path(sys.executable).name,
    )


def default_folder() -> Path:
    """Where the save dialog opens: Documents, else the Desktop, else home."""
    for location in (
        QStandardPaths.StandardLocation.DocumentsLocation,
        QStandardPaths.StandardLocation.DesktopLocation,
    ):
        folder = QStandardPaths.writableLocation(location)
        if folder and Path(folder).is_dir():
            return Path(folder)
    return Path.home()


def export_diagnostics(window: MainWindow) -> Path | None:
    """Help → Export diagnostics…: ask where, then gather (store lane) and write (compute
    lane); the status bar says where it went, a dialog says why it failed. The chosen
    path, or None when the dialog was cancelled or the path cannot be written."""
    # The operations load on first use: logging starts before the window, and fast.
    from app.ops.diagnostics import (
        DiagnosticsError,
        build_diagnostics,
        default_name,
        pack_names,
        workspace_facts,
    )

    ctx = window._ctx
    _ = ctx.i18n._
    suggested = default_folder() / default_name(ctx.clock())
    chosen, _filter = QFileDialog.getSaveFileName(
        window, _("Export diagnostics"), str(suggested), _("Zip archives (*.zip)")
    )
    if not chosen:
        return None
    target = Path(chosen).expanduser()
    if target.suffix.lower() != ".zip":
        target = target.with_name(target.name + ".zip")
    try:
        if target.is_dir():
            raise DiagnosticsError(_("{path} is a folder: choose a file name").format(path=target))
        if not target.parent.is_dir():
            raise DiagnosticsError(_("the folder {path} does not exist").format(path=target.parent))
    except (DiagnosticsError, OSError) as error:  # OSError: a name the system refuses
        _failed(window, target, error)
        return None
    qt = qt_facts()
    settings, paths, now, service = ctx.settings, ctx.paths, ctx.clock(), ctx.translation
    window.statusBar().showMessage(_("Exporting diagnostics…"))

    def write(facts: WorkspaceFacts | None) -> None:
        ctx.tasks.run(
            lambda: build_diagnostics(
                target,
                paths=paths,
                settings=settings,
                now=now,
                qt=qt,
                facts=facts,
                packs=pack_names(service),
            ),
            lambda report: _saved(window, report),
            lambda error: _failed(window, target, error),
            owner=window,
        )

    def without_facts(error: BaseException) -> None:
        # The workspace may be the very problem: the logs are still worth sending.
        log.warning("diagnostics: workspace counts unavailable (%s)", type(error).__name__)
        write(None)

    ctx.tasks.run_store(
        lambda store: workspace_facts(store, now), write, without_facts, owner=window
    )
    return target


def _saved(window: MainWindow, report: DiagnosticsReport) -> None:
    _ = window._ctx.i18n._
    log.info("diagnostics exported: %d files, %d bytes", len(report.entries), report.size_bytes)
    window.statusBar().showMessage(
        _("Diagnostics saved to {path}").format(path=report.path), STATUS_MS
    )


def _failed(window: MainWindow, target: Path, error: BaseException) -> None:
    from app.ops.diagnostics import DiagnosticsError

    _ = window._ctx.i18n._
    window.statusBar().clearMessage()
    if isinstance(error, DiagnosticsError):
        reason = str(error)
    elif isinstance(error, OSError):
        reason = error.strerror or str(error)
    else:
        log.error("diagnostics export failed", exc_info=(type(error), error, error.__traceback__))
        reason = _("an unexpected error (details in the log)")
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        _("Diagnostics not saved"),
        _("The diagnostics could not be saved to {path}: {reason}").format(
            path=target, reason=reason
        ),
        QMessageBox.StandardButton.Ok,
        window,
    )
    box.setObjectName("diagnosticsFailed")
    box.open()
