"""Every bundled scenario loads, and plays its rehearsals to their expected endings and
scores with the real draft checker and the shipped rubric.

Test ids contain the scenario id: a writer runs ``pytest -k <id>`` for their file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from app.config.paths import Paths
from app.training.intents import IntentIndex
from app.training.schema import Rehearsal, Scenario, parse_scenario
from tests.unit.training.conftest import SCENARIOS

FILES = sorted(SCENARIOS.glob("*.yaml"))


def _load(path: Path, intents: IntentIndex) -> Scenario:
    return parse_scenario(path.read_text(encoding="utf-8"), path, intents, stem=path.stem)


def test_at_least_one_bundled_scenario() -> None:
    assert FILES, f"no scenarios in {SCENARIOS}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_loads(path: Path, intents: IntentIndex) -> None:
    scenario = _load(path, intents)
    assert scenario.id == path.stem


@cache
def _training(data_dir: str) -> Any:
    from app.ops.culture import load_culture
    from app.ops.review import default_rubric
    from app.ops.training_play import load_training

    paths = Paths(Path(data_dir))
    return load_training(paths), load_culture(paths), default_rubric()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _training(str(tmp_path_factory.mktemp("training-data")))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_findings_name_real_rules(path: Path, intents: IntentIndex, loaded: Any) -> None:
    """A rule id or prefix in ``findings`` that names no rule would silently never match."""
    from app.culture.rule_schema import KINDS

    scenario = _load(path, intents)
    _data, culture, _rubric = loaded
    rule_ids = {rule.id for rule in culture.checker.rules}
    refs = [
        ref
        for turn in scenario.turns.values()
        for b in turn.branches
        if b.when
        for ref in b.when.findings
    ]
    refs += [ref for e in scenario.expect if e.avoid for ref in e.avoid.findings]
    for ref in refs:
        if ref in KINDS:
            continue
        hits = [r for r in rule_ids if r == ref or (ref.endswith(".") and r.startswith(ref))]
        assert hits, f"{path.name}: findings entry '{ref}' names no draft-check rule"


def _rehearsal_cases() -> list[Any]:
    cases = []
    for path in FILES:
        try:
            import yaml

            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            count = len(raw.get("rehearsals") or [])
        except Exception:  # a broken file is reported by test_loads
            count = 0
        cases += [pytest.param(path, i, id=f"{path.stem}-rehearsal{i}") for i in range(count)]
    return cases


@pytest.mark.parametrize(("path", "index"), _rehearsal_cases())
def test_rehearsal_plays_as_expected(
    path: Path, index: int, intents: IntentIndex, loaded: Any
) -> None:
    scenario = _load(path, intents)
    rehearsal = scenario.rehearsals[index]
    result = _rehearse(scenario, rehearsal, loaded)
    got = result["ending"]["id"]
    score = result["score"]
    detail = _explain(result)
    assert got == rehearsal.expect.ending, (
        f"ending {got}, expected {rehearsal.expect.ending}\n{detail}"
    )
    if rehearsal.expect.min_score is not None:
        assert score >= rehearsal.expect.min_score, f"score {score} < min\n{detail}"
    if rehearsal.expect.max_score is not None:
        assert score <= rehearsal.expect.max_score, f"score {score} > max\n{detail}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_good_scores_clearly_above_clumsy(path: Path, intents: IntentIndex, loaded: Any) -> None:
    scenario = _load(path, intents)
    for lang in ("en", "zh"):
        scores: dict[str, list[float]] = {"good": [], "clumsy": []}
        for rehearsal in scenario.rehearsals:
            if rehearsal.lang != lang:
                continue
            result = _rehearse(scenario, rehearsal, loaded)
            if rehearsal.expect.min_score is not None:
                scores["good"].append(result["score"])
            if rehearsal.expect.max_score is not None:
                scores["clumsy"].append(result["score"])
        assert scores["good"] and scores["clumsy"], f"{lang}: needs a good and a clumsy rehearsal"
        assert min(scores["good"]) >= max(scores["clumsy"]) + 20, f"{lang}: {scores}"


def _rehearse(scenario: Scenario, rehearsal: Rehearsal, loaded: Any) -> dict[str, Any]:
    """A rehearsal played headless in the rehearsal's language, scored by the shipped
    rubric (an English interface, as a writer checks their file)."""
    from app.ops.training_play import headless_play

    data, culture, rubric = loaded
    return headless_play(
        data,
        culture,
        scenario.id,
        rehearsal.replies,
        rehearsal.waits or (),
        trainee_language=rehearsal.lang,
        ui_language="en",
        rubric=rubric,
    )


def _explain(result: dict[str, Any]) -> str:
    lines = [f"path: {' -> '.join(result['path'])}  score: {result['score']}"]
    for step in result["transcript"]:
        extra = ""
        if step["who"] == "trainee":
            rules = [f["rule_id"] for f in step["findings"]]
            extra = f"  intents={step['intents']} findings={rules}"
        lines.append(f"  [{step['who']}@{step['at']:.0f}s] {step['text'][:90]}{extra}")
    for c in result["criteria"]:
        lines.append(f"  {c['key']}: {c['points']}/{c['scale']} {c['reasons']}")
    return "\n".join(lines)
