"""What sync could not settle alone: conflicts to decide, refused changes to retry or drop.

Nothing is overwritten without the agent seeing both sides: a conflict shows what
the agent saw, what they chose and what the server has now, with "Keep mine" and
"Keep theirs". A refused change shows the server's reason, with "Try again" and
"Discard" (a refused reply stays in the thread, marked "not sent").
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.display import display_text, isolated
from app.domain.models import Status
from app.ops import sync_problems
from app.ops.context import AppContext
from app.ops.sync_problems import FieldChange, ProblemKind, SyncProblem
from app.ops.types import Store
from app.ui.shell.elided import ElidedLabel
from app.ui.shell.labels import status_label
from app.ui.sync.status import retry_text


class SyncProblemsDialog(QDialog):
    """Signals:
    changed(object): a decision was stored (Changes), so the window refreshes and syncs.
    """

    changed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        _ = ctx.i18n._
        self.setWindowTitle(_("Sync: needs attention"))
        self.resize(620, 420)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.rows = QWidget(self)
        self.rows_layout = QVBoxLayout(self.rows)
        self.rows_layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.rows)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.problems: list[SyncProblem] = []
        self.reload()

    def reload(self) -> None:
        self._ctx.tasks.run_store(
            sync_problems.list_problems, self._show, key="sync-problems", owner=self
        )

    def _show(self, problems: list[SyncProblem]) -> None:
        _ = self._ctx.i18n._
        self.problems = problems
        while self.rows_layout.count():
            item = self.rows_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        if not problems:
            self.intro.setText(_("Everything is in sync: nothing needs your attention."))
            return
        self.intro.setText(
            _(
                "These changes could not be sent yet. They are tried again automatically; "
                "you can try one now or discard it."
            )
            if all(problem.kind is ProblemKind.RETRYING for problem in problems)
            else _(
                "These changes could not be settled automatically. Nothing has been "
                "overwritten: choose what should happen."
            )
        )
        for problem in problems:
            self.rows_layout.addWidget(self._row(problem))

    def _row(self, problem: SyncProblem) -> QFrame:
        _ = self._ctx.i18n._
        frame = QFrame(self.rows)
        frame.setObjectName("syncProblem")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(frame)
        title = ElidedLabel(self._ctx.i18n, frame, max_chars=300)  # a customer's subject
        title.setText(problem.subject)
        title.setObjectName("syncProblemTitle")
        layout.addWidget(title)
        detail = QLabel(frame)
        detail.setTextFormat(Qt.TextFormat.PlainText)  # server text and customer text: plain
        detail.setWordWrap(True)
        detail.setObjectName("syncProblemDetail")
        detail.setText(self._describe(problem))
        layout.addWidget(detail)
        actions = QHBoxLayout()
        actions.addStretch(1)
        if problem.kind is ProblemKind.CONFLICT:
            self._button(actions, _("Keep mine"), "keepMine", sync_problems.keep_mine, problem)
            self._button(
                actions, _("Keep theirs"), "keepTheirs", sync_problems.keep_theirs, problem
            )
        elif problem.kind is ProblemKind.RETRYING:  # same action as "Try again": now, same key
            self._button(actions, _("Try now"), "retry", sync_problems.retry, problem)
            self._button(actions, _("Discard"), "discard", sync_problems.discard, problem)
        else:
            self._button(actions, _("Try again"), "retry", sync_problems.retry, problem)
            self._button(actions, _("Discard"), "discard", sync_problems.discard, problem)
        layout.addLayout(actions)
        return frame

    def _describe(self, problem: SyncProblem) -> str:
        _ = self._ctx.i18n._
        if problem.kind is ProblemKind.CONFLICT:
            conflict = {  # a review operation names what it changes
                "review": _("Someone else changed this review while your change was on its way."),
                "annotation": _(
                    "Someone else changed this annotation while your change was on its way."
                ),
                "rubric": _("Someone else changed the scorecard while your change was on its way."),
                "scenario": _(
                    "Someone else changed this practice scenario while your change was on its way."
                ),
                "assignment": _(
                    "Someone else changed this practice assignment while your change was on its"
                    " way."
                ),
                "attempt": _(
                    "A different practice attempt with the same id is already on the server."
                ),
            }.get(problem.item or "")
            lines = [
                conflict
                or _("Someone else changed this conversation while your change was on its way.")
            ]
            lines += [self._field_line(change) for change in problem.changes]
            return "\n".join(lines)
        if problem.kind is ProblemKind.RETRYING:
            return self._describe_retrying(problem)
        if problem.item == "erasure":
            what = _(
                "The server did not accept this customer's erasure. They are erased on this"
                " computer; ask your server's administrator to erase them there."
            )
        elif problem.is_message:
            what = _("Your reply was not accepted: “{excerpt}”").format(
                excerpt=display_text(problem.excerpt, 300)
            )
        else:
            what = _("Your change to this conversation was not accepted.")
        reason = _("The server said: {reason}").format(reason=display_text(problem.error, 500))
        return f"{what}\n{reason}"

    def _describe_retrying(self, problem: SyncProblem) -> str:
        _ = self._ctx.i18n._
        if problem.item == "erasure":
            what = _("This customer's erasure is waiting to be sent to the server.")
        elif problem.is_message:
            what = _("Your reply is waiting to be sent: “{excerpt}”").format(
                excerpt=display_text(problem.excerpt, 300)
            )
        else:
            what = _("Your change to this conversation is waiting to be sent.")
        at = problem.next_attempt_at or 0
        when = retry_text(self._ctx.i18n, problem.attempts, at, self._ctx.clock())
        reason = _("The server said: {reason}").format(reason=display_text(problem.error, 500))
        return f"{what}\n{when}\n{reason}"

    def _field_line(self, change: FieldChange) -> str:
        _ = self._ctx.i18n._
        if change.field == "status":
            was, mine, theirs = (self._status(v) for v in (change.was, change.mine, change.theirs))
            return _("Status: you changed {was} to {mine}; it is now {theirs}.").format(
                was=was, mine=mine, theirs=theirs
            )
        nobody = _("Unassigned")
        was, mine, theirs = (
            isolated(v, 60) if v else nobody for v in (change.was, change.mine, change.theirs)
        )
        return _("Assignee: you changed {was} to {mine}; it is now {theirs}.").format(
            was=was, mine=mine, theirs=theirs
        )

    def _status(self, value: str | None) -> str:
        try:
            return status_label(self._ctx.i18n, Status(str(value)))
        except ValueError:
            return display_text(str(value), 40)

    def _button(
        self,
        layout: QHBoxLayout,
        text: str,
        name: str,
        decide: Callable[[Store, int], Changes],
        problem: SyncProblem,
    ) -> None:
        button = QPushButton(text, self.rows)
        button.setObjectName(name)
        button.clicked.connect(
            lambda: self._ctx.tasks.run_store(
                lambda repo: decide(repo, problem.operation_id), self._decided, owner=self
            )
        )
        layout.addWidget(button)

    def _decided(self, changes: Changes) -> None:
        self.changed.emit(changes)
        self.reload()

    def apply_changes(self, changes: Changes, initiator: object = None) -> None:
        """The window's one change path: a sync parked or settled something meanwhile."""
        if changes.sync_problems and initiator is not self:
            self.reload()
