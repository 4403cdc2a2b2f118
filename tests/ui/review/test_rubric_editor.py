"""A lead edits the team's scorecard rubric through the real dialog: weights, a new
criterion, the order; the open scorecard's total follows the saved weights; a bad cell is
refused naming the criterion with every cell kept; an agent reads it and cannot save."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.domain.review import Role, Rubric, weighted_total
from app.ops import review
from app.ops.rubric_edit import save_team_rubric
from app.storage.store import Store
from app.ui.review.rubric_editor import LABEL, REGIONS, SCALE, WEIGHT, RubricEditorDialog
from app.ui.review.window import ReviewWindow
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import NOW, add_agents, add_conversation
from tests.helpers.customers import lucia_asks_for_her_order
from tests.ui.conftest import WindowFactory

pytestmark = pytest.mark.gui


def window_as(
    repo: Store, open_window: WindowFactory, qtbot: QtBot, roles: list[Role]
) -> MainWindow:
    agents = add_agents(repo)
    review.set_roles(repo, agents["me"], roles)
    add_conversation(repo, lucia_asks_for_her_order(assignee="me"), agents)
    shown = open_window()
    shown.resize(1366, 768)
    qtbot.waitUntil(lambda: shown.conversation.detail is not None, timeout=5000)
    return shown


def open_editor(window: MainWindow, qtbot: QtBot) -> RubricEditorDialog:
    window.review.rubric_action.trigger()
    dialog = window.findChild(RubricEditorDialog)
    assert isinstance(dialog, RubricEditorDialog)
    qtbot.waitUntil(lambda: dialog.rubric is not None, timeout=5000)
    return dialog


def row_of(dialog: RubricEditorDialog, label: str) -> int:
    labels = [dialog.cell(r, LABEL) for r in range(dialog.table.rowCount())]
    return labels.index(label)


def set_cell(dialog: RubricEditorDialog, row: int, column: int, text: str) -> None:
    item = dialog.table.item(row, column)
    assert item is not None
    item.setText(text)


def test_a_lead_changes_a_weight_and_adds_a_criterion_and_the_scorecard_follows(
    repo: Store, open_window: WindowFactory, qtbot: QtBot
) -> None:
    window = window_as(repo, open_window, qtbot, [Role.LEAD])
    qtbot.waitUntil(lambda: window.review.is_lead, timeout=5000)
    save_team_rubric(repo, review.rubric(repo), NOW)  # the team edited it once: version 2
    window.review.review_action.trigger()
    view = next(iter(window.review.windows.values()))
    assert isinstance(view, ReviewWindow)
    qtbot.waitUntil(lambda: view.data is not None, timeout=5000)
    card = view.scorecard
    card.spins["greeting"].setValue(4)
    card.spins["solution"].setValue(0)
    card.save_button.click()
    qtbot.waitUntil(lambda: review.review_of(repo, view.conversation_id) is not None)
    card.spins["empathy"].setValue(3)  # not saved yet: must survive the rubric's reload

    dialog = open_editor(window, qtbot)
    assert dialog.save_button.isEnabled() and "Version 2" in dialog.note.text()
    greeting = row_of(dialog, "Greeting")
    set_cell(dialog, greeting, WEIGHT, "60")
    set_cell(dialog, greeting, REGIONS, "JP=15, MX=70")
    dialog.add_button.click()
    new = dialog.table.rowCount() - 1
    set_cell(dialog, new, LABEL, "Order number checked")
    set_cell(dialog, new, SCALE, "2")
    dialog.table.setCurrentCell(new, LABEL)
    dialog.up_button.click()  # the new criterion moves above the last one
    dialog.name.setText("Team scorecard")
    with qtbot.waitSignal(view.loaded, timeout=5000):
        dialog.save_button.click()
    assert not dialog.isVisible()

    saved = review.rubric(repo)
    assert (saved.name, saved.version) == ("Team scorecard", 3)
    assert [c.key for c in saved.criteria][-2:-1] == ["order_number_checked"]
    added = saved.criterion("order_number_checked")
    assert added is not None and (added.label, added.weight, added.scale) == (
        "Order number checked",
        10.0,
        2,
    )
    greeting_c = saved.criterion("greeting")
    assert greeting_c is not None and greeting_c.weight == 60.0
    assert dict(greeting_c.region_weights) == {"JP": 15.0, "MX": 70.0}
    assert saved.criterion("etiquette").label == "Etiquette for the customer's culture"  # type: ignore[union-attr]
    # the open scorecard: the new criterion, and a total on the new weights (Lucía: MX)
    assert "order_number_checked" in card.spins
    assert card.spins["empathy"].value() == 3 and card.dirty
    scores = {"greeting": 4, "empathy": 3, "solution": 0}
    assert card.scores() == scores
    expected = weighted_total(saved, scores, "MX")
    old = weighted_total(review.default_rubric(), scores, "MX")
    assert expected != old
    assert card.total_label.text() == f"Total: {window._ctx.i18n.number(expected)} / 100"


def test_a_bad_weight_is_refused_naming_the_criterion_and_nothing_typed_is_lost(
    repo: Store, open_window: WindowFactory, qtbot: QtBot
) -> None:
    window = window_as(repo, open_window, qtbot, [Role.LEAD])
    dialog = open_editor(window, qtbot)
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=5000)
    empathy = row_of(dialog, "Empathy")
    set_cell(dialog, empathy, WEIGHT, "150")
    dialog.add_button.click()
    new = dialog.table.rowCount() - 1
    set_cell(dialog, new, LABEL, "Refund offered")
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.error.isVisible()
    assert dialog.error.text() == "The weight of “Empathy” must be a number from 0 to 100"
    assert dialog.cell(empathy, WEIGHT) == "150"
    assert dialog.cell(new, LABEL) == "Refund offered"
    set_cell(dialog, empathy, WEIGHT, "15")
    set_cell(dialog, new, REGIONS, "Japan 20")
    dialog.save_button.click()
    assert dialog.error.text() == (
        "The weights by country of “Refund offered” must look like JP=20, DE=15"
    )
    set_cell(dialog, new, REGIONS, "jp=20")
    set_cell(dialog, new, SCALE, "11")
    dialog.save_button.click()
    assert dialog.error.text() == "The scale of “Refund offered” must be 1 to 10"
    assert dialog.cell(new, REGIONS) == "jp=20"
    assert store_untouched(repo)


def test_a_rubric_changed_meanwhile_is_not_overwritten(
    repo: Store, open_window: WindowFactory, qtbot: QtBot
) -> None:
    window = window_as(repo, open_window, qtbot, [Role.ADMIN])
    dialog = open_editor(window, qtbot)
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=5000)
    set_cell(dialog, row_of(dialog, "Tone"), WEIGHT, "5")
    other = review.rubric(repo)
    save_team_rubric(repo, Rubric(other.uid, "Theirs", other.criteria), NOW)  # another lead
    save_team_rubric(repo, Rubric(other.uid, "Theirs", other.criteria, 2), NOW + 1)
    dialog.save_button.click()
    qtbot.waitUntil(dialog.error.isVisible, timeout=5000)
    assert dialog.error.text().startswith("The scorecard was changed meanwhile (now version 3)")
    assert dialog.isVisible() and dialog.cell(row_of(dialog, "Tone"), WEIGHT) == "5"
    assert review.rubric(repo).name == "Theirs"


def store_untouched(repo: Store) -> bool:
    return repo.reviews.rubric() is None


def test_an_agent_reads_the_rubric_and_cannot_save_it(
    repo: Store, open_window: WindowFactory, qtbot: QtBot
) -> None:
    window = window_as(repo, open_window, qtbot, [Role.AGENT])
    dialog = open_editor(window, qtbot)
    assert dialog.cell(row_of(dialog, "Greeting"), REGIONS) == "JP=15, KR=15"
    assert not dialog.can_edit
    assert not dialog.save_button.isEnabled() and not dialog.add_button.isEnabled()
    assert dialog.note.text().startswith("Only a team lead or admin can change the scorecard")
    dialog.save()  # even called directly, nothing is written
    assert store_untouched(repo)
    edited = Rubric("default", "Mine", review.rubric(repo).criteria[:1])
    with pytest.raises(Exception, match="Only a team lead or admin"):
        save_team_rubric(repo, edited, NOW)  # nor through the op
    assert store_untouched(repo)
