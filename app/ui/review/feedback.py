"""An agent's feedback: the finished reviews of their own conversations (score, comment,
reviewer); opening one shows its review read-only, with the annotations per message."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.ops.context import AppContext
from app.ops.review_transcript import FeedbackItem, my_feedback
from app.ui.review.conversation_table import ConversationTable
from app.ui.shell.labels import localize

COMMENT_CHARS = 120


class FeedbackDialog(QDialog):
    """Signals: open_requested(int): show this conversation's review (read-only)."""

    open_requested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        _ = ctx.i18n._
        self.setObjectName("feedbackDialog")
        self.setWindowTitle(_("Feedback on my conversations"))
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.table = ConversationTable(
            [_("Customer"), _("Subject"), _("Score"), _("Reviewer"), _("Reviewed"), _("Comment")],
            self,
        )
        self.table.setObjectName("feedbackTable")
        self.open_button = QPushButton(_("Open review"), self)
        close = QPushButton(_("Close"), self)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.open_button.clicked.connect(self._open)
        close.clicked.connect(self.reject)
        self.table.doubleClicked.connect(lambda _index: self._open())
        self.resize(860, 480)
        self.load()

    def load(self) -> None:
        me = self._ctx.workspace.me_id
        self._ctx.tasks.run_store(
            lambda repo: my_feedback(repo, me), self._show, self._failed, owner=self
        )

    def _show(self, items: list[FeedbackItem]) -> None:
        i18n = self._ctx.i18n
        _ = i18n._
        rows = []
        for item in items:
            comment = " ".join(item.review.comment.split())
            if len(comment) > COMMENT_CHARS:
                comment = comment[: COMMENT_CHARS - 1] + "…"
            total = item.review.total
            rows.append(
                (
                    item.review.conversation_id,
                    [
                        item.customer,
                        item.subject,
                        "—" if total is None else i18n.number(total),
                        item.review.reviewer_name or "",
                        i18n.datetime(item.review.updated_at),
                        comment,
                    ],
                )
            )
        self.table.set_rows(rows)
        self.status.setText(
            _("No reviews of your conversations yet.")
            if not items
            else i18n.ngettext(
                "{count} reviewed conversation", "{count} reviewed conversations", len(items)
            ).format(count=i18n.number(len(items)))
        )
        if items:
            self.table.selectRow(0)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(localize(self._ctx.i18n, error))

    def _open(self) -> None:
        conversation = self.table.current_id()
        if conversation is not None:
            self.open_requested.emit(conversation)
