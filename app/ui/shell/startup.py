"""Start-up helpers of the application: the idle-time loading of etiquette data and
articles, the pretend clock's throw-away workspace, the opening notice, and the messages
for what the command line or settings.json asked that cannot be done.

Kept apart from :mod:`app.ui.shell.application` so that module stays about running the app.
"""

from __future__ import annotations

import html
import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressDialog

from app.config.paths import Paths, resources_dir
from app.domain.collector import freeze_after_startup
from app.domain.datafiles import DataFileError
from app.domain.models import Workspace
from app.i18n import I18n
from app.knowledge.articles import Article, load_articles
from app.ops import inbox, knowledge, outbox
from app.ops.culture import CultureData, load_culture
from app.ops.demo import load_demo_into
from app.ops.translation import TranslationService
from app.ops.types import (
    Store,
    StoreError,
    StoreProblem,
    WorkspaceKey,
    copy_workspace,
    file_state,
)
from app.sync.session import WorkspaceKind, WorkspaceRef
from app.ui.firstrun.choices import FirstRunChoices
from app.ui.shell.tasks import QtTaskRunner

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Started:
    """What the store lane found when it opened the workspace."""

    workspace: Workspace
    open_id: int | None = None  # the --open conversation's row id; None if none was found


@dataclass(frozen=True)
class LaunchOptions:
    """What the command line asked for."""

    demo: bool = False
    screenshot: Path | None = None
    ui_language: str | None = None  # overrides the setting for this run only
    exit_after_first_paint: bool = False
    workspace: Path | None = None  # open this workspace file instead of the demo
    now: int | None = None  # --now: the clock starts at this moment (epoch seconds)
    open_conversation: str | None = None  # --open: show this conversation (its id)
    settings_warning: str | None = None  # what settings.json had that could not be used
    size: tuple[int, int] | None = None  # --size: the window's size in pixels
    draft: str | None = None  # --draft: typed into the composer before the screenshot
    search: str | None = None  # --search: typed into the inbox's search box before it
    view: str = "inbox"  # --view: inbox, or review (the --open conversation's review)
    scenario: str | None = None  # --scenario: the practice scenario --view training plays
    debrief: str | None = (
        None  # --debrief [good|clumsy]: --view training shows a rehearsal's debrief
    )
    first_run: FirstRunChoices | None = None  # the welcome dialog's answers (a new install)

    @property
    def headless(self) -> bool:
        return self.screenshot is not None or self.exit_after_first_paint


def workspace_opener(
    choice: WorkspaceRef, translation: TranslationService, wanted: str | None, now: int
) -> Callable[[Store], Started]:
    """The store-lane work that opens ``choice``: the demo filled, a server's mirror
    marked as such, snoozes woken, team data read, the ``--open`` conversation found."""
    demo_folder, name, label = resources_dir() / "demo", choice.display_name(), str(choice.path)

    def open_workspace(store: Store) -> Started:
        if choice.kind is WorkspaceKind.DEMO:
            load_demo_into(store, demo_folder, now)
        elif choice.kind is WorkspaceKind.SERVER:
            outbox.mark_server_workspace(
                store, choice.server_url, choice.agent_id, choice.agent_name
            )
        inbox.wake_snoozed(store, now)
        translation.load_team_data(store)
        found = inbox.find_conversation(store, wanted) if wanted else None
        return Started(inbox.workspace_info(store, name, label), found)

    return open_workspace


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

    def working_file(
        self, real: Path, *, must_exist: bool, key: WorkspaceKey | None = None
    ) -> Path:
        """Store lane: the file to open for ``real`` (a fresh copy of it while pretending;
        an encrypted workspace is copied with its ``key``, and the copy stays encrypted).

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
            copy_workspace(real, target, key if file_state(real) == "encrypted" else None)
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


class OpeningNotice(QObject):
    """A small window that appears only if opening the workspace takes more than a moment
    (a workspace made by an older version is upgraded once: rebuilding the search index
    of a million messages takes tens of seconds), so a slow start never looks like a hang.
    """

    DELAY_MS = 1000

    def __init__(self, i18n: I18n, headless: bool, *, encrypting: bool = False) -> None:
        super().__init__()
        self._i18n = i18n
        self.encrypting = encrypting  # a plain workspace is encrypted in place at this open
        self.widget: QProgressDialog | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show)
        if not headless:
            self._timer.start(self.DELAY_MS)

    def _show(self) -> None:
        _ = self._i18n._
        text = (
            _(
                "Encrypting the workspace…\n\nThis workspace is not encrypted yet. CrossDesk "
                "encrypts it once, now: an encrypted copy is written and checked before it "
                "replaces the file. On a large workspace this takes a minute. Nothing is lost, "
                "even if it is interrupted."
            )
            if self.encrypting
            else _(
                "Opening the workspace…\n\nA workspace made by an earlier version of "
                "CrossDesk is updated the first time it is opened (its search index is "
                "rebuilt); on a large workspace this takes a minute. Nothing is lost."
            )
        )
        dialog = QProgressDialog(
            text,
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


class IdleLoader(QObject):
    """Loads the etiquette profiles and rules, and the bundled articles, once the window
    has been idle for a moment after its first page (the agent's first clicks come
    first; ~0.5 s of CPU), or anyway after a fallback delay.

    Files are read and validated on the compute lane; the store lane (which the inbox's
    queries need) only writes the articles that changed.

    Signals:
        culture_loaded(object): the CultureData.
        articles_stored(): the bundled articles are in the store.
    """

    TICK_MS = 100
    TICKS = 4
    FALLBACK_MS = 10_000

    culture_loaded = Signal(object)
    articles_stored = Signal()

    def __init__(self, tasks: QtTaskRunner, paths: Paths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks  # replaced when the workspace switches
        self._paths = paths
        self.culture: CultureData | None = None
        self.problems: list[DataFileError] = []  # data files that failed their schema
        self._started = False
        self._ticks = 0
        self._timer = QTimer(self)
        self._timer.setInterval(self.TICK_MS)
        self._timer.timeout.connect(self._tick)

    def arm(self) -> None:
        """The first page is in: start watching for a quiet moment."""
        if self._started or self._timer.isActive():
            return
        self._ticks = 0
        self._timer.start()
        QTimer.singleShot(self.FALLBACK_MS, self, self.load)

    def _tick(self) -> None:
        self._ticks = self._ticks + 1 if self.tasks.pending == 0 else 0
        if self._ticks >= self.TICKS:
            self.load()

    def load(self) -> None:
        self._timer.stop()
        if self._started:
            return
        self._started = True
        folder = resources_dir() / "knowledge" / "articles"
        self.tasks.run(lambda: load_articles(folder), self._articles_read, owner=self)
        if self.culture is None:
            paths = self._paths
            self.tasks.run(lambda: load_culture(paths), self._culture_read, owner=self)

    def _articles_read(self, loaded: tuple[list[Article], list[DataFileError]]) -> None:
        articles, errors = loaded
        self.problems.extend(errors)
        self.tasks.run_store(
            lambda store: knowledge.store_articles(store, articles),
            lambda _written: self.articles_stored.emit(),
            owner=self,
        )

    def _culture_read(self, data: CultureData) -> None:
        self.culture = data
        freeze_after_startup()
        self.problems.extend(data.errors)
        for error in data.errors:
            log.warning("data file skipped: %s", error)
        self.culture_loaded.emit(data)
