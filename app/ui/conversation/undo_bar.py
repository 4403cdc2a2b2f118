"""The notice after an action that moves a conversation out of view: what happened, and
*Undo* for a few seconds (the agent sees where it went, and can take it back)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QToolButton, QWidget

from app.domain.changes import Changes
from app.domain.models import Status
from app.i18n import I18n
from app.ops import inbox
from app.ops.context import AppContext
from app.ops.types import Store
from app.ui.conversation.header import plain_label

UNDO_SECONDS = 6
UndoWork = Callable[[Store, int], Changes]


def status_message(i18n: I18n, status: Status | None) -> str | None:
    """What the bar says after a status change that moves the conversation out of view
    (``{name}``: the customer); None for one that does not (reopening)."""
    if status is Status.RESOLVED:
        return i18n._("Resolved: {name}")
    if status is Status.PENDING:
        return i18n._("Set to pending: {name}")
    return None


class UndoBar(QFrame):
    """ "Resolved: Ana Souza · Undo", hidden again after :data:`UNDO_SECONDS`.

    Non-modal: the agent works on while it shows; a newer action replaces it. Undo writes
    the previous values through :func:`app.ops.inbox.undo` (queued like any change).

    Signals:
        undone(int): the conversation whose action was undone (emitted before ``changed``).
        changed(object): the Changes of the undo.
    """

    undone = Signal(int)
    changed = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        report_error: Callable[[BaseException], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("undoBar")
        self._ctx = ctx
        self._report_error = report_error
        self._undoable: tuple[int, inbox.Before] | None = None
        self._work: UndoWork | None = None  # an action on many conversations (the inbox's)
        self.text = plain_label(self, "undoText")
        # A flat tool button: as tall as the status bar's text, so the bar never grows.
        self.button = QToolButton(self)
        self.button.setText(ctx.i18n._("Undo"))
        self.button.setAutoRaise(True)
        self.button.setObjectName("undoButton")
        self.button.clicked.connect(self.undo)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(4)
        layout.addWidget(self.text)
        layout.addWidget(self.button)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(UNDO_SECONDS * 1000)
        self.timer.timeout.connect(self._expire)
        self.hide()

    def offer(self, conversation_id: int, before: inbox.Before, text: str) -> None:
        """Say what happened and offer to put ``before`` back for the next few seconds."""
        self._undoable, self._work = (conversation_id, before), None
        self.text.setText(text)
        self.show()
        self.timer.start()

    def offer_work(self, text: str, work: UndoWork) -> None:
        """Offer to undo an action on many conversations: ``work(store, now)`` puts them
        back (one transaction) and returns its Changes."""
        self._undoable, self._work = None, work
        self.text.setText(text)
        self.show()
        self.timer.start()

    def undo(self) -> None:
        """Put the previous status, snooze and assignee back (once)."""
        self.timer.stop()
        self.hide()
        if self._work is not None:
            work, now, self._work = self._work, self._ctx.clock(), None
            self._ctx.tasks.run_store(
                lambda repo: work(repo, now), self.changed.emit, self._report_error, owner=self
            )
            return
        if self._undoable is None:
            return
        (cid, before), now = self._undoable, self._ctx.clock()
        self._undoable = None

        def done(changes: Changes) -> None:
            self.undone.emit(cid)  # first: the window selects it once the list has it
            self.changed.emit(changes)

        self._ctx.tasks.run_store(
            lambda repo: inbox.undo(repo, cid, before, now), done, self._report_error, owner=self
        )

    def _expire(self) -> None:
        self._undoable = self._work = None
        self.hide()
