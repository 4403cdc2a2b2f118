"""The agent's actions on the open conversation (status, snooze, assignment, tags, unread,
the human-translation hold, canned replies), kept apart from the pane's layout."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog, QWidget

from app.domain.changes import Changes
from app.domain.models import ConversationDetail, MessageKind, Status
from app.ops import inbox, snoozing
from app.ops.context import AppContext
from app.ops.reply import Reply
from app.ops.types import MacroRow, Store
from app.ui.conversation.snooze_dialog import SnoozeDialog
from app.ui.conversation.undo_bar import status_message
from app.ui.translation.held_reply_dialog import HeldReplyDialog

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel

    from app.ui.conversation.canned import CannedReplies
    from app.ui.conversation.composer import Composer
    from app.ui.conversation.template_dialog import TemplateSender
    from app.ui.conversation.thread_view import ThreadView
    from app.ui.conversation.undo_bar import UndoBar
    from app.ui.translation.reply_translation import ReplyTranslation


if TYPE_CHECKING:
    _PaneBase = QWidget
else:
    _PaneBase = object  # a plain mixin at run time: the pane alone is the Qt object


class PaneActions(_PaneBase):
    """Mixed into :class:`~app.ui.conversation.pane.ConversationPane`: what the header's
    buttons, the hold and the canned-reply menu do. Every change goes through ``_mutate``
    (the store lane) and comes back as a ``Changes`` value."""

    if TYPE_CHECKING:
        _ctx: AppContext
        _report_error: Callable[[BaseException], None]
        conversation_id: int | None
        detail: ConversationDetail | None
        undo_bar: UndoBar
        composer: Composer
        templates: TemplateSender
        thread_view: ThreadView
        reply_translation: ReplyTranslation
        canned: CannedReplies
        notice: QLabel
        _macros: list[MacroRow]

        def _after_change(self, changes: Changes) -> None: ...
        def _store_sent(self, message: Reply, then: Status | None = None) -> None: ...
        @property
        def customer_language(self) -> str | None: ...

    # ------------------------------------------------------------------ actions
    def _mutate(self, work: Callable[[Store], Changes], message: str | None = None) -> None:
        """Run an action on the open conversation. ``message``: it may move out of view;
        once stored, say what happened (naming the customer) and offer Undo."""
        if self.conversation_id is None:
            return
        offer = self._undo_offer(message)

        def done(changes: Changes) -> None:
            if offer is not None:
                offer()
            self._after_change(changes)

        self._ctx.tasks.run_store(work, done, self._report_error, owner=self)

    def _undo_offer(self, message: str | None) -> Callable[[], None] | None:
        """What to offer once the action is stored, from the row on screen before it."""
        cid, detail = self.conversation_id, self.detail
        if message is None or cid is None or detail is None or detail.row.id != cid:
            return None
        before, text = inbox.Before.of(detail.row), message.format(name=detail.row.customer_name)
        return lambda: self.undo_bar.offer(cid, before, text)

    def set_status(self, status: Status) -> None:
        cid, now = self.conversation_id, self._ctx.clock()
        if cid is not None:
            self._mutate(
                lambda repo: inbox.set_status(repo, cid, status, now),
                status_message(self._ctx.i18n, status),
            )

    def snooze(self, until: int) -> None:
        cid, now = self.conversation_id, self._ctx.clock()
        if cid is not None:
            self._mutate(
                lambda repo: inbox.snooze(repo, cid, until, now),
                self._ctx.i18n._("Snoozed: {name}"),
            )

    def snooze_until_reply(self) -> None:
        cid, now = self.conversation_id, self._ctx.clock()
        if cid is not None:
            self._mutate(
                lambda repo: snoozing.snooze_until_reply(repo, cid, now),
                self._ctx.i18n._("Snoozed until the customer replies: {name}"),
            )

    def pick_snooze(self) -> None:
        """The snooze dialog: a date and time (the agent's or the customer's), or a reply."""
        if self.detail is None or self.conversation_id is None:
            return
        who = self.detail.customer
        dialog = SnoozeDialog(self._ctx.i18n, self._ctx.clock(), who.name, who.timezone, self)
        dialog.snooze_chosen.connect(self.snooze)
        dialog.until_reply_chosen.connect(self.snooze_until_reply)
        dialog.open()

    def assign(self, agent_id: int | None) -> None:
        cid, now = self.conversation_id, self._ctx.clock()
        if cid is None:
            return
        _ = self._ctx.i18n._
        message: str | None = _("Reassigned: {name}")
        if agent_id is None:
            message = _("Unassigned: {name}")
        elif agent_id == self._ctx.workspace.me_id:
            message = None  # taken on: nothing leaves the agent's view
        self._mutate(lambda repo: inbox.assign(repo, cid, agent_id, now), message)

    def assign_to_me(self) -> None:
        if self._ctx.workspace.me_id is not None:
            self.assign(self._ctx.workspace.me_id)

    def mark_unread(self) -> None:
        cid = self.conversation_id
        if cid is not None:
            self._mutate(lambda repo: inbox.mark_unread(repo, cid))

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

    def hold_for_human(self) -> None:
        """Keep the reply for a colleague to translate (the source articles insist critical
        messages get a human translator); it is stored, tagged, and not sent. A translation
        the agent edited by hand goes with it, as the translator's starting point."""
        text, tag = self.composer.text(), self.customer_language
        if self.composer.conversation_id is None or tag is None or not text.strip():
            return
        gaps = self.canned.unfilled_notice(MessageKind.AGENT, text)  # a canned reply's ⟦…⟧
        if gaps:
            self.notice.setText(gaps)
            self.notice.show()
            return
        self._store_sent(self.reply_translation.draft.held(text, tag))

    def _translate_held(self, message_id: int) -> None:
        message = next((m for m in self.thread_view.messages if m.id == message_id), None)
        if message is None or not message.held:
            return
        dialog = HeldReplyDialog(self._ctx, message, self)  # it sends, or says why not
        dialog.released.connect(self._after_change)
        dialog.template_requested.connect(self.templates.choose)  # the window has closed
        dialog.open()
