"""A lead reviews a translated conversation through the real widgets: two aligned columns,
the findings the agent saw when sending, annotations, promotion to the translation
memory, the scorecard; an agent cannot write and reads their feedback."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.config.paths import Paths
from app.domain.review import (
    AnnotationKind,
    ReviewError,
    ReviewState,
    Role,
    Severity,
    weighted_total,
)
from app.ops import review
from app.ops.culture import load_culture
from app.storage.store import Store
from app.ui.review.annotate_dialog import AnnotateDialog
from app.ui.review.transcript import ROW_ROLE, RowTexts
from app.ui.review.window import ReviewWindow
from app.ui.shell.main_window import MainWindow
from tests.helpers.builders import NOW, add_agents, add_conversation
from tests.helpers.customers import lucia_asks_for_her_order
from tests.ui.conftest import SpanishDesk, WindowFactory
from tests.ui.helpers import thread_text

pytestmark = pytest.mark.gui

REPLY = "Returning it is a piece of cake"


def rows(view: ReviewWindow) -> list[RowTexts]:
    model = view.model
    return [model.data(model.index(r), ROW_ROLE) for r in range(model.rowCount())]  # type: ignore[misc]


def open_review(window: MainWindow, qtbot: QtBot) -> ReviewWindow:
    window.review.review_action.trigger()
    shown = window.review.windows[window.conversation.conversation_id or 0]
    qtbot.waitUntil(lambda: shown.data is not None, timeout=5000)
    shown.resize(1366, 768)
    return shown


@pytest.fixture
def conversation(repo: Store) -> int:
    agents = add_agents(repo)
    review.set_roles(repo, agents["me"], [Role.AGENT, Role.LEAD])
    return add_conversation(repo, lucia_asks_for_her_order(assignee="me"), agents)


@pytest.fixture
def lead_window(conversation: int, spanish_desk: SpanishDesk, qtbot: QtBot) -> MainWindow:
    """The lead's window: Lucía's messages translated (so cached), then a reply sent with
    a draft-check finding showing."""
    window = spanish_desk()
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: "GRACIAS POR LA AYUDA." in thread_text(window), timeout=5000)
    window.set_culture_data(load_culture(Paths(Path("/nonexistent-crossdesk-data"))))
    qtbot.waitUntil(lambda: window.side_panel.culture is not None, timeout=5000)
    composer = window.conversation.composer
    composer.editor.setPlainText(REPLY)
    panel = window.conversation.reply_translation
    qtbot.waitUntil(lambda: bool(window.draft_check.findings), timeout=5000)
    qtbot.waitUntil(lambda: panel.editor.toPlainText() == REPLY.lower(), timeout=5000)
    qtbot.waitUntil(lambda: window.review.is_lead, timeout=5000)
    composer.request_send()
    assert not window.conversation.notice.isVisible(), window.conversation.notice.text()
    qtbot.waitUntil(lambda: composer.text() == "", timeout=5000)
    return window


def test_two_aligned_columns_show_original_translation_words_and_sent_text(
    lead_window: MainWindow, qtbot: QtBot
) -> None:
    view = open_review(lead_window, qtbot)
    first, second, reply = rows(view)
    assert first.left == "hola, ¿dónde está mi pedido LM-2026-104233?"
    assert first.right == "HOLA, ¿DÓNDE ESTÁ MI PEDIDO LM-2026-104233?"
    assert first.right_title.startswith("Translation · Machine translation (offline)")
    assert second.right == "GRACIAS POR LA AYUDA."
    assert reply.left == REPLY  # the agent's own words
    assert reply.right == REPLY.lower()  # exactly what the customer received
    assert reply.right_title.startswith("Sent to the customer · Machine translation (offline)")
    assert any("Draft check when sent: en.idiom.piece-of-cake" in n for n in reply.notes)
    assert reply.back == "No back-translation cached"
    assert view.transcript.isVisible()
    view.select_message(view.model.line(2).message.id)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: rows(view)[2].back.startswith("Back-translation"), timeout=5000)
    assert rows(view)[2].back == f"Back-translation (made now): {REPLY.upper()}"


def test_a_message_without_a_cached_translation_says_so(
    repo: Store, open_window: WindowFactory, qtbot: QtBot
) -> None:
    agents = add_agents(repo)
    review.set_roles(repo, agents["me"], [Role.LEAD])
    add_conversation(repo, lucia_asks_for_her_order(), agents)
    window = open_window()  # no packs: nothing was ever translated
    qtbot.waitUntil(lambda: window.conversation.detail is not None and window.review.is_lead)
    view = open_review(window, qtbot)
    assert next((r.left, r.right, r.right_missing) for r in rows(view)) == (
        "hola, ¿dónde está mi pedido LM-2026-104233?",
        "Not translated",
        True,
    )


def test_annotate_a_mistranslation_and_promote_it_to_the_memory(
    lead_window: MainWindow, qtbot: QtBot, repo: Store
) -> None:
    view = open_review(lead_window, qtbot)
    view.select_message(view.model.line(0).message.id)  # type: ignore[union-attr]
    panel = view.annotations
    dialog = panel.annotate()
    assert isinstance(dialog, AnnotateDialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(AnnotationKind.MISTRANSLATION))
    assert dialog.correction.isVisible()
    assert dialog.correction.toPlainText() == "HOLA, ¿DÓNDE ESTÁ MI PEDIDO LM-2026-104233?"
    dialog.correction.setPlainText("Hi, where is my order LM-2026-104233?")
    dialog.body.setPlainText("“pedido” is the order here")
    dialog.save()
    qtbot.waitUntil(lambda: panel.list.count() == 1, timeout=5000)
    assert any("Mistranslation (Minor)" in n for n in rows(view)[0].notes)  # beside it
    assert panel.promote_button.isEnabled()
    panel.promote_button.click()
    qtbot.waitUntil(lambda: "in translation memory" in panel.list.item(0).text(), timeout=5000)  # type: ignore[union-attr]
    memory = {(m.source_text, m.target_text, m.origin) for m in repo.translation.memory()}
    assert (
        "hola, ¿dónde está mi pedido LM-2026-104233?",
        "Hi, where is my order LM-2026-104233?",
        "lead",
    ) in memory
    assert not panel.promote_button.isEnabled()  # promoted once
    # The conversation view translates it again: the lead's correction wins over MT.
    qtbot.waitUntil(
        lambda: "Hi, where is my order LM-2026-104233?" in thread_text(lead_window), timeout=5000
    )
    assert "From translation memory (100% match)" in thread_text(lead_window)
    qtbot.waitUntil(lambda: rows(view)[0].right == "Hi, where is my order LM-2026-104233?")
    assert rows(view)[0].right_title == "Translation · From translation memory (100% match)"


def test_an_etiquette_annotation_offers_the_profile_and_the_rules_that_fired(
    lead_window: MainWindow, qtbot: QtBot
) -> None:
    view = open_review(lead_window, qtbot)
    view.select_message(view.model.line(2).message.id)  # type: ignore[union-attr]
    dialog = view.annotations.annotate()
    assert dialog is not None
    dialog.kind.setCurrentIndex(dialog.kind.findData(AnnotationKind.ETIQUETTE))
    offered = [dialog.reference.itemText(i) for i in range(dialog.reference.count())]
    assert offered[0] == "profile:MX"
    assert "rule:en.idiom.piece-of-cake" in offered
    dialog.body.setPlainText("x" * 5000)  # too long: refused, nothing lost
    dialog.save()
    assert dialog.error.isVisible() and dialog.isVisible()
    assert dialog.body.toPlainText() == "x" * 5000


def test_the_scorecard_shows_proposals_and_the_weighted_total(
    lead_window: MainWindow, qtbot: QtBot, repo: Store, conversation: int
) -> None:
    view = open_review(lead_window, qtbot)
    card = view.scorecard
    view.tabs.setCurrentWidget(card)
    assert card.total_label.text() == "Total: not scored yet"
    keys = list(card.spins)
    card.spins[keys[0]].setValue(card.spins[keys[0]].maximum())
    card.spins[keys[1]].setValue(0)
    rubric = review.rubric(repo)
    expected = weighted_total(rubric, card.scores(), "MX")
    assert card.total_label.text() == f"Total: {lead_window._ctx.i18n.number(expected)} / 100"
    corner = card.done_button.mapTo(view, card.done_button.rect().bottomRight())
    assert card.done_button.isVisible() and view.rect().contains(corner)  # fits at 1366x768
    card.comment.setPlainText("Clear and quick.")
    card.done_button.click()
    qtbot.waitUntil(lambda: review.review_of(repo, conversation) is not None, timeout=5000)
    stored = review.review_of(repo, conversation)
    assert stored is not None
    assert stored.state is ReviewState.DONE
    assert stored.total == expected
    assert stored.comment == "Clear and quick."
    qtbot.waitUntil(lambda: card.state_label.text().startswith("Done"), timeout=5000)


def test_a_trainer_reads_the_teams_reviews_but_cannot_write_them(
    repo: Store, open_window: WindowFactory, qtbot: QtBot
) -> None:
    agents = add_agents(repo)
    review.set_roles(repo, agents["me"], [Role.AGENT, Role.TRAINER])
    review.set_roles(repo, agents["colleague"], [Role.LEAD])
    cid = add_conversation(repo, lucia_asks_for_her_order(assignee="colleague"), agents)
    found, _ = review.open_review(repo, cid, agents["colleague"], NOW)
    review.update_review(repo, found.id, NOW, comment="Clear and quick.")
    window = open_window()
    qtbot.waitUntil(lambda: window.conversation.detail is not None)
    room = window.review
    qtbot.waitUntil(lambda: room.can_read, timeout=5000)
    assert not room.is_lead
    assert room.review_action.isEnabled() and room.queues_action.isEnabled()
    assert room.review_action.toolTip() == (
        "Trainers read the team's reviews; team leads and admins write them."
    )
    window.inbox.select_row(0)
    qtbot.waitUntil(lambda: window.conversation.conversation_id == cid, timeout=5000)
    shown = room.review_current()
    assert shown is not None and not shown.can_write
    qtbot.waitUntil(lambda: shown.data is not None, timeout=5000)
    assert shown.windowTitle() == "Review (read only)"
    assert shown.data is not None and shown.data.review is not None
    assert shown.data.review.comment == "Clear and quick."
    assert not shown.annotations.annotate_button.isVisible()
    assert shown.annotations.annotate() is None
    with pytest.raises(ReviewError, match="Only a team lead or admin"):
        review.add_annotation(  # and the operation refuses it too
            repo, cid, repo.messages.messages(cid)[0].id, AnnotationKind.PRAISE,
            Severity.MINOR, "Nice", agents["me"], NOW,
        )  # fmt: skip


def test_an_agent_cannot_review_but_reads_feedback_on_their_conversations(
    repo: Store, open_window: WindowFactory, qtbot: QtBot
) -> None:
    agents = add_agents(repo)
    review.set_roles(repo, agents["colleague"], [Role.LEAD])
    cid = add_conversation(repo, lucia_asks_for_her_order(assignee="me"), agents)
    found, _ = review.open_review(repo, cid, agents["colleague"], NOW)
    first = repo.messages.messages(cid)[0].id
    review.add_annotation(
        repo, cid, first, AnnotationKind.PRAISE, Severity.MINOR, "Warm", agents["colleague"], NOW
    )
    review.update_review(repo, found.id, NOW, comment="Well done", state=ReviewState.DONE)
    window = open_window()
    qtbot.waitUntil(lambda: window.conversation.detail is not None)
    room = window.review
    assert not room.review_action.isEnabled()
    assert "Only team leads" in room.review_action.toolTip()
    assert room.review_current() is None
    dialog = room.open_feedback()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=5000)
    assert dialog.table.item(0, 5).text() == "Well done"  # type: ignore[union-attr]
    dialog.table.selectRow(0)
    dialog.open_button.click()
    shown = room.windows[cid]
    qtbot.waitUntil(lambda: shown.data is not None, timeout=5000)
    assert not shown.can_write
    assert not shown.annotations.annotate_button.isVisible()
    assert shown.annotations.annotate() is None  # and no way around it
    assert any("Praise (Minor) — Warm" in n for n in rows(shown)[0].notes)


def test_view_review_has_its_own_shortcut(lead_window: MainWindow) -> None:
    action = lead_window.review.review_action
    assert action.shortcut().toString() == "Ctrl+Shift+V"
    others = [a for a in lead_window.actions() if a is not action]
    assert all(action.shortcut() not in a.shortcuts() for a in others)


def test_points_changed_and_left_unsaved_are_kept_when_the_review_closes(
    lead_window: MainWindow, qtbot: QtBot, repo: Store, conversation: int
) -> None:
    view = open_review(lead_window, qtbot)
    card = view.scorecard
    key = next(iter(card.spins))
    card.spins[key].setValue(1)
    card.done_button.click()
    qtbot.waitUntil(lambda: card.review is not None and card.review.state is ReviewState.DONE)
    card.spins[key].setValue(2)  # a second thought, not saved
    view.close()
    qtbot.waitUntil(
        lambda: (
            (found := review.review_of(repo, conversation)) is not None
            and found.scores.get(key) == 2
        ),
        timeout=5000,
    )
    kept = review.review_of(repo, conversation)
    assert kept is not None and kept.state is ReviewState.DONE  # still done, not reopened
