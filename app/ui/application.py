"""The running application: builds the context, opens the workspace, owns the window.

Start-up order: the window appears once the store lane has opened (and, for the
demo, filled) the workspace, so the first thing painted is a populated inbox.
A workspace that cannot be opened produces one dialog that names the file and
says what to do; nothing is overwritten.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QSettings, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from app.domain.models import Workspace
from app.i18n import I18n, resolve_ui_locale
from app.services import inbox
from app.services.context import AppContext, system_clock
from app.services.demo import load_demo_into
from app.services.paths import Paths, resources_dir, translations_dir
from app.services.settings import Settings, SettingsError, save_settings
from app.services.translation import TranslationService
from app.storage.db import open_database
from app.storage.repository import InboxRepository
from app.translation.offline import ArgosHome
from app.ui.errors import ErrorReporter
from app.ui.main_window import MainWindow
from app.ui.tasks import QtTaskRunner

log = logging.getLogger(__name__)

SCREENSHOT_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class LaunchOptions:
    """What the command line asked for."""

    demo: bool = False
    screenshot: Path | None = None
    ui_language: str | None = None  # overrides the setting for this run only
    exit_after_first_paint: bool = False
    workspace: Path | None = None  # open this workspace file instead of the demo


class _PaintWatcher(QObject):
    """Calls back once, just after the watched widget has painted."""

    def __init__(self, target: QObject, callback: object) -> None:
        super().__init__(target)
        self._callback = callback
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)  # type: ignore[arg-type]
        return False


class CrossDeskApp(QObject):
    """Owns the context, the task runner, the error reporter and the main window."""

    def __init__(
        self, qt_app: QApplication, paths: Paths, settings: Settings, options: LaunchOptions
    ) -> None:
        super().__init__()
        self.qt_app = qt_app
        self.paths = paths
        self.options = options
        self.window: MainWindow | None = None
        self.exit_code = 0
        # Until sync arrives the workspaces are the demo and files opened by path.
        self.workspace_path = options.workspace or paths.demo_workspace
        language = options.ui_language or settings.ui_language
        i18n = self._make_i18n(language)
        self.reporter = ErrorReporter(i18n, paths.log_file, lambda: self.window)
        self.tasks = QtTaskRunner(self._open_repository, self._report)
        self.translation = TranslationService(
            ArgosHome(paths.argos_home), resources_dir() / "translation" / "protected.yaml"
        )
        self.ctx = AppContext(
            paths=paths,
            settings=settings,
            i18n=i18n,
            tasks=self.tasks,
            clock=system_clock,
            translation=self.translation,
        )
        self._qt_translator: QTranslator | None = None
        self._install_qt_translations(i18n)
        qt_app.aboutToQuit.connect(self.shutdown)

    # ------------------------------------------------------------------ plumbing
    def _open_repository(self) -> InboxRepository:
        # The demo is created on first use; a file named on the command line must exist.
        create = self.options.workspace is None
        return InboxRepository(open_database(self.workspace_path, create=create))

    def _report(self, error: BaseException) -> None:
        self.reporter.report(error, workspace=self.workspace_path)

    def _make_i18n(self, language: str) -> I18n:
        system = QLocale.system().name()
        return I18n(resolve_ui_locale(language, system), translations_dir(), format_locale=system)

    def _install_qt_translations(self, i18n: I18n) -> None:
        """Qt's own strings (OK/Cancel, text-field menus) in the UI language."""
        if self._qt_translator is not None:
            self.qt_app.removeTranslator(self._qt_translator)
            self._qt_translator = None
        if i18n.ui_locale == "en":
            return
        translator = QTranslator(self.qt_app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(QLocale(i18n.ui_locale), "qtbase", "_", folder):
            self.qt_app.installTranslator(translator)
            self._qt_translator = translator

    # ------------------------------------------------------------------ start-up
    def start(self) -> None:
        """Open the workspace on the store lane; show the window when it is ready."""
        demo_folder = resources_dir() / "demo"
        label = str(self.workspace_path)
        now = self.ctx.clock()
        is_demo = self.options.workspace is None
        name = "demo" if is_demo else self.workspace_path.stem

        translation = self.translation

        def open_workspace(repo: InboxRepository) -> Workspace:
            if is_demo:
                load_demo_into(repo, demo_folder, now)
            inbox.wake_snoozed(repo, now)
            translation.load_team_data(repo)
            return inbox.workspace_info(repo, name, label)

        self.tasks.run_store(
            open_workspace, self._workspace_ready, self._startup_failed, owner=self
        )

    def _startup_failed(self, error: BaseException) -> None:
        self.exit_code = 2
        self.reporter.on_dismissed = self.qt_app.quit
        self._report(error)
        if self.options.screenshot or self.options.exit_after_first_paint:
            title, text = self.reporter.shown[-1]
            print(f"crossdesk: {title}: {text}", file=sys.stderr)
            self.qt_app.quit()

    def _workspace_ready(self, workspace: Workspace) -> None:
        self.ctx = self.ctx.with_(workspace=workspace)
        # Read the installed packs off the UI thread before the first conversation opens.
        self.tasks.run(self.translation.engine.packs, owner=self)
        self._show_window()
        if self.options.screenshot is not None:
            self._arm_screenshot(self.options.screenshot)
        if self.options.exit_after_first_paint:
            assert self.window is not None
            self.window.inbox.page_loaded.connect(self._report_first_paint)

    def _show_window(self, select: int | None = None) -> None:
        ui_state = QSettings(str(self.paths.data_dir / "ui-state.ini"), QSettings.Format.IniFormat)
        window = MainWindow(self.ctx, self._report, ui_state)
        window.settings_changed.connect(self.apply_settings)
        self.window = window
        if select is not None:

            def reselect() -> None:
                window.inbox.page_loaded.disconnect(reselect)
                window.inbox.select_conversation(select)

            window.inbox.page_loaded.connect(reselect)
        window.show()
        window.start()

    # ------------------------------------------------------------------ settings
    def apply_settings(self, settings: Settings) -> None:
        """Save the new preferences and rebuild the window in the chosen language."""
        try:
            save_settings(self.paths.settings_file, settings)
        except SettingsError as exc:
            self._report(exc)
        i18n = self._make_i18n(settings.ui_language)
        self.ctx = self.ctx.with_(settings=settings, i18n=i18n)
        self.reporter._i18n = i18n
        self._install_qt_translations(i18n)
        old = self.window
        selected = old.inbox.selected_id if old else None
        if old is not None:
            old.save_state()
            old.hide()
            old.deleteLater()
        self._show_window(selected)

    # ------------------------------------------------------------------ headless modes
    def _report_first_paint(self) -> None:
        window = self.window
        if window is None or not window.inbox.model.rowCount():
            return
        window.inbox.page_loaded.disconnect(self._report_first_paint)

        def painted() -> None:
            print("first-paint", flush=True)
            self.qt_app.quit()

        self._paint_watcher = _PaintWatcher(window.inbox.list.viewport(), painted)
        window.inbox.list.viewport().update()

    def _arm_screenshot(self, target: Path) -> None:
        waited = 0

        def ready() -> bool:
            window = self.window
            return bool(
                window is not None
                and window.inbox.model.rowCount()
                and window.conversation.detail is not None
                and self.tasks.pending == 0
            )

        def poll() -> None:
            nonlocal waited
            waited += 50
            if ready():
                self._save_screenshot(target)
            elif waited > SCREENSHOT_TIMEOUT_MS:
                print(
                    f"crossdesk: the window was not ready after {waited // 1000} s; "
                    "no screenshot written",
                    file=sys.stderr,
                )
                self.exit_code = 3
                self.qt_app.quit()
            else:
                QTimer.singleShot(50, poll)

        QTimer.singleShot(50, poll)

    def _save_screenshot(self, target: Path) -> None:
        assert self.window is not None
        self.window.repaint()
        self.qt_app.processEvents()
        target.parent.mkdir(parents=True, exist_ok=True)
        if not self.window.grab().save(str(target)):
            print(f"crossdesk: could not write the screenshot to {target}", file=sys.stderr)
            self.exit_code = 3
        else:
            print(f"screenshot written to {target}")
        self.qt_app.quit()

    # ------------------------------------------------------------------ shutdown
    def shutdown(self) -> None:
        """Save what is on screen, finish queued writes, release Qt-wide state."""
        if self.window is not None:
            self.window.save_state()
        self.tasks.shutdown()
        if self._qt_translator is not None:
            self.qt_app.removeTranslator(self._qt_translator)
            self._qt_translator = None
