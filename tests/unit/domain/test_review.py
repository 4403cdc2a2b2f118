"""The review domain: the scorecard's weighted total, validation, roles, stored JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config.paths import resources_dir
from app.contract.review_schema import SHIPPED_MSGIDS, load_rubric
from app.domain.datafiles import DataFileError
from app.domain.review import (
    Criterion,
    ReviewError,
    Role,
    Rubric,
    SentFinding,
    SurveyKind,
    can_read_reviews,
    can_review,
    check_rubric,
    check_scores,
    check_survey_score,
    clean_text,
    criteria_from_json,
    findings_from_json,
    findings_json,
    parse_roles,
    roles_json,
    rubric_criteria_json,
    weighted_total,
)

RUBRIC = Rubric(
    "r",
    "QA",
    (
        Criterion("greeting", "Greeting", 10, 4),
        Criterion("solution", "Solution", 30, 4, {"DE": 60}),
        Criterion("etiquette", "Etiquette", 20, 2, {"JP": 0}),
    ),
)


def test_the_total_weighs_each_scored_criterion_by_its_share_of_the_scale() -> None:
    # greeting 4/4 * 10 + solution 2/4 * 30 + etiquette 1/2 * 20 = 10 + 15 + 10 of 60
    assert weighted_total(RUBRIC, {"greeting": 4, "solution": 2, "etiquette": 1}) == 58.3
    assert weighted_total(RUBRIC, {"greeting": 4, "solution": 4, "etiquette": 2}) == 100.0
    assert weighted_total(RUBRIC, {"greeting": 0, "solution": 0, "etiquette": 0}) == 0.0


def test_a_region_weight_replaces_the_criterions_weight() -> None:
    scores = {"greeting": 4, "solution": 0, "etiquette": 2}
    assert weighted_total(RUBRIC, scores) == 50.0  # (10 + 0 + 20) / 60
    assert weighted_total(RUBRIC, scores, "DE") == 33.3  # (10 + 0 + 20) / 90
    assert weighted_total(RUBRIC, scores, "de") == 33.3
    # In Japan etiquette weighs 0 here: it does not count at all.
    assert weighted_total(RUBRIC, scores, "JP") == 25.0  # 10 / 40


def test_unscored_criteria_are_not_applicable_and_nothing_scored_is_zero() -> None:
    assert weighted_total(RUBRIC, {"greeting": 2}) == 50.0
    assert weighted_total(RUBRIC, {}) == 0.0


def test_scores_must_name_a_criterion_and_stay_within_its_scale() -> None:
    assert check_scores(RUBRIC, {"etiquette": 2}) == {"etiquette": 2}
    with pytest.raises(ReviewError, match="between 0 and 2"):
        check_scores(RUBRIC, {"etiquette": 3})
    with pytest.raises(ReviewError, match="between 0 and 4"):
        check_scores(RUBRIC, {"greeting": -1})
    with pytest.raises(ReviewError, match="not a criterion"):
        check_scores(RUBRIC, {"humour": 1})
    with pytest.raises(ReviewError, match="whole number"):
        check_scores(RUBRIC, {"greeting": True})


@pytest.mark.parametrize(
    ("rubric", "message"),
    [
        (Rubric("r", " ", RUBRIC.criteria), "needs a name"),
        (Rubric("r", "QA", ()), "at least one criterion"),
        (Rubric("r", "QA", (Criterion("Bad Key", "x", 1),)), "not a valid criterion key"),
        (Rubric("r", "QA", (Criterion("a", "A", 1), Criterion("a", "B", 1))), "appears twice"),
        (Rubric("r", "QA", (Criterion("a", "A", 1, 0),)), "scale of “a” must be 1 to 10"),
        (Rubric("r", "QA", (Criterion("a", "A", -1),)), "weights of “a” must be 0 to 100"),
        (Rubric("r", "QA", (Criterion("a", "A", 1, 4, {"Europe": 2}),)), "not a country code"),
        (Rubric("r", "QA", (Criterion("a", "A", 0),)), "weight above 0"),
        (Rubric("r", "x" * 81, RUBRIC.criteria), "at most 80 characters"),
    ],
)
def test_a_rubric_that_cannot_score_is_refused_with_the_reason(
    rubric: Rubric, message: str
) -> None:
    with pytest.raises(ReviewError, match=message):
        check_rubric(rubric)


def test_text_is_trimmed_and_bounded() -> None:
    too_long = "A comment can be at most {count} characters"
    assert clean_text("  fine \x00 ", 10, too_long) == "fine"
    with pytest.raises(ReviewError, match="A comment can be at most 3 characters") as error:
        clean_text("four", 3, too_long)
    assert error.value.template == too_long  # what the UI translates


@pytest.mark.parametrize(
    ("kind", "low", "high"),
    [(SurveyKind.CSAT, 1, 5), (SurveyKind.NPS, 0, 10), (SurveyKind.CES, 1, 7)],
)
def test_survey_scales(kind: SurveyKind, low: int, high: int) -> None:
    assert kind.scale == (low, high)
    assert check_survey_score(kind, low) == low and check_survey_score(kind, high) == high
    for wrong in (low - 1, high + 1):
        with pytest.raises(ReviewError, match=f"between {low} and {high}"):
            check_survey_score(kind, wrong)


def test_roles_from_json_default_to_agent_leads_admins_write_and_trainers_read() -> None:
    assert parse_roles('["agent", "lead"]') == {Role.AGENT, Role.LEAD}
    assert parse_roles(None) == {Role.AGENT}
    assert parse_roles("not json") == {Role.AGENT}
    assert parse_roles('["pirate"]') == {Role.AGENT}
    assert roles_json([Role.LEAD, Role.AGENT]) == '["agent", "lead"]'
    assert not can_review({Role.AGENT})
    assert all(can_review({r}) for r in (Role.LEAD, Role.ADMIN))
    assert not can_review({Role.TRAINER})  # the contract: trainers read reviews, never write
    assert all(can_read_reviews({r}) for r in (Role.LEAD, Role.TRAINER, Role.ADMIN))
    assert not can_read_reviews({Role.AGENT})


def test_criteria_and_findings_round_trip_through_their_stored_json() -> None:
    assert criteria_from_json(rubric_criteria_json(RUBRIC.criteria)) == RUBRIC.criteria
    assert criteria_from_json('[{"key": "a"}, "junk"]') == ()  # damaged entries dropped
    findings = [SentFinding("ja.keigo", "すみません", "warning", "register")]
    assert findings_from_json(findings_json(findings)) == tuple(findings)
    assert findings_json([]) is None
    many = findings_json([SentFinding("r", "x" * 500)] * 80)
    assert many is not None
    stored = findings_from_json(many)
    assert len(stored) == 50 and len(stored[0].excerpt) == 200


def test_the_shipped_rubric_loads_with_the_default_criteria() -> None:
    rubric = load_rubric(resources_dir() / "review" / "rubric.yaml")
    assert [c.key for c in rubric.criteria] == [
        "greeting", "empathy", "etiquette", "solution", "tone", "translation", "closing", "speed",
    ]  # fmt: skip
    etiquette = rubric.criterion("etiquette")
    assert etiquette is not None and etiquette.weight_for("JP") > etiquette.weight
    # Every text the UI shows of it is marked for translation (extraction reads Python only).
    assert {rubric.name, *(c.label for c in rubric.criteria)} == set(SHIPPED_MSGIDS)


def test_a_broken_rubric_file_names_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "rubric.yaml"
    bad.write_text(
        "uid: x\nname: QA\ncriteria:\n  - key: greeting\n    label: Greeting\n    weight: 500\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match=r"rubric.yaml:\d+: criteria.0.weight"):
        load_rubric(bad)
    bad.write_text(
        "uid: x\nname: QA\ncriteria:\n  - {key: a, label: A, weight: 1, region_weights: {XX: 2}}\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match="XX"):
        load_rubric(bad)
