"""The operations bind a play to the real draft checker at the scenario's moment and
country, and the finished play becomes the JSON and the attempt record the trainer sees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.config.paths import Paths
from app.domain.training import EndState, Outcome, PlayOptions, TrainingError
from app.ops.culture import CultureData, customer_culture, load_culture
from app.ops.review import default_rubric
from app.ops.training_play import (
    TrainingData,
    headless_play,
    load_training,
    persona_customer,
    start_play,
)
from app.training.intents import IntentIndex
from app.training.report import attempt_record, play_json
from app.training.schema import ScenarioSet
from app.training.scoring import score_play

# The fixture moved to Riyadh during Ramadan 1448 (2027-02-08 .. 2027-03-09).
RAMADAN = {
    "country: US": "country: SA",
    "language: en\n": "language: ar\n",
    '"2027-03-02T10:00:00-05:00"': '"2027-02-20T20:30:00+03:00"',
}


@pytest.fixture(scope="module")
def culture(tmp_path_factory: pytest.TempPathFactory) -> CultureData:
    return load_culture(Paths(tmp_path_factory.mktemp("culture")))


def _data(text: str, intents: IntentIndex) -> TrainingData:
    scenarios = ScenarioSet()
    scenarios.add_text(text, "fixture", intents, origin="saved")
    assert not scenarios.errors, scenarios.errors
    return TrainingData(scenarios, intents, default_rubric())


def _ramadan(text: str) -> str:
    for old, new in RAMADAN.items():
        text = text.replace(old, new)
    return text


def test_customer_lives_at_the_scenario_moment(
    fixture_text: str, intents: IntentIndex, culture: CultureData
) -> None:
    data = _data(_ramadan(fixture_text), intents)
    scenario = data.scenario("fixture-parcel")
    customer = persona_customer(culture, scenario)
    assert (customer.country, customer.language, customer.id) == ("SA", "ar", 0)
    situation = customer_culture(culture, customer, scenario.epoch)
    assert "ramadan" in situation.observances
    assert situation.facts.local_time is not None
    assert situation.facts.local_time.hour == 20


def test_checker_sees_ramadan(
    fixture_text: str, intents: IntentIndex, culture: CultureData
) -> None:
    pitch = "Flash sale: buy now before it ends!"
    in_ramadan = start_play(
        _data(_ramadan(fixture_text), intents), culture, "fixture-parcel",
        trainee_language="en", ui_language="zh_CN",
    )  # fmt: skip
    in_march = start_play(
        _data(fixture_text, intents), culture, "fixture-parcel",
        trainee_language="en", ui_language="en",
    )  # fmt: skip
    in_ramadan.start()
    in_march.start()
    ramadan_step = in_ramadan.reply(pitch)[0]
    assert {f.kind for f in ramadan_step.findings} == {"promotion"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in ramadan_step.findings[0].explanation)
    assert not [f for f in in_march.reply(pitch)[0].findings if f.kind == "promotion"]
    assert in_ramadan.ending_id == "annoyed"


def test_headless_play_json(fixture_text: str, intents: IntentIndex, culture: CultureData) -> None:
    data = _data(fixture_text, intents)
    result = headless_play(
        data, culture, "fixture-parcel", ["你好，我查一下。", "明天送达。谢谢！"],
        waits=[700], trainee_language="zh_CN", ui_language="zh_CN",
    )  # fmt: skip
    assert result["scenario"] == "fixture-parcel"
    assert result["version"] == 3
    assert result["trainee_language"] == "zh"
    assert result["title"] == "迟到的包裹"
    assert result["path"] == ["opening", "asks_again", "thanked"]
    assert result["ending"]["id"] == "thanked"
    assert result["ending"]["note"] == "你致歉并给出了明确日期。"
    opening = result["transcript"][0]
    assert opening["translations"]["zh_CN"] == {
        "text": "你好，我的订单 US-10001 还没到。它在哪里？", "kind": "human", "reviewed_by": None,
    }  # fmt: skip
    assert [t["response_seconds"] for t in result["timeline"] if t["who"] == "trainee"] == [
        700.0, 30.0,
    ]  # fmt: skip
    assert [t["nudge"] for t in result["timeline"]] == [False, True, False, False, False, False]
    assert result["model_answer"][0].startswith("你好 Jordan")
    speed = next(c for c in result["criteria"] if c["key"] == "speed")
    assert speed["points"] == 3 and len(speed["reasons"]) == 1
    assert 0 <= result["score"] <= 100
    json.dumps(result)  # plain JSON all the way down


def test_headless_play_stops_when_the_customer_left(
    fixture_text: str, intents: IntentIndex, culture: CultureData
) -> None:
    data = _data(fixture_text, intents)
    result = headless_play(data, culture, "fixture-parcel", ["Hi", "Hello?"], waits=[5000])
    assert result["ending"]["id"] == "gave_up"
    assert result["ending"]["left_for_slowness"] is True
    assert not [s for s in result["transcript"] if s["who"] == "trainee"]


def test_headless_play_errors(
    fixture_text: str, intents: IntentIndex, culture: CultureData
) -> None:
    data = _data(fixture_text, intents)
    with pytest.raises(TrainingError, match="no scenario"):
        headless_play(data, culture, "nope", ["Hi"])
    with pytest.raises(TrainingError, match="Write a reply"):
        headless_play(data, culture, "fixture-parcel", [" "])
    with pytest.raises(TrainingError, match="At most"):
        headless_play(data, culture, "fixture-parcel", ["Hi"] * 21)


def test_attempt_record(fixture_text: str, intents: IntentIndex, culture: CultureData) -> None:
    data = _data(fixture_text, intents)
    play = start_play(data, culture, "fixture-parcel", trainee_language="en", ui_language="en")
    play.start()
    rubric = default_rubric()
    with pytest.raises(TrainingError, match="finished"):
        attempt_record(play, score_play(play, rubric), uid="u1", started_at=1, finished_at=2)
    play.reply("Hello Jordan, I'm sorry your parcel is late. It arrives tomorrow. Thank you!")
    score = score_play(play, rubric)
    record = attempt_record(
        play, score, uid="u1", started_at=100, finished_at=160, trainee_agent_id=7,
        trainee_name="Li Wei", options=PlayOptions(clock_speed=2.0), assignment_uid="a1",
    )  # fmt: skip
    assert record.scenario_id == "fixture-parcel" and record.scenario_version == 3
    assert (record.end_state, record.outcome) == (EndState.RESOLVED, Outcome.SUCCESS)
    assert record.ending_id == "thanked"
    assert record.path == ("opening", "thanked")
    assert record.score == score.total == 100.0
    assert record.criteria["speed"] == 4
    assert record.options.clock_speed == 2.0
    assert json.loads(record.transcript_json) == play_json(play, score, "en")


def test_load_training_builtin_and_saved(fixture_text: str, tmp_path: Path) -> None:
    data = load_training(Paths(tmp_path), saved=[("u1", fixture_text), ("u2", "id: [")])
    assert "fixture-parcel" in data.scenarios.scenarios
    assert data.scenarios.origins["fixture-parcel"] == "saved"
    assert len(data.scenarios.errors) == 1
    assert str(data.scenarios.errors[0]).startswith("saved scenario u2:")
    assert data.rubric is not None and data.rubric.criterion("speed") is not None
    assert all(o == "builtin" for k, o in data.scenarios.origins.items() if k != "fixture-parcel")
