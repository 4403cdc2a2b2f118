"""The KPI view: period and grouping pickers, the table with medians and p90s, charts of
response and resolution times, the demand heat map by the customer's local hour, the
translation figures per language pair, and the table exported to CSV.

The table is one store-lane call; the heat map and translation figures (over messages,
heavier) follow in a second one, so the table shows first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.kpis import Grouping, KpiDemand, KpiReport, KpiRow, table_csv
from app.i18n import N_
from app.ops import kpis
from app.ops.context import AppContext
from app.ui.kpis.charts import DurationChart, HeatMap

PERIODS = (
    (N_("Last 7 days"), 7),
    (N_("Last 30 days"), 30),
    (N_("Last 90 days"), 90),
    (N_("Last 365 days"), 365),
)
GROUPINGS = (
    (N_("Country"), Grouping.COUNTRY),
    (N_("Channel"), Grouping.CHANNEL),
    (N_("Language"), Grouping.LANGUAGE),
    (N_("Agent"), Grouping.AGENT),
    (N_("Day"), Grouping.DAY),
    (N_("Week"), Grouping.WEEK),
    (N_("Month"), Grouping.MONTH),
)
COLUMNS = (
    N_("Volume"),
    N_("Backlog"),
    N_("First response, median"),
    N_("First response, p90"),
    N_("Resolution, median"),
    N_("Resolution, p90"),
    N_("CSAT"),
    N_("NPS"),
    N_("CES"),
    N_("SLA met"),
    N_("Reopened"),
)
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


class KpiWindow(QMainWindow):
    """The lead's KPI window (its own top-level window beside the desk)."""

    loaded = Signal()  # the table shows the figures of the chosen period and grouping
    demand_loaded = Signal()  # the heat map and translation figures too

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        _ = ctx.i18n._
        self.setWindowTitle(_("KPIs"))
        self.report: KpiReport | None = None
        self.demand: KpiDemand | None = None
        self._generation = 0

        self.period_box = QComboBox()
        for label, days in PERIODS:
            self.period_box.addItem(_(label), days)
        self.period_box.setCurrentIndex(1)
        self.grouping_box = QComboBox()
        for label, grouping in GROUPINGS:
            self.grouping_box.addItem(_(label), grouping.value)
        self.export_button = QPushButton(_("Export CSV…"))
        self.export_button.setEnabled(False)
        self.status = QLabel()
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar = QHBoxLayout()
        for text, box in ((_("Period"), self.period_box), (_("Per"), self.grouping_box)):
            caption = QLabel(text)
            caption.setBuddy(box)
            bar.addWidget(caption)
            bar.addWidget(box)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.export_button)

        self.table = QTableWidget(0, len(COLUMNS) + 1)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setSortingEnabled(False)
        self.frt_chart = DurationChart(_("First response (minutes)"), (_("median"), _("p90")))
        self.resolution_chart = DurationChart(_("Resolution (hours)"), (_("median"), _("p90")))
        self.heat_map = HeatMap(
            _("Customer messages by the customer's local hour"), [_(d) for d in WEEKDAYS]
        )
        self.pairs = QTableWidget(0, 5)
        self.pairs.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.pairs.verticalHeader().setVisible(False)
        self.pairs.setHorizontalHeaderLabels(
            [
                _("Languages"),
                _("Messages"),
                _("Machine-translated"),
                _("Low confidence"),
                _("Mistranslations per 100"),
            ]
        )
        charts = QSplitter(Qt.Orientation.Horizontal)
        for widget in (self.frt_chart, self.resolution_chart):
            charts.addWidget(widget)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.heat_map)
        lower.addWidget(self.pairs)
        split = QSplitter(Qt.Orientation.Vertical)
        for part in (self.table, charts, lower):
            split.addWidget(part)
        split.setSizes([300, 220, 220])
        central = QWidget()
        self.setCentralWidget(central)
        layout = QVBoxLayout(central)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

        self.period_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.grouping_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.export_button.clicked.connect(self._export_clicked)
        self.resize(1280, 720)
        self.reload()

    # ------------------------------------------------------------------ loading
    @property
    def grouping(self) -> Grouping:
        return Grouping(self.grouping_box.currentData())

    def reload(self) -> None:
        """Compute the figures of the chosen period and grouping (a newer choice wins)."""
        self._generation += 1
        generation = self._generation
        now = self._ctx.clock()
        today = dt.datetime.fromtimestamp(now).astimezone().date()
        days = int(self.period_box.currentData())
        period = kpis.period_of(today - dt.timedelta(days=days - 1), today)
        grouping, language = self.grouping, self._ctx.agent_language
        self.status.setText(self._ctx.i18n._("Computing…"))
        self.export_button.setEnabled(False)
        self._ctx.tasks.run_store(
            lambda store: kpis.dashboard(store, period, grouping, now),
            lambda report: self._show_report(generation, report),
            self._failed,
            owner=self,
        )
        self._ctx.tasks.run_store(
            lambda store: kpis.demand(store, period, language),
            lambda demand: self._show_demand(generation, demand),
            self._failed,
            owner=self,
        )

    def _failed(self, error: BaseException) -> None:
        self.status.setText(
            self._ctx.i18n._("The KPIs could not be computed: {error}").format(error=error)
        )

    def _show_report(self, generation: int, report: KpiReport) -> None:
        if generation != self._generation:
            return
        self.report = report
        _ = self._ctx.i18n._
        group_label = self.grouping_box.currentText()
        self.table.setHorizontalHeaderLabels([group_label, *(_(c) for c in COLUMNS)])
        rows = [*report.rows, report.total]
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            key = _("All") if row is report.total else self._key_text(row.key)
            for c, text in enumerate([key, *self._cells(row)]):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if row is report.total:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        labels = [self._key_text(row.key) for row in report.rows]
        self.frt_chart.show_values(
            labels,
            [(row.frt_median or 0) / 60 for row in report.rows],
            [(row.frt_p90 or 0) / 60 for row in report.rows],
        )
        self.resolution_chart.show_values(
            labels,
            [(row.resolution_median or 0) / 3600 for row in report.rows],
            [(row.resolution_p90 or 0) / 3600 for row in report.rows],
        )
        volume = report.total.volume
        self.status.setText(
            self._ctx.i18n.ngettext(
                "{count} conversation created in the period",
                "{count} conversations created in the period",
                volume,
            ).format(count=volume)
        )
        self.export_button.setEnabled(True)
        self.loaded.emit()

    def _show_demand(self, generation: int, demand: KpiDemand) -> None:
        if generation != self._generation:
            return
        self.demand = demand
        self.heat_map.show_counts(demand.heat)
        self.pairs.setRowCount(len(demand.pairs))
        for r, pair in enumerate(demand.pairs):
            texts = [
                f"{pair.source} → {pair.target}",
                str(pair.messages),
                _percent(pair.machine_pct),
                _percent(pair.low_confidence_pct),
                "—"
                if pair.mistranslations_per_100 is None
                else f"{pair.mistranslations_per_100:.2f}",
            ]
            for c, text in enumerate(texts):
                self.pairs.setItem(r, c, QTableWidgetItem(text))
        self.pairs.resizeColumnsToContents()
        self.demand_loaded.emit()

    # ------------------------------------------------------------------ text
    def _key_text(self, key: str) -> str:
        if self.grouping is Grouping.AGENT and not key:
            return self._ctx.i18n._("Unassigned")
        return key

    def _cells(self, row: KpiRow) -> list[str]:
        duration = self._duration
        return [
            str(row.volume),
            str(row.backlog),
            duration(row.frt_median),
            duration(row.frt_p90),
            duration(row.resolution_median),
            duration(row.resolution_p90),
            "—" if row.csat_pct is None else f"{_percent(row.csat_pct)} ({row.csat_mean:.1f})",
            "—" if row.nps is None else f"{row.nps:+.0f}",
            "—" if row.ces_mean is None else f"{row.ces_mean:.1f}",
            _percent(row.sla_pct),
            _percent(row.reopen_pct),
        ]

    def _duration(self, seconds: int | None) -> str:
        _ = self._ctx.i18n._
        if seconds is None:
            return "—"
        if seconds < 60:
            return _("{n} s").format(n=seconds)
        if seconds < 3600:
            return _("{n} min").format(n=round(seconds / 60))
        if seconds < 2 * 86400:
            return _("{n} h").format(n=f"{seconds / 3600:.1f}")
        return _("{n} d").format(n=f"{seconds / 86400:.1f}")

    # ------------------------------------------------------------------ export
    def _export_clicked(self) -> None:
        _ = self._ctx.i18n._
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Export KPIs as CSV"), f"kpis-{self.grouping.value}.csv", "CSV (*.csv)"
        )
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> bool:
        """Write the table shown as CSV; a failure is said in the status line."""
        if self.report is None:
            return False
        try:
            path.write_text(table_csv(self.report, self._ctx.i18n._("All")), encoding="utf-8")
        except OSError as exc:
            self.status.setText(
                self._ctx.i18n._("Could not write {path}: {error}").format(
                    path=path, error=exc.strerror or exc
                )
            )
            return False
        self.status.setText(self._ctx.i18n._("Saved {path}").format(path=path))
        return True


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"
