"""Scenario files in and out: Import scenarios… (several .yaml/.yml/.json files, each
checked like a bundled one and saved as the team's; a summary names every refused file
with its line and reason) and Export scenario… (the scenario's YAML text as written)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.datafiles import DataFileError
from app.domain.errors import LocalizedError
from app.i18n import N_, I18n
from app.ui.shell.labels import localize
from app.ui.training.editor import MAX_SCENARIO_BYTES, TOO_LARGE

if TYPE_CHECKING:
    from app.training.intents import IntentIndex
    from app.ui.training.trainer import Host

SUFFIXES = (".yaml", ".yml", ".json")
MAX_FILES = 200  # files one import reads
WRONG_KIND = N_("Only .yaml, .yml and .json files can be imported")
UNREADABLE = N_("The file cannot be read as UTF-8 text")
DUPLICATE = N_("Another file of this import has the same id “{id}”")
TOO_MANY = N_("Only the first {count} files were read")


@dataclass(frozen=True, slots=True)
class Refused:
    """A file not imported: where, which line (if known) and why (in the UI language)."""

    file: str
    line: int | None
    reason: str


@dataclass
class ImportSummary:
    imported: list[tuple[str, str]] = field(default_factory=list)  # (file name, scenario id)
    refused: list[Refused] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)


@dataclass(frozen=True, slots=True)
class _Checked:
    file: str
    scenario_id: str
    text: str


def read_files(
    paths: list[Path], intents: IntentIndex, i18n: I18n
) -> tuple[list[_Checked], list[Refused]]:
    """Compute lane: read and validate each file (bounded), as the engine would load it."""
    from app.training.schema import scenario_from_text

    good: list[_Checked] = []
    refused: list[Refused] = []
    seen: set[str] = set()
    for path in paths[:MAX_FILES]:
        name = path.name
        if path.suffix.lower() not in SUFFIXES:
            refused.append(Refused(name, None, i18n._(WRONG_KIND)))
            continue
        try:
            if path.stat().st_size > MAX_SCENARIO_BYTES:
                refused.append(Refused(name, None, i18n._(TOO_LARGE)))
                continue
            text = path.read_bytes()[: MAX_SCENARIO_BYTES + 1].decode("utf-8")
        except (OSError, UnicodeDecodeError):
            refused.append(Refused(name, None, i18n._(UNREADABLE)))
            continue
        try:
            scenario = scenario_from_text(text, name, intents)
        except DataFileError as error:
            refused.append(Refused(name, error.line, error.problem))
            continue
        except LocalizedError as error:
            refused.append(Refused(name, None, localize(i18n, error)))
            continue
        if scenario.id in seen:
            refused.append(Refused(name, None, i18n._(DUPLICATE).format(id=scenario.id)))
            continue
        seen.add(scenario.id)
        good.append(_Checked(name, scenario.id, text))
    if len(paths) > MAX_FILES:
        refused.append(Refused("…", None, i18n._(TOO_MANY).format(count=MAX_FILES)))
    return good, refused


def save_all(
    store: Any, good: list[_Checked], refused: list[Refused], by: int | None, now: int, i18n: I18n
) -> ImportSummary:
    """Store lane: save each checked file; one refused by the store does not stop the rest."""
    from app.ops import training

    summary = ImportSummary(refused=list(refused))
    for item in good:
        try:
            summary.changes = summary.changes | training.save_scenario(store, item.text, by, now)
        except DataFileError as error:
            summary.refused.append(Refused(item.file, error.line, error.problem))
        except LocalizedError as error:
            summary.refused.append(Refused(item.file, None, localize(i18n, error)))
        else:
            summary.imported.append((item.file, item.scenario_id))
    return summary


class ScenarioImport(QObject):
    """One import: check the files (compute lane), save them (store lane), show a summary.

    Signals: finished(object): the ImportSummary (the summary dialog is open then)."""

    finished = Signal(object)

    def __init__(self, host: Host, parent: QWidget) -> None:
        super().__init__(parent)
        self.host = host
        self.parent_widget = parent
        self.summary: ImportSummary | None = None
        self.dialog: ImportSummaryDialog | None = None

    def start(self, paths: list[Path]) -> None:
        ctx = self.host.ctx
        data = self.host.training_data
        if data is None or not paths:
            return
        intents, i18n = data.intents, ctx.i18n
        ctx.tasks.run(
            lambda: read_files(paths, intents, i18n), self._checked, self._failed, owner=self
        )

    def _checked(self, result: tuple[list[_Checked], list[Refused]]) -> None:
        ctx = self.host.ctx
        good, refused = result
        me, now, i18n = ctx.workspace.me_id, ctx.clock(), ctx.i18n
        ctx.tasks.run_store(
            lambda store: save_all(store, good, refused, me, now, i18n),
            self._saved,
            self._failed,
            owner=self,
        )

    def _saved(self, summary: ImportSummary) -> None:
        self.summary = summary
        if summary.imported:
            self.host.reload_scenarios()
        self.dialog = ImportSummaryDialog(self.host.ctx.i18n, summary, self.parent_widget)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.open()
        self.finished.emit(summary)

    def _failed(self, error: BaseException) -> None:
        self._saved(ImportSummary(refused=[Refused("", None, localize(self.host.ctx.i18n, error))]))


class ImportSummaryDialog(QDialog):
    """Imported N, refused M: each refused file with its line and the reason."""

    def __init__(self, i18n: I18n, summary: ImportSummary, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("importSummary")
        _ = i18n._
        self.setWindowTitle(_("Import scenarios"))
        self.resize(720, 360)
        self.headline = QLabel(self)
        self.headline.setWordWrap(True)
        imported = i18n.ngettext(
            "Imported {count} scenario.", "Imported {count} scenarios.", len(summary.imported)
        ).format(count=len(summary.imported))
        refused = i18n.ngettext(
            "Refused {count} file.", "Refused {count} files.", len(summary.refused)
        ).format(count=len(summary.refused))
        self.headline.setText(f"{imported} {refused}")
        self.table = QTableWidget(len(summary.refused), 3, self)
        self.table.setObjectName("refusedFiles")
        self.table.setHorizontalHeaderLabels([_("File"), _("Line"), _("Reason")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, item in enumerate(summary.refused):
            cells = (item.file, str(item.line) if item.line else "", item.reason)
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
        self.table.setVisible(bool(summary.refused))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)


def import_scenarios(host: Host, parent: QWidget) -> ScenarioImport | None:
    """Ask for the files, then import them (the returned object reports when done)."""
    _ = host.ctx.i18n._
    names, _filter = QFileDialog.getOpenFileNames(
        parent, _("Import scenarios"), "", _("Scenario files (*.yaml *.yml *.json)")
    )
    if not names:
        return None
    job = ScenarioImport(host, parent)
    job.start([Path(n) for n in names])
    return job


def export_scenario(host: Host, parent: QWidget, scenario_id: str) -> Path | None:
    """Save the scenario's YAML text (exactly as loaded) where the trainer chooses."""
    _ = host.ctx.i18n._
    data = host.training_data
    text = data.scenarios.texts.get(scenario_id) if data is not None else None
    if text is None:
        return None
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, _("Export scenario"), f"{scenario_id}.yaml", _("Scenario files (*.yaml)")
    )
    if not chosen:
        return None
    path = Path(chosen)
    if not path.suffix:
        path = path.with_suffix(".yaml")
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Export scenario"),
            _("The scenario could not be saved to {path}: {reason}").format(
                path=path, reason=error.strerror or error
            ),
            QMessageBox.StandardButton.Ok,
            parent,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return None
    return path
