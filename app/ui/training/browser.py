"""The training window's first page: the scenarios (the trainee's assignments first, with
their due dates and the best score so far) and the brief of the chosen one, with Start
and the trainer's options (fixed when the scenario was assigned)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.display import isolated
from app.domain.models import Channel
from app.domain.training import (
    Assignment,
    AssignmentState,
    AttemptRecord,
    PlayOptions,
)
from app.i18n import I18n
from app.ui.conversation.header import plain_label
from app.ui.shell.icons import channel_icon
from app.ui.shell.labels import channel_label
from app.ui.training.labels import (
    channel_of,
    country_text,
    difficulty_label,
    duration,
    local_text,
    mood_label,
    persona_name,
    ui_key,
)
from app.ui.training.option_controls import chosen_options, option_controls

if TYPE_CHECKING:
    from app.training.schema import Scenario

SCENARIO_ROLE = Qt.ItemDataRole.UserRole
ASSIGNMENT_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_CONTEXT_LINES = 12


def best_scores(attempts: Iterable[AttemptRecord]) -> dict[str, float]:
    """The best score of each scenario among these attempts."""
    best: dict[str, float] = {}
    for attempt in attempts:
        best[attempt.scenario_id] = max(best.get(attempt.scenario_id, 0.0), attempt.score)
    return best


def open_assignments(assignments: Iterable[Assignment], known: Iterable[str]) -> list[Assignment]:
    """The trainee's open assignments of scenarios this window can play, soonest due first."""
    ids = set(known)
    found = [a for a in assignments if a.state is AssignmentState.OPEN and a.scenario_id in ids]
    return sorted(found, key=lambda a: (a.due_at is None, a.due_at or 0, a.created_at))


class ScenarioBrowser(QWidget):
    """Scenario list | brief.

    Signals:
        start_requested(str, object, object): scenario id, PlayOptions, assignment uid
            (None: free practice).
    """

    start_requested = Signal(str, object, object)

    def __init__(self, i18n: I18n, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scenarioBrowser")
        self._i18n = i18n
        _ = i18n._
        self.scenarios: dict[str, Scenario] = {}
        # Regional-indicator flags need an emoji font; without one, the ISO code is shown.
        self.flags = QFontMetrics(self.font()).inFontUcs4(0x1F1F8)
        self.assignments: list[Assignment] = []
        self.best: dict[str, float] = {}
        self.list = QListWidget(self)
        self.list.setObjectName("scenarioList")
        self.list.setAccessibleName(_("Scenarios"))
        self.list.setIconSize(QSize(20, 20))
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(False)
        self.list.setSpacing(2)
        self.list.currentItemChanged.connect(lambda _c, _p: self._show_brief())
        self.list.itemActivated.connect(lambda _item: self.start())
        self.empty = plain_label(self, "muted")
        self.empty.setWordWrap(True)
        self.empty.setText(_("Loading the scenarios…"))

        brief = QWidget(self)
        self.title = QLabel(brief)
        self.title.setObjectName("customerName")
        self.title.setWordWrap(True)
        self.meta = plain_label(brief, "muted")
        self.meta.setWordWrap(True)
        self.summary = plain_label(brief, "briefSummary")
        self.summary.setWordWrap(True)
        self.persona = plain_label(brief, "briefPersona")
        self.persona.setWordWrap(True)
        self.context = plain_label(brief, "briefContext")
        self.context.setWordWrap(True)
        self.author = plain_label(brief, "muted")
        self.author.setWordWrap(True)
        self.translate_box, self.etiquette_box, self.speed_box = option_controls(
            brief,
            _("Translate my reply into the customer's language"),
            _("Etiquette panel and draft check"),
            step=0.5,
        )
        self.speed_box.setMaximumWidth(110)
        self.speed_box.setAccessibleName(_("Clock speed"))
        self.fixed = plain_label(brief, "muted")
        self.fixed.setWordWrap(True)
        self.start_button = QPushButton(_("Start"), brief)
        self.start_button.setObjectName("primary")
        self.start_button.clicked.connect(self.start)
        self.start_button.setEnabled(False)
        options = QFormLayout()
        options.addRow(self.translate_box)
        options.addRow(self.etiquette_box)
        options.addRow(_("Customer's clock speed:"), self.speed_box)
        start_row = QHBoxLayout()
        start_row.addWidget(self.fixed, 1)
        start_row.addWidget(self.start_button)
        column = QVBoxLayout(brief)
        column.setContentsMargins(18, 14, 18, 14)
        column.setSpacing(8)
        for widget in (self.title, self.meta, self.summary):
            column.addWidget(widget)
        column.addWidget(self._section(brief, _("The customer")))
        column.addWidget(self.persona)
        column.addWidget(self._section(brief, _("What you know")))
        column.addWidget(self.context)
        column.addWidget(self.author)
        column.addWidget(self._section(brief, _("Practice options")))
        column.addLayout(options)
        column.addLayout(start_row)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(brief)
        left = QWidget(self)
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(self.list, 1)
        left_column.addWidget(self.empty)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([460, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    @staticmethod
    def _section(parent: QWidget, text: str) -> QLabel:
        label = QLabel(text, parent)
        label.setObjectName("sectionTitle")
        return label

    # ------------------------------------------------------------------ data
    def set_scenarios(
        self,
        scenarios: dict[str, Scenario],
        assignments: Sequence[Assignment],
        attempts: Sequence[AttemptRecord],
    ) -> None:
        """Fill the list: the trainee's open assignments first, then every scenario."""
        chosen = self.current()
        self.scenarios = scenarios
        self.assignments = open_assignments(assignments, scenarios)
        self.best = best_scores(attempts)
        _ = self._i18n._
        self.list.clear()
        if self.assignments:
            self._header(_("Assigned to you"))
            for assignment in self.assignments:
                self._item(scenarios[assignment.scenario_id], assignment)
            self._header(_("All scenarios"))
        key = ui_key(self._i18n)
        for scenario in sorted(scenarios.values(), key=lambda s: local_text(s.title, key)):
            self._item(scenario, None)
        self.empty.setText(_("No scenarios are available.") if not scenarios else "")
        self.empty.setVisible(not scenarios)
        if not self.select(*chosen):
            self._select_first()

    def _header(self, text: str) -> None:
        item = QListWidgetItem(text)
        font = QFont(self.list.font())
        font.setBold(True)
        item.setFont(font)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.list.addItem(item)

    def _item(self, scenario: Scenario, assignment: Assignment | None) -> None:
        i18n = self._i18n
        _ = i18n._
        key = ui_key(i18n)
        channel = channel_of(scenario)
        second = [
            country_text(i18n, scenario.country, self.flags),
            i18n.language_name(scenario.language),
            difficulty_label(i18n, int(scenario.difficulty)),
        ]
        if scenario.id in self.best:
            best = i18n.number(round(self.best[scenario.id]))
            second.append(_("best {score}").format(score=best))
        if assignment is not None:
            due = (
                _("due {date}").format(date=i18n.day(assignment.due_at))
                if assignment.due_at
                else _("no due date")
            )
            second.append(due)
        item = QListWidgetItem(channel_icon(channel), f"{local_text(scenario.title, key)}\n"
                               + " · ".join(second))  # fmt: skip
        item.setToolTip(channel_label(i18n, Channel(channel)))
        item.setData(SCENARIO_ROLE, scenario.id)
        item.setData(ASSIGNMENT_ROLE, assignment.uid if assignment is not None else None)
        self.list.addItem(item)

    def _select_first(self) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item is not None and item.data(SCENARIO_ROLE):
                self.list.setCurrentRow(row)
                return
        self._show_brief()

    def select(self, scenario_id: str | None, assignment_uid: str | None = None) -> bool:
        """Choose a scenario in the list (its assignment's row if one is named)."""
        if scenario_id is None:
            return False
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item is None or item.data(SCENARIO_ROLE) != scenario_id:
                continue
            if item.data(ASSIGNMENT_ROLE) == assignment_uid:
                self.list.setCurrentRow(row)
                return True
        return False

    def current(self) -> tuple[str | None, str | None]:
        item = self.list.currentItem()
        if item is None:
            return None, None
        return item.data(SCENARIO_ROLE), item.data(ASSIGNMENT_ROLE)

    def assignment(self, uid: str | None) -> Assignment | None:
        return next((a for a in self.assignments if a.uid == uid), None)

    # ------------------------------------------------------------------ brief
    def _show_brief(self) -> None:
        i18n = self._i18n
        _ = i18n._
        scenario_id, uid = self.current()
        scenario = self.scenarios.get(scenario_id or "")
        self.start_button.setEnabled(scenario is not None)
        if scenario is None:
            for label in (self.title, self.meta, self.summary, self.persona, self.context):
                label.setText("")
            self.author.setText("")
            return
        key = ui_key(i18n)
        self.title.setText(local_text(scenario.title, key))
        meta = [
            country_text(i18n, scenario.country, self.flags),
            _("writes in {language}").format(language=i18n.language_name(scenario.language)),
            channel_label(i18n, channel_of(scenario)),
            difficulty_label(i18n, int(scenario.difficulty)),
        ]
        if scenario.id in self.best:
            best = i18n.number(round(self.best[scenario.id]))
            meta.append(_("best {score}").format(score=best))
        self.meta.setText(" · ".join(meta))
        self.summary.setText(local_text(scenario.summary, key))
        self.persona.setText(self._persona_text(scenario))
        self.context.setText(self._context_text(scenario, key))
        author = _("Written by {author}.").format(author=scenario.author)
        reviewed = getattr(scenario, "translations_reviewed_by", None)
        if reviewed:
            author += " " + _("Translations reviewed by {name}.").format(name=reviewed)
        self.author.setText(author)
        self._show_options(self.assignment(uid))

    def _persona_text(self, scenario: Scenario) -> str:
        i18n = self._i18n
        _ = i18n._
        persona = scenario.persona
        name = isolated(persona_name(scenario), 200)
        lines = [f"\u200e{name} · {mood_label(i18n, str(persona.mood))}"]  # LRM: reads LTR
        patience = duration(float(persona.patience))
        if int(persona.leaves_after):
            count = int(persona.leaves_after)
            lines.append(
                i18n.ngettext(
                    "Writes again after {patience} without an answer; leaves after "
                    "{count} reminder.",
                    "Writes again after {patience} without an answer; leaves after "
                    "{count} reminders.",
                    count,
                ).format(patience=patience, count=count)
            )
        else:
            lines.append(
                _("Writes again after {patience} without an answer.").format(patience=patience)
            )
        return "\n".join(lines)

    def _context_text(self, scenario: Scenario, key: str) -> str:
        context = getattr(scenario, "context", None)
        lines = []
        for field in list(getattr(context, "fields", None) or [])[:MAX_CONTEXT_LINES]:
            lines.append(f"{local_text(field.label, key)}: {field.value}")
        for fact in list(getattr(context, "facts", None) or [])[:MAX_CONTEXT_LINES]:
            lines.append(f"• {local_text(fact, key)}")
        return "\n".join(lines)

    def _show_options(self, assignment: Assignment | None) -> None:
        """An assignment's options are the trainer's: shown, not editable."""
        _ = self._i18n._
        fixed = assignment is not None
        if assignment is not None:
            options = assignment.options
            self.translate_box.setChecked(options.translation)
            self.etiquette_box.setChecked(options.etiquette)
            self.speed_box.setValue(options.clock_speed)
        for widget in (self.translate_box, self.etiquette_box, self.speed_box):
            widget.setEnabled(not fixed)
        self.fixed.setText(_("Options set by your trainer for this assignment.") if fixed else "")

    def options(self) -> PlayOptions:
        return chosen_options(self.translate_box, self.etiquette_box, self.speed_box)

    def start(self) -> None:
        scenario_id, uid = self.current()
        if scenario_id and scenario_id in self.scenarios:
            self.start_requested.emit(scenario_id, self.options(), uid)
