"""Start-up helpers of the application: the pretend clock's throw-away workspace, the
messages for what the command line or settings.json asked that cannot be done, and the
first-paint watcher of the headless modes.

Kept apart from :mod:`app.ui.shell.application` so that module stays about running the app.
"""

from __future__ import annotations

import html
import logging
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QProgressDialog

from app.domain.models import Workspace
from app.i18n import I18n
from app.storage.errors import StoreError, StoreProblem
from app.storage.snapshot import copy_workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Started:
    """What the store lane found when it opened the workspace."""

    workspace: Workspace
    open_id: int | None = None  # the --open conversation's row id; None if none was found


class PretendRun:
    """``--now``: the run works on a throw-away copy of the workspace, so no write that
    carries the pretend time (woken snoozes, ``updated_at``, drafts, outbox, caches)
    reaches the real file. The copy lives in a private temporary folder, removed at exit;
    nothing is synced. Without ``--now`` it changes nothing.

    Attributes:
        now: the pretend start moment (epoch seconds), or None for the real clock.
    """

    def __init__(self, now: int | None) -> None:
        self.now = now
        self._folder: Path | None = None

    @property
    def active(self) -> bool:
        return self.now is not None

    def working_file(self, real: Path, *, must_exist: bool) -> Path:
        """Store lane: the file to open for ``real`` (a fresh copy of it while pretending).

        A workspace that does not exist yet (the demo's first run) is created in the
        temporary folder only; a named file must exist, as without ``--now``."""
        if not self.active:
            return real
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="crossdesk-pretend-"))
        target = self._folder / real.name
        for stale in (target, *(target.with_name(target.name + s) for s in ("-wal", "-shm"))):
            stale.unlink(missing_ok=True)
        if real.exists():
            copy_workspace(real, target)
            log.info("pretend clock: working on a copy of %s in %s", real, target)
        elif must_exist:
            raise StoreError(StoreProblem.UNREADABLE, real, "file does not exist")
        return target

    def cleanup(self) -> None:
        """Remove the copy (after the store lane has closed it)."""
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def mark(self, window: QMainWindow, i18n: I18n) -> None:
        """Say in the window that the clock is pretend and changes are not kept."""
        if self.now is None:
            return
        _ = i18n._
        window.setWindowTitle(
            _("{title} — pretend clock, changes are not kept").format(title=window.windowTitle())
        )
        label = QLabel(window)
        label.setObjectName("pretendClock")
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setText(
            _("Pretend clock: started at {moment} UTC. Changes in this run are not kept.").format(
                moment=i18n.datetime(self.now, "UTC")
            )
        )
        window.statusBar().addPermanentWidget(label)


def unknown_conversation_text(i18n: I18n, uid: str) -> tuple[str, str]:
    """Title and text when ``--open`` names a conversation this workspace does not have."""
    _ = i18n._
    return _("No such conversation"), _(
        "This workspace has no conversation with the id '{id}'.\n\n"
        "Check the id (it looks like jp-0005), or start CrossDesk without --open."
    ).format(id=uid)


def sign_in_refused_text(i18n: I18n) -> tuple[str, str]:
    """Title and text for signing in or out while the clock is pretend."""
    _ = i18n._
    return _("Not available with a pretend clock"), _(
        "CrossDesk was started with --now: this run works on a copy of the workspace, "
        "syncs nothing and keeps no changes.\n\nStart CrossDesk without --now to sign in "
        "or out."
    )


def show_settings_warning(window: QMainWindow, i18n: I18n, warning: str | None) -> None:
    """settings.json had values that could not be used: say so in the status bar."""
    if not warning:
        return
    label = QLabel(window)
    label.setObjectName("settingsProblem")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(
        "⚠ "
        + i18n._(
            "Some settings could not be read and are back to their defaults "
            "(hover for details); open Settings to choose them again."
        )
    )
    label.setToolTip(f"<p>{html.escape(warning)}</p>")  # rich text, escaped: shown as written
    window.statusBar().addWidget(label)


class PaintWatcher(QObject):
    """Calls back once, just after the watched widget has painted."""

    def __init__(self, target: QObject, callback: Callable[[], None]) -> None:
        super().__init__(target)
        self._callback = callback
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
        return False


def arm_screenshot(
    target: Path,
    ready: Callable[[], bool],
    window: Callable[[], QMainWindow | None],
    done: Callable[[int], None],
    timeout_ms: int,
) -> None:
    """``--screenshot``: once ``ready()``, write the window to ``target`` and call ``done``
    with the exit code (3: not ready within ``timeout_ms``, or not written)."""
    waited = 0

    def poll() -> None:
        nonlocal waited
        waited += 50
        shown = window()
        if shown is not None and ready():
            done(save_screenshot(shown, target))
        elif waited > timeout_ms:
            print(
                f"crossdesk: the window was not ready after {waited // 1000} s; "
                "no screenshot written",
                file=sys.stderr,
            )
            done(3)
        else:
            QTimer.singleShot(50, poll)

    QTimer.singleShot(50, poll)


def save_screenshot(window: QMainWindow, target: Path) -> int:
    """``--screenshot``: write the window to ``target``; the exit code (3: not written)."""
    window.repaint()
    QApplication.processEvents()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        saved = window.grab().save(str(target))
    except OSError:
        saved = False
    if not saved:
        print(f"crossdesk: could not write the screenshot to {target}", file=sys.stderr)
        return 3
    print(f"screenshot written to {target}")
    return 0


class OpeningNotice(QObject):
    """A small window that appears only if opening the workspace takes more than a moment
    (a workspace made by an older version is upgraded once: rebuilding the search index
    of a million messages takes tens of seconds), so a slow start never looks like a hang.
    """

    DELAY_MS = 1000

    def __init__(self, i18n: I18n, headless: bool) -> None:
        super().__init__()
        self._i18n = i18n
        self.widget: QProgressDialog | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show)
        if not headless:
            self._timer.start(self.DELAY_MS)

    def _show(self) -> None:
        _ = self._i18n._
        dialog = QProgressDialog(
            _(
                "Opening the workspace…\n\nA workspace made by an earlier version of "
                "CrossDesk is updated the first time it is opened (its search index is "
                "rebuilt); on a large workspace this takes a minute. Nothing is lost."
            ),
            "",
            0,
            0,
        )
        dialog.setWindowTitle("CrossDesk")
        dialog.setCancelButton(None)  # opening cannot be cancelled half-way
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.show()
        self.widget = dialog

    def done(self) -> None:
        """The workspace is open (or failed to open): the notice goes away."""
        self._timer.stop()
        if self.widget is not None:
            self.widget.close()
            self.widget.deleteLater()
            self.widget = None
