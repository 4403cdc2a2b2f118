"""The middle pane: header, thread and composer of the selected conversation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.errors import ReplyWindowClosedError
from app.domain.models import ConversationDetail, MessageKind, Status
from app.domain.review import SentFinding
from app.ops import inbox, reply, translation_data
from app.ops.context import AppContext
from app.ops.reply import EditedPreview, MessageTooLongError, Reply
from app.ops.types import MacroRow
from app.translation.api import primary
from app.ui.conversation.actions import PaneActions
from app.ui.conversation.attachment_tray import ComposerAttachments
from app.ui.conversation.canned import CannedReplies
from app.ui.conversation.composer import Composer
from app.ui.conversation.header import ConversationHeader, plain_label
from app.ui.conversation.mentions import MentionCompleter
from app.ui.conversation.message_viewer import MessageViewer
from app.ui.conversation.split import ThreadSplit
from app.ui.conversation.template_dialog import TemplateSender
from app.ui.conversation.thread_view import ThreadView
from app.ui.conversation.undo_bar import UndoBar, status_message
from app.ui.translation.held_actions import HeldReplyActions
from app.ui.translation.incoming import IncomingTranslator
from app.ui.translation.reply_translation import ReplyTranslation

CLOCK_TICK_MS = 30_000
MAX_KEPT_EDITS = 200  # hand-edited reply translations kept for conversations not on screen


class ConversationPane(PaneActions, QStackedWidget):
    """Shows one conversation and performs the agent's actions on it.

    Signals:
        changed(object): a Changes value after a successful action.
        loaded(int): the conversation with this id is on screen.
        packs_requested(): the agent wants the language pack manager.
        undone(int): an action on this conversation was undone (the window shows it again).
    """

    changed = Signal(object)
    loaded = Signal(int)
    packs_requested = Signal()
    undone = Signal(int)

    def __init__(
        self,
        ctx: AppContext,
        report_error: Callable[[BaseException], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._report_error = report_error
        _ = ctx.i18n._
        self.conversation_id: int | None = None
        self.detail: ConversationDetail | None = None
        # Drafts live in the store; a hand-edited reply translation lives here while the
        # agent looks at other conversations (and moves to a rebuilt window).
        self.kept_edits: dict[int, EditedPreview] = {}
        # The draft check's findings the agent sees, recorded with a sent reply (for review).
        self.sent_findings: Callable[[], Sequence[SentFinding]] = tuple
        # Shown by the window (status bar): it outlives the conversation leaving the pane.
        self.undo_bar = UndoBar(ctx, report_error, self)
        self.undo_bar.undone.connect(self.undone.emit)
        self.undo_bar.changed.connect(self._after_change)

        self.empty = QLabel(_("Select a conversation to read it here."), self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setObjectName("muted")
        self.addWidget(self.empty)

        page = QWidget(self)
        self.header = ConversationHeader(ctx.i18n, ctx.clock, page)
        self.thread_view = ThreadView(ctx.i18n, page)
        self.notice = plain_label(page, "notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.translation_banner = QFrame(page)
        self.translation_banner.setObjectName("translationBanner")
        self.banner_text = plain_label(self.translation_banner, "bannerText")
        self.banner_text.setWordWrap(True)
        banner_button = QPushButton(_("Language packs…"), self.translation_banner)
        banner_button.clicked.connect(self.packs_requested.emit)
        banner_layout = QHBoxLayout(self.translation_banner)
        banner_layout.setContentsMargins(14, 6, 14, 6)
        banner_layout.addWidget(self.banner_text, 1)
        banner_layout.addWidget(banner_button)
        self.translation_banner.hide()
        self.composer = Composer(ctx.i18n, page)
        self._macros: list[MacroRow] = []
        self.canned = CannedReplies(ctx, self.composer, lambda: self.conversation_id, report_error)
        self.mention_completer = MentionCompleter(self.composer)  # "@" in a note
        self.attach = ComposerAttachments(ctx, self.composer, report_error)  # files on the draft
        self.thread_view.use_attachments(ctx.tasks)  # files under messages
        self.attach.accept_drops_on(self.thread_view.viewport())
        self.reply_translation = ReplyTranslation(ctx, self.composer)
        self.composer.add_panel(self.reply_translation)
        self.incoming = IncomingTranslator(ctx, self.thread_view)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.translation_banner)
        self.templates = TemplateSender(ctx, self, report_error)  # closed WhatsApp window
        parts: list[QWidget] = [self.notice, self.templates.gate, self.composer]
        self.split = ThreadSplit(self.thread_view, parts, page, footer=self.composer.send_row)
        layout.addWidget(self.split, 1)
        self.addWidget(page)
        self.page = page

        self.header.status_requested.connect(self.set_status)
        self.header.snooze_requested.connect(self.snooze)
        self.header.snooze_until_reply_requested.connect(self.snooze_until_reply)
        self.header.snooze_pick_requested.connect(self.pick_snooze)
        self.header.assign_requested.connect(self.assign)
        self.header.tag_toggled.connect(self.toggle_tag)
        self.header.new_tag_requested.connect(self._ask_new_tag)
        self.composer.send_requested.connect(self.send)
        self.attach.changed.connect(self._after_change)
        self.loaded.connect(lambda _cid: self.attach.show_draft(self.detail))
        self.composer.send_then_requested.connect(self.send)
        self.reply_translation.send_requested.connect(self.composer.request_send)
        self.reply_translation.packs_requested.connect(self.packs_requested.emit)
        self.composer.draft_changed.connect(self._save_draft)
        self.composer.typed_ahead.connect(self._append_to_draft)
        self.thread_view.full_message_requested.connect(self._show_full_message)
        self.thread_view.packs_requested.connect(self.packs_requested.emit)
        self.thread_view.held_reply_requested.connect(self._translate_held)
        self.held_actions = HeldReplyActions(self)  # assign, cancel hold
        self.composer.text_edited.connect(self._composer_edited)
        self.reply_translation.human_translation_requested.connect(self.hold_for_human)
        self.reply_translation.state_changed.connect(self._translation_state_changed)
        self.reply_translation.send_confirmed.connect(self.composer.request_send)
        self.incoming.language_known.connect(self._language_detected)
        self.incoming.unavailable.connect(self._show_unavailable)
        self.header.language_chosen.connect(self.set_language)

        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_TICK_MS)
        self._clock.timeout.connect(lambda: self.header.update_clock(self._ctx.clock()))
        self._clock.timeout.connect(self.templates.refresh)
        self._clock.start()

    # ------------------------------------------------------------------ loading
    def show_conversation(self, conversation_id: int | None) -> None:
        """Open a conversation (saving the draft of the one being left).

        Until it is on screen the composer sends nothing and what is typed is for it.
        """
        self.keep_edit()
        self.composer.await_conversation(conversation_id)
        self.reply_translation.setEnabled(False)  # its preview is the previous one's
        self.conversation_id = conversation_id
        self.notice.hide()
        if conversation_id is None:
            self.detail = None
            self.incoming.cancel()
            self.thread_view.clear_thread()
            self.setCurrentWidget(self.empty)
            return
        now = self._ctx.clock()  # @mentions of the agent in it are seen at this time
        self._ctx.tasks.run_store(
            lambda repo: inbox.open_conversation(repo, conversation_id, now),
            self._show_detail,
            self._gone,
            key="open-conversation",
            owner=self,
        )

    def reload(self) -> None:
        """Re-read the open conversation (after an action changed it)."""
        if self.conversation_id is not None:
            conversation_id = self.conversation_id
            self._ctx.tasks.run_store(
                lambda store: inbox.conversation_detail(store, conversation_id),
                lambda detail: self._show_detail(detail, keep_draft=True),
                self._gone,
                key="open-conversation",
                owner=self,
            )

    def _gone(self, error: BaseException) -> None:
        """The conversation was erased or removed by retention while it was being read:
        the pane empties (the inbox drops its row); anything else is a real error."""
        if not isinstance(error, KeyError):
            self._ctx.tasks.default_error(error)  # reported as any other failure
            return
        if self.conversation_id in error.args:
            self.show_conversation(None)

    def _show_detail(self, detail: ConversationDetail, keep_draft: bool = False) -> None:
        if detail.row.id != self.conversation_id:
            return
        now = self._ctx.clock()
        first_time = self.detail is None or self.detail.row.id != detail.row.id
        self.detail = detail
        self.header.show_detail(detail, now)
        self.templates.refresh()
        if first_time:
            self.reply_translation.set_customer_language(self.customer_language)
        if first_time or (detail.messages, detail.events) != (
            self.thread_view.messages,
            self.thread_view.events,
        ):
            kept = {} if first_time else self.thread_view.translations
            states = {**kept, **self.incoming.initial_states(detail)}
            self.thread_view.show_detail(detail, now, states)  # one layout, pending marks included
            self.incoming.start(detail)
        self.thread_view.refresh_attachments(detail)  # a file arrived or was refused
        if not keep_draft or first_time or self.composer.conversation_id != detail.row.id:
            self.composer.load_draft(detail.draft, detail.row.id)
        self.reply_translation.setEnabled(True)
        if first_time:
            edit = self.kept_edits.pop(detail.row.id, None)
            if edit is not None:
                self.reply_translation.restore(edit, self.composer.text())
        self.setCurrentWidget(self.page)
        self.loaded.emit(detail.row.id)

    def set_choices(
        self, agents: tuple[Any, ...], tags: tuple[str, ...], macros: Sequence[MacroRow] = ()
    ) -> None:
        self.header.set_choices(agents, tags)
        self._macros = list(macros)
        self.canned.agent_names = {a.uid: a.name for a in agents}
        self.mention_completer.agents = tuple(agents)
        self.thread_view.mention_agents = [(a.id, a.name) for a in agents]

    def apply_changes(self, changes: Changes, _initiator: object = None) -> None:
        """The window's one change path: translate again if translation data or packs
        changed; else re-read the open conversation only if the changes name it."""
        if changes.translation:
            self.retranslate()
        elif changes.names(self.conversation_id):
            self.reload()

    def retranslate(self) -> None:
        """Packs, glossary or memory changed: translate the open conversation again."""
        if self.conversation_id is not None:
            cid = self.conversation_id
            self.detail = None
            self.thread_view.translations.clear()
            self.show_conversation(cid)

    def keep_edit(self) -> None:
        """Keep the open conversation's hand-edited reply translation for when it is back."""
        cid = self.conversation_id
        if cid is None or self.detail is None or self.detail.row.id != cid:
            return
        state = self.reply_translation.edited_state()
        self.kept_edits.pop(cid, None)
        if state is not None:
            self.kept_edits[cid] = state
            while len(self.kept_edits) > MAX_KEPT_EDITS:
                del self.kept_edits[next(iter(self.kept_edits))]

    # ------------------------------------------------------------------ actions
    def _after_change(self, changes: Changes) -> None:
        self.changed.emit(changes)  # the window applies it, to this pane too

    @property
    def customer_language(self) -> str | None:
        """The language replies go out in: the agent's override, else the detected one."""
        if self.detail is None:
            return None
        return self.detail.language_override or self.detail.row.language

    def send(self, kind: MessageKind, text: str, then: Status | None = None) -> None:
        """Store the reply/note; the composer keeps the text until the store confirms.

        A reply to a customer in another language sends exactly the preview's text.
        ``then``: "Send and resolve" / "Send and set pending", in the same transaction.
        """
        if self.composer.conversation_id is None:
            return  # the next conversation is still opening
        if kind is MessageKind.NOTE:
            self._store_sent(reply.note(text), then)
            return
        gaps = self.canned.unfilled_notice(kind, text)  # a canned reply's ⟦…⟧ left unfilled
        if gaps:
            self.notice.setText(gaps)
            self.notice.show()
            return
        # Files only: nothing to translate.
        message = self.reply_translation.draft.reply(text) if text.strip() else Reply(kind, "")
        if message is None:
            self.notice.setText(self.reply_translation.blocked_reason())
            self.notice.show()
            self.reply_translation.refresh_now()
            return
        self.notice.hide()
        self._store_sent(message, then)

    def _store_sent(self, message: Reply, then: Status | None = None) -> None:
        """Store a reply, note or held reply typed in the composer, once: while the store
        has it the composer neither saves it as a draft again nor sends it twice; if the
        store refuses it, it becomes the draft right there in the store lane's order."""
        kind, text = message.kind, message.words
        cid = self.composer.begin_send(kind, text)
        if cid is None:
            return
        now, me = self._ctx.clock(), self._ctx.workspace.me_id
        then_status = then or self.canned.status_on_send(cid, kind)  # a canned reply's
        offer = self._undo_offer(status_message(self._ctx.i18n, then_status))
        seen = tuple(self.sent_findings()) if kind is MessageKind.AGENT else ()

        def done(changes: Changes) -> None:
            if offer is not None:
                offer()  # Undo sets the status back; what was sent stays sent
            self.canned.sent(cid, kind)
            if self.composer.send_finished(cid, kind, text, stored=True):
                if kind is MessageKind.AGENT:
                    self.reply_translation.clear()  # it went out with the reply
            elif self.composer.conversation_id != cid:
                kept = self.kept_edits.get(cid)
                if kept is not None and kept.source_text == text:
                    del self.kept_edits[cid]  # it went out with the reply
            self._after_change(changes)

        def failed(error: BaseException) -> None:
            self.composer.send_finished(cid, kind, text, stored=False)
            self._send_failed(error)

        self._ctx.tasks.run_store(
            self.canned.send_work(cid, message, me, now, then)  # with a canned reply's actions
            or (
                lambda store: reply.send_or_keep_draft(
                    store, cid, message, me, now, then, sent_findings=seen
                )
            ),
            done,
            failed,
            owner=self,
        )

    def set_language(self, tag: str | None) -> None:
        """The agent's choice of the conversation's language (None: detect it again)."""
        cid, now = self.conversation_id, self._ctx.clock()
        if cid is None:
            return

        def done(_changes: Changes) -> None:
            self.detail = None  # reopen: the thread re-translates, the reply follows the language
            self.thread_view.translations.clear()
            self.show_conversation(cid)

        self._ctx.tasks.run_store(
            lambda store: translation_data.set_language_override(store, cid, tag, now),
            done,
            self._report_error,
            owner=self,
        )

    def _language_detected(self, tag: str) -> None:
        if self.detail is None or self.detail.language_override:
            return
        current = self.reply_translation.customer_tag
        if current is None or primary(current) != primary(tag):
            self.reply_translation.set_customer_language(tag)
            self.reply_translation.text_changed(self.composer.text())
            self.header.set_detected_language(tag)

    def _show_unavailable(self, reason: str) -> None:
        _ = self._ctx.i18n._
        if reason:
            self.banner_text.setText(
                _("Messages are shown as written. {reason}").format(reason=reason)
            )
        self.translation_banner.setVisible(bool(reason))

    def _composer_edited(self, kind: MessageKind, text: str) -> None:
        if self.composer.conversation_id is None:
            return  # typed for a conversation still opening: translated once it is shown
        panel = self.reply_translation
        panel.setVisible(kind is MessageKind.AGENT and panel.active)
        if kind is MessageKind.AGENT:
            panel.text_changed(text)

    def _translation_state_changed(self) -> None:
        if self.notice.isVisible() and self.reply_translation.outgoing(self.composer.text()):
            self.notice.hide()

    def _send_failed(self, error: BaseException) -> None:
        _ = self._ctx.i18n._
        if isinstance(error, MessageTooLongError):
            self.notice.setText(
                _(
                    "This message is too long to send ({count} characters; the limit is {limit}). "
                    "Shorten it or send it in parts; your text is still in the editor."
                ).format(
                    count=self._ctx.i18n.number(int(error.args[0])),
                    limit=self._ctx.i18n.number(reply.MAX_REPLY_CHARS),
                )
            )
            self.notice.show()
            return
        if isinstance(error, ReplyWindowClosedError):  # it closed since the clock last ticked
            self.header.update_clock(self._ctx.clock())  # the countdown says "closed"
            self.templates.refresh()  # the notice and template picker; the text stays
            return
        self._report_error(error)

    def _save_draft(self, cid: int, kind: MessageKind, text: str) -> None:
        """Save the composer's text under the conversation it was typed for."""
        now = self._ctx.clock()
        work = lambda repo: inbox.save_draft(repo, cid, kind, text, now)  # noqa: E731
        self._ctx.tasks.run_store(work, None, self._report_error, owner=self)

    def _append_to_draft(self, cid: int, text: str) -> None:
        now = self._ctx.clock()
        work = lambda repo: inbox.append_to_draft(repo, cid, text, now)  # noqa: E731
        self._ctx.tasks.run_store(work, None, self._report_error, owner=self)

    def _show_full_message(self, message_id: int) -> None:
        message = next((m for m in self.thread_view.messages if m.id == message_id), None)
        if message is not None:
            MessageViewer(self._ctx.i18n, message.body, self).open()
