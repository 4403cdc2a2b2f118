"""Translating the open conversation for the agent, progressively and cancellably.

Opening a conversation shows it at once; translations fill in: cached ones
immediately, then the newest messages, then the rest in small batches, each
batch a separate task so switching conversations cancels what has not started
(and drops what has).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Signal

from app.domain.cancel import CancelToken
from app.domain.models import ConversationDetail, MessageKind
from app.ops.context import AppContext
from app.ops.tasks import TaskHandle
from app.ops.translation import IncomingItem, IncomingPlan, IncomingResult
from app.ui.conversation.thread_view import Shown, ShownState, ThreadView
from app.ui.shell.labels import localize

FIRST_BATCH = 6  # the newest messages: what the agent reads first
BATCH = 48  # then the rest in large batches: one model call each is far faster than many


class IncomingTranslator(QObject):
    """Fills the thread view with translations of the customer's messages.

    Signals:
        language_known(str): the conversation's language (BCP 47) after detection.
        finished(int): every batch of this conversation has been shown.
        unavailable(str): why this conversation cannot be translated ("" once it can).
    """

    language_known = Signal(str)
    finished = Signal(int)
    unavailable = Signal(str)

    def __init__(self, ctx: AppContext, view: ThreadView) -> None:
        super().__init__(view)
        self._ctx = ctx
        self._view = view
        self._handles: list[TaskHandle] = []
        self._conversation: int | None = None

    def cancel(self) -> None:
        for handle in self._handles:
            handle.cancel()
        self._handles.clear()
        self._conversation = None

    def initial_states(self, detail: ConversationDetail) -> dict[int, Shown]:
        """What the thread shows before any result: "Translating…" under customer messages
        not yet known, when a pack could translate them (shown with the first paint)."""
        service = self._ctx.translation
        if service is None or not service.has_packs():
            return {}
        known = self._view.translations if self._conversation == detail.row.id else {}
        return {
            m.id: Shown(ShownState.PENDING)
            for m in detail.messages
            if m.kind is MessageKind.CUSTOMER and m.body.strip() and m.id not in known
        }

    def start(self, detail: ConversationDetail) -> None:
        """Translate ``detail``'s customer messages into the agent's language."""
        self.cancel()
        self.unavailable.emit("")
        service = self._ctx.translation
        if service is None:
            return
        self._conversation = detail.row.id
        agent = self._ctx.agent_language
        self._handles.append(
            self._ctx.tasks.run_store(  # the detail on screen: not read from the store again
                lambda repo: service.prepare_incoming(repo, detail, agent),
                self._planned,
                self._failed,
                owner=self,
            )
        )

    def _planned(self, plan: IncomingPlan) -> None:
        if plan.conversation_id != self._conversation:
            return
        if plan.cached:
            self._view.set_translations(
                {mid: Shown(ShownState.TRANSLATED, result) for mid, result in plan.cached.items()}
            )
        todo = [i.message_id for i in reversed(plan.items) if i.message_id not in plan.cached]
        if not todo and not any(i.needs_detection for i in plan.items):
            self._show_same(plan)
            self.finished.emit(plan.conversation_id)
            return
        batches = [todo[:FIRST_BATCH]] + [
            todo[i : i + BATCH] for i in range(FIRST_BATCH, len(todo), BATCH)
        ]
        self._next(plan, batches)

    def _show_same(self, plan: IncomingPlan) -> None:
        # Everything was cached or in the agent's language: the rest are "same language".
        rest = {
            i.message_id: Shown(ShownState.SAME)
            for i in plan.items
            if i.message_id not in plan.cached
        }
        if rest:
            self._view.set_translations(rest)

    def _next(self, plan: IncomingPlan, batches: list[list[int]]) -> None:
        service = self._ctx.translation
        assert service is not None
        if not batches:
            self.finished.emit(plan.conversation_id)
            return
        batch, rest = batches[0], batches[1:]
        token = CancelToken()  # cancelled with the handle when the agent moves on
        self._handles.append(
            self._ctx.tasks.run(
                lambda: service.translate_incoming(plan, batch, token),
                lambda result: self._translated(plan, result, batch, rest),
                self._failed,
                owner=self,
                token=token,
            )
        )

    def _translated(
        self,
        plan: IncomingPlan,
        result: IncomingResult,
        batch: list[int],
        rest: list[list[int]],
    ) -> None:
        if result.conversation_id != self._conversation:
            return
        shown: dict[int, Shown] = {mid: Shown(ShownState.SAME) for mid in result.same_language}
        shown.update({mid: Shown(ShownState.TRANSLATED, r) for mid, r in result.results.items()})
        untranslated = [mid for mid in batch if mid not in shown and mid not in plan.cached]
        self.language_known.emit(result.language)
        if result.no_route and untranslated:
            note = localize(self._ctx.i18n, result.no_route)
            nothing_translated = not plan.cached and not any(
                s.state == ShownState.TRANSLATED
                for s in (*self._view.translations.values(), *shown.values())
            )
            if nothing_translated:
                # The conversation's language has no pack: one notice above the thread,
                # not the same line under every message.
                shown.update({mid: Shown(ShownState.UNAVAILABLE) for mid in untranslated})
                shown.update(
                    {
                        i.message_id: Shown(ShownState.UNAVAILABLE)
                        for i in plan.items
                        if i.message_id not in shown and i.message_id not in plan.cached
                    }
                )
                self._view.set_translations(shown)
                self.unavailable.emit(note)
                self.finished.emit(plan.conversation_id)
                return
            shown.update({mid: Shown(ShownState.MISSING, note=note) for mid in untranslated})
        self._view.set_translations(shown)
        now = self._ctx.clock()
        service = self._ctx.translation
        assert service is not None
        if result.detections or result.to_cache:
            self._ctx.tasks.run_store(
                lambda repo: service.save_incoming(repo, result, now),
                None,
                self._failed,
                owner=self,
            )
        if result.detections:  # later batches reuse the detections instead of redoing them
            items = tuple(
                IncomingItem(
                    i.message_id, i.body, result.detections.get(i.message_id, i.detection), False
                )
                for i in plan.items
            )
            plan = replace(plan, items=items, override=plan.override or result.language)
        self._next(plan, rest)

    def _failed(self, error: BaseException) -> None:
        # A translation problem must never take the conversation away: say it under the messages.
        detail_ids = [
            mid
            for mid, shown in self._view.translations.items()
            if shown.state == ShownState.PENDING
        ]
        note = localize(self._ctx.i18n, error)
        self._view.set_translations(
            {mid: Shown(ShownState.MISSING, note=note) for mid in detail_ids}
        )
