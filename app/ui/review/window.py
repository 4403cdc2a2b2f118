"""The review view of one conversation: the bilingual transcript, the selected message's
annotations and the scorecard, in a window of its own beside the inbox.

A lead writes (annotations, scores, promotions); anyone else reads it as feedback. What
is shown comes from one store-lane read; every write goes through app.ops.review and
comes back as Changes through the main window's one change path.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.ops.context import AppContext
from app.ops.review_transcript import ReviewData, ReviewLine, review_data
from app.ui.review.annotations import AnnotationPanel
from app.ui.review.scorecard import ScorecardPanel
from app.ui.review.transcript import TranscriptModel, TranscriptView
from app.ui.shell.labels import channel_label, isolate, localize, status_label


class ReviewWindow(QMainWindow):
    """Transcript | annotations and scorecard.

    Signals:
        loaded(int): the conversation's review is shown (its id).
        changed(object): Changes a write made (for the main window's change path).
        failed(str): the review could not be read (the reason, as shown).
    """

    loaded = Signal(int)
    changed = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        conversation_id: int,
        *,
        can_write: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._ctx = ctx
        self.conversation_id = conversation_id
        self.can_write = can_write
        self.data: ReviewData | None = None
        self._made: dict[int, str] = {}  # back-translations made for this review
        self._asked: set[int] = set()  # replies whose back-translation was asked for
        _ = ctx.i18n._
        self.setObjectName("reviewWindow")
        self.setWindowTitle(_("Review") if can_write else _("Feedback"))
        self.title = QLabel(self)
        self.title.setObjectName("reviewTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        self.notice = QLabel(self)
        self.notice.setObjectName("muted")
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setWordWrap(True)
        self.notice.hide()

        self.model = TranscriptModel(ctx.i18n, self)
        self.transcript = TranscriptView(self.model, self)
        self.annotations = AnnotationPanel(ctx, self, can_write=can_write)
        self.scorecard = ScorecardPanel(ctx, conversation_id, self, can_write=can_write)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.annotations, _("Annotations"))
        self.tabs.addTab(self.scorecard, _("Scorecard"))

        heads = QHBoxLayout()
        self.left_head = QLabel(_("Customer's words · the agent's own words"), self)
        self.right_head = QLabel(_("Translation · the exact text sent"), self)
        for label in (self.left_head, self.right_head):
            label.setObjectName("muted")
            heads.addWidget(label, 1)
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(heads)
        column.addWidget(self.transcript, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setSizes([900, 420])
        self.splitter.setChildrenCollapsible(False)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addWidget(self.title)
        layout.addWidget(self.notice)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.resize(1300, 720)

        self.transcript.selectionModel().selectionChanged.connect(self._selected)
        self.annotations.changed.connect(self._written)
        self.scorecard.changed.connect(self._written)
        close = QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self)
        close.activated.connect(self.close)
        self.load()

    # ------------------------------------------------------------------ loading
    def load(self) -> None:
        ctx, cid = self._ctx, self.conversation_id
        service, tag = ctx.translation, ctx.agent_language
        ctx.tasks.run_store(
            lambda repo: review_data(repo, service, cid, tag),
            self._show,
            self._failed,
            owner=self,
        )

    def _show(self, data: ReviewData) -> None:
        selected = self.selected_message_id()
        self.data = data
        detail = data.transcript.detail
        i18n = self._ctx.i18n
        _ = i18n._
        row = detail.row
        title = _("{customer} · {country} · {channel} · {status} · agent: {agent}").format(
            customer=isolate(detail.customer.name),
            country=detail.customer.country,
            channel=channel_label(i18n, row.channel),
            status=status_label(i18n, row.status),
            agent=isolate(row.assignee_name or _("unassigned")),
        )
        self.title.setText(f"{isolate(row.subject)} · {title}" if row.subject else title)
        self.model.set_transcript(data.transcript, data.annotations)
        for message_id, text in self._made.items():  # made earlier: kept across reloads
            self.model.set_back(message_id, text)
        self.scorecard.show_review(data.rubric, data.review, data.proposed, detail.customer.country)
        row_index = self.model.row_of(selected) if selected is not None else None
        if row_index is None and self.model.rowCount():
            row_index = 0
        if row_index is not None:
            self.transcript.setCurrentIndex(self.model.index(row_index))
        self._selected()
        self.loaded.emit(self.conversation_id)

    def _failed(self, error: BaseException) -> None:
        self.notice.setText(localize(self._ctx.i18n, error))
        self.notice.show()
        self.failed.emit(self.notice.text())

    # ------------------------------------------------------------------ selection
    def selected_message_id(self) -> int | None:
        index = self.transcript.currentIndex()
        line = self.model.line(index.row()) if index.isValid() else None
        return line.message.id if line is not None else None

    def select_message(self, message_id: int) -> None:
        row = self.model.row_of(message_id)
        if row is not None:
            self.transcript.setCurrentIndex(self.model.index(row))

    def _selected(
        self, _selected: QItemSelection | None = None, _deselected: QItemSelection | None = None
    ) -> None:
        index = self.transcript.currentIndex()
        line = self.model.line(index.row()) if index.isValid() else None
        detail = self.data.transcript.detail if self.data is not None else None
        self.annotations.show_message(
            detail,
            line,
            self.model.annotations_for(line.message.id) if line is not None else (),
        )
        if line is not None and detail is not None:
            self._back_translate(line, detail.language_override or detail.row.language)

    def _back_made(self, message_id: int, text: str) -> None:
        self._made[message_id] = text
        self.model.set_back(message_id, text)

    def _back_translate(self, line: ReviewLine, conversation_language: str) -> None:
        """A selected reply that went out translated but has no cached back-translation:
        make one now (compute lane), so the lead can check what the customer read."""
        service, mid = self._ctx.translation, line.message.id
        if (
            service is None
            or not line.outgoing
            or line.back is not None
            or line.message.original_body is None
            or not line.right
            or mid in self._asked
        ):
            return
        self._asked.add(mid)
        sent, source = line.right, line.message.language or conversation_language
        target = self._ctx.agent_language
        self._ctx.tasks.run(
            lambda: service.back_translate(sent, source, target),
            lambda text: self._back_made(mid, text),
            lambda _error: None,  # no pack for the pair: "No back-translation cached" stays
            owner=self,
        )

    # ------------------------------------------------------------------ writes
    def _written(self, changes: Changes) -> None:
        """A write went through: tell the app, then read the review again."""
        self.notice.hide()
        self.changed.emit(changes)
        self.load()

    def apply_changes(self, changes: Changes, initiator: object = None) -> None:
        """Something else changed (a sync, another window): reload if it concerns us."""
        if initiator is self or not changes:
            return
        if changes.reviews or changes.translation_data or changes.names(self.conversation_id):
            self.load()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.scorecard.flush()
        super().closeEvent(event)
