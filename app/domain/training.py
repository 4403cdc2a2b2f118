"""A trainer's records: assignments and the trainees' attempts at practice scenarios.

Plain frozen values shared by the training engine (``app.training``), the store, the
sync feed and the windows. A practice conversation itself never becomes a conversation
in the store: only the attempt (its transcript, path and score) is kept, so nothing
typed in training can reach a real customer or a server's conversations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from app.domain.errors import LocalizedError

# Bounds on what a trainee or a scenario file may put in a record (the sync contract
# enforces the same).
MAX_REPLY_CHARS = 4000
MAX_TRANSCRIPT_JSON = 400_000
MAX_SCENARIO_CHARS = 200_000  # one scenario's YAML text, saved in the app or synced
MIN_CLOCK_SPEED = 0.25
MAX_CLOCK_SPEED = 20.0


class TrainingError(LocalizedError):
    """A scenario, assignment or attempt that cannot be used (the message says why)."""


class EndState(StrEnum):
    """How a practice conversation ended."""

    RESOLVED = "resolved"
    ESCALATED = "escalated"
    LEFT = "left"  # the customer gave up (a slow or clumsy trainee)


class Outcome(StrEnum):
    """How good that ending is for the company, as the scenario's author judged it."""

    SUCCESS = "success"
    PARTIAL = "partial"
    FAILURE = "failure"


class AssignmentState(StrEnum):
    OPEN = "open"
    DONE = "done"  # an attempt was recorded for it
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class PlayOptions:
    """What the trainer allows in one play: machine translation of the trainee's reply,
    the etiquette panel and live draft check (findings are scored either way), and how
    fast the customer's clock runs (2.0: a minute of waiting counts as two)."""

    translation: bool = True
    etiquette: bool = True
    clock_speed: float = 1.0


@dataclass(frozen=True, slots=True)
class Assignment:
    """A scenario a trainer gave a trainee to play."""

    id: int
    uid: str
    scenario_id: str
    trainee_agent_id: int
    trainee_name: str | None
    assigned_by_agent_id: int | None
    assigned_by_name: str | None
    due_at: int | None
    options: PlayOptions
    state: AssignmentState
    created_at: int
    updated_at: int
    version: int = 1


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """One finished play of a scenario, as the trainer sees it later.

    ``criteria``: rubric criterion key -> points given; ``transcript_json``: the whole
    play as :func:`app.training.report.play_json` writes it (turns, findings, timeline),
    so a debrief can be shown again long after, on any machine the attempt synced to.
    """

    uid: str
    scenario_id: str
    scenario_version: int
    trainee_agent_id: int | None
    trainee_name: str | None
    trainee_language: str  # "en" or "zh"
    started_at: int
    finished_at: int
    ending_id: str
    end_state: EndState
    outcome: Outcome
    score: float  # 0-100, higher is better
    criteria: Mapping[str, int] = field(default_factory=dict)
    path: tuple[str, ...] = ()
    transcript_json: str = "{}"
    options: PlayOptions = PlayOptions()
    assignment_uid: str | None = None
    id: int = 0  # the row in the local store (0: not stored yet)
