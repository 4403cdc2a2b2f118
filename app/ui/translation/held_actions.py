"""What the links under a held reply do (besides "Translate and send…", in the pane's
actions): give it to a colleague, or take it back into the composer, nothing lost."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from app.domain.changes import Changes
from app.domain.models import Draft, Message, MessageKind
from app.ops import held
from app.ops.reply import EditedPreview
from app.translation.api import Provenance, ProvenanceKind
from app.ui.translation.held_reply_dialog import AssignTranslatorDialog
from app.ui.translation.held_view import HELD_ASSIGN_SCHEME, HELD_CANCEL_SCHEME

if TYPE_CHECKING:
    from app.ui.conversation.pane import ConversationPane


class HeldReplyActions(QObject):
    """Assign and Cancel hold for the pane's thread; every change goes through an op on
    the store lane and comes back to the window as ``Changes``."""

    def __init__(self, pane: ConversationPane) -> None:
        super().__init__(pane)
        self._pane = pane
        pane.thread_view.held_action_requested.connect(self.act)

    def act(self, action: str, message_id: int) -> None:
        message = next((m for m in self._pane.thread_view.messages if m.id == message_id), None)
        if message is None or not message.held:
            return
        if action == HELD_ASSIGN_SCHEME:
            self.ask_assign(message)
        elif action == HELD_CANCEL_SCHEME:
            self.cancel(message)

    # ------------------------------------------------------------------ assign
    def ask_assign(self, message: Message) -> AssignTranslatorDialog:
        dialog = AssignTranslatorDialog(self._pane._ctx, message, self._pane)
        dialog.chosen.connect(lambda agent_id: self.assign(message, agent_id))
        dialog.open()
        return dialog

    def assign(self, message: Message, agent_id: int | None) -> None:
        ctx = self._pane._ctx
        me, now = ctx.workspace.me_id, ctx.clock()
        ctx.tasks.run_store(
            lambda store: held.assign(store, message.id, agent_id, me, now),
            self._done,
            self._pane._report_error,
            owner=self,
        )

    # ------------------------------------------------------------------ cancel
    def cancel(self, message: Message) -> None:
        """Take the reply back: its words go into the composer after what is being typed
        there, and the agent's own edit of the translation comes back with them."""
        pane = self._pane
        composer, cid = pane.composer, message.conversation_id
        if composer.conversation_id != cid:
            return  # the conversation is still opening
        current = composer.text()
        if composer.kind is MessageKind.NOTE and current.strip():
            pane.notice.setText(
                pane._ctx.i18n._(
                    "Add or clear the internal note you are writing first: the held reply"
                    " goes back into the editor as a reply."
                )
            )
            pane.notice.show()
            return
        now = pane._ctx.clock()

        def done(changes: Changes) -> None:
            if composer.conversation_id == cid:
                self._restore(message, current, now)
            self._done(changes)

        pane._ctx.tasks.run_store(
            lambda store: held.cancel(store, message.id, current, now),
            done,
            pane._report_error,
            owner=self,
        )

    def _restore(self, message: Message, stored_from: str, now: int) -> None:
        """Show the draft the store now holds (or, if the agent typed on meanwhile, their
        text with the words after it, saved again)."""
        pane, composer = self._pane, self._pane.composer
        cid = message.conversation_id
        words = message.original_body or message.body
        typed = composer.text()
        text = held.joined_draft(typed if composer.kind is MessageKind.AGENT else "", words)
        composer.load_draft(Draft(cid, MessageKind.AGENT, text, now))
        if typed != stored_from:
            pane._save_draft(cid, MessageKind.AGENT, text)
        provenance = Provenance.from_json(message.provenance)
        edited = provenance is not None and provenance.kind == ProvenanceKind.HUMAN_EDITED
        if edited and not stored_from.strip() and message.language and message.body.strip():
            pane.reply_translation.restore(
                EditedPreview(message.language, words, message.body, None, None), text
            )
        composer.focus_editor(MessageKind.AGENT)

    def _done(self, changes: Changes) -> None:
        self._pane._after_change(changes)
