"""The practice state machine: branches on what the reply does, a slow trainee gets a
nudge and then loses the customer, and bad replies are refused with a clear message."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from app.culture.checker import Finding
from app.culture.rule_schema import FindingKind
from app.domain.training import MAX_REPLY_CHARS, TrainingError
from app.training.engine import Play
from app.training.intents import IntentIndex
from app.training.schema import Scenario, parse_scenario


def _scenario(text: str, intents: IntentIndex) -> Scenario:
    return parse_scenario(text, Path("fixture.yaml"), intents)


def _promotion_check(text: str) -> Sequence[Finding]:
    """A stand-in checker: flags "sale" as a promotion (the real one is tested in ops)."""
    at = text.lower().find("sale")
    if at < 0:
        return []
    return [Finding("promotion.urgency", FindingKind.PROMOTION, at, at + 4, "sale", "why", "fix")]


@pytest.fixture
def play(fixture_text: str, intents: IntentIndex) -> Play:
    return Play(_scenario(fixture_text, intents), intents, _promotion_check, "en")


def test_opening_then_a_good_reply_ends_well(play: Play) -> None:
    opening = play.start()
    assert [s.who for s in opening] == ["customer"]
    assert opening[0].turn_id == "opening"
    assert opening[0].translations["zh_CN"].startswith("你好，我的订单")
    play.advance(45)
    steps = play.reply("  Hello Jordan, I'm sorry: it arrives tomorrow.  ")
    trainee, customer = steps
    assert trainee.text == "Hello Jordan, I'm sorry: it arrives tomorrow."
    assert trainee.response_seconds == 45
    assert {"apology", "gives_date", "greeting"} <= trainee.intents
    assert customer.ending_id == "thanked"
    assert customer.text == "Great, thank you!"
    assert play.finished and play.ending_id == "thanked"
    assert play.path == ["opening", "thanked"]


def test_first_matching_branch_wins_and_findings_branch(play: Play) -> None:
    play.start()
    play.reply("Our spring sale is on!")  # a promotion finding, no hard_sell intent
    assert play.ending_id == "annoyed"
    assert play.steps[-1].who == "trainee"  # the ending has no last message
    assert play.steps[-1].findings[0].rule_id == "promotion.urgency"


def test_default_branch_and_scenario_intent(play: Play) -> None:
    play.start()
    steps = play.reply("The snow storm slowed every courier down.")
    assert "mentions_weather" in steps[0].intents
    assert steps[1].turn_id == "asks_again"
    steps = play.reply("OK.")
    assert steps[1].turn_id == "asks_again"  # the default loops back
    assert play.path == ["opening", "asks_again", "asks_again"]


def test_max_replies_ends_at_the_limit(play: Play) -> None:
    play.start()
    for text in ("Hmm.", "Let me see.", "Still checking."):
        play.reply(text)
    assert play.finished
    assert play.ending_id == "gave_up"  # on_limit defaults to persona.left
    assert len(play.replies) == 3


def test_slow_reply_takes_the_slow_branch(play: Play) -> None:
    play.start()
    nudges = play.advance(700)  # patience 600: one nudge, the customer still waits
    assert [s.nudge for s in nudges] == [True]
    assert nudges[0].text == "Hello? Is anyone there?"
    assert nudges[0].at == 600
    steps = play.reply("I'm sorry, it arrives tomorrow.")
    assert steps[0].response_seconds == 700  # a nudge does not reset the waiting time
    assert steps[1].turn_id == "asks_again"  # slow: true comes before the good branch


def test_slow_trainee_loses_the_customer(play: Play) -> None:
    play.start()
    assert play.next_event_in() == 600
    assert play.advance(599) == []
    steps = play.advance(1)
    assert steps[0].nudge
    assert play.next_event_in() == 600
    assert play.advance(599.5) == []
    play.advance(1)
    assert play.finished and play.left and play.left_for_slowness
    assert play.ending_id == "gave_up"
    assert play.path == ["opening", "gave_up"]
    with pytest.raises(TrainingError, match="ended"):
        play.reply("Sorry!")


def test_waiting_restarts_on_each_new_turn(play: Play) -> None:
    play.start()
    play.advance(500)
    play.reply("Hmm.")  # -> asks_again at 500
    assert play.waiting_seconds == 0
    assert play.advance(599) == []
    assert play.advance(1)[0].nudge


def test_leaves_after_zero_nudges_once_and_stays(fixture_text: str, intents: IntentIndex) -> None:
    text = fixture_text.replace("leaves_after: 1", "leaves_after: 0")
    play = Play(_scenario(text, intents), intents, _promotion_check, "zh")
    play.start()
    steps = play.advance(10_000)
    assert [s.nudge for s in steps] == [True]
    assert not play.finished


def test_reply_bounds(play: Play) -> None:
    with pytest.raises(TrainingError, match="Start"):
        play.reply("Hello")
    play.start()
    with pytest.raises(TrainingError, match="Write a reply"):
        play.reply("   \n ")
    with pytest.raises(TrainingError, match=str(MAX_REPLY_CHARS)):
        play.reply("x" * (MAX_REPLY_CHARS + 1))
    with pytest.raises(TrainingError):
        play.advance(-1)
    with pytest.raises(TrainingError, match="already started"):
        play.start()
    assert play.replies == []  # refused replies leave no trace


def test_trainee_language_is_normalised(fixture_text: str, intents: IntentIndex) -> None:
    play = Play(_scenario(fixture_text, intents), intents, _promotion_check, "zh_CN")
    assert play.trainee_language == "zh"
    play.start()
    steps = play.reply("你好，非常抱歉，明天送达。")
    assert steps[1].ending_id == "thanked"
