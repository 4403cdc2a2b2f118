"""The scorecard rubric editor (View → Scorecard rubric…): the criteria in a table
(label, weight, scale, per-region weights as "JP=20, DE=15"), add, remove, move, the
rubric's name. A lead or admin saves (validated by the domain, the message naming the
criterion; a refused save keeps every cell as typed); anyone else reads it."""

from __future__ import annotations

import math
import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.errors import N_
from app.domain.review import (
    MAX_CRITERIA,
    MAX_RUBRIC_NAME_CHARS,
    MAX_SCALE,
    Criterion,
    ReviewError,
    Rubric,
    check_rubric,
)
from app.ops.context import AppContext
from app.ops.rubric_edit import rubric_for_editor, save_team_rubric
from app.ui.shell.labels import localize

LABEL, WEIGHT, SCALE, REGIONS = range(4)
KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # the criterion's key ("" for a new one)
MSGID_ROLE = Qt.ItemDataRole.UserRole + 2  # the stored (English msgid) label
MAX_CELL_CHARS = 400  # a region-weights cell: ~40 countries
_TYPING = (  # not CurrentChanged: moving through the table does not open editors
    QTableWidget.EditTrigger.DoubleClicked
    | QTableWidget.EditTrigger.EditKeyPressed
    | QTableWidget.EditTrigger.AnyKeyPressed
)
_REGION_ITEM = re.compile(r"^\s*([A-Za-z]{2})\s*[=:]\s*([0-9]+(?:[.,][0-9]+)?)\s*$")


class RubricEditorDialog(QDialog):
    """Signals: saved(object): the Changes of a saved rubric (the main window applies them)."""

    saved = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        _ = ctx.i18n._
        self.rubric: Rubric | None = None
        self.can_edit = False
        self.setWindowTitle(_("Scorecard rubric"))
        self.resize(900, 520)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setObjectName("muted")
        self.name = QLineEdit(self)
        self.name.setObjectName("rubricName")
        self.name.setMaxLength(MAX_RUBRIC_NAME_CHARS)
        name_row = QHBoxLayout()
        name_label = QLabel(_("Name:"), self)
        name_label.setBuddy(self.name)  # the field's name for a screen reader
        name_row.addWidget(name_label)
        name_row.addWidget(self.name, 1)
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels(
            [_("Criterion"), _("Weight"), _("Scale (0 to)"), _("Weights by country")]
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        for column in (LABEL, REGIONS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.error = QLabel(self)
        self.error.setObjectName("rubricError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.hide()
        self.add_button = QPushButton(_("Add criterion"), self)
        self.remove_button = QPushButton(_("Remove"), self)
        self.up_button = QPushButton(_("Move up"), self)
        self.down_button = QPushButton(_("Move down"), self)
        self.add_button.clicked.connect(self.add_criterion)
        self.remove_button.clicked.connect(self.remove_selected)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        edit_row = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            edit_row.addWidget(button)
        edit_row.addStretch(1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(name_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(edit_row)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._set_editable(False)
        ctx.tasks.run_store(rubric_for_editor, self._show, self._failed, owner=self)

    # ------------------------------------------------------------------ showing
    def _show(self, loaded: tuple[Rubric, bool]) -> None:
        rubric, can_edit = loaded
        _ = self._ctx.i18n._
        self.rubric = rubric
        self.name.setText(rubric.name)
        self.table.setRowCount(0)
        for criterion in rubric.criteria:
            self._append(criterion)
        self.note.setText(
            _(
                "Points run from 0 to the scale; the total is the weighted share of the points"
                " given, 0-100. A country's weight replaces the criterion's weight for its"
                " customers. Version {version}."
            ).format(version=self._ctx.i18n.number(rubric.version))
            if can_edit
            else _("Only a team lead or admin can change the scorecard; you can read it.")
        )
        self._set_editable(can_edit)

    def _set_editable(self, can_edit: bool) -> None:
        self.can_edit = can_edit
        self.name.setReadOnly(not can_edit)
        self.table.setEditTriggers(_TYPING if can_edit else QTableWidget.EditTrigger.NoEditTriggers)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            button.setEnabled(can_edit)
        self.save_button.setEnabled(can_edit)

    def _append(self, criterion: Criterion | None) -> int:
        number = self._ctx.i18n.number
        row = self.table.rowCount()
        self.table.insertRow(row)
        if criterion is None:
            cells = ["", "10", "4", ""]
            key, msgid = "", ""
        else:
            regions = ", ".join(f"{r}={number(w)}" for r, w in criterion.region_weights.items())
            label = self._ctx.i18n._(criterion.label)
            cells = [label, number(criterion.weight), str(criterion.scale), regions]
            key, msgid = criterion.key, criterion.label
        for column, text in enumerate(cells):
            self.table.setItem(row, column, QTableWidgetItem(text))
        label_item = self.table.item(row, LABEL)
        assert label_item is not None
        label_item.setData(KEY_ROLE, key)
        label_item.setData(MSGID_ROLE, msgid)
        return row

    # ------------------------------------------------------------------ editing
    def add_criterion(self) -> None:
        if not self.can_edit:
            return
        if self.table.rowCount() >= MAX_CRITERIA:
            self._refused(
                self._ctx.i18n._("A scorecard can have at most {count} criteria").format(
                    count=MAX_CRITERIA
                )
            )
            return
        row = self._append(None)
        self.table.setCurrentCell(row, LABEL)
        item = self.table.item(row, LABEL)
        if item is not None and self.table.isVisible():  # type its label at once
            self.table.editItem(item)

    def remove_selected(self) -> None:
        if not self.can_edit:
            return
        for row in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)

    def move_selected(self, step: int) -> None:
        """Move the current criterion up (-1) or down (1): the scorecard's order."""
        row = self.table.currentRow()
        target = row + step
        if not self.can_edit or row < 0 or not 0 <= target < self.table.rowCount():
            return
        column = max(self.table.currentColumn(), 0)
        taken = [self.table.takeItem(row, c) for c in range(self.table.columnCount())]
        others = [self.table.takeItem(target, c) for c in range(self.table.columnCount())]
        for c, (mine, theirs) in enumerate(zip(taken, others, strict=True)):
            self.table.setItem(target, c, mine)
            self.table.setItem(row, c, theirs)
        self.table.setCurrentCell(target, column)

    # ------------------------------------------------------------------ saving
    def cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def edited_rubric(self) -> Rubric:
        """The table as a rubric (ReviewError naming the row's criterion on a bad cell)."""
        assert self.rubric is not None
        criteria: list[Criterion] = []
        used = {self._key(row) for row in range(self.table.rowCount())} - {""}
        for row in range(self.table.rowCount()):
            label = self.cell(row, LABEL)
            named = label or self._ctx.i18n._("row {row}").format(row=row + 1)
            if not label:
                raise ReviewError(N_("The criterion in {name} needs a label"), name=named)
            key = self._key(row) or _new_key(label, used)
            used.add(key)
            item = self.table.item(row, LABEL)
            msgid = str(item.data(MSGID_ROLE) or "") if item is not None else ""
            stored = msgid if msgid and label == self._ctx.i18n._(msgid) else label
            criteria.append(
                Criterion(
                    key,
                    stored,
                    _number(self.cell(row, WEIGHT), label),
                    _scale(self.cell(row, SCALE), label),
                    _regions(self.cell(row, REGIONS), label),
                )
            )
        return Rubric(self.rubric.uid, self.name.text(), tuple(criteria), self.rubric.version)

    def _key(self, row: int) -> str:
        item = self.table.item(row, LABEL)
        return str(item.data(KEY_ROLE) or "") if item is not None else ""

    def save(self) -> None:
        """Validate here (the message names the criterion by its label), then store it."""
        if not self.can_edit or self.rubric is None:
            return
        try:
            edited = self.edited_rubric()
            check_rubric(edited)
        except ReviewError as error:
            self._refused(self._named(error))
            return
        now = self._ctx.clock()
        self.error.hide()
        self.save_button.setEnabled(False)
        self._ctx.tasks.run_store(
            lambda repo: save_team_rubric(repo, edited, now), self._saved, self._failed, owner=self
        )

    def _named(self, error: ReviewError) -> str:
        """The domain names a criterion by key; the lead knows it by its label."""
        labels = {self._key(r): self.cell(r, LABEL) for r in range(self.table.rowCount())}
        key = error.params.get("key")
        if isinstance(key, str) and labels.get(key):
            error.params["key"] = labels[key]
        return localize(self._ctx.i18n, error)

    def _saved(self, changes: Changes) -> None:
        self.saved.emit(changes)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(self.can_edit)
        self._refused(localize(self._ctx.i18n, error))

    def _refused(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()


def _number(text: str, label: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= 100:
        raise ReviewError(
            N_("The weight of “{key}” must be a number from 0 to 100"), key=label[:80]
        )
    return value


def _scale(text: str, label: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_SCALE:
        raise ReviewError(
            N_("The scale of “{key}” must be 1 to {high}"), key=label[:80], high=MAX_SCALE
        )
    return int(text)


def _regions(text: str, label: str) -> dict[str, float]:
    """ "JP=20, DE=15" -> {"JP": 20.0, "DE": 15.0}; empty: no country weights."""
    if len(text) > MAX_CELL_CHARS:
        raise ReviewError(N_("The weights by country of “{key}” are too long"), key=label[:80])
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in re.split(r"[;,](?!\d)", text))):
        match = _REGION_ITEM.match(part)
        if match is None:
            raise ReviewError(
                N_("The weights by country of “{key}” must look like JP=20, DE=15"),
                key=label[:80],
            )
        out[match.group(1).upper()] = _number(match.group(2), label)
    return out


def _new_key(label: str, used: set[str]) -> str:
    """A stable key for a new criterion (from its label when it is ASCII)."""
    base = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:32]
    if not base or not base[0].isalpha():
        base = "criterion"
    key, n = base, 2
    while key in used:
        key, n = f"{base}_{n}", n + 1
    return key
