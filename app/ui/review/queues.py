"""Review queues for leads: a seeded random sample of N conversations per agent, region
or language over a period (the same seed gives the same sample, so two leads can split
it), or a smart queue (low confidence, low CSAT, held for a human translator, a new
agent's first conversations). Picking one opens its review."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.models import ConversationRow
from app.i18n import N_
from app.ops import review_queues
from app.ops.context import AppContext
from app.ops.review_transcript import rows_in_order
from app.ui.review.conversation_table import (
    ConversationTable,
    conversation_cells,
    conversation_headers,
)
from app.ui.shell.labels import localize

DAY = 86_400
MAX_SAMPLE = 100
SAMPLE = "sample"
QUEUES: dict[str, str] = {
    SAMPLE: N_("Random sample"),
    "low_confidence": N_("Translated, with low-confidence messages"),
    "low_csat": N_("Low customer satisfaction (CSAT 1–2)"),
    "held_translation": N_("Held for a human translation"),
    "new_agent": N_("First conversations of a new agent"),
}
GROUPS: dict[str, str] = {
    "": N_("All conversations"),
    "agent": N_("Per agent"),
    "region": N_("Per country/region"),
    "language": N_("Per language"),
}
PERIODS: dict[int, str] = {
    7: N_("Last 7 days"),
    30: N_("Last 30 days"),
    90: N_("Last 90 days"),
    0: N_("Any time"),
}


class QueueDialog(QDialog):
    """Signals: review_requested(int): open this conversation's review."""

    review_requested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        _ = ctx.i18n._
        self.setObjectName("reviewQueues")
        self.setWindowTitle(_("Review queues"))
        self.queue = QComboBox(self)
        for key, label in QUEUES.items():
            self.queue.addItem(_(label), key)
        self.group = QComboBox(self)
        for key, label in GROUPS.items():
            self.group.addItem(_(label), key)
        self.period = QComboBox(self)
        for days, label in PERIODS.items():
            self.period.addItem(_(label), days)
        self.period.setCurrentIndex(1)
        self.count = QSpinBox(self)
        self.count.setRange(1, MAX_SAMPLE)
        self.count.setValue(5)
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 999_999)
        self.seed.setValue(1)
        self.seed.setToolTip(_("The same seed gives the same sample."))
        form = QFormLayout()
        form.addRow(_("Queue"), self.queue)
        form.addRow(_("Conversations"), self.count)
        form.addRow(_("Group"), self.group)
        form.addRow(_("Period"), self.period)
        form.addRow(_("Seed"), self.seed)
        self.find_button = QPushButton(_("Find conversations"), self)
        self.find_button.setDefault(True)
        self.review_button = QPushButton(_("Review"), self)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.table = ConversationTable(conversation_headers(ctx.i18n), self)
        self.table.setObjectName("queueTable")
        buttons = QHBoxLayout()
        buttons.addWidget(self.find_button)
        buttons.addStretch(1)
        buttons.addWidget(self.review_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self.queue.currentIndexChanged.connect(self._queue_changed)
        self.find_button.clicked.connect(self.find_conversations)
        self.review_button.clicked.connect(self._review)
        self.table.doubleClicked.connect(lambda _index: self._review())
        self._queue_changed()
        self.resize(900, 560)

    def _queue_changed(self) -> None:
        sample = self.queue.currentData() == SAMPLE
        for widget in (self.group, self.count, self.seed):
            widget.setEnabled(sample)

    def _period(self) -> tuple[int, int] | None:
        days = int(self.period.currentData())
        now = self._ctx.clock()
        return (now - days * DAY, now) if days else None

    def find_conversations(self) -> None:
        """Run the chosen queue (store lane) and list its conversations, in its order."""
        name = str(self.queue.currentData())
        period, now = self._period(), self._ctx.clock()
        queue = next((q for q in review_queues.SMART_QUEUES if q == name), None)
        n, seed, by = self.count.value(), self.seed.value(), self.group.currentData() or None
        self.find_button.setEnabled(False)
        if name == SAMPLE:
            self._ctx.tasks.run_store(
                lambda repo: rows_in_order(
                    repo, review_queues.sample(repo, n, by=by, period=period, seed=seed)
                ),
                self._show,
                self._failed,
                owner=self,
            )
        elif queue is not None:
            smart = queue
            self._ctx.tasks.run_store(
                lambda repo: rows_in_order(
                    repo, review_queues.smart_queue(repo, smart, now, period=period)
                ),
                self._show,
                self._failed,
                owner=self,
            )

    def _show(self, rows: list[ConversationRow]) -> None:
        self.find_button.setEnabled(True)
        self.table.set_rows([(r.id, conversation_cells(self._ctx.i18n, r)) for r in rows])
        self.status.setText(
            self._ctx.i18n.ngettext(
                "{count} conversation to review",
                "{count} conversations to review",
                len(rows),
            ).format(count=self._ctx.i18n.number(len(rows)))
        )
        if rows:
            self.table.selectRow(0)

    def _failed(self, error: BaseException) -> None:
        self.find_button.setEnabled(True)
        self.status.setText(localize(self._ctx.i18n, error))

    def _review(self) -> None:
        conversation = self.table.current_id()
        if conversation is not None:
            self.review_requested.emit(conversation)
