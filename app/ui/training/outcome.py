"""The end of a play, computed off the UI thread: its score on the team's rubric, the
debrief report and the attempt to record (the engine's, put together for the window)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from app.domain.review import Rubric
from app.domain.training import AttemptRecord, PlayOptions


@dataclass(frozen=True)
class Finished:
    """A scored play: the engine's Score, the report the debrief shows (and the attempt
    keeps), and the attempt record."""

    score: Any
    report: dict[str, Any]
    record: AttemptRecord


def finish_play(
    play: Any,
    rubric: Rubric,
    ui_language: str,
    options: PlayOptions,
    assignment_uid: str | None,
    trainee: tuple[int | None, str | None],
    started_at: int,
    now: int,
) -> Finished:
    """Compute lane: score the play, write its report and its attempt record
    (``trainee``: the agent's id and name in this workspace)."""
    from app.training.report import attempt_record, play_json
    from app.training.scoring import score_play

    score = score_play(play, rubric)
    report = play_json(play, score, ui_language)
    record = attempt_record(
        play,
        score,
        uid=uuid.uuid4().hex,
        started_at=min(started_at, now),
        finished_at=now,
        ui_language=ui_language,
        trainee_agent_id=trainee[0],
        trainee_name=trainee[1],
        options=options,
        assignment_uid=assignment_uid,
    )
    return Finished(score, report, record)
