"""Assign… : give scenarios to trainees, with an optional due date and what the trainee
may use (machine translation of the reply, the etiquette panel, the clock's speed); the
assignments already given, with their state, and Cancel for an open one."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.models import Agent
from app.domain.training import (
    Assignment,
    AssignmentState,
    PlayOptions,
)
from app.i18n import N_
from app.ui.shell.labels import localize
from app.ui.training.option_controls import chosen_options, option_controls
from app.ui.training.trainer import scenario_labels

if TYPE_CHECKING:
    from app.ui.training.trainer import Host

ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATES: dict[AssignmentState, str] = {
    AssignmentState.OPEN: N_("Open"),
    AssignmentState.DONE: N_("Done"),
    AssignmentState.CANCELLED: N_("Cancelled"),
}
SCENARIO, TRAINEE, DUE, STATE, BY, GIVEN = range(6)


def due_timestamp(day: QDate) -> int:
    """The end of ``day`` in the trainer's own time zone."""
    moment = dt.datetime(day.year(), day.month(), day.day(), 23, 59, 59).astimezone()
    return int(moment.timestamp())


class AssignDialog(QDialog):
    """Signals: loaded(): the trainees and the assignments are shown; changed(object):
    the Changes of an assignment given or cancelled."""

    loaded = Signal()
    changed = Signal(object)

    def __init__(self, host: Host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assignDialog")
        self.host = host
        self._ctx = host.ctx
        _ = self._ctx.i18n._
        self.assignments: list[Assignment] = []
        self.setWindowTitle(_("Assign scenarios"))
        self.resize(980, 640)
        self.scenarios = QListWidget(self)
        self.scenarios.setObjectName("assignScenarios")
        for sid, label in scenario_labels(host).items():
            item = QListWidgetItem(label)
            item.setData(ID_ROLE, sid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.scenarios.addItem(item)
        self.trainees = QListWidget(self)
        self.trainees.setObjectName("assignTrainees")
        self.has_due = QCheckBox(_("Due by"), self)
        self.due = QDateEdit(self)
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        today = dt.datetime.fromtimestamp(self._ctx.clock()).date()
        self.due.setDate(QDate(today.year, today.month, today.day).addDays(7))
        self.due.setEnabled(False)
        self.has_due.toggled.connect(self.due.setEnabled)
        self.translation, self.etiquette, self.clock_speed = option_controls(
            self,
            _("Machine translation of the reply allowed"),
            _("Etiquette panel and live draft check allowed"),
            step=0.25,
        )
        self.clock_speed.setToolTip(
            _("How fast the customer's clock runs: at 2 ×, a minute of waiting counts as two.")
        )
        options = QGroupBox(_("Options"), self)
        options_form = QFormLayout(options)
        due_row = QHBoxLayout()
        due_row.addWidget(self.has_due)
        due_row.addWidget(self.due, 1)
        options_form.addRow(due_row)
        options_form.addRow(self.translation)
        options_form.addRow(self.etiquette)
        options_form.addRow(_("Clock speed:"), self.clock_speed)
        self.assign_button = QPushButton(_("Assign"), self)
        self.assign_button.setObjectName("assignButton")
        self.assign_button.clicked.connect(self.assign)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        pick = QHBoxLayout()
        for title, widget, share in (
            (_("Scenarios"), self.scenarios, 3),
            (_("Trainees"), self.trainees, 2),
        ):
            column = QVBoxLayout()
            column.addWidget(QLabel(title, self))
            column.addWidget(widget, 1)
            pick.addLayout(column, share)
        right = QVBoxLayout()
        right.addWidget(options)
        right.addWidget(self.assign_button)
        right.addStretch(1)
        pick.addLayout(right)
        self.table = QTableWidget(0, 6, self)
        self.table.setObjectName("assignmentsTable")
        self.table.setHorizontalHeaderLabels(
            [_("Scenario"), _("Trainee"), _("Due"), _("State"), _("Assigned by"), _("Given")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(SCENARIO, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.cancel_button = QPushButton(_("Cancel assignment"), self)
        self.cancel_button.setObjectName("cancelAssignment")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_selected)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.cancel_button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(pick, 3)
        layout.addWidget(self.status)
        layout.addWidget(QLabel(_("Assignments"), self))
        layout.addWidget(self.table, 2)
        layout.addLayout(bottom)
        self.reload()

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        """Read the trainees and every assignment (store lane)."""
        from app.ops import training

        def work(store: Any) -> tuple[list[Agent], list[Assignment]]:
            return training.trainees(store), training.assignments(store)

        self._ctx.tasks.run_store(work, self._show, self._failed, owner=self)

    def _show(self, loaded: tuple[list[Agent], list[Assignment]]) -> None:
        agents, given = loaded
        checked = set(self.chosen_trainees())
        self.trainees.clear()
        for agent in agents:
            item = QListWidgetItem(agent.name)
            item.setData(ID_ROLE, agent.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if agent.id in checked else Qt.CheckState.Unchecked
            )
            self.trainees.addItem(item)
        self.assignments = given
        self._fill_table()
        self.loaded.emit()

    def _fill_table(self) -> None:
        i18n = self._ctx.i18n
        titles = scenario_labels(self.host)
        self.table.setRowCount(len(self.assignments))
        for row, given in enumerate(self.assignments):
            cells = (
                titles.get(given.scenario_id, given.scenario_id),
                given.trainee_name or "",
                i18n.day(given.due_at) if given.due_at is not None else "",
                i18n._(STATES[given.state]),
                given.assigned_by_name or "",
                i18n.datetime(given.created_at),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == SCENARIO:
                    item.setData(ID_ROLE, given.uid)
                self.table.setItem(row, column, item)
        self._selection_changed()

    # ------------------------------------------------------------------ choices
    def chosen_scenarios(self) -> list[str]:
        return _checked(self.scenarios)

    def chosen_trainees(self) -> list[int]:
        return [int(v) for v in _checked(self.trainees)]

    def options(self) -> PlayOptions:
        return chosen_options(self.translation, self.etiquette, self.clock_speed)

    def due_at(self) -> int | None:
        return due_timestamp(self.due.date()) if self.has_due.isChecked() else None

    # ------------------------------------------------------------------ acting
    def assign(self) -> None:
        """Give each chosen scenario to each chosen trainee (one store task)."""
        _ = self._ctx.i18n._
        scenarios, trainees = self.chosen_scenarios(), self.chosen_trainees()
        if not scenarios or not trainees:
            self.status.setText(_("Choose at least one scenario and one trainee."))
            return
        me, now = self._ctx.workspace.me_id, self._ctx.clock()
        due, options = self.due_at(), self.options()

        def work(store: Any) -> Changes:
            from app.ops import training

            changes = Changes()
            for scenario_id in scenarios:
                changes = changes | training.assign(
                    store, scenario_id, trainees, me, due, options, now
                )
            return changes

        self.assign_button.setEnabled(False)
        self._ctx.tasks.run_store(work, self._assigned, self._failed, owner=self)

    def _assigned(self, changes: Changes) -> None:
        count = len(self.chosen_scenarios()) * len(self.chosen_trainees())
        self.status.setText(
            self._ctx.i18n.ngettext(
                "{count} assignment given.", "{count} assignments given.", count
            ).format(count=count)
        )
        self.assign_button.setEnabled(True)
        self.changed.emit(changes)
        self.reload()

    def _selected(self) -> list[Assignment]:
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        return [self.assignments[r] for r in rows if r < len(self.assignments)]

    def _selection_changed(self) -> None:
        self.cancel_button.setEnabled(
            any(a.state is AssignmentState.OPEN for a in self._selected())
        )

    def cancel_selected(self) -> None:
        """Withdraw the selected open assignments."""
        uids = [a.uid for a in self._selected() if a.state is AssignmentState.OPEN]
        if not uids:
            return
        now = self._ctx.clock()

        def work(store: Any) -> Changes:
            from app.ops import training

            changes = Changes()
            for uid in uids:
                changes = changes | training.cancel_assignment(store, uid, now)
            return changes

        self._ctx.tasks.run_store(work, self._cancelled, self._failed, owner=self)

    def _cancelled(self, changes: Changes) -> None:
        self.status.setText(self._ctx.i18n._("Assignment cancelled."))
        self.changed.emit(changes)
        self.reload()

    def _failed(self, error: BaseException) -> None:
        self.assign_button.setEnabled(True)
        self.status.setText(localize(self._ctx.i18n, error))


def _checked(widget: QListWidget) -> list[Any]:
    out: list[Any] = []
    for row in range(widget.count()):
        item = widget.item(row)
        if item is not None and item.checkState() == Qt.CheckState.Checked:
            out.append(item.data(ID_ROLE))
    return out
