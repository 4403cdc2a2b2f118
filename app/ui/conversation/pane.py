"""The middle pane: header, thread and composer of the selected conversation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QInputDialog, QLabel, QStackedWidget, QVBoxLayout, QWidget

from app.domain.models import ConversationDetail, MessageKind, Status
from app.services import inbox
from app.services.context import AppContext
from app.services.inbox import Changes, MessageTooLongError
from app.storage.repository import InboxRepository
from app.ui.conversation.composer import Composer
from app.ui.conversation.header import ConversationHeader, plain_label
from app.ui.conversation.thread_view import ThreadView
from app.ui.dialogs.message_viewer import MessageViewer

CLOCK_TICK_MS = 30_000


class ConversationPane(QStackedWidget):
    """Shows one conversation and performs the agent's actions on it.

    Signals:
        changed(object): a Changes value after a successful action.
        loaded(int): the conversation with this id is on screen.
    """

    changed = Signal(object)
    loaded = Signal(int)

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

        self.empty = QLabel(_("Select a conversation to read it here."), self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setObjectName("muted")
        self.addWidget(self.empty)

        page = QWidget(self)
        self.header = ConversationHeader(ctx.i18n, ctx.clock, page)
        self.thread = ThreadView(ctx.i18n, page)
        self.notice = plain_label(page, "notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.composer = Composer(ctx.i18n, page)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.thread, 1)
        layout.addWidget(self.notice)
        layout.addWidget(self.composer)
        self.addWidget(page)
        self.page = page

        self.header.status_requested.connect(self.set_status)
        self.header.snooze_requested.connect(self.snooze)
        self.header.assign_requested.connect(self.assign)
        self.header.tag_toggled.connect(self.toggle_tag)
        self.header.new_tag_requested.connect(self._ask_new_tag)
        self.composer.send_requested.connect(self.send)
        self.composer.draft_changed.connect(self._save_draft)
        self.thread.full_message_requested.connect(self._show_full_message)

        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_TICK_MS)
        self._clock.timeout.connect(lambda: self.header.update_clock(self._ctx.clock()))
        self._clock.start()

    # ------------------------------------------------------------------ loading
    def show_conversation(self, conversation_id: int | None) -> None:
        """Open a conversation (saving the draft of the one being left)."""
        self.composer.flush_draft()
        self.conversation_id = conversation_id
        self.notice.hide()
        if conversation_id is None:
            self.detail = None
            self.thread.clear_thread()
            self.setCurrentWidget(self.empty)
            return
        self._ctx.tasks.run_store(
            lambda repo: inbox.open_conversation(repo, conversation_id),
            self._show_detail,
            key="open-conversation",
            owner=self,
        )

    def reload(self) -> None:
        """Re-read the open conversation (after an action changed it)."""
        if self.conversation_id is not None:
            conversation_id = self.conversation_id
            self._ctx.tasks.run_store(
                lambda repo: repo.conversation_detail(conversation_id),
                lambda detail: self._show_detail(detail, keep_draft=True),
                key="open-conversation",
                owner=self,
            )

    def _show_detail(self, detail: ConversationDetail, keep_draft: bool = False) -> None:
        if detail.row.id != self.conversation_id:
            return
        now = self._ctx.clock()
        first_time = self.detail is None or self.detail.row.id != detail.row.id
        self.detail = detail
        self.header.show_detail(detail, now)
        if first_time or len(detail.messages) != len(self.thread.messages):
            self.thread.show_detail(detail, now)
        if not keep_draft or first_time:
            self.composer.load_draft(detail.draft)
        self.setCurrentWidget(self.page)
        self.loaded.emit(detail.row.id)

    def set_choices(self, agents: tuple[Any, ...], tags: tuple[str, ...]) -> None:
        self.header.set_choices(agents, tags)

    # ------------------------------------------------------------------ actions
    def _mutate(self, work: Callable[[InboxRepository], Changes]) -> None:
        if self.conversation_id is None:
            return
        self._ctx.tasks.run_store(work, self._after_change, self._report_error, owner=self)

    def _after_change(self, changes: Changes) -> None:
        self.changed.emit(changes)
        if self.conversation_id in changes.conversation_ids:
            self.reload()

    def set_status(self, status: Status) -> None:
        cid, now = self.conversation_id, self._ctx.clock()
        if cid is not None:
            self._mutate(lambda repo: inbox.set_status(repo, cid, status, now))

    def snooze(self, until: int) -> None:
        cid, now = self.conversation_id, self._ctx.clock()
        if cid is not None:
            self._mutate(lambda repo: inbox.snooze(repo, cid, until, now))

    def assign(self, agent_id: int | None) -> None:
        cid, now = self.conversation_id, self._ctx.clock()
        if cid is not None:
            self._mutate(lambda repo: inbox.assign(repo, cid, agent_id, now))

    def assign_to_me(self) -> None:
        if self._ctx.workspace.me_id is not None:
            self.assign(self._ctx.workspace.me_id)

    def toggle_tag(self, tag: str, add: bool) -> None:
        cid, now = self.conversation_id, self._ctx.clock()
        if cid is None:
            return
        if add:
            self._mutate(lambda repo: inbox.add_tag(repo, cid, tag, now))
        else:
            self._mutate(lambda repo: inbox.remove_tag(repo, cid, tag, now))

    def _ask_new_tag(self) -> None:
        _ = self._ctx.i18n._
        text, ok = QInputDialog.getText(self, _("New tag"), _("Tag name:"))
        tag = " ".join(text.split())[:60]
        if ok and tag:
            self.toggle_tag(tag, True)

    def send(self, kind: MessageKind, text: str) -> None:
        """Store the reply/note; the composer keeps the text until the store confirms."""
        cid, now, me = self.conversation_id, self._ctx.clock(), self._ctx.workspace.me_id
        if cid is None:
            return

        def done(changes: Changes) -> None:
            self.composer.clear_sent(kind, text)
            self._after_change(changes)

        self._ctx.tasks.run_store(
            lambda repo: inbox.send_message(repo, cid, kind, text, me, now),
            done,
            self._send_failed,
            owner=self,
        )

    def _send_failed(self, error: BaseException) -> None:
        _ = self._ctx.i18n._
        if isinstance(error, MessageTooLongError):
            self.notice.setText(
                _(
                    "This message is too long to send ({count} characters; the limit is {limit}). "
                    "Shorten it or send it in parts; your text is still in the editor."
                ).format(
                    count=self._ctx.i18n.number(int(error.args[0])),
                    limit=self._ctx.i18n.number(inbox.MAX_REPLY_CHARS),
                )
            )
            self.notice.show()
            return
        self._report_error(error)

    def _save_draft(self, kind: MessageKind, text: str) -> None:
        cid, now = self.conversation_id, self._ctx.clock()
        if cid is not None:
            self._ctx.tasks.run_store(
                lambda repo: inbox.save_draft(repo, cid, kind, text, now),
                None,
                self._report_error,
                owner=self,
            )

    def _show_full_message(self, message_id: int) -> None:
        message = next((m for m in self.thread.messages if m.id == message_id), None)
        if message is not None:
            MessageViewer(self._ctx.i18n, message.body, self).open()
