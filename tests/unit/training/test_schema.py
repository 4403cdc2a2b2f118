"""A scenario file with a mistake is refused with its file and line, so a trainer can fix
it; the rest of a folder still loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.datafiles import DataFileError
from app.training.intents import IntentIndex
from app.training.schema import (
    load_scenarios,
    parse_scenario,
    scenario_from_text,
    scenario_problems,
)

SOURCE = Path("scenarios/fixture-parcel.yaml")


def _line(text: str, snippet: str, occurrence: int = 1) -> int:
    """The 1-based line of the n-th occurrence of ``snippet``."""
    start = -1
    for _ in range(occurrence):
        start = text.index(snippet, start + 1)
    return text.count("\n", 0, start) + 1


def _error(text: str, intents: IntentIndex) -> DataFileError:
    with pytest.raises(DataFileError) as caught:
        parse_scenario(text, SOURCE, intents)
    return caught.value


def _swap(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_the_fixture_is_valid(fixture_text: str, intents: IntentIndex) -> None:
    scenario = parse_scenario(fixture_text, SOURCE, intents, stem="fixture-parcel")
    assert scenario.id == "fixture-parcel"
    assert scenario.version == 3
    assert scenario.title.pick("zh_CN") == "迟到的包裹"
    assert scenario.limit_ending == "gave_up"
    assert scenario.moment.utcoffset() is not None
    assert set(scenario.local_intents) == {"mentions_weather"}


# A mistake made by replacing one snippet of the fixture: (old, new), the line the error
# names (the first line holding ``at``, plus ``below``: a mapping's problems are reported
# at its first line, the key's next line), and what the message says.
MISTAKES = [
    pytest.param(
        'title: {en: "A late parcel"', 'title: [en: "A late parcel"',
        "title:", 0, "YAML syntax error", id="broken-yaml"),
    pytest.param(
        "        goto: annoyed\n      - when: {slow", "        goto: annoyd\n      - when: {slow",
        "goto: annoyd", 0, "'annoyd' is neither a turn nor an ending", id="goto-to-nowhere"),
    pytest.param(
        "      - goto: asks_again\n  asks_again:", "  asks_again:",
        "- when: {any: [mentions_weather]}", 0, "last branch must be the default",
        id="missing-default-branch"),
    pytest.param(
        "      - when: {any: [gives_date]}\n        goto: thanked\n      - goto: asks_again\n",
        "      - goto: asks_again\n      - when: {any: [gives_date]}\n        goto: thanked\n",
        "      - goto: asks_again\n      - when", 0, "only the last branch may lack 'when'",
        id="default-branch-not-last"),
    pytest.param(
        'zh_CN: "好的，那它什么时候到？"', 'zh_CN: ""',
        'zh_CN: ""', 0, "turns.asks_again.translations.zh_CN", id="empty-translation"),
    pytest.param(
        "{all: [apology, gives_date]}", "{all: [apology, gives_a_date]}",
        "gives_a_date", 0, "'gives_a_date' is not a built-in intent", id="unknown-intent"),
    pytest.param(
        "difficulty: 1\n", "difficulty: 1\nbogus: 2\n",
        "bogus: 2", 0, "bogus: not a field here (check its spelling", id="unknown-key"),
    pytest.param(
        '    translations: {en: "Great, thank you!", zh_CN: "太好了，谢谢！"}\n', "",
        "  thanked:\n    state", 1, "needs 'translations'", id="ending-text-needs-translations"),
    pytest.param(
        "en: {phrases: [snow storm, the storm]}", "en: {regex: '(storm'}",
        "regex: '(storm'", 0, "does not compile", id="bad-local-intent-regex"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "at", "below", "says"), MISTAKES)
def test_a_mistake_is_refused_naming_its_line(
    fixture_text: str, intents: IntentIndex, old: str, new: str, at: str, below: int, says: str
) -> None:
    text = _swap(fixture_text, old, new)
    error = _error(text, intents)
    assert error.path == SOURCE
    assert error.line == _line(text, at) + below
    assert says in error.problem


def test_unreachable_turn(fixture_text: str, intents: IntentIndex) -> None:
    text = fixture_text.replace("goto: asks_again", "goto: thanked")
    text = text.replace("      - when: {any: [gives_date]}\n        goto: thanked\n", "")
    error = _error(text, intents)
    # A mapping's problems are reported at its first line (the key's next line).
    assert error.line == _line(text, "  asks_again:") + 1
    assert "no branch leads to this turn" in error.problem


def test_unreachable_ending(fixture_text: str, intents: IntentIndex) -> None:
    text = fixture_text.replace("goto: annoyed", "goto: gave_up")
    error = _error(text, intents)
    assert error.line == _line(text, "  annoyed:") + 1
    assert "endings.annoyed" in error.problem


def test_missing_translation(fixture_text: str, intents: IntentIndex) -> None:
    text = _swap(fixture_text, '      zh_CN: "你好，我的订单', '      zh: "你好，我的订单')
    _scenario, problems = scenario_problems(text, SOURCE, intents)
    messages = [p.problem for p in problems]
    assert "turns.opening.translations.zh_CN: is required here" in messages
    assert problems[0].line == _line(text, '    translations:\n      en: "Hi, my order') + 1


def test_unknown_finding_and_criterion(fixture_text: str, intents: IntentIndex) -> None:
    text = _swap(fixture_text, "{findings: [promotion]}", "{findings: [Promo!]}")
    text = _swap(text, "criterion: solution", "criterion: solutions")
    _scenario, problems = scenario_problems(text, SOURCE, intents)
    lines = {p.line for p in problems}
    assert _line(text, "Promo!") in lines
    text = _swap(fixture_text, "criterion: solution", "criterion: solutions")
    error = _error(text, intents)
    assert error.line == _line(text, "criterion: solutions")
    assert "not a rubric criterion" in error.problem


def test_too_long_text(fixture_text: str, intents: IntentIndex) -> None:
    long = "x" * 2001
    text = _swap(fixture_text, 'text: "OK, but when will it arrive?"', f'text: "{long}"')
    error = _error(text, intents)
    assert error.line == _line(text, long)
    assert "turns.asks_again.text" in error.problem
    assert "2000" in error.problem


def test_duplicate_ids(fixture_text: str, intents: IntentIndex) -> None:
    text = _swap(fixture_text, "  - id: give-date", "  - id: apologise")
    error = _error(text, intents)
    assert error.line == _line(text, "- id: apologise", 2)
    assert "'apologise' is used twice" in error.problem
    # A turn and an ending with one id.
    text = _swap(fixture_text, "  gave_up:\n    state: left", "  opening:\n    state: left")
    text = text.replace("left: gave_up", "left: opening")
    _scenario, problems = scenario_problems(text, SOURCE, intents)
    assert any("both a turn and an ending" in p.problem for p in problems)


def test_left_must_be_an_ending(fixture_text: str, intents: IntentIndex) -> None:
    text = _swap(fixture_text, "  left: gave_up", "  left: asks_again")
    _scenario, problems = scenario_problems(text, SOURCE, intents)
    assert problems[0].line == _line(text, "left: asks_again")
    assert "is not an ending" in problems[0].problem


def test_counts(fixture_text: str, intents: IntentIndex) -> None:
    text = fixture_text.replace("outcome: failure", "outcome: success")
    assert "at least one ending must not be a success" in _error(text, intents).problem
    cut = _swap(
        fixture_text,
        '  - lang: zh\n    replies: ["请稍等。"]',
        '  - lang: en\n    replies: ["请稍等。"]',
    )
    error = _error(cut, intents)
    assert "1 for lang 'zh'" in error.problem


def test_too_few_conditional_branches(fixture_text: str, intents: IntentIndex) -> None:
    text = _swap(
        fixture_text,
        "      - when: {any: [hard_sell, blames_customer]}\n        goto: annoyed\n"
        "      - when: {findings: [promotion]}\n        goto: annoyed\n"
        "      - when: {slow: true}\n        goto: asks_again\n",
        "      - when: {any: [hard_sell, blames_customer]}\n        goto: annoyed\n",
    )
    text = _swap(text, "      - when: {any: [mentions_weather]}\n        goto: asks_again\n", "")
    text = _swap(text, "      - when: {any: [gives_date]}\n        goto: thanked\n", "")
    error = _error(text, intents)
    assert "2 branches with 'when'" in error.problem


def test_moment_needs_an_offset_and_country_a_profile(
    fixture_text: str, intents: IntentIndex
) -> None:
    text = _swap(fixture_text, '"2027-03-02T10:00:00-05:00"', '"2027-03-02T10:00:00"')
    error = _error(text, intents)
    assert error.line == _line(text, "moment:")
    assert "UTC offset" in error.problem
    text = _swap(fixture_text, "country: US", "country: IS")
    assert "no etiquette profile" in _error(text, intents).problem
    text = _swap(fixture_text, "country: US", "country: NO")
    assert "Norway" in _error(text, intents).problem


def test_aliases_refused_and_size_bounded(fixture_text: str, intents: IntentIndex) -> None:
    text = _swap(
        fixture_text,
        'author: "CrossDesk tests"',
        'author: &a "CrossDesk tests"\ntranslations_reviewed_by: *a',
    )
    assert "aliases" in _error(text, intents).problem
    assert "longer than" in _error(fixture_text + "#" * 200_001, intents).problem


def test_file_name_must_match_id(fixture_text: str, intents: IntentIndex) -> None:
    with pytest.raises(DataFileError) as caught:
        parse_scenario(fixture_text, SOURCE, intents, stem="other-name")
    assert caught.value.line == _line(fixture_text, "id: fixture-parcel")
    assert "must equal the file name" in caught.value.problem


def test_scenario_from_text_has_no_name_rule(fixture_text: str, intents: IntentIndex) -> None:
    scenario = scenario_from_text(fixture_text, "pasted text", intents)
    assert scenario.id == "fixture-parcel"
    with pytest.raises(DataFileError) as caught:
        scenario_from_text("- just\n- a list\n", "pasted text", intents)
    assert str(caught.value).startswith("pasted text:1:")


def test_load_scenarios_skips_broken_and_later_folder_wins(
    tmp_path: Path, fixture_text: str, intents: IntentIndex
) -> None:
    first = tmp_path / "builtin"
    second = tmp_path / "team"
    first.mkdir()
    second.mkdir()
    (first / "fixture-parcel.yaml").write_text(fixture_text, encoding="utf-8")
    (first / "broken.yaml").write_text("id: broken\ntitle: [", encoding="utf-8")
    newer = fixture_text.replace("version: 3", "version: 4")
    (second / "fixture-parcel.yaml").write_text(newer, encoding="utf-8")
    (second / "wrong-name.yaml").write_text(fixture_text, encoding="utf-8")
    loaded = load_scenarios(first, second, tmp_path / "missing", intents=intents)
    assert list(loaded.scenarios) == ["fixture-parcel"]
    assert loaded.scenarios["fixture-parcel"].version == 4
    assert loaded.texts["fixture-parcel"] == newer
    assert sorted(e.path.name for e in loaded.errors) == ["broken.yaml", "wrong-name.yaml"]
    assert all(e.line for e in loaded.errors)


def test_saved_text_replaces_builtin(fixture_text: str, intents: IntentIndex) -> None:
    from app.training.schema import ScenarioSet

    loaded = ScenarioSet()
    loaded.add_text(fixture_text, "builtin", intents, origin="builtin")
    loaded.add_text(fixture_text.replace("version: 3", "version: 9"), "saved 1", intents, "saved")
    loaded.add_text("id: x", "saved 2", intents, "saved")
    assert loaded.scenarios["fixture-parcel"].version == 9
    assert loaded.origins["fixture-parcel"] == "saved"
    assert [str(e.path) for e in loaded.errors] == ["saved 2"]
