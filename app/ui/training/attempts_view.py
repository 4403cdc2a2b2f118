"""Attempts and progress…: a trainee's finished plays (filtered by scenario) in a table —
date, scenario, score, ending, language, time taken — and their scores over time in a
chart; a double-click shows that attempt's debrief again. pyqtgraph (and numpy) load only
when this dialog opens, as for the KPI view."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pyqtgraph as pg  # type: ignore[import-untyped]
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.models import Agent
from app.domain.training import AttemptRecord
from app.i18n import I18n
from app.ui.shell.labels import localize
from app.ui.training.debrief import DebriefView
from app.ui.training.labels import duration, end_state_label, outcome_label
from app.ui.training.trainer import scenario_labels

if TYPE_CHECKING:
    from app.ui.training.trainer import Host

MAX_TRANSCRIPT_SHOWN = 400_000  # characters of a stored transcript shown as text
DATE, TRAINEE, SCENARIO, SCORE, ENDING, LANGUAGE, TIME = range(7)


class ScoreChart(pg.PlotWidget):
    """Scores (0-100) against the day each attempt finished, one line per view."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(
            parent=parent,
            background="w",
            axisItems={"bottom": pg.DateAxisItem(orientation="bottom")},
        )
        self.setTitle(title, color="#333")
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.setYRange(0, 100, padding=0.05)
        self.curve = self.plot(
            [],
            [],
            pen=pg.mkPen("#3b82f6", width=2),
            symbol="o",
            symbolSize=8,
            symbolBrush="#3b82f6",
        )
        self.points: list[tuple[float, float]] = []

    def show_points(self, points: list[tuple[float, float]]) -> None:
        """``points``: (finished_at epoch seconds, score), oldest first."""
        self.points = sorted(points)
        self.curve.setData([p[0] for p in self.points], [p[1] for p in self.points])
        if self.points:
            low, high = self.points[0][0], self.points[-1][0]
            margin = max((high - low) * 0.05, 3600.0)
            self.setXRange(low - margin, high + margin, padding=0)
        self.setYRange(0, 100, padding=0.05)


class AttemptsDialog(QDialog):
    """Signals: loaded(): the table and the chart show the chosen trainee's attempts."""

    loaded = Signal()

    def __init__(self, host: Host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attemptsDialog")
        self.host = host
        self._ctx = host.ctx
        _ = self._ctx.i18n._
        self.records: list[AttemptRecord] = []
        self.setWindowTitle(_("Attempts and progress"))
        self.resize(1000, 700)
        self.trainee = QComboBox(self)
        self.trainee.setObjectName("attemptsTrainee")
        self.trainee.addItem(_("All trainees"), None)
        self.scenario = QComboBox(self)
        self.scenario.setObjectName("attemptsScenario")
        self.scenario.addItem(_("All scenarios"), None)
        for sid, label in scenario_labels(host).items():
            self.scenario.addItem(label, sid)
        self.trainee.activated.connect(lambda _i: self.reload())
        self.scenario.activated.connect(lambda _i: self.reload())
        filters = QHBoxLayout()
        filters.addWidget(QLabel(_("Trainee:"), self))
        filters.addWidget(self.trainee, 1)
        filters.addWidget(QLabel(_("Scenario:"), self))
        filters.addWidget(self.scenario, 2)
        self.table = QTableWidget(0, 7, self)
        self.table.setObjectName("attemptsTable")
        self.table.setHorizontalHeaderLabels(
            [
                _("Date"),
                _("Trainee"),
                _("Scenario"),
                _("Score"),
                _("Ending"),
                _("Language"),
                _("Time"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SCENARIO, QHeaderView.ResizeMode.Stretch)
        self.table.setToolTip(_("Double-click an attempt to see its debrief again."))
        self.table.cellDoubleClicked.connect(lambda row, _column: self.open_debrief(row))
        self.chart = ScoreChart(_("Score over time"), self)
        self.summary = QLabel(self)
        self.summary.setObjectName("muted")
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.chart)
        self.chart.setMinimumHeight(220)
        splitter.setSizes([360, 300])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self._load_trainees()

    # ------------------------------------------------------------------ loading
    def _load_trainees(self) -> None:
        from app.ops import training

        self._ctx.tasks.run_store(training.trainees, self._show_trainees, self._failed, owner=self)

    def _show_trainees(self, agents: list[Agent]) -> None:
        for agent in agents:
            self.trainee.addItem(agent.name, agent.id)
        self.reload()

    def choose(self, trainee_id: int | None, scenario_id: str | None = None) -> None:
        """Show one trainee's attempts (None: everyone's), optionally of one scenario."""
        for combo, value in ((self.trainee, trainee_id), (self.scenario, scenario_id)):
            index = combo.findData(value)
            if index >= 0:
                combo.setCurrentIndex(index)
        self.reload()

    def reload(self) -> None:
        from app.ops import training

        trainee = self.trainee.currentData()
        scenario = self.scenario.currentData()
        trainee_id = trainee if isinstance(trainee, int) else None
        scenario_id = scenario if isinstance(scenario, str) else None

        def work(store: Any) -> list[AttemptRecord]:
            return training.attempts(store, trainee_id=trainee_id, scenario_id=scenario_id)

        self._ctx.tasks.run_store(
            work, self._show, self._failed, key=f"attempts-{id(self)}", owner=self
        )

    def _show(self, records: list[AttemptRecord]) -> None:
        i18n = self._ctx.i18n
        titles = scenario_labels(self.host)
        self.records = sorted(records, key=lambda r: (r.finished_at, r.id))
        self.table.setRowCount(len(self.records))
        for row, record in enumerate(self.records):
            ending = (
                f"{outcome_label(i18n, record.outcome.value)}"
                f" ({end_state_label(i18n, record.end_state.value)})"
            )
            cells = (
                i18n.datetime(record.finished_at),
                record.trainee_name or "",
                titles.get(record.scenario_id, record.scenario_id),
                i18n.number(round(record.score, 1)),
                ending,
                i18n.language_name(record.trainee_language),
                duration(record.finished_at - record.started_at),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == ENDING:
                    item.setToolTip(f"{record.ending_id}: {ending}")
                if column == SCORE:
                    item.setData(Qt.ItemDataRole.UserRole, record.score)
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        self.table.setColumnHidden(TRAINEE, isinstance(self.trainee.currentData(), int))
        self.chart.show_points([(float(r.finished_at), float(r.score)) for r in self.records])
        if self.records:
            average = sum(r.score for r in self.records) / len(self.records)
            self.summary.setText(
                i18n.ngettext(
                    "{count} attempt, average score {average}.",
                    "{count} attempts, average score {average}.",
                    len(self.records),
                ).format(count=len(self.records), average=i18n.number(round(average, 1)))
            )
        else:
            self.summary.setText(i18n._("No attempts yet."))
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        self.summary.setText(localize(self._ctx.i18n, error))

    # ------------------------------------------------------------------ debrief
    def open_debrief(self, row: int) -> QDialog | None:
        """The attempt's debrief again, from its stored report."""
        if not 0 <= row < len(self.records):
            return None
        record = self.records[row]
        titles = scenario_labels(self.host)
        title = self._ctx.i18n._("{scenario} — {trainee}, {date}").format(
            scenario=titles.get(record.scenario_id, record.scenario_id),
            trainee=record.trainee_name or "",
            date=self._ctx.i18n.datetime(record.finished_at),
        )
        shown = AttemptDebriefDialog(self._ctx.i18n, record, title, self)
        shown.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        shown.show()
        return shown


def stored_report(record: AttemptRecord) -> dict[str, Any] | None:
    """The debrief report the attempt keeps (None when it cannot be read)."""
    if len(record.transcript_json) > MAX_TRANSCRIPT_SHOWN:
        return None
    try:
        report = json.loads(record.transcript_json)
    except ValueError:
        return None
    return report if isinstance(report, dict) and report else None


class AttemptDebriefDialog(QDialog):
    """One stored attempt's debrief, as the trainee saw it at the end of the play (the
    training window's own debrief page); an unreadable record is shown as its text."""

    def __init__(self, i18n: I18n, record: AttemptRecord, title: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("attemptDebrief")
        self.setWindowTitle(title)
        self.resize(900, 720)
        layout = QVBoxLayout(self)
        report = stored_report(record)
        self.debrief: DebriefView | None = None
        self.raw: QPlainTextEdit | None = None
        if report is not None:
            self.debrief = DebriefView(i18n, self)
            self.debrief.show_report(report, title)
            self.debrief.try_button.hide()  # a trainer reviews; the trainee plays again
            self.debrief.back_button.hide()
            layout.addWidget(self.debrief, 1)
        else:
            self.raw = QPlainTextEdit(self)
            self.raw.setReadOnly(True)
            self.raw.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            self.raw.setPlainText(record.transcript_json[:MAX_TRANSCRIPT_SHOWN])
            layout.addWidget(QLabel(i18n._("This attempt's record cannot be read."), self))
            layout.addWidget(self.raw, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def text(self) -> str:
        """What the reader sees (tests)."""
        if self.debrief is not None:
            return self.debrief.text()
        return self.raw.toPlainText() if self.raw is not None else ""
