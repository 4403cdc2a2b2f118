"""The running application: builds the context, opens the workspace, owns the window.

Start-up order: the window appears once the store lane has opened (and, for the
demo, filled) the workspace, so the first thing painted is a populated inbox.
A workspace that cannot be opened produces one dialog that names the file and
says what to do; nothing is overwritten.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QSettings, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from app.config.paths import Paths, resources_dir, translations_dir
from app.config.settings import Settings, SettingsError, save_settings
from app.domain.datafiles import DataFileError
from app.i18n import I18n, resolve_ui_locale
from app.knowledge.articles import Article, load_articles
from app.ops import inbox
from app.ops.context import AppContext, clock_from, system_clock
from app.ops.culture import CultureData, load_culture
from app.ops.demo import load_demo_into
from app.ops.outbox import SYNC_AGENT_KEY, SYNC_SERVER_KEY
from app.ops.translation import TranslationService
from app.storage.articles import upsert_articles
from app.storage.db import open_database
from app.storage.repository import InboxRepository
from app.translation.offline import ArgosHome
from app.ui.shell.errors import ErrorReporter
from app.ui.shell.main_window import MainWindow
from app.ui.shell.startup import (
    OpeningNotice,
    PaintWatcher,
    PretendRun,
    Started,
    arm_screenshot,
    show_settings_warning,
    sign_in_refused_text,
    unknown_conversation_text,
)
from app.ui.sync.status import SyncController

if TYPE_CHECKING:  # httpx, tenacity and pydantic load only for a server workspace
    from app.sync.engine import SyncEngine
    from app.ui.sync.sign_in_dialog import SignedIn, SignInDialog
from app.ui.shell.tasks import QtTaskRunner

log = logging.getLogger(__name__)
# The etiquette data (~0.5 s of CPU the first time) loads once the window has been idle
# for a moment after the first page (the agent's first clicks come first), or anyway
# after the fallback.
IDLE_TICK_MS = 100
IDLE_TICKS_BEFORE_CULTURE = 4
CULTURE_FALLBACK_MS = 10_000

SCREENSHOT_TIMEOUT_MS = 30_000


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


@dataclass(frozen=True)
class WorkspaceChoice:
    """Which local store the window works on: the demo, a file, or a server's mirror."""

    kind: str  # "demo" | "file" | "server"
    path: Path
    server_url: str | None = None
    agent_id: str | None = None
    agent_name: str | None = None
    ca_bundle: str | None = None


def choose_workspace(paths: Paths, settings: Settings, options: LaunchOptions) -> WorkspaceChoice:
    """The command line first, then a signed-in server, else the demo."""
    if options.workspace is not None:
        return WorkspaceChoice("file", options.workspace)
    if options.demo or not settings.workspace or "|" not in settings.workspace:
        return WorkspaceChoice("demo", paths.demo_workspace)
    url, agent = settings.workspace.rsplit("|", 1)
    slug = hashlib.sha256(settings.workspace.encode("utf-8")).hexdigest()[:16]
    return WorkspaceChoice(
        "server",
        paths.data_dir / "workspaces" / f"server-{slug}.sqlite3",
        url,
        agent,
        settings.workspace_agent_name,
        settings.ca_bundle,
    )


def mark_server_workspace(repo: InboxRepository, choice: WorkspaceChoice) -> None:
    """Store lane: this store mirrors a server; "me" is the signed-in agent."""
    with repo.transaction():
        repo.set_meta(SYNC_SERVER_KEY, choice.server_url or "")
        repo.set_meta(SYNC_AGENT_KEY, choice.agent_id or "")
        repo.set_meta("me_agent_uid", choice.agent_id or "")
        if repo.agent_by_uid(choice.agent_id or "") is None:
            repo.upsert_agent(
                choice.agent_id or "", choice.agent_name or choice.agent_id or "", None
            )


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
        self.sync: SyncController | None = None
        self.culture: CultureData | None = None  # etiquette profiles and rules, once loaded
        self.data_problems: list[DataFileError] = []  # data files that failed their schema
        self._culture_started = False
        self._idle_timer: QTimer | None = None
        self._idle_ticks = 0
        self.choice = choose_workspace(paths, settings, options)
        self.workspace_path = self.choice.path
        self.pretend = PretendRun(options.now)  # --now: a throw-away copy, no sync
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
            clock=system_clock if options.now is None else clock_from(options.now),
            translation=self.translation,
        )
        self._qt_translator: QTranslator | None = None
        self._install_qt_translations(i18n)
        qt_app.aboutToQuit.connect(self.shutdown)

    # ------------------------------------------------------------------ plumbing
    def _open_repository(self) -> InboxRepository:
        # The demo and server workspaces are created on first use; a named file must exist.
        must_exist = self.choice.kind == "file"
        path = self.pretend.working_file(self.workspace_path, must_exist=must_exist)
        return InboxRepository(open_database(path, create=not must_exist))

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
        choice = self.choice
        name = {"demo": "demo", "file": self.workspace_path.stem}.get(
            choice.kind, choice.server_url or ""
        )

        translation = self.translation
        wanted = self.options.open_conversation

        def open_workspace(repo: InboxRepository) -> Started:
            if choice.kind == "demo":
                load_demo_into(repo, demo_folder, now)
            elif choice.kind == "server":
                mark_server_workspace(repo, choice)
            inbox.wake_snoozed(repo, now)
            translation.load_team_data(repo)
            found = inbox.find_conversation(repo, wanted) if wanted else None
            return Started(inbox.workspace_info(repo, name, label), found)

        headless = self.options.screenshot is not None or self.options.exit_after_first_paint
        self.opening = OpeningNotice(self.ctx.i18n, headless)
        self.tasks.run_store(
            open_workspace, self._workspace_ready, self._startup_failed, owner=self
        )

    def _load_culture(self) -> None:
        """Once the window is idle (no task pending for a moment) after the first page, so
        the agent's first clicks are not slowed: the etiquette profiles and rules, and the
        bundled articles (read on the compute lane; the store lane only writes changes)."""
        window = self.window
        if window is not None:
            window.inbox.page_loaded.disconnect(self._load_culture)
        self._idle_ticks = 0
        self._idle_timer = QTimer(self)
        self._idle_timer.setInterval(IDLE_TICK_MS)
        self._idle_timer.timeout.connect(self._idle_tick)
        self._idle_timer.start()
        QTimer.singleShot(CULTURE_FALLBACK_MS, self, self._start_culture_load)

    def _idle_tick(self) -> None:
        self._idle_ticks = self._idle_ticks + 1 if self.tasks.pending == 0 else 0
        if self._idle_ticks >= IDLE_TICKS_BEFORE_CULTURE:
            self._start_culture_load()

    def _start_culture_load(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.stop()
        if self._culture_started:
            return
        self._culture_started = True
        articles_folder = resources_dir() / "knowledge" / "articles"
        # Files are read and validated on the compute lane; the store lane (which the
        # inbox's queries need) only writes what changed.
        self.tasks.run(lambda: load_articles(articles_folder), self._articles_read, owner=self)
        if self.culture is None:
            self.tasks.run(lambda: load_culture(self.paths), self._culture_loaded, owner=self)

    def _articles_read(self, loaded: tuple[list[Article], list[DataFileError]]) -> None:
        articles, errors = loaded
        self.data_problems.extend(errors)
        self.tasks.run_store(
            lambda repo: upsert_articles(repo, articles), self._articles_stored, owner=self
        )

    def _articles_stored(self, _written: int) -> None:
        if self.window is not None:
            self.window.show_data_problems(self.data_problems)
            self.window.side_panel.knowledge.refresh()

    def _culture_loaded(self, data: CultureData) -> None:
        self.culture = data
        # Start-up is over: what it built (modules, locale and holiday data, profiles) lives
        # as long as the app. Freezing it keeps the collector's full passes, which stop every
        # thread, from rescanning it: they cost 40–80 ms of UI stall each before.
        gc.freeze()
        self.data_problems.extend(data.errors)
        for error in data.errors:
            log.warning("data file skipped: %s", error)
        if self.window is not None:
            self.window.set_culture_data(data)
            self.window.show_data_problems(self.data_problems)

    def _startup_failed(self, error: BaseException) -> None:
        self.opening.done()
        self.exit_code = 2
        self.reporter.on_dismissed = self.qt_app.quit
        self._report(error)
        if self.options.screenshot or self.options.exit_after_first_paint:
            title, text = self.reporter.shown[-1]
            print(f"crossdesk: {title}: {text}", file=sys.stderr)
            self.qt_app.quit()

    def _workspace_ready(self, started: Started) -> None:
        self.opening.done()
        wanted = self.options.open_conversation
        headless = self.options.screenshot is not None or self.options.exit_after_first_paint
        if wanted and started.open_id is None and headless:  # nothing to wait for
            title, text = unknown_conversation_text(self.ctx.i18n, wanted)
            print(f"crossdesk: {title}: {' '.join(text.split())}", file=sys.stderr)
            self.exit_code = 2
            self.qt_app.quit()
            return
        self.ctx = self.ctx.with_(workspace=started.workspace)
        # Read the installed packs off the UI thread before the first conversation opens.
        self.tasks.run(self.translation.engine.packs, owner=self)
        if self.choice.kind == "server" and not self.pretend.active:
            self.sync = SyncController(self.ctx, self._make_engine, self)
        self._show_window()
        assert self.window is not None
        self.window.inbox.page_loaded.connect(self._load_culture)
        if wanted and started.open_id is None:
            self.reporter.show(*unknown_conversation_text(self.ctx.i18n, wanted))
        elif started.open_id is not None:
            self._open_conversation(started.open_id)
        if self.sync is not None:
            self.sync.start()
        if self.options.screenshot is not None:
            self._arm_screenshot(self.options.screenshot)
        if self.options.exit_after_first_paint:
            assert self.window is not None
            self.window.inbox.page_loaded.connect(self._report_first_paint)

    def _show_window(self, select: int | None = None) -> None:
        ui_state = QSettings(str(self.paths.data_dir / "ui-state.ini"), QSettings.Format.IniFormat)
        window = MainWindow(self.ctx, self._report, ui_state, sync=self.sync)
        window.settings_changed.connect(self.apply_settings)
        window.sign_in_requested.connect(self.open_sign_in)
        window.sign_out_requested.connect(self.sign_out)
        self.window = window
        self.pretend.mark(window, self.ctx.i18n)
        show_settings_warning(window, self.ctx.i18n, self.options.settings_warning)
        if self.culture is not None:
            window.set_culture_data(self.culture)
        window.show_data_problems(self.data_problems)
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
        self.options = replace(self.options, settings_warning=None)  # the file is rewritten
        self._install_qt_translations(i18n)
        old = self.window
        selected = old.inbox.selected_id if old else None
        if old is not None:
            old.save_state()
            old.hide()
            old.deleteLater()
        self._show_window(selected)
        if old is not None and self.window is not None:
            # Drafts are in the store; hand-edited reply translations move to the new window.
            self.window.conversation.kept_edits.update(old.conversation.kept_edits)

    # ------------------------------------------------------------------ server workspaces
    def _make_engine(self) -> SyncEngine:
        """Built on the compute lane (reading the keychain may take a moment)."""
        from app.sync import auth
        from app.sync.client import ServerClient
        from app.sync.engine import SyncEngine

        url, agent = self.choice.server_url or "", self.choice.agent_id or ""
        client = ServerClient(
            url,
            tokens=auth.load(url, agent),
            on_tokens=lambda tokens: auth.save(url, agent, tokens),
            verify=self.choice.ca_bundle or True,
        )
        return SyncEngine(client, self.tasks.store_call, self.ctx.clock)

    def open_sign_in(self) -> SignInDialog | None:
        from app.ui.sync.sign_in_dialog import SignInDialog

        if self.pretend.active:  # signing in would sync and switch to a real workspace
            self.reporter.show(*sign_in_refused_text(self.ctx.i18n))
            return None

        dialog = SignInDialog(self.ctx, self.window)
        if self.choice.kind == "server":  # signing in again: same server, same agent
            dialog.url.setText(self.choice.server_url or "")
            dialog.username.setText(self.choice.agent_id or "")
            dialog.password.setFocus()
        dialog.signed_in.connect(self.signed_in)
        dialog.open()
        return dialog

    def signed_in(self, result: SignedIn) -> None:
        """Switch to the server's workspace (its own local store), then sync."""
        settings = self.ctx.settings.with_(
            workspace=f"{result.server_url}|{result.agent.id}",
            ca_bundle=result.ca_bundle,
            workspace_agent_name=result.agent.name,
        )
        self._switch(settings)

    def sign_out(self) -> None:
        """Revoke the session, forget the tokens, go back to the demo workspace.

        The local store of the server workspace stays on disk (queued changes included);
        signing in again picks them up."""
        choice = self.choice
        if self.pretend.active:
            self.reporter.show(*sign_in_refused_text(self.ctx.i18n))
            return
        if choice.kind != "server":
            return
        url, agent = choice.server_url or "", choice.agent_id or ""
        from app.sync import auth
        from app.sync.client import ServerClient

        def revoke() -> None:
            client = ServerClient(
                url, tokens=auth.load(url, agent), verify=choice.ca_bundle or True
            )
            try:
                client.sign_out()
            except Exception:  # offline: the server forgets the token when it expires
                log.info("could not revoke the session at %s", url, exc_info=True)
            finally:
                client.close()
                auth.forget(url, agent)

        self.tasks.run(revoke, owner=self)
        self._switch(self.ctx.settings.with_(workspace=None))

    def _switch(self, settings: Settings) -> None:
        try:
            save_settings(self.paths.settings_file, settings)
        except SettingsError as exc:
            self._report(exc)
        if self.sync is not None:
            self.sync.stop()
            self.sync = None
        old = self.window
        if old is not None:
            old.save_state()
            old.hide()
            old.deleteLater()
            self.window = None
        self.tasks.shutdown()
        self.choice = choose_workspace(self.paths, settings, LaunchOptions())
        self.workspace_path = self.choice.path
        self.tasks = QtTaskRunner(self._open_repository, self._report)
        self.ctx = self.ctx.with_(settings=settings, tasks=self.tasks)
        self.start()

    # ------------------------------------------------------------------ headless modes
    def _report_first_paint(self) -> None:
        window = self.window
        if window is None or not window.inbox.model.rowCount():
            return
        window.inbox.page_loaded.disconnect(self._report_first_paint)

        def painted() -> None:
            print("first-paint", flush=True)
            self.qt_app.quit()

        self._paint_watcher = PaintWatcher(window.inbox.list.viewport(), painted)
        window.inbox.list.viewport().update()

    def _open_conversation(self, conversation_id: int) -> None:
        """``--open ID``: show that conversation (trainers, screenshots), listed or not,
        once the first page is in (which otherwise selects its first row)."""
        window = self.window
        assert window is not None

        def show() -> None:
            window.inbox.page_loaded.disconnect(show)
            if not window.inbox.select_conversation(conversation_id):
                window.conversation.show_conversation(conversation_id)

        window.inbox.page_loaded.connect(show)

    def _arm_screenshot(self, target: Path) -> None:
        wanted = self.options.open_conversation

        def ready() -> bool:
            window = self.window
            detail = window.conversation.detail if window is not None else None
            return bool(
                window is not None
                and window.inbox.model.rowCount()
                and detail is not None
                and (wanted is None or detail.row.uid == wanted)
                and self.culture is not None
                and window.side_panel.culture is not None
                and self.tasks.pending == 0
            )

        def done(code: int) -> None:
            self.exit_code = code
            self.qt_app.quit()

        arm_screenshot(target, ready, lambda: self.window, done, SCREENSHOT_TIMEOUT_MS)

    # ------------------------------------------------------------------ shutdown
    def shutdown(self) -> None:
        """Save what is on screen, finish queued writes, release Qt-wide state."""
        if self.sync is not None:
            self.sync.stop()
        if self.window is not None:
            self.window.save_state()
        self.tasks.shutdown()
        self.pretend.cleanup()  # the store lane has closed the copy
        if self._qt_translator is not None:
            self.qt_app.removeTranslator(self._qt_translator)
            self._qt_translator = None
