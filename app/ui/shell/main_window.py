"""The main window: three panes, the menus and every keyboard shortcut.

It only wires the panes together; each pane owns its widgets and its store
round-trips.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QSplitter

from app.domain.changes import Changes
from app.domain.lang import primary_language
from app.domain.models import MessageKind
from app.ops import inbox, retention
from app.ops.context import AppContext
from app.ui.conversation.pane import ConversationPane
from app.ui.conversation.thread_attachments import install_attachment_fetch
from app.ui.culture.draft_check import DraftCheck
from app.ui.culture.side_panel import SidePanel
from app.ui.customer.install import install_customer
from app.ui.customer.rail import fold, fold_if_closed
from app.ui.inbox.pane import InboxPane
from app.ui.kpis.install import install_kpis
from app.ui.privacy.install import install_privacy
from app.ui.review.install import install_review
from app.ui.settings.settings_dialog import SettingsDialog
from app.ui.settings.shortcuts_dialog import ShortcutsDialog
from app.ui.shell.accessible import install_accessibility, make_accessible
from app.ui.shell.icons import icon
from app.ui.shell.labels import localize
from app.ui.shell.menus import build_menus
from app.ui.sync.status import SyncController, SyncStatus
from app.ui.training.install import install_training
from app.ui.translation.glossary_dialog import GlossaryDialog
from app.ui.translation.held_notice import HeldNotice, install_held_notice
from app.ui.translation.memory_dialog import MemoryDialog
from app.ui.translation.packs_dialog import PackManagerDialog

if TYPE_CHECKING:
    from app.domain.datafiles import DataFileError
    from app.ops.culture import CultureData, CustomerCulture
    from app.sync.api import SyncReport
    from app.ui.sync.problems_dialog import SyncProblemsDialog

WAKE_INTERVAL_MS = 60_000
PANEL_SETTLE_MS = 120
ARTICLE_LANGUAGE = "en"  # the bundled knowledge articles are written in English


class MainWindow(QMainWindow):
    """Inbox | conversation | side panel.

    Signals:
        changes_applied(object, object): the one change path: Changes (what an operation or
            a sync stored) and its initiator (None: the server or a timer). Each pane
            refreshes only what the changes name.
        settings_changed(object): the user saved new Settings (the app applies them).
        sign_in_requested(): File > Sign in to a server.
        sign_out_requested(): File > Sign out.
    """

    changes_applied = Signal(object, object)
    settings_changed = Signal(object)
    sign_in_requested = Signal()
    sign_out_requested = Signal()
    side_panel_action: QAction  # View > Side panel, made by the menus

    def __init__(
        self,
        ctx: AppContext,
        report_error: Callable[[BaseException], None],
        ui_state: QSettings | None = None,
        sync: SyncController | None = None,
    ) -> None:
        super().__init__()
        self._ctx = ctx
        self._ui_state = ui_state
        _ = ctx.i18n._
        self.setWindowTitle(_("CrossDesk — {workspace}").format(workspace=self._workspace_label()))
        self.setWindowIcon(icon("crossdesk"))
        self.setObjectName("mainWindow")

        self.inbox = InboxPane(ctx, self)
        self.conversation = ConversationPane(ctx, report_error, self)
        self.side_panel = SidePanel(ctx, self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        for widget in (self.inbox, self.conversation, self.side_panel):
            self.splitter.addWidget(widget)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([380, 700, 360])
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setCollapsible(2, True)  # the side panel folds away on small screens
        self.setCentralWidget(self.splitter)

        self.inbox.conversation_selected.connect(self.conversation.show_conversation)
        self.inbox.conversation_selected.connect(self._selection_changed)
        self.changes_applied.connect(self.inbox.apply_changes)
        self.changes_applied.connect(self.conversation.apply_changes)
        self.changes_applied.connect(self.side_panel.knowledge.apply_changes)
        self.changes_applied.connect(self._reload_choices)
        self.conversation.changed.connect(lambda c: self.apply_changes(c, self.conversation))
        # The thread first; the side panel fills in once the selection settles (flicking
        # through conversations with Alt+Down does not recompute it for each one).
        self._panel_timer = QTimer(self)
        self._panel_timer.setSingleShot(True)
        self._panel_timer.setInterval(PANEL_SETTLE_MS)
        self._panel_timer.timeout.connect(self._show_side_panel)
        self.conversation.loaded.connect(lambda _cid: self._panel_timer.start())
        composer = self.conversation.composer
        self.draft_check = DraftCheck(ctx, composer.editor, composer)
        composer.add_panel(self.draft_check)
        composer.text_edited.connect(self.draft_check.text_edited)
        self.side_panel.culture_ready.connect(self._culture_ready)
        self.side_panel.insert_requested.connect(self._insert_into_reply)
        self.inbox.page_loaded.connect(self._select_first_if_none)
        self.conversation.packs_requested.connect(self.open_packs)

        self.workspace_label = QLabel(self)
        self.statusBar().addWidget(self.workspace_label)
        self.statusBar().addWidget(self.conversation.undo_bar)  # "Resolved: … · Undo"
        self.conversation.undone.connect(self.select_when_listed)
        self.inbox.bulk.changed.connect(lambda c: self.apply_changes(c, self.inbox))
        self.inbox.bulk.undo_offered.connect(self.conversation.undo_bar.offer_work)
        self.held_notice: HeldNotice = install_held_notice(self)  # replies given me to translate
        self.sync = sync
        self.sync_status: SyncStatus | None = None
        if sync is not None:
            self.sync_status = SyncStatus(ctx, sync, self)
            self.statusBar().addPermanentWidget(self.sync_status)
            sync.finished.connect(self._synced)
            self.sync_status.attention.clicked.connect(self.open_sync_problems)
            install_attachment_fetch(self, sync)  # received files, fetched when shown
            self.sync_status.sign_in_requested.connect(self.sign_in_requested)
        self._update_status_bar()
        self.merger = install_customer(self)  # customer history, notes, merges; the rail

        self._wake_timer = QTimer(self)
        self._wake_timer.setInterval(WAKE_INTERVAL_MS)
        self._wake_timer.timeout.connect(self._wake_snoozed)

        self.actions_for_help: list[QAction] = []
        self._build_actions()
        self.review = install_review(self)  # View → Review, queues, feedback (app.ui.review)
        self.kpis = install_kpis(self)  # View → KPIs for leads (app.ui.kpis, loaded on open)
        self.training = install_training(self)  # View → Training… (app.ui.training)
        self.privacy = install_privacy(self)  # data requests: queue, dialogs (app.ui.privacy)
        self.resize(1480, 900)
        if ui_state is not None:
            geometry = ui_state.value("main/geometry")
            splitter = ui_state.value("main/splitter")
            if geometry is not None:
                self.restoreGeometry(geometry)
            if splitter is not None:
                self.side_panel.set_collapsed(ui_state.value("main/sidePanelRail") == "1")
                self.splitter.restoreState(splitter)
            limit = ui_state.value("main/composerHeight")
            if limit is not None and str(limit).isdigit():
                self.conversation.split.set_limit(int(str(limit)))
        self._fold_if_closed()
        self.splitter.splitterMoved.connect(lambda _pos, _index: self._fold_if_closed())
        self._name_regions()

    def _name_regions(self) -> None:
        """The panes and the status bar, named for a screen reader's landmarks; the rules
        of app.ui.shell.accessible on this window and every dialog it opens."""
        _ = self._ctx.i18n._
        self.conversation.setAccessibleName(_("Conversation"))
        self.side_panel.setAccessibleName(_("Side panel"))
        self.statusBar().setAccessibleName(_("Status"))
        qt_app = QApplication.instance()
        if isinstance(qt_app, QApplication):
            install_accessibility(qt_app)
        make_accessible(self)

    # ------------------------------------------------------------------ side panel
    def side_panel_hidden(self) -> bool:
        """Folded to its icon rail (or, from an older layout, dragged shut)."""
        return self.side_panel.collapsed or self.splitter.sizes()[2] == 0

    def show_side_panel(self, shown: bool) -> None:
        """Fold the side panel to its icon rail (the conversation gets the width) or
        bring every section back."""
        if shown != (not self.side_panel_hidden()):
            fold(self.splitter, self.side_panel, shown)
        self.side_panel_action.setChecked(not self.side_panel_hidden())

    def _fold_if_closed(self) -> None:
        fold_if_closed(self.splitter, self.side_panel)  # dragged shut: the rail, not nothing
        self.side_panel_action.setChecked(not self.side_panel_hidden())

    def open_conversation(self, conversation_id: int) -> None:
        """Open a conversation from elsewhere (the customer's history): selected in the
        list if the list has it, else shown on its own."""
        if not self.inbox.select_conversation(conversation_id):
            self.conversation.show_conversation(conversation_id)

    # ------------------------------------------------------------------ start
    def start(self) -> None:
        """Load filter menus and the first page of the inbox."""
        self.inbox.load_filter_options()
        self._load_choices()
        self.inbox.run_query()
        self.held_notice.refresh()
        self._run_retention(force=True)  # at workspace open (and after new settings)
        if not self._wake_timer.isActive():
            self._wake_timer.start()

    def _wake_snoozed(self) -> None:
        """Bring back conversations whose snooze ended (checked every minute)."""
        now = self._ctx.clock()
        self._ctx.tasks.run_store(
            lambda repo: inbox.wake_snoozed(repo, now), self.apply_changes, owner=self
        )
        self._run_retention()

    def _run_retention(self, *, force: bool = False) -> None:
        """Resolved conversations older than the retention leave this computer: at open and
        once a day (checked with the snoozes). The demo holds no real data: never."""
        if self._ctx.workspace.name == "demo":
            return
        now, days = self._ctx.clock(), self._ctx.settings.retention_days
        self._ctx.tasks.run_store(
            lambda repo: retention.run_due(repo, now, days, force=force),
            self._retained,
            owner=self,
        )

    def _retained(self, changes: Changes) -> None:
        """An open conversation that retention removed leaves the screen too."""
        if self.conversation.conversation_id in changes.conversation_ids:
            self.conversation.show_conversation(None)
        self.apply_changes(changes)

    def _load_choices(self) -> None:
        self._ctx.tasks.run_store(
            inbox.header_choices,
            lambda result: self.conversation.set_choices(*result),
            key="header-choices",
            owner=self,
        )

    def _workspace_label(self) -> str:
        _ = self._ctx.i18n._
        return (
            _("Demo workspace") if self._ctx.workspace.name == "demo" else self._ctx.workspace.name
        )

    def _update_status_bar(self) -> None:
        _ = self._ctx.i18n._
        parts = [self._workspace_label()]
        if self._ctx.workspace.me_name:
            parts.append(_("Signed in as {agent}").format(agent=self._ctx.workspace.me_name))
        if self._ctx.workspace.name == "demo" or not self.sync:
            parts.append(_("Local only: no server configured"))
        self.workspace_label.setText("   ·   ".join(parts))

    # ------------------------------------------------------------------ reactions
    def _selection_changed(self, conversation_id: int | None) -> None:
        if conversation_id is None:
            self.side_panel.show_detail(None, self._ctx.clock())

    def _select_first_if_none(self) -> None:
        if self.inbox.selected_id is None and self.inbox.model.rowCount():
            self.inbox.select_row(0)

    def _synced(self, report: SyncReport) -> None:
        """The server sent changes (or took ours): refresh what the cycle names."""
        self.apply_changes(report.changes)
        self.conversation.templates.show_typing(report.typing, self._ctx.clock())

    def _show_side_panel(self) -> None:
        self.side_panel.show_detail(self.conversation.detail, self._ctx.clock())

    def set_culture_data(self, data: CultureData) -> None:
        """Etiquette profiles and rules are loaded (start-up, off the UI thread)."""
        self.side_panel.set_culture_data(data)
        self.draft_check.set_data(data)

    def show_loaded(
        self, culture: CultureData | None, problems: list[DataFileError], articles: bool = False
    ) -> None:
        """What the application's idle loading has brought so far (start-up, a new window)."""
        if culture is not None:
            self.set_culture_data(culture)
        self.show_data_problems(problems)
        if articles:
            self.apply_changes(Changes(articles=True))

    def select_when_listed(self, conversation_id: int, *, or_open: bool = False) -> None:
        """Once the first page is in (which otherwise selects its first row): select this
        conversation; ``or_open``: show it even if the list does not have it (``--open``)."""

        def select() -> None:
            self.inbox.page_loaded.disconnect(select)
            if not self.inbox.select_conversation(conversation_id) and or_open:
                self.conversation.show_conversation(conversation_id)

        self.inbox.page_loaded.connect(select)

    def show_data_problems(self, errors: list[DataFileError]) -> None:
        """Data files that failed their schema: named, the rest of the data still works."""
        if not errors:
            return
        ngettext = self._ctx.i18n.ngettext
        text = ngettext(
            "{count} data file could not be used (hover for details)",
            "{count} data files could not be used (hover for details)",
            len(errors),
        ).format(count=len(errors))
        label = self.findChild(QLabel, "dataProblems")
        if label is None:
            label = QLabel(self)
            label.setObjectName("dataProblems")
            label.setTextFormat(Qt.TextFormat.PlainText)
            self.statusBar().addWidget(label)
        label.setText(f"⚠ {text}")
        label.setToolTip("\n".join(str(error) for error in errors))

    def _culture_ready(self, culture: CustomerCulture) -> None:
        detail = self.conversation.detail
        self.draft_check.set_customer(culture, detail.customer.language if detail else None)

    def _insert_into_reply(self, text: str) -> None:
        """An article's customer text into the reply, in the agent's language (articles are
        English): the reply translation then takes it into the customer's language."""
        agent = self._ctx.agent_language
        translation = self._ctx.translation
        if primary_language(agent) == ARTICLE_LANGUAGE or translation is None:
            self._insert_text(text)
            return

        def failed(error: BaseException) -> None:
            self._insert_text(text)
            pane = self.conversation
            pane.notice.setText(
                self._ctx.i18n._("The article text was inserted in English: {reason}").format(
                    reason=localize(self._ctx.i18n, error)
                )
            )
            pane.notice.show()

        self._ctx.tasks.run(
            lambda: translation.back_translate(text, ARTICLE_LANGUAGE, agent),
            self._insert_text,
            failed,
            owner=self,
        )

    def _insert_text(self, text: str) -> None:
        composer = self.conversation.composer
        composer.set_kind(MessageKind.AGENT)
        composer.editor.insertPlainText(text)
        composer.editor.setFocus()

    def open_sync_problems(self) -> SyncProblemsDialog:
        """Conflicts and refused changes, for the agent to decide."""
        from app.ui.sync.problems_dialog import SyncProblemsDialog

        dialog = SyncProblemsDialog(self._ctx, self)
        dialog.changed.connect(lambda changes: self.apply_changes(changes, dialog))
        self.changes_applied.connect(dialog.apply_changes)
        dialog.open()
        return dialog

    def apply_changes(self, changes: Changes, initiator: object = None) -> None:
        """The one change path: every pane refreshes what ``changes`` names (nothing, if it
        names nothing); a change waiting in the outbox is sent at once when online."""
        if not changes:
            return
        self.changes_applied.emit(changes, initiator)
        if changes.outbox and self.sync is not None:
            self.sync.sync_now()

    def _reload_choices(self, changes: Changes, _initiator: object = None) -> None:
        """The header's menus (agents, tags, canned replies), only if what they offer moved."""
        if changes.choices:
            self._load_choices()

    # ------------------------------------------------------------------ menus
    def _build_actions(self) -> None:
        build_menus(self)

    def open_packs(self) -> PackManagerDialog:
        dialog = PackManagerDialog(self._ctx, self)
        dialog.changed.connect(lambda changes: self.apply_changes(changes, dialog))
        dialog.open()
        return dialog

    def open_glossary(self) -> GlossaryDialog:
        dialog = GlossaryDialog(self._ctx, self)
        dialog.saved.connect(lambda changes: self.apply_changes(changes, dialog))
        dialog.open()
        return dialog

    def open_memory(self) -> MemoryDialog:
        dialog = MemoryDialog(self._ctx, self)
        dialog.saved.connect(lambda changes: self.apply_changes(changes, dialog))
        dialog.open()
        return dialog

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self._ctx.i18n, self.actions_for_help, self)
        dialog.open()
        return dialog

    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self._ctx.i18n, self._ctx.settings, self, self._ctx.paths)
        dialog.accepted.connect(lambda: self.settings_changed.emit(dialog.result_settings()))
        dialog.open()
        return dialog

    # ------------------------------------------------------------------ closing
    def save_state(self) -> None:
        """Save the draft being typed (and keep an edited reply translation) and the layout."""
        self.conversation.composer.flush_draft()
        self.conversation.keep_edit()
        if self._ui_state is not None:
            self._ui_state.setValue("main/geometry", self.saveGeometry())
            self._ui_state.setValue("main/splitter", self.splitter.saveState())
            self._ui_state.setValue("main/sidePanelRail", "1" if self.side_panel.collapsed else "0")
            limit = self.conversation.split.limit
            self._ui_state.setValue("main/composerHeight", "" if limit is None else str(limit))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.save_state()
        super().closeEvent(event)
