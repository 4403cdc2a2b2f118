"""A trainer writes a scenario in the editor: the form and the YAML text stay in step, a
mistake is listed with its line (a click puts the cursor there), a valid scenario saves
through the ops and shows in the list, a built-in one is saved as the team's copy with its
version one higher, Test-play hands the scenario to the window, Cancel asks first."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from app.domain.review import Role
from app.ops import training
from app.storage.store import Store
from app.ui.training.editor import ScenarioEditorDialog
from tests.helpers.fixtures import ContextFactory
from tests.ui.training.trainer_host import (
    TrainerHost,
    a_builtin_id,
    builtin_text,
    line_of,
    template,
    template_as,
    trainer_desk,
)

pytestmark = pytest.mark.gui


def open_editor(
    qtbot: QtBot, host: TrainerHost, text: str, *, builtin: bool = False, new: bool = False
) -> ScenarioEditorDialog:
    dialog = ScenarioEditorDialog(host, text, builtin=builtin, new=new, parent=host)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def retype(qtbot: QtBot, dialog: ScenarioEditorDialog, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in the text as an edit, then wait for the check."""
    text = dialog.editor.toPlainText()
    assert old in text
    with qtbot.waitSignal(dialog.checked, timeout=5000):
        dialog.replace_text(text.replace(old, new, 1))


def problems(dialog: ScenarioEditorDialog) -> list[str]:
    return [dialog.error_list.item(i).text() for i in range(dialog.error_list.count())]


def test_a_mistake_is_listed_with_its_line_and_a_click_puts_the_cursor_there(
    host: TrainerHost, qtbot: QtBot
) -> None:
    dialog = open_editor(qtbot, host, template(), new=True)
    assert dialog.scenario is not None, problems(dialog)
    assert problems(dialog) == ["No problems found."]
    assert dialog.save_button.isEnabled() and dialog.play_button.isEnabled()

    retype(qtbot, dialog, "goto: asks_again", "goto: nowhere")
    line = line_of(dialog.editor.toPlainText(), "goto: nowhere")
    assert dialog.scenario is None
    assert not dialog.save_button.isEnabled() and not dialog.play_button.isEnabled()
    assert [number for number, _problem in dialog.errors] == [line]
    assert problems(dialog)[0].startswith(f"Line {line}: ")
    assert "nowhere" in problems(dialog)[0]

    item = dialog.error_list.item(0)
    dialog.error_list.itemClicked.emit(item)
    assert dialog.editor.textCursor().blockNumber() == line - 1
    assert dialog.editor.hasFocus()

    retype(qtbot, dialog, "goto: nowhere", "goto: [asks_again")  # not even YAML now
    assert dialog.errors and dialog.errors[0][0] is not None
    assert not dialog.form_widget.isEnabled()  # the form cannot write into broken text

    retype(qtbot, dialog, "goto: [asks_again", "goto: asks_again")
    assert dialog.scenario is not None and dialog.form_widget.isEnabled()


def test_the_form_and_the_text_stay_in_step(host: TrainerHost, qtbot: QtBot) -> None:
    dialog = open_editor(qtbot, host, template(), new=True)
    id_field = dialog.fields[("id",)]
    assert isinstance(id_field, QLineEdit) and id_field.text() == "new-scenario"
    mood = dialog.fields[("persona", "mood")]
    assert isinstance(mood, QComboBox) and mood.currentData() == "worried"

    id_field.setFocus()
    id_field.selectAll()
    with qtbot.waitSignal(dialog.checked, timeout=5000):
        qtbot.keyClicks(id_field, "us-parcel-late")
        qtbot.waitUntil(lambda: "id: us-parcel-late " in dialog.editor.toPlainText(), timeout=3000)
    text = dialog.editor.toPlainText()
    assert "id: us-parcel-late                  # lower-case letters" in text  # comment kept
    assert dialog.scenario is not None and dialog.scenario.id == "us-parcel-late"

    country = dialog.fields[("country",)]
    assert isinstance(country, QComboBox)
    with qtbot.waitSignal(dialog.checked, timeout=5000):
        country.setCurrentIndex(country.findData("JP"))
        country.activated.emit(country.currentIndex())
    assert 'country: "JP"' in dialog.editor.toPlainText()

    dialog.editor.setFocus()
    retype(qtbot, dialog, "mood: worried", "mood: angry")
    assert mood.currentData() == "angry"
    undo_ready = dialog.editor.document().isUndoAvailable()
    assert undo_ready  # form edits are ordinary, undoable edits of the text


def test_a_valid_scenario_is_saved_through_the_ops_and_listed(
    repo: Store, host: TrainerHost, qtbot: QtBot
) -> None:
    dialog = open_editor(qtbot, host, template_as("us-parcel-late"), new=True)
    assert dialog.scenario is not None, problems(dialog)
    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved:
        dialog.save_button.click()
    assert saved.args[0].training
    assert [sid for sid, _text in training.saved_scenarios(repo)] == ["us-parcel-late"]
    assert host.reloads == 1 and host.training_data is not None
    assert "us-parcel-late" in host.training_data.scenarios.scenarios
    assert not dialog.isVisible()

    again = open_editor(qtbot, host, template_as("us-parcel-late", "Another"), new=True)
    again.save_button.click()  # a new scenario may not take an existing id
    assert "exists already" in again.status.text()
    assert len(training.saved_scenarios(repo)) == 1


def test_editing_a_built_in_scenario_saves_the_teams_copy_one_version_up(
    repo: Store, host: TrainerHost, qtbot: QtBot
) -> None:
    sid = a_builtin_id()
    assert host.training_data is not None
    before = host.training_data.scenarios.scenarios[sid]
    dialog = open_editor(qtbot, host, builtin_text(sid), builtin=True)
    assert "built-in" in dialog.note.text()
    title = dialog.fields[("title", "en")]
    assert isinstance(title, QLineEdit)
    title.setFocus()
    title.selectAll()
    with qtbot.waitSignal(dialog.checked, timeout=5000):
        qtbot.keyClicks(title, "Our own version")
        qtbot.waitUntil(lambda: "Our own version" in dialog.editor.toPlainText(), timeout=3000)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save_button.click()
    (saved_id, saved_text), *_ = training.saved_scenarios(repo)
    assert saved_id == sid
    assert f"version: {before.version + 1}" in saved_text
    after = host.training_data.scenarios.scenarios[sid]
    assert after.version == before.version + 1
    assert "Our own version" in saved_text


def test_only_a_trainer_can_save(repo: Store, make_ctx: ContextFactory, qtbot: QtBot) -> None:
    host, _agents = trainer_desk(repo, make_ctx, qtbot, roles=(Role.AGENT,))
    dialog = open_editor(qtbot, host, template_as("us-parcel-late"), new=True)
    dialog.save_button.click()
    assert "Only a trainer, team lead or admin" in dialog.status.text()
    assert training.saved_scenarios(repo) == []
    assert dialog.isVisible()


def test_test_play_hands_the_edited_scenario_to_the_window(
    repo: Store, host: TrainerHost, qtbot: QtBot
) -> None:
    dialog = open_editor(qtbot, host, template(), new=True)
    retype(qtbot, dialog, "still hasn't arrived", "is late")
    dialog.play_button.click()
    ((scenario, options),) = host.played
    assert scenario.id == "new-scenario" and "is late" in scenario.turns["opening"].text
    assert options.translation and options.etiquette
    assert training.saved_scenarios(repo) == []  # nothing stored by a test-play


def test_cancel_asks_before_discarding_edits(repo: Store, host: TrainerHost, qtbot: QtBot) -> None:
    untouched = open_editor(qtbot, host, template(), new=True)
    untouched.buttons.rejected.emit()
    assert untouched.box is None and not untouched.isVisible()  # nothing to lose: closes

    dialog = open_editor(qtbot, host, template(), new=True)
    retype(qtbot, dialog, "difficulty: 1", "difficulty: 2")
    dialog.buttons.rejected.emit()
    box = dialog.box
    assert isinstance(box, QMessageBox) and box.isVisible()
    keep = next(b for b in box.buttons() if b.text() == "Keep editing")
    keep.click()
    assert dialog.isVisible() and "difficulty: 2" in dialog.editor.toPlainText()

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    box = dialog.box
    assert isinstance(box, QMessageBox)
    discard = next(b for b in box.buttons() if b.text() == "Discard")
    discard.click()
    assert not dialog.isVisible()
    assert training.saved_scenarios(repo) == []


def test_a_line_of_arabic_does_not_flip_the_yaml_text(host: TrainerHost, qtbot: QtBot) -> None:
    """The Saudi scenario's comment lines start with Arabic words: in the text view every
    line still reads left to right (a code view, not a paragraph of Arabic)."""
    dialog = open_editor(qtbot, host, builtin_text("sa-ramadan-delay"), builtin=True)
    block = dialog.editor.document().findBlock(0)
    while block.isValid() and not block.text().startswith("#   (دلة)"):
        block = block.next()
    assert block.isValid()
    cursor = QTextCursor(block)  # before the line's "#"
    dialog.editor.setTextCursor(cursor)
    dialog.editor.ensureCursorVisible()
    assert dialog.editor.cursorRect().x() < 40  # at the left edge, not the right
