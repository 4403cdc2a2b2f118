"""The running application: builds the context, opens the workspace, owns the window.

Start-up order: the window appears once the store lane has opened (and, for the
demo, filled) the workspace, so the first thing painted is a populated inbox.
A workspace that cannot be opened produces one dialog that names the file and
says what to do; nothing is overwritten. The session itself (which workspace,
signing in and out, the sync engine) is Qt-free: :mod:`app.sync.session`.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QApplication

from app.config.logs import set_level
from app.config.paths import Paths, resources_dir
from app.config.settings import Settings, SettingsError, save_settings
from app.ops import workspace_keys
from app.ops.context import AppContext, clock_from, system_clock
from app.ops.culture import CultureData
from app.ops.translation import TranslationService
from app.ops.types import Store
from app.sync import session
from app.sync.session import WorkspaceKind
from app.translation.api import ArgosHome
from app.ui.kpis.headless import arm_kpis
from app.ui.notify.controller import NotificationController, install_notifications
from app.ui.review.headless import arm_review
from app.ui.shell import headless
from app.ui.shell.errors import ErrorReporter
from app.ui.shell.locale import QtTranslations, make_i18n
from app.ui.shell.lock import install_lock
from app.ui.shell.main_window import MainWindow
from app.ui.shell.screen_fit import fit_to_screen
from app.ui.shell.session import SessionActions
from app.ui.shell.startup import (
    IdleLoader,
    LaunchOptions,
    OpeningNotice,
    PretendRun,
    Started,
    show_settings_warning,
    unknown_conversation_text,
    workspace_opener,
)
from app.ui.shell.style import apply_appearance
from app.ui.shell.tasks import QtTaskRunner
from app.ui.shell.workspace_key import KeyGate
from app.ui.sync.live import LiveSync
from app.ui.sync.status import SyncController
from app.ui.training.headless import arm_training

if TYPE_CHECKING:  # httpx, tenacity and pydantic load only for a server workspace
    pass

log = logging.getLogger(__name__)
QUIT_GRACE_SECONDS = 5.0  # at quit: how long a must-run task (a revoke) may still take


class CrossDeskApp(SessionActions, QObject):
    """Owns the context, the task runner, the error reporter and the main window."""

    def __init__(
        self, qt_app: QApplication, paths: Paths, settings: Settings, options: LaunchOptions
    ) -> None:
        super().__init__()
        self.qt_app, self.paths, self.options = qt_app, paths, options
        self.window: MainWindow | None = None
        self.exit_code = 0
        self.sync: SyncController | None = None
        self.notifications: NotificationController | None = None  # tray icon, toasts
        self.choice = session.choose_workspace(
            paths, settings, file=options.workspace, demo=options.demo
        )
        self.pretend = PretendRun(options.now)  # --now: a throw-away copy, no sync
        i18n = make_i18n(options.ui_language or settings.ui_language)
        self.reporter = ErrorReporter(i18n, paths.log_file, lambda: self.window)
        self.keys = self._key_gate()
        self.tasks = QtTaskRunner(self._open_store, self._report)
        self._retired: list[QtTaskRunner] = []  # shut down, maybe still revoking a session
        self.idle = IdleLoader(self.tasks, paths, self)
        self.idle.culture_loaded.connect(lambda _data: self._loaded())
        self.idle.articles_stored.connect(lambda: self._loaded(articles=True))
        self.translation = TranslationService(
            ArgosHome(paths.argos_home), resources_dir() / "translation" / "protected.yaml"
        )
        clock = system_clock if options.now is None else clock_from(options.now)
        self.ctx = AppContext(
            paths, settings, i18n, self.tasks, clock, translation=self.translation
        )
        self.qt_translations = QtTranslations(qt_app)
        self.qt_translations.install(i18n)
        qt_app.aboutToQuit.connect(self.shutdown)

    @property
    def culture(self) -> CultureData | None:
        return self.idle.culture

    @property
    def workspace_path(self) -> Path:
        return self.choice.path

    # ------------------------------------------------------------------ plumbing
    def _open_store(self) -> Store:
        # The demo and server workspaces are created on first use; a named file must exist.
        must_exist = self.choice.kind is WorkspaceKind.FILE
        key = self.keys.store_key()  # the demo: None; else from the keychain or a passphrase
        path = self.pretend.working_file(self.choice.path, must_exist=must_exist, key=key)
        return Store.open(path, create=not must_exist, key=key)

    def _key_gate(self) -> KeyGate:
        return KeyGate(
            self.choice, lambda: self.ctx.i18n, lambda: self.window, self.options.headless
        )

    def _report(self, error: BaseException) -> None:
        self.reporter.report(error, workspace=self.choice.path)

    # ------------------------------------------------------------------ start-up
    def start(self) -> None:
        """Open the workspace on the store lane (once its passphrase is typed, where one is
        needed); show the window when it is ready."""
        self.keys.prepare(self._open_workspace, self._passphrase_cancelled)

    def _passphrase_cancelled(self) -> None:
        """Cancel in the passphrase dialog: quit, the workspace untouched."""
        self._quit_with(2)

    def _open_workspace(self) -> None:
        open_workspace = workspace_opener(
            self.choice, self.translation, self.options.open_conversation, self.ctx.clock()
        )
        encrypting = self.keys.encrypted and workspace_keys.will_encrypt(self.choice.path)
        self.opening = OpeningNotice(self.ctx.i18n, self.options.headless, encrypting=encrypting)
        self.tasks.run_store(
            open_workspace, self._workspace_ready, self._startup_failed, owner=self
        )

    def _loaded(self, articles: bool = False) -> None:
        """Idle loading brought the etiquette data or the articles: show them."""
        if self.window is not None:
            self.window.show_loaded(self.culture, self.idle.problems, articles)

    def _startup_failed(self, error: BaseException) -> None:
        self.opening.done()
        if self.keys.retry(error, self._open_workspace, self._passphrase_cancelled):
            return  # the passphrase is asked; the store lane opens again once it is typed
        self.exit_code = 2
        self.reporter.on_dismissed = self.qt_app.quit
        self._report(error)
        if self.options.headless:
            title, text = self.reporter.shown[-1]
            print(f"crossdesk: {title}: {text}", file=sys.stderr)
            self.qt_app.quit()

    def _workspace_ready(self, started: Started) -> None:
        self.opening.done()
        wanted = self.options.open_conversation
        if wanted and started.open_id is None and self.options.headless:  # nothing to wait for
            title, text = unknown_conversation_text(self.ctx.i18n, wanted)
            print(f"crossdesk: {title}: {' '.join(text.split())}", file=sys.stderr)
            self.exit_code = 2
            self.qt_app.quit()
            return
        self.ctx = self.ctx.with_(workspace=started.workspace)
        # Read the installed packs off the UI thread before the first conversation opens.
        self.tasks.run(self.translation.engine.packs, owner=self)
        key = self.keys.opened_with
        if key is not None and not self.pretend.active:  # the key follows a moved file
            path = self.choice.path
            self.tasks.run(lambda: workspace_keys.remember(path, key), owner=self)
        if self.choice.kind is WorkspaceKind.SERVER and not self.pretend.active:
            self.sync = SyncController(self.ctx, self._make_engine, self)
            LiveSync(self.sync)  # the server's live updates; stops with the controller
        window = self._show_window()
        window.inbox.page_loaded.connect(self.idle.arm)
        if wanted and started.open_id is None:
            self.reporter.show(*unknown_conversation_text(self.ctx.i18n, wanted))
        elif started.open_id is not None:
            window.select_when_listed(started.open_id, or_open=True)
        if self.sync is not None:
            self.sync.start()
        self._follow_first_run(window)
        side_tabs = {"etiquette": 1, "knowledge": 2}  # --view etiquette: the inbox, that tab
        if self.options.view in side_tabs:
            window.side_panel.tabs.setCurrentIndex(side_tabs[self.options.view])
        if self.options.view == "kpis":  # --view kpis: the team's KPIs (app.ui.kpis)
            arm_kpis(window, self.options, self._quit_with, self._settled)
            return
        if self.options.view == "training":  # --view training: practice (app.ui.training)
            arm_training(window, self.options, self._quit_with, self._settled)
            return
        review = self.options.view == "review"  # --view review: the --open conversation's review
        if review:
            arm_review(window, started.open_id, self.options, self._quit_with, self._settled)
        headless.arm(
            None if review else self.options.screenshot,  # arm_review takes that picture
            self.options.exit_after_first_paint,
            lambda: self.window,
            lambda: self.culture is not None and self.tasks.pending == 0,
            wanted,
            self._quit_with,
            self.options.size,
            self.options.draft,
            self.options.search,
        )

    def _follow_first_run(self, window: MainWindow) -> None:
        """Act on the welcome dialog once the window is up: install the pack files it was
        given (in the pack manager, which checks each and shows progress), then open
        sign-in if the agent chose their team's server. Only once."""
        choices, self.options = self.options.first_run, replace(self.options, first_run=None)
        if choices is None:
            return
        if choices.pack_files:
            window.open_packs().install_files(list(choices.pack_files))
        if choices.sign_in:
            self.open_sign_in()

    def _settled(self) -> bool:
        return self.culture is not None and self.tasks.pending == 0

    def _quit_with(self, code: int) -> None:
        self.exit_code = code
        self.qt_app.quit()

    def _show_window(self, select: int | None = None) -> MainWindow:
        ui_state = QSettings(str(self.paths.data_dir / "ui-state.ini"), QSettings.Format.IniFormat)
        window = MainWindow(self.ctx, self._report, ui_state, sync=self.sync)
        window.settings_changed.connect(self.apply_settings)
        window.sign_in_requested.connect(self.open_sign_in)
        window.sign_out_requested.connect(self.sign_out)
        self.window = window
        self.notifications = install_notifications(self.notifications, self.ctx, window, self.sync)
        self.pretend.mark(window, self.ctx.i18n)
        self.screen_lock = install_lock(window, self.ctx, self.keys)  # "Encrypted"; the lock
        show_settings_warning(window, self.ctx.i18n, self.options.settings_warning)
        window.show_loaded(self.culture, self.idle.problems)
        if select is not None:
            window.select_when_listed(select)
        if self.options.screenshot is None:  # a screenshot is drawn off screen, at its size
            fit_to_screen(window, restored=ui_state.value("main/geometry") is not None)
        window.show()
        window.start()
        return window

    # ------------------------------------------------------------------ settings
    def apply_settings(self, settings: Settings) -> None:
        """Save the new preferences and rebuild the window in the chosen language."""
        self._save(settings)
        i18n = make_i18n(settings.ui_language)
        self.ctx = self.ctx.with_(settings=settings, i18n=i18n)
        self.reporter.set_i18n(i18n)
        self.options = replace(self.options, settings_warning=None)  # the file is rewritten
        self.qt_translations.install(i18n)
        apply_appearance(self.qt_app, settings.appearance)  # before the new window is built
        set_level(settings.log_level)
        old = self._close_window()
        self._show_window(old.inbox.selected_id if old else None)
        if old is not None and self.window is not None:
            # Drafts are in the store; hand-edited reply translations move to the new window.
            self.window.conversation.kept_edits.update(old.conversation.kept_edits)

    def _save(self, settings: Settings) -> None:
        try:
            save_settings(self.paths.settings_file, settings)
        except SettingsError as exc:
            self._report(exc)

    def _close_window(self) -> MainWindow | None:
        old, self.window = self.window, None
        if old is not None:
            old.save_state()
            old.hide()
            old.deleteLater()
        return old

    def _switch(self, settings: Settings) -> None:
        self._save(settings)
        if self.sync is not None:
            self.sync.stop()
            self.sync = None
        self._close_window()
        self.tasks.shutdown(timeout=0)  # queued writes finish; a revoke goes on meanwhile
        self._retired.append(self.tasks)
        self.choice = session.choose_workspace(self.paths, settings)
        self.keys = self._key_gate()  # a passphrase belongs to the workspace it opened
        self.tasks = QtTaskRunner(self._open_store, self._report)
        self.idle.tasks = self.tasks
        self.ctx = self.ctx.with_(settings=settings, tasks=self.tasks)
        self.start()

    # ------------------------------------------------------------------ shutdown
    def shutdown(self) -> None:
        """Save what is on screen, finish queued writes, cancel compute work (a sync
        against a hung server must not keep the process alive), give a revoke a moment,
        release Qt-wide state."""
        if self.sync is not None:
            self.sync.stop()
        if self.window is not None:
            self.window.save_state()
        for runner in [*self._retired, self.tasks]:
            runner.shutdown(timeout=QUIT_GRACE_SECONDS)
        self.pretend.cleanup()  # the store lane has closed the copy
        self.qt_translations.remove()
