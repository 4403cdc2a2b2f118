"""The scenario editor: a form for the main fields beside the whole file as YAML text.

The two stay in step (the form writes its field into the text in place, keeping the
author's comments; the text fills the form back). The text is checked by the engine's
own validator a moment after typing stops, on the compute lane; each problem is listed
with its line (a click puts the cursor there). Save and Test-play need a valid text.
Editing a built-in scenario saves a team copy with the same id, which then replaces it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFontDatabase, QTextCursor
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.models import Channel
from app.domain.training import PlayOptions
from app.i18n import N_
from app.ui.shell.debounce import debouncer
from app.ui.shell.labels import channel_label, localize
from app.ui.training.labels import DIFFICULTIES, MOODS, difficulty_label, mood_label
from app.ui.training.yaml_fields import (
    FIELDS,
    VERSION,
    Checked,
    FieldEditError,
    FieldPath,
    check_text,
    country_codes,
    read_fields,
    set_field,
)

if TYPE_CHECKING:
    from app.training.schema import Scenario
    from app.ui.training.trainer import Host

MAX_SCENARIO_BYTES = 256 * 1024  # a scenario file, typed or imported
CHECK_MS = 350  # the pause in typing before the text is checked
FORM_MS = 250  # the pause in the form before its fields are written into the text
LINE_ROLE = Qt.ItemDataRole.UserRole + 1
TOO_LARGE = N_("The file is larger than 256 KB")

LABELS: dict[FieldPath, str] = {
    ("id",): N_("Id:"),
    ("title", "en"): N_("Title (English):"),
    ("title", "zh_CN"): N_("Title (Chinese):"),
    ("country",): N_("Country:"),
    ("language",): N_("Customer's language:"),
    ("channel",): N_("Channel:"),
    ("moment",): N_("Local date and time:"),
    ("difficulty",): N_("Difficulty:"),
    ("persona", "name"): N_("Customer's name:"),
    ("persona", "mood"): N_("Mood:"),
    ("persona", "patience"): N_("Patience (seconds):"),
    ("persona", "leaves_after"): N_("Reminders before leaving:"),
}


class ScenarioEditorDialog(QDialog):
    """Signals: saved(object): the Changes of a stored scenario; checked(): a check of
    the text finished (the list of problems is up to date)."""

    saved = Signal(object)
    checked = Signal()

    def __init__(
        self,
        host: Host,
        text: str,
        *,
        builtin: bool = False,
        new: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("scenarioEditor")
        self.host = host
        self._ctx = host.ctx
        self.builtin = builtin
        self.new = new
        self.original = text
        self.scenario: Scenario | None = None
        self.errors: list[tuple[int | None, str]] = []
        self.box: QMessageBox | None = None  # the open question (tests answer it)
        self._checked_text: str | None = None
        self._pending: set[FieldPath] = set()
        self._closing = False
        _ = self._ctx.i18n._
        self.setWindowTitle(_("New scenario") if new else _("Edit scenario"))
        self.resize(1100, 720)
        self.note = QLabel(self._note_text(), self)
        self.note.setWordWrap(True)
        self.note.setObjectName("muted")
        self.form_widget = QWidget(self)
        form = QFormLayout(self.form_widget)
        self.fields: dict[FieldPath, QWidget] = {}
        for path in FIELDS:
            widget = self._field_widget(path)
            widget.setObjectName("field_" + "_".join(path))
            self.fields[path] = widget
            form.addRow(_(LABELS[path]), widget)
        self.form_note = QLabel(self.form_widget)
        self.form_note.setWordWrap(True)
        self.form_note.setObjectName("muted")
        form.addRow(self.form_note)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("scenarioText")
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        # A YAML file reads left to right: a line that starts with Arabic must not flip.
        option = self.editor.document().defaultTextOption()
        option.setTextDirection(Qt.LayoutDirection.LeftToRight)
        self.editor.document().setDefaultTextOption(option)
        self.editor.setPlainText(text)
        self.error_list = QListWidget(self)
        self.error_list.setObjectName("scenarioErrors")
        self.error_list.setMaximumHeight(130)
        self.error_list.itemClicked.connect(self.go_to_error)
        self.error_list.itemActivated.connect(self.go_to_error)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.editor, 1)
        right_layout.addWidget(self.error_list)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.form_widget)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.play_button = QPushButton(_("Test-play"), self)
        self.play_button.setToolTip(_("Play this version now; nothing is recorded."))
        self.buttons.addButton(self.play_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.play_button.clicked.connect(self.test_play)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self._check_timer = debouncer(self, CHECK_MS, self.validate)
        self._form_timer = debouncer(self, FORM_MS, self.apply_form)
        self.editor.textChanged.connect(self._text_changed)
        self._set_ready(False)
        self.validate()

    # ------------------------------------------------------------------ the form
    def _note_text(self) -> str:
        _ = self._ctx.i18n._
        if self.new:
            return _("A new scenario from the template: fill in the form, then the rest.")
        if self.builtin:
            return _(
                "A built-in scenario: saving keeps a copy for your team with the same id,"
                " which then replaces the built-in one."
            )
        return _("A scenario of your team: saving replaces it and its version grows.")

    def _field_widget(self, path: FieldPath) -> QWidget:
        _ = self._ctx.i18n._
        widget: QWidget
        if path == ("country",):
            combo = QComboBox(self)
            for code in country_codes(self._ctx.paths.team_etiquette):
                combo.addItem(f"{self._ctx.i18n.country_name(code)} ({code})", code)
            combo.activated.connect(lambda _i, p=path: self._form_changed(p))
            widget = combo
        elif path in (("channel",), ("persona", "mood"), ("difficulty",)):
            combo = QComboBox(self)
            i18n = self._ctx.i18n
            if path == ("difficulty",):
                for value in DIFFICULTIES:
                    combo.addItem(f"{value} – {difficulty_label(i18n, value)}", value)
            elif path == ("channel",):
                for channel in Channel:
                    combo.addItem(channel_label(i18n, channel), channel.value)
            else:
                for mood in MOODS:
                    combo.addItem(mood_label(i18n, mood), mood)
            combo.activated.connect(lambda _i, p=path: self._form_changed(p))
            widget = combo
        elif path in (("persona", "patience"), ("persona", "leaves_after")):
            spin = QSpinBox(self)
            spin.setRange(*((10, 3600) if path[-1] == "patience" else (0, 5)))
            spin.valueChanged.connect(lambda _v, p=path: self._form_changed(p))
            widget = spin
        else:
            line = QLineEdit(self)
            line.setMaxLength(64 if path == ("id",) else 200)
            if path == ("moment",):
                line.setPlaceholderText("2027-02-20T20:30:00+03:00")
            line.textEdited.connect(lambda _t, p=path: self._form_changed(p))
            widget = line
        return widget

    def field_value(self, path: FieldPath) -> str | int:
        widget = self.fields[path]
        if isinstance(widget, QComboBox):
            data = widget.currentData()
            return data if isinstance(data, int | str) else widget.currentText()
        if isinstance(widget, QSpinBox):
            return widget.value()
        assert isinstance(widget, QLineEdit)
        return widget.text().strip()

    def _show_fields(self, fields: Mapping[FieldPath, Any]) -> None:
        """Fill the form from the text (not the field being typed in, not pending ones)."""
        for path, widget in self.fields.items():
            if widget.hasFocus() or path in self._pending or path not in fields:
                continue
            value = fields[path]
            widget.blockSignals(True)
            try:
                if isinstance(widget, QComboBox):
                    index = widget.findData(value)
                    if index < 0 and isinstance(value, int | str):
                        widget.addItem(str(value), value)  # shown as written: the check says why
                        index = widget.count() - 1
                    widget.setCurrentIndex(index)
                elif isinstance(widget, QSpinBox):
                    if isinstance(value, int) and not isinstance(value, bool):
                        widget.setValue(value)
                elif isinstance(widget, QLineEdit):
                    widget.setText(str(value))
            finally:
                widget.blockSignals(False)

    def _form_changed(self, path: FieldPath) -> None:
        self._pending.add(path)
        self._set_ready(False)
        self._form_timer.start()

    def apply_form(self) -> None:
        """Write the form's changed fields into the text (in place, comments kept)."""
        self._form_timer.stop()
        if not self._pending:
            return
        text = self.editor.toPlainText()
        try:
            for path in sorted(self._pending):
                text = set_field(text, path, self.field_value(path))
        except FieldEditError:
            self.form_note.setText(
                self._ctx.i18n._("The text has a problem the form cannot get past; fix it first.")
            )
            return
        finally:
            self._pending.clear()
        self.replace_text(text)

    def replace_text(self, new: str) -> None:
        """Replace only what differs, as one undoable edit (the cursor stays put)."""
        old = self.editor.toPlainText()
        if new == old:
            return
        start = 0
        limit = min(len(old), len(new))
        while start < limit and old[start] == new[start]:
            start += 1
        end = 0
        while end < limit - start and old[-1 - end] == new[-1 - end]:
            end += 1
        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(_utf16(old[:start]))
        cursor.setPosition(_utf16(old[: len(old) - end]), QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(new[start : len(new) - end])

    # ------------------------------------------------------------------ checking
    def _text_changed(self) -> None:
        self._set_ready(False)
        self._check_timer.start()

    def validate(self) -> None:
        """Check the text now, on the compute lane (newer checks supersede older ones)."""
        self._check_timer.stop()
        data = self.host.training_data
        text = self.editor.toPlainText()
        if data is None:
            return
        if len(text.encode("utf-8")) > MAX_SCENARIO_BYTES:
            self._checked(Checked(text, None, None, [(None, self._ctx.i18n._(TOO_LARGE))]))
            return
        label = f"{self.field_value(('id',)) or 'scenario'}.yaml"
        intents = data.intents
        self._ctx.tasks.run(
            lambda: check_text(text, label, intents),
            self._checked,
            self._check_failed,
            key=f"scenario-check-{id(self)}",
            owner=self,
        )

    def _checked(self, result: Checked) -> None:
        if result.text != self.editor.toPlainText():
            return  # typed since: a newer check is on its way
        self._checked_text = result.text
        self.scenario = result.scenario
        self.show_errors(result.errors)
        self.form_widget.setEnabled(result.fields is not None)
        if result.fields is not None:
            self.form_note.clear()
            self._show_fields(result.fields)
        else:
            self.form_note.setText(self._ctx.i18n._("Fix the text to use the form again."))
        self._set_ready(result.scenario is not None)
        self.checked.emit()

    def _check_failed(self, error: BaseException) -> None:
        self.show_errors([(None, localize(self._ctx.i18n, error))])
        self._set_ready(False)
        self.checked.emit()

    def show_errors(self, errors: list[tuple[int | None, str]]) -> None:
        _ = self._ctx.i18n._
        self.errors = errors
        self.error_list.clear()
        for line, problem in errors:
            text = (
                _("Line {line}: {problem}").format(line=line, problem=problem) if line else problem
            )
            item = QListWidgetItem(text)
            item.setData(LINE_ROLE, line or 0)
            item.setToolTip(problem)
            self.error_list.addItem(item)
        if not errors:
            ok = QListWidgetItem(_("No problems found."))
            ok.setData(LINE_ROLE, 0)
            self.error_list.addItem(ok)

    def go_to_error(self, item: QListWidgetItem) -> None:
        """Put the cursor at the start of the problem's line."""
        line = int(item.data(LINE_ROLE) or 0)
        if line <= 0:
            return
        block = self.editor.document().findBlockByNumber(line - 1)
        if not block.isValid():
            return
        cursor = self.editor.textCursor()
        cursor.setPosition(block.position())
        self.editor.setTextCursor(cursor)
        self.editor.centerCursor()
        self.editor.setFocus()

    def _set_ready(self, valid: bool) -> None:
        self.save_button.setEnabled(valid)
        self.play_button.setEnabled(valid)

    @property
    def dirty(self) -> bool:
        return bool(self._pending) or self.editor.toPlainText() != self.original

    # ------------------------------------------------------------------ saving
    def save(self) -> None:
        """Store the valid text as the team's scenario (its version one above the last)."""
        _ = self._ctx.i18n._
        self.apply_form()
        scenario = self.scenario
        text = self.editor.toPlainText()
        if scenario is None or text != self._checked_text:
            self.status.setText(_("Fix the problems listed first."))
            return
        known = self.host.training_data.scenarios.scenarios if self.host.training_data else {}
        existing = known.get(scenario.id)
        if existing is not None and self._original_id() != scenario.id:
            self.status.setText(
                _("A scenario with the id “{id}” exists already: choose another id.").format(
                    id=scenario.id
                )
            )
            return
        if existing is not None and scenario.version <= existing.version:
            text = set_field(text, VERSION, existing.version + 1)
            self.replace_text(text)
            self._checked_text = text
        me, now = self._ctx.workspace.me_id, self._ctx.clock()
        self._set_ready(False)
        self.status.setText(_("Saving…"))

        def work(store: Any) -> Changes:
            from app.ops import training

            return training.save_scenario(store, text, me, now)

        self._ctx.tasks.run_store(work, self._saved, self._save_failed, owner=self)

    def _original_id(self) -> str | None:
        if self.new:
            return None
        fields = read_fields(self.original) or {}
        value = fields.get(("id",))
        return value if isinstance(value, str) else None

    def _saved(self, changes: Changes) -> None:
        self.original = self.editor.toPlainText()
        self.status.setText(self._ctx.i18n._("Saved."))
        self.saved.emit(changes)
        self.host.reload_scenarios()
        self._closing = True
        self.accept()

    def _save_failed(self, error: BaseException) -> None:
        self.status.setText(localize(self._ctx.i18n, error))
        self._set_ready(self.scenario is not None)

    def test_play(self) -> None:
        """Play the scenario as it is now in the training window (nothing recorded)."""
        if self.scenario is not None and self.editor.toPlainText() == self._checked_text:
            self.host.play_scenario(self.scenario, PlayOptions())

    # ------------------------------------------------------------------ leaving
    def reject(self) -> None:
        """Cancel, Escape or the close button: ask before throwing edits away."""
        if self._closing or not self.dirty:
            self._closing = True
            super().reject()
            return
        _ = self._ctx.i18n._
        box = QMessageBox(self)
        box.setObjectName("discardScenarioEdits")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Discard changes?"))
        box.setText(_("This scenario has changes that are not saved. Discard them?"))
        discard = box.addButton(_("Discard"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(_("Keep editing"), QMessageBox.ButtonRole.RejectRole)

        def answered(button: QAbstractButton) -> None:
            self.box = None
            if button is discard:
                self._closing = True
                super(ScenarioEditorDialog, self).reject()

        box.buttonClicked.connect(answered)
        self.box = box
        box.open()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self._closing or not self.dirty:
            super().closeEvent(event)
            return
        event.ignore()
        self.reject()


def _utf16(text: str) -> int:
    """A Python string's length in the UTF-16 units QTextDocument positions count."""
    return len(text.encode("utf-16-le")) // 2
