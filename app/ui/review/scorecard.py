"""The QA scorecard beside the transcript: each criterion of the team's rubric with the
points the app proposes and why; the lead sets the points, writes a comment, marks it
Done. The weighted total (the customer's country's weights) follows every change."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.review import (
    MAX_COMMENT_CHARS,
    ProposedScore,
    Review,
    ReviewState,
    Rubric,
    weighted_total,
)
from app.ops.context import AppContext
from app.ops.review_proposals import PLURALS
from app.ops.review_transcript import save_scorecard
from app.ui.review.labels import STATES
from app.ui.shell.labels import isolate, localize

UNSCORED = -1  # the spin box's "—": not applicable to this conversation


class ScorecardPanel(QWidget):
    """Signals: changed(object): the Changes of a saved scorecard."""

    changed = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        conversation_id: int,
        parent: QWidget | None = None,
        *,
        can_write: bool,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.conversation_id = conversation_id
        self.can_write = can_write
        self.rubric: Rubric | None = None
        self.review: Review | None = None
        self.region: str | None = None
        self.spins: dict[str, QSpinBox] = {}
        self.proposed: dict[str, ProposedScore] = {}
        self.dirty = False
        self._filling = False
        _ = ctx.i18n._
        self.state_label = QLabel(self)
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)
        self.grid_host = QWidget(self)
        self.grid = QGridLayout(self.grid_host)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("scorecardTotal")
        font = self.total_label.font()
        font.setBold(True)
        self.total_label.setFont(font)
        self.comment = QPlainTextEdit(self)
        self.comment.setObjectName("scorecardComment")
        self.comment.setPlaceholderText(_("Comment for the agent"))
        self.comment.setMaximumHeight(90)
        self.error = QLabel(self)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.hide()
        self.use_proposed = QPushButton(_("Use proposed points"), self)
        self.save_button = QPushButton(_("Save"), self)
        self.done_button = QPushButton(_("Done"), self)
        self.done_button.setObjectName("scorecardDone")
        buttons = QHBoxLayout()
        for button in (self.use_proposed, self.save_button, self.done_button):
            buttons.addWidget(button)
            button.setVisible(can_write)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state_label)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.total_label)
        layout.addWidget(self.comment)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.comment.setReadOnly(not can_write)
        self.comment.textChanged.connect(self._edited)
        self.use_proposed.clicked.connect(self.apply_proposed)
        self.save_button.clicked.connect(lambda: self.save(None))
        self.done_button.clicked.connect(lambda: self.save(ReviewState.DONE))

    # ------------------------------------------------------------------ showing
    def show_review(
        self,
        rubric: Rubric,
        review: Review | None,
        proposed: tuple[ProposedScore, ...],
        region: str | None,
    ) -> None:
        """The rubric's lines with the stored points (a fresh review: none yet)."""
        i18n = self._ctx.i18n
        _ = i18n._
        kept = (self.scores(), self.comment.toPlainText()) if self.dirty else None
        self.rubric, self.review, self.region = rubric, review, region
        self.proposed = {p.key: p for p in proposed}
        self._filling = True
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.spins = {}
        scores = dict(review.scores) if review is not None else {}
        if kept is not None:  # reloaded (the rubric changed, a sync) mid-scoring: keep it
            scores = kept[0]
        for row, criterion in enumerate(rubric.criteria):
            weight = criterion.weight_for(region)
            name = QLabel(_(criterion.label), self.grid_host)
            name.setToolTip(_("Weight {weight}").format(weight=i18n.number(weight)))
            spin = QSpinBox(self.grid_host)
            spin.setObjectName(f"score_{criterion.key}")
            spin.setRange(UNSCORED, criterion.scale)
            spin.setSpecialValueText("—")
            spin.setSuffix(f" / {criterion.scale}")
            spin.setValue(scores.get(criterion.key, UNSCORED))
            spin.setEnabled(self.can_write)
            spin.valueChanged.connect(self._edited)
            self.spins[criterion.key] = spin
            hint = QLabel(self._proposal_text(criterion.key), self.grid_host)
            hint.setObjectName("muted")
            hint.setWordWrap(True)
            hint.setTextFormat(Qt.TextFormat.PlainText)
            hint.setVisible(bool(hint.text()))  # no evidence, no proposal: no empty line
            self.grid.addWidget(name, 2 * row, 0)
            self.grid.addWidget(spin, 2 * row, 1)
            self.grid.addWidget(hint, 2 * row + 1, 0, 1, 2)
        self.grid.setRowStretch(2 * len(rubric.criteria), 1)
        self.comment.setPlainText(
            kept[1] if kept is not None else review.comment if review is not None else ""
        )
        if review is None:
            self.state_label.setText(_("Not reviewed yet"))
        else:
            self.state_label.setText(
                _("{state} · reviewer: {name}").format(
                    state=_(STATES[review.state]), name=isolate(review.reviewer_name or "")
                )
            )
        self._filling = False
        self.dirty = kept is not None
        self._update_total()

    def _proposal_text(self, key: str) -> str:
        proposal = self.proposed.get(key)
        if proposal is None:
            return ""
        i18n = self._ctx.i18n
        _ = i18n._
        plural = PLURALS.get(proposal.reason)
        count = proposal.params.get("count")
        template = (
            i18n.ngettext(proposal.reason, plural, count)
            if plural is not None and isinstance(count, int)
            else _(proposal.reason)
        )
        try:
            reason = template.format(**proposal.params)
        except (KeyError, IndexError, ValueError):
            reason = template
        return _("Proposed: {points} — {reason}").format(
            points=self._ctx.i18n.number(proposal.points), reason=reason
        )

    def scores(self) -> dict[str, int]:
        return {key: spin.value() for key, spin in self.spins.items() if spin.value() != UNSCORED}

    def total(self) -> float:
        return weighted_total(self.rubric, self.scores(), self.region) if self.rubric else 0.0

    def _update_total(self) -> None:
        _ = self._ctx.i18n._
        if not self.scores():
            self.total_label.setText(_("Total: not scored yet"))
            return
        self.total_label.setText(
            _("Total: {total} / 100").format(total=self._ctx.i18n.number(self.total()))
        )

    def _edited(self) -> None:
        if not self._filling:
            self.dirty = True
        self._update_total()

    def apply_proposed(self) -> None:
        """Every criterion with a proposal gets its points (the lead changes what is wrong)."""
        for key, proposal in self.proposed.items():
            spin = self.spins.get(key)
            if spin is not None:
                spin.setValue(max(0, min(proposal.points, spin.maximum())))

    # ------------------------------------------------------------------ writes
    def save(self, state: ReviewState | None) -> None:
        """Store the points and comment; ``state`` None keeps the review's (a done review
        stays done when a typo is fixed), Done marks it done (the agent then sees it)."""
        if not self.can_write:
            return
        if state is None:
            state = self.review.state if self.review is not None else ReviewState.DRAFT
        _ = self._ctx.i18n._
        comment = self.comment.toPlainText()
        if len(comment) > MAX_COMMENT_CHARS:
            self._failed_text(
                _("The comment can be at most {count} characters").format(
                    count=self._ctx.i18n.number(MAX_COMMENT_CHARS)
                )
            )
            return
        conversation = self.conversation_id
        scores, me, now = self.scores(), self._ctx.workspace.me_id, self._ctx.clock()
        self.dirty = False
        self.error.hide()
        self._ctx.tasks.run_store(
            lambda repo: save_scorecard(
                repo, conversation, me, now, scores=scores, comment=comment, state=state
            ),
            self._saved,
            self._failed,
            owner=self,
        )

    def flush(self) -> None:
        """Closing with unsaved points: keep them (as in progress)."""
        if self.dirty and self.can_write:
            self.save(None)

    def _saved(self, changes: Changes) -> None:
        self.changed.emit(changes)

    def _failed(self, error: BaseException) -> None:
        self.dirty = True
        self._failed_text(localize(self._ctx.i18n, error))

    def _failed_text(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
