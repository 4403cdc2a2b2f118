"""The contract's training bodies: scenarios trainers saved in the app, assignments of a
scenario to a trainee, and the trainees' finished attempts (the training feed).

They sync under the same rules as the review objects (resources/contract/GUIDE.md,
"Training"): change feeds with opaque cursors and tombstones, ``PUT`` with ``If-Match``
(absent: create only) and an ``Idempotency-Key``, errors as problem documents. An attempt
is written once: ``PUT`` of the same attempt again returns the stored one, other content
under its id is 409. Who reads what:

- scenarios: every signed-in account (trainees play them);
- assignments and attempts: trainers, leads and admins all of them; an agent their own.

Trainers, leads and admins write scenarios and assignments; every account records its
own attempts. A practice conversation is never a conversation: only its attempt travels.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, Self

from pydantic import Field, model_validator

from app.contract.models import Id, Timestamp, Tombstone, Wire
from app.contract.review_models import CriterionKey
from app.domain.review import MAX_CRITERIA, MAX_SCALE
from app.domain.training import (
    MAX_CLOCK_SPEED,
    MAX_SCENARIO_CHARS,
    MAX_TRANSCRIPT_JSON,
    MIN_CLOCK_SPEED,
)

MAX_PATH_STEPS = 200
SCENARIO_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{2,63}$"

ScenarioId = Annotated[str, Field(pattern=SCENARIO_ID_PATTERN, description="A scenario's id")]
StepId = Annotated[str, Field(pattern=r"^[a-z0-9_]{1,40}$", description="A turn or ending id")]
AssignmentState = Literal["open", "done", "cancelled"]
EndState = Literal["resolved", "escalated", "left"]
Outcome = Literal["success", "partial", "failure"]
TraineeLanguage = Literal["en", "zh"]


class PlayOptions(Wire):
    """What the trainer allows in a play: machine translation of the trainee's reply, the
    etiquette panel, and how fast the customer's clock runs."""

    translation: bool = True
    etiquette: bool = True
    clock_speed: float = Field(default=1.0, ge=MIN_CLOCK_SPEED, le=MAX_CLOCK_SPEED)


# ------------------------------------------------------------------------ scenarios
class ScenarioWrite(Wire):
    """A scenario file's YAML text as a trainer saved it (the format of
    ``resources/training/scenarios``). The server keeps it as text; clients validate it
    before saving and skip, with a message, one they cannot use."""

    yaml: str = Field(min_length=1, max_length=MAX_SCENARIO_CHARS)


class Scenario(ScenarioWrite):
    id: ScenarioId
    version: int = Field(ge=1, description="Bumped on every change; also the ETag")
    updated_by: Id | None = Field(default=None, description="Who saved it last")
    updated_at: Timestamp


# ------------------------------------------------------------------------ assignments
class AssignmentWrite(Wire):
    """A scenario given to a trainee. ``done`` is set by the server when the trainee's
    attempt for it arrives, and stays; the trainee never moves."""

    scenario_id: ScenarioId
    trainee_id: Id
    due_at: Timestamp | None = None
    options: PlayOptions = PlayOptions()
    state: AssignmentState = "open"


class Assignment(AssignmentWrite):
    id: Id
    version: int = Field(ge=1, description="Bumped on every change; also the ETag")
    assigned_by: Id = Field(description="Who assigned it (the account that created it)")
    created_at: Timestamp
    updated_at: Timestamp


# ------------------------------------------------------------------------ attempts
class AttemptWrite(Wire):
    """One finished play: the score (0-100, higher is better) on the team's rubric, points
    per criterion, the path through the scenario's turns, and the whole play as the
    client's debrief shows it (``transcript``: at most MAX_TRANSCRIPT_JSON characters as
    compact JSON). ``assignment_id``: the assignment it answers, if any."""

    scenario_id: ScenarioId
    scenario_version: int = Field(ge=1)
    trainee_id: Id
    trainee_language: TraineeLanguage
    started_at: Timestamp
    finished_at: Timestamp
    ending_id: StepId
    end_state: EndState
    outcome: Outcome
    score: float = Field(ge=0, le=100)
    criteria: dict[CriterionKey, Annotated[int, Field(ge=0, le=MAX_SCALE)]] = Field(
        default_factory=dict, max_length=MAX_CRITERIA
    )
    path: list[StepId] = Field(default_factory=list, max_length=MAX_PATH_STEPS)
    transcript: dict[str, Any] = Field(default_factory=dict)
    options: PlayOptions = PlayOptions()
    assignment_id: Id | None = None

    @model_validator(mode="after")
    def _bounded(self) -> Self:
        if self.finished_at < self.started_at:
            raise ValueError("finished_at is before started_at")
        size = len(json.dumps(self.transcript, ensure_ascii=False, separators=(",", ":")))
        if size > MAX_TRANSCRIPT_JSON:
            raise ValueError(f"the transcript is over {MAX_TRANSCRIPT_JSON} characters")
        return self


class Attempt(AttemptWrite):
    id: Id
    version: int = Field(default=1, ge=1, description="Always 1: an attempt never changes")
    recorded_at: Timestamp = Field(description="When the server received it")


# ------------------------------------------------------------------------ feeds
class ScenarioChanges(Wire):
    items: list[Scenario]
    deleted: list[Tombstone] = Field(default_factory=list)
    next_cursor: str
    has_more: bool


class AssignmentChanges(Wire):
    items: list[Assignment]
    deleted: list[Tombstone] = Field(default_factory=list)
    next_cursor: str
    has_more: bool


class AttemptChanges(Wire):
    items: list[Attempt]
    deleted: list[Tombstone] = Field(default_factory=list)
    next_cursor: str
    has_more: bool
