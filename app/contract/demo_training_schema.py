"""The demo's training records (``resources/demo/training.yaml``): assignments a lead gave
and the trainees' finished attempts. Validated like the other demo files (file, line and
field for the first problem) and cross-checked against the demo's agents, the bundled
scenario files (the ending and path exist; the ending's state and outcome come from
there) and the default rubric, so the demo never shows an attempt of a scenario that is
not there or a score off the scale. Read by the desktop's offline demo and the demo server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.contract.datafile import load_validated
from app.contract.demo_schema import DemoWorkspace, Ident, Offset
from app.domain.datafiles import DataFileError, line_of, load_yaml
from app.domain.review import MAX_CRITERIA, ReviewError, Rubric, check_scores
from app.domain.training import (
    MAX_CLOCK_SPEED,
    MAX_REPLY_CHARS,
    MIN_CLOCK_SPEED,
    EndState,
    Outcome,
    PlayOptions,
)

TRAINING_FILE = "training.yaml"
SCENARIOS = Path("training") / "scenarios"  # under resources/, beside demo/
ScenarioRef = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{2,63}$")]
StepId = Annotated[str, Field(pattern=r"^[a-z0-9_]{1,40}$")]
Reply = Annotated[str, Field(min_length=1, max_length=MAX_REPLY_CHARS)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OptionsSpec(_Strict):
    translation: bool = True
    etiquette: bool = True
    clock_speed: float = Field(default=1.0, ge=MIN_CLOCK_SPEED, le=MAX_CLOCK_SPEED)

    def options(self) -> PlayOptions:
        return PlayOptions(self.translation, self.etiquette, self.clock_speed)


class AssignmentSpec(_Strict):
    id: Ident
    scenario: ScenarioRef
    trainee: Ident
    by: Ident
    at: Offset
    due: Offset | None = None
    options: OptionsSpec = OptionsSpec()


class AttemptSpec(_Strict):
    id: Ident
    scenario: ScenarioRef
    trainee: Ident
    language: Literal["en", "zh"]
    at: Offset = Field(description="when the play finished")
    took: Offset = Field(description="how long the play took")
    assignment: Ident | None = None
    replies: list[Reply] = Field(min_length=1, max_length=20)
    waits: list[Annotated[float, Field(ge=0, le=86400)]] = Field(default_factory=list)
    ending: StepId
    path: list[StepId] = Field(min_length=1, max_length=200)
    score: float = Field(ge=0, le=100)
    criteria: dict[str, int] = Field(default_factory=dict, max_length=MAX_CRITERIA)

    @model_validator(mode="after")
    def _consistent(self) -> AttemptSpec:
        if self.took <= 0:
            raise ValueError("'took' is a duration such as '5m'")
        if len(self.waits) > len(self.replies):
            raise ValueError("more waits than replies")
        if self.path[-1] != self.ending:
            raise ValueError("the path ends at the ending")
        return self


class TrainingFile(_Strict):
    assignments: list[AssignmentSpec] = Field(default_factory=list, max_length=200)
    attempts: list[AttemptSpec] = Field(default_factory=list, max_length=500)


@dataclass(frozen=True, slots=True)
class ScenarioFacts:
    """What the demo needs of a bundled scenario file."""

    version: int
    endings: Mapping[str, tuple[EndState, Outcome]]
    turns: frozenset[str]


@dataclass(frozen=True, slots=True)
class DemoTraining:
    """The validated file and the facts of the scenarios it names."""

    assignments: tuple[AssignmentSpec, ...]
    attempts: tuple[AttemptSpec, ...]
    scenarios: Mapping[str, ScenarioFacts]

    def done(self) -> frozenset[str]:
        """The assignments an attempt answered."""
        return frozenset(a.assignment for a in self.attempts if a.assignment)


def _facts(path: Path) -> ScenarioFacts:
    """The version, endings and turns of a scenario file (the engine validates the rest)."""
    data: Any = load_yaml(path)
    try:
        endings = {
            str(key): (EndState(value["state"]), Outcome(value["outcome"]))
            for key, value in data["endings"].items()
        }
        return ScenarioFacts(int(data["version"]), endings, frozenset(map(str, data["turns"])))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DataFileError(path, None, f"not a usable scenario ({exc})") from None


def load_training_demo(
    path: Path, demo: DemoWorkspace, rubric: Rubric, scenarios_folder: Path
) -> DemoTraining:
    """The file, checked against the demo's agents, the scenarios and the rubric."""
    parsed, data = load_validated(TrainingFile, path)
    agents = {a.id for a in demo.workspace.agents}
    facts: dict[str, ScenarioFacts] = {}

    def fail(loc: tuple[Any, ...], problem: str) -> DataFileError:
        return DataFileError(path, line_of(data, loc), problem)

    def scenario(section: str, index: int, ident: str) -> ScenarioFacts:
        if ident not in facts:
            file = scenarios_folder / f"{ident}.yaml"
            if not file.is_file():
                raise fail((section, index, "scenario"), f"no bundled scenario '{ident}'")
            facts[ident] = _facts(file)
        return facts[ident]

    def agent(section: str, index: int, key: str, ident: str) -> None:
        if ident not in agents:
            raise fail((section, index, key), f"'{ident}' is not an agent")

    given: dict[str, AssignmentSpec] = {}
    for index, assignment in enumerate(parsed.assignments):
        scenario("assignments", index, assignment.scenario)
        agent("assignments", index, "trainee", assignment.trainee)
        agent("assignments", index, "by", assignment.by)
        if assignment.id in given:
            raise fail(("assignments", index, "id"), f"'{assignment.id}' is listed twice")
        given[assignment.id] = assignment
    seen: set[str] = set()
    for index, attempt in enumerate(parsed.attempts):
        known = scenario("attempts", index, attempt.scenario)
        agent("attempts", index, "trainee", attempt.trainee)
        if attempt.id in seen:
            raise fail(("attempts", index, "id"), f"'{attempt.id}' is listed twice")
        seen.add(attempt.id)
        if attempt.ending not in known.endings:
            raise fail(("attempts", index, "ending"), f"'{attempt.ending}' is not an ending")
        if any(step not in known.turns for step in attempt.path[:-1]):
            raise fail(("attempts", index, "path"), "the path goes through turns of the scenario")
        try:
            check_scores(rubric, attempt.criteria)
        except ReviewError as exc:
            raise fail(("attempts", index, "criteria"), str(exc)) from None
        if attempt.assignment is not None:
            answered = given.get(attempt.assignment)
            if answered is None or (answered.trainee, answered.scenario) != (
                attempt.trainee,
                attempt.scenario,
            ):
                raise fail(
                    ("attempts", index, "assignment"),
                    "an attempt answers an assignment of its trainee and scenario",
                )
            if attempt.at - attempt.took < answered.at:
                raise fail(("attempts", index, "at"), "played before it was assigned")
    return DemoTraining(tuple(parsed.assignments), tuple(parsed.attempts), facts)


def demo_transcript(attempt: AttemptSpec, facts: ScenarioFacts, rubric: Rubric) -> dict[str, Any]:
    """What a demo attempt keeps of its play: the trainee's replies, the path, the ending
    and the score (a real play keeps the whole debrief; the demo's were never played here)."""
    state, outcome = facts.endings[attempt.ending]
    return {
        "format": 1,
        "demo": True,
        "scenario": attempt.scenario,
        "version": facts.version,
        "trainee_language": attempt.language,
        "transcript": [
            {"index": i, "who": "trainee", "text": text} for i, text in enumerate(attempt.replies)
        ],
        "path": list(attempt.path),
        "finished": True,
        "ending": {"id": attempt.ending, "state": state.value, "outcome": outcome.value},
        "score": attempt.score,
        "criteria": [
            {
                "key": c.key,
                "label": c.label,
                "points": attempt.criteria[c.key],
                "scale": c.scale,
                "reasons": [],
            }
            for c in rubric.criteria
            if c.key in attempt.criteria
        ],
        "findings": [],
        "timeline": [],
        "expectations": [],
        "model_answer": [],
    }
