"""The training window through the real widgets: open it from View → Training…, play the
practice scenario in the inbox's own conversation widgets, get a debrief, try again; the
attempt is stored through the operations and nothing reaches the inbox or the outbox."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from app.domain.training import AssignmentState, EndState, PlayOptions
from app.ops import training
from app.storage.store import Store
from app.ui.training.browser import SCENARIO_ROLE
from app.ui.training.window import TrainingWindow
from tests.helpers.builders import NOW
from tests.ui.conftest import SpanishDesk, WindowFactory
from tests.ui.helpers import focus
from tests.ui.training.conftest import (
    PRACTICE,
    PRACTICE_ID,
    TrainingFactory,
    counts,
    open_training,
    send,
    start,
    thread,
)

pytestmark = pytest.mark.gui


def test_a_reply_brings_the_customers_next_turn_with_the_authors_translation(
    training_window: TrainingFactory, qtbot: QtBot, repo: Store, practice: dict[str, int]
) -> None:
    view = training_window()
    titles = [view.browser.list.item(i).text() for i in range(view.browser.list.count())]
    assert any(t.startswith("A late blender\n") and "Mexico" in t for t in titles)
    play = start(view, qtbot)
    assert play.banner.text() == "Practice — nothing is sent to a customer"
    assert play.banner.isVisible()
    shown = thread(play)
    assert "Hello, my order MX-1001 did not arrive. What happened?" in shown
    assert "Author's translation" in shown and "Machine translation" not in shown
    assert "7:40\u202fPM customer time" in shown  # the scenario's moment, in Mexico City
    opening = play.thread_view.messages[0]
    play.thread_view.anchorClicked.emit(QUrl(f"crossdesk-flip:{opening.id}"))  # "Show original"
    assert "Hola, mi pedido MX-1001 no llegó." in thread(play)  # written natively
    # No translation service here: the trainee is told, before writing, how it will go.
    assert play.pack_notice.isVisible()
    assert "the customer reads your reply untranslated in training" in play.pack_notice.text()

    send(play, qtbot, "Hello Mrs Pérez, let me check.")
    shown = thread(play)
    assert "Hello Mrs Pérez, let me check." in shown
    assert "I don't understand. When will my order arrive?" in shown
    assert play.play.path == ["opening", "confused"]
    assert not play.ended and play.composer.text() == ""  # sent: the editor is empty again
    assert counts(repo) == practice  # nothing in the inbox, the drafts or the outbox


def test_a_clumsy_reply_shows_findings_and_the_debrief_explains_them(
    training_window: TrainingFactory, qtbot: QtBot, repo: Store, practice: dict[str, int]
) -> None:
    view = training_window()
    play = start(view, qtbot)
    check = play.draft_check
    assert check is not None
    play.composer.editor.setPlainText("No worries, it's a piece of cake!")
    qtbot.waitUntil(lambda: len(check.findings) >= 2, timeout=5000)  # the real checker
    assert {f.excerpt for f in check.findings} >= {"No worries", "piece of cake"}
    play.composer.send_button.click()
    qtbot.waitUntil(lambda: len(play.play.steps) == 3, timeout=5000)
    assert play.play.steps[1].findings  # scored on the same findings
    send(play, qtbot, "Chill, it's a piece of cake.")
    qtbot.waitUntil(lambda: view.finished is not None, timeout=10000)
    assert play.ended and play.ended_bar.isVisible()
    assert "Well, I'm leaving." in thread(play)
    play.debrief_button.click()
    assert view.stack.currentWidget() is view.debrief
    text = view.debrief.text()
    for expected in ("Empathy", "Etiquette", "Solution", "Tone", "Speed"):
        assert expected in text  # the rubric's criteria, with their points
    assert "piece of cake" in text and "Try:" in text  # the finding, under its reply
    assert "opening → confused → gave_up" in text  # the path
    assert "Good evening, Mrs Pérez. I am sorry your order is late" in text  # model answer
    assert "She left without an answer." in text  # the ending's note
    assert "Apologise for the delay" in text  # an expectation (missed)
    assert float(view.debrief.score_label.text()) < 50

    stored = training.attempts(repo)
    assert [(a.scenario_id, a.ending_id, a.end_state) for a in stored] == [
        (PRACTICE_ID, "gave_up", EndState.LEFT)
    ]
    assert stored[0].trainee_language == "en" and stored[0].path[-1] == "gave_up"
    assert counts(repo) == practice

    view.debrief.try_button.click()  # Try again: the same scenario from its opening
    again = view.current
    assert again is not None and again is not play
    assert [s.who for s in again.play.steps] == ["customer"]
    assert "Hello, my order MX-1001 did not arrive." in thread(again)


def test_the_clock_makes_the_customer_nudge_then_leave(
    training_window: TrainingFactory, qtbot: QtBot, repo: Store, practice: dict[str, int]
) -> None:
    view = training_window()
    play = start(view, qtbot, clock_speed=20.0)
    assert play.clock.running and play.clock.speed == 20.0
    play.clock.stop()  # the test moves time itself, through the timer's own signal
    play.clock.advanced.emit(30.0)  # what the timer emits: scenario seconds passed
    assert "Customer waiting 0:30 (patience 1:00)" in play.patience.label.text()
    assert "clock ×20" in play.patience.label.text()
    play.clock.advanced.emit(31.0)  # patience (60 s) runs out: a reminder
    assert "Hello? Are you still there?" in thread(play)
    assert not play.ended
    play.clock.start()
    play.clock.advanced.emit(61.0)  # one more patience after the last reminder: she leaves
    qtbot.waitUntil(lambda: view.finished is not None, timeout=10000)
    assert play.ended and not play.clock.running
    assert "Well, I'm leaving." in thread(play)
    assert "The customer left" in play.ended_text.text()
    assert not play.composer.isEnabled()
    assert training.attempts(repo)[0].ending_id == "gave_up"


def test_a_good_reply_is_translated_as_in_real_work(
    practice: dict[str, int], spanish_desk: SpanishDesk, qtbot: QtBot, repo: Store
) -> None:
    window = focus(spanish_desk(), qtbot)
    view: TrainingWindow = open_training(window, qtbot)
    play = start(view, qtbot)
    panel = play.reply_translation
    assert panel is not None and not play.pack_notice.isVisible()
    play.composer.editor.setPlainText("Sorry Mrs Pérez, your order arrives tomorrow.")
    qtbot.waitUntil(
        lambda: panel.editor.toPlainText() == "sorry mrs pérez, your order arrives tomorrow.",
        timeout=5000,
    )  # the en → es test pack writes lower case
    play.composer.send_button.click()
    qtbot.waitUntil(lambda: view.finished is not None, timeout=10000)
    shown = thread(play)
    assert "sorry mrs pérez, your order arrives tomorrow." in shown  # what she read
    assert "Perfect, thank you very much." in shown
    assert play.play.steps[1].text == "Sorry Mrs Pérez, your order arrives tomorrow."
    assert play.play.ending_id == "thanked"
    qtbot.waitUntil(lambda: bool(training.attempts(repo)), timeout=5000)
    assert training.attempts(repo)[0].outcome.value == "success"
    assert counts(repo) == practice


def test_an_assignment_comes_first_with_the_trainers_options_and_is_done_after(
    practice: dict[str, int], open_window: WindowFactory, qtbot: QtBot, repo: Store
) -> None:
    me = repo.conversations.agent_by_uid("me")
    assert me is not None
    fixed = PlayOptions(translation=False, etiquette=False, clock_speed=4.0)
    uid = repo.training.add_assignment(PRACTICE_ID, me.id, None, NOW + 86_400, fixed, NOW)
    view = open_training(focus(open_window(), qtbot), qtbot)
    browser = view.browser
    assert browser.list.item(0).text() == "Assigned to you"
    assert browser.current() == (PRACTICE_ID, uid)  # the assignment is chosen first
    assert "due " in browser.list.item(1).text()
    assert not browser.speed_box.isEnabled() and browser.speed_box.value() == 4.0
    assert not browser.etiquette_box.isChecked() and not browser.translate_box.isChecked()
    assert "set by your trainer" in browser.fixed.text()
    browser.start_button.click()
    play = view.current
    assert play is not None and play.options == fixed
    assert play.draft_check is None and play.reply_translation is None  # not allowed here
    assert "Translation is off for this practice" in play.pack_notice.text()
    assert view.stack.currentWidget() is play
    send(play, qtbot, "Hello Mrs Pérez, I am sorry: your order arrives tomorrow.")
    qtbot.waitUntil(lambda: bool(training.attempts(repo)), timeout=5000)
    attempt = training.attempts(repo)[0]
    assert attempt.assignment_uid == uid and attempt.options == fixed
    assert attempt.trainee_agent_id == me.id
    done = training.assignments(repo, trainee_id=me.id)
    assert [(a.uid, a.state) for a in done] == [(uid, AssignmentState.DONE)]
    play.debrief_button.click()
    view.debrief.back_button.click()  # back to the list: the assignment is gone from the top
    qtbot.waitUntil(
        lambda: browser.list.count() > 0 and browser.list.item(0).text() != "Assigned to you",
        timeout=5000,
    )
    rows = [browser.list.item(i) for i in range(browser.list.count())]
    practice_row = next(r for r in rows if r.data(SCENARIO_ROLE) == PRACTICE_ID)
    score = round(attempt.score)
    assert f"best {score}" in practice_row.text()  # the best score so far, in the list


def test_a_trainers_test_play_records_nothing(
    training_window: TrainingFactory, qtbot: QtBot, repo: Store
) -> None:
    from app.training.schema import scenario_from_text

    view = training_window()
    assert view.training_data is not None
    text = PRACTICE.read_text(encoding="utf-8").replace("A late blender", "An edited blender")
    edited = scenario_from_text(text, "editor", view.training_data.intents)
    view.play_scenario(edited, PlayOptions())
    play = view.current
    assert play is not None and play.heading.text() == "An edited blender"
    send(play, qtbot, "Sorry Mrs Pérez, your order arrives tomorrow.")
    qtbot.waitUntil(lambda: view.finished is not None, timeout=10000)
    play.debrief_button.click()
    assert view.debrief.recorded.text() == "Test-play: this attempt is not recorded."
    assert "Debrief: An edited blender" in view.debrief.text()
    assert training.attempts(repo) == []


def test_a_chinese_trainee_reads_the_chinese_translation_and_writes_chinese(
    training_window: TrainingFactory, qtbot: QtBot, repo: Store
) -> None:
    view = training_window("zh_CN")
    assert view.trainee_language == "zh"
    play = start(view, qtbot)
    assert "你好，我的订单 MX-1001 没有到。怎么回事？" in thread(play)
    send(play, qtbot, "Pérez 女士，您好，很抱歉，您的订单明天送到。")
    qtbot.waitUntil(lambda: view.finished is not None, timeout=10000)
    assert play.play.ending_id == "thanked"
    assert "太好了，非常感谢。" in thread(play)
    qtbot.waitUntil(lambda: bool(training.attempts(repo)), timeout=5000)
    assert training.attempts(repo)[0].trainee_language == "zh"
    assert "Pérez 女士，晚上好。" in view.debrief.text()  # the Chinese model answer


def test_a_customer_writing_the_trainees_language_needs_no_pack(
    training_window: TrainingFactory, qtbot: QtBot
) -> None:
    view = training_window()
    assert view.training_data is not None
    english = next(s for s in view.training_data.scenarios.scenarios.values() if s.language == "en")
    view.play(english.id)
    play = view.current
    assert play is not None and play.scenario.id == english.id
    assert not play.pack_notice.isVisible()  # nothing to translate, nothing to warn about
    assert play.reply_translation is not None and not play.reply_translation.isVisible()


def test_stopping_a_practice_with_replies_asks_first(
    training_window: TrainingFactory,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stopping discards the attempt: once the trainee has written, the window asks."""
    from PySide6.QtWidgets import QMessageBox

    view = training_window()
    play = start(view, qtbot)
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return answer[0]

    monkeypatch.setattr(QMessageBox, "question", question)
    send(play, qtbot, "Hello Mrs Pérez, let me check.")
    play.leave_button.click()
    assert asked == ["Stop this practice? Your replies so far are not recorded."]
    assert view.stack.currentWidget() is not view.browser  # still playing
    answer[0] = QMessageBox.StandardButton.Yes
    play.leave_button.click()
    assert view.stack.currentWidget() is view.browser
