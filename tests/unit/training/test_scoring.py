"""Scoring on the shared QA rubric: deterministic, and a clumsy reply scores clearly lower
than a good one; each lost point says why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from app.culture.checker import Finding
from app.culture.rule_schema import FindingKind
from app.domain.review import Criterion
from app.ops.review import default_rubric
from app.training.engine import Play
from app.training.intents import IntentIndex
from app.training.schema import parse_scenario
from app.training.scoring import score_play

RUBRIC = default_rubric()


def _check(text: str) -> Sequence[Finding]:
    found = []
    if "piece of cake" in text.lower():
        found.append(Finding("en.idiom.cake", FindingKind.IDIOM, 0, 1, "p", "why", "fix"))
    if "sale" in text:
        found.append(Finding("promotion.sale", FindingKind.PROMOTION, 0, 1, "s", "why", "fix"))
    return found


def _played(
    fixture_text: str, intents: IntentIndex, replies: list[str], waits: Sequence[float] = ()
) -> Play:
    scenario = parse_scenario(fixture_text, Path("fixture.yaml"), intents)
    play = Play(scenario, intents, _check, "en")
    play.start()
    for i, text in enumerate(replies):
        play.advance(waits[i] if i < len(waits) else 30)
        if play.finished:
            break
        play.reply(text)
    return play


GOOD = ["Hello Jordan, I'm sorry your parcel is late. It arrives tomorrow. Thank you!"]
CLUMSY = ["Piece of cake. Buy now, our sale ends soon!"]


def _points(play: Play) -> dict[str, int]:
    return score_play(play, RUBRIC).points()


def test_good_reply_scores_full(fixture_text: str, intents: IntentIndex) -> None:
    score = score_play(_played(fixture_text, intents, GOOD), RUBRIC)
    assert score.total == 100.0
    assert all(c.points == c.scale and not c.reasons for c in score.criteria)
    assert [r.met for r in score.expectations] == [True, True, True]


def test_same_replies_same_score(fixture_text: str, intents: IntentIndex) -> None:
    first = score_play(_played(fixture_text, intents, CLUMSY), RUBRIC)
    second = score_play(_played(fixture_text, intents, CLUMSY), RUBRIC)
    assert first == second


def test_clumsy_scores_clearly_lower_with_reasons(fixture_text: str, intents: IntentIndex) -> None:
    good = score_play(_played(fixture_text, intents, GOOD), RUBRIC)
    clumsy = score_play(_played(fixture_text, intents, CLUMSY), RUBRIC)
    assert clumsy.total + 20 <= good.total
    by_key = {c.key: c for c in clumsy.criteria}
    assert by_key["solution"].points == 0  # the "annoyed" ending is a failure
    assert by_key["closing"].points == 0  # the customer left
    assert by_key["greeting"].points == 2  # no greeting: at most half
    assert by_key["translation"].points == 3  # one idiom
    assert by_key["empathy"].points == 0  # a worried customer, no apology
    # etiquette: the no-sales expectation missed (0 of 1), tone: promotion -1, hard sell -1.
    assert by_key["etiquette"].points == 0
    assert by_key["tone"].points == 2
    msgids = [r.msgid for r in by_key["tone"].reasons]
    assert any("Draft-check findings" in m for m in msgids)
    texts = [r.text() for r in by_key["tone"].reasons]
    assert "Draft-check findings about promotions: 1" in texts
    assert "Replies that push a sale: 1" in texts
    assert [r.met for r in clumsy.expectations] == [False, False, False]


def test_slowness_costs_speed(fixture_text: str, intents: IntentIndex) -> None:
    slow = _points(_played(fixture_text, intents, GOOD, waits=[700]))
    assert slow["speed"] == 3
    left = score_play(_played(fixture_text, intents, GOOD, waits=[1300]), RUBRIC)
    assert left.total == 0.0  # no reply was written before the customer left
    assert all(c.reasons[0].msgid == "No reply was written" for c in left.criteria)


def test_left_for_slowness_after_a_reply(fixture_text: str, intents: IntentIndex) -> None:
    play = _played(fixture_text, intents, ["Hello, let me check."])
    play.advance(5000)
    assert play.left_for_slowness
    points = _points(play)
    assert points["speed"] == 0
    assert points["closing"] == 0
    assert points["solution"] == 0


def test_partial_outcome_caps_solution(fixture_text: str, intents: IntentIndex) -> None:
    text = fixture_text.replace(
        "    state: resolved\n    outcome: success", "    state: resolved\n    outcome: partial"
    )
    text = text.replace(
        "  annoyed:\n    state: left\n    outcome: failure",
        "  annoyed:\n    state: left\n    outcome: success",
    )
    play = _played(text, intents, GOOD)
    assert _points(play)["solution"] == 2


def test_last_reply_without_closing(fixture_text: str, intents: IntentIndex) -> None:
    play = _played(fixture_text, intents, ["Hello, sorry, it arrives tomorrow."])
    assert _points(play)["closing"] == 1


def test_unfinished_play_gets_no_solution(fixture_text: str, intents: IntentIndex) -> None:
    play = _played(fixture_text, intents, ["Hello, I'm sorry, let me check."])
    assert not play.finished
    assert _points(play)["solution"] == 0


def test_team_rubric_weights_and_unknown_criteria(fixture_text: str, intents: IntentIndex) -> None:
    extra = Criterion("compliance", "Compliance", 50, 4)
    team = replace(RUBRIC, criteria=(*RUBRIC.criteria, extra))
    score = score_play(_played(fixture_text, intents, CLUMSY), team)
    assert "compliance" not in score.points()  # not applicable: practice cannot judge it
    assert score.total == score_play(_played(fixture_text, intents, CLUMSY), RUBRIC).total


@pytest.mark.parametrize("mood", ["calm", "friendly", "hurried"])
def test_empathy_only_required_when_upset(
    fixture_text: str, intents: IntentIndex, mood: str
) -> None:
    text = fixture_text.replace("mood: worried", f"mood: {mood}")
    play = _played(text, intents, ["Hello, it arrives tomorrow. Thanks!"])
    # the "apologise" expectation still counts: 0 of 1 met on empathy
    assert _points(play)["empathy"] == 0
    text = text.replace(
        "    criterion: empathy\n    intent: apology\n    within: 1\n",
        "    criterion: solution\n    intent: apology\n    within: 1\n",
    )
    play = _played(text, intents, ["Hello, it arrives tomorrow. Thanks!"])
    assert _points(play)["empathy"] == 4
