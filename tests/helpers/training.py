"""Building training records for tests, so each test names only the fields it varies."""

from __future__ import annotations

import json
from dataclasses import replace

from app.domain.training import AttemptRecord, EndState, Outcome
from tests.helpers.builders import NOW

ATTEMPT_SCENARIO = "sa-ramadan-delay"  # a bundled scenario: the operations check against it


def attempt_record(trainee: int | None, uid: str = "att-1", **fields: object) -> AttemptRecord:
    """A finished, successful attempt at a bundled scenario that passes every check the
    operations make; `fields` replace any of its values."""
    base = AttemptRecord(
        uid=uid,
        scenario_id=ATTEMPT_SCENARIO,
        scenario_version=1,
        trainee_agent_id=trainee,
        trainee_name=None,
        trainee_language="en",
        started_at=NOW - 200,
        finished_at=NOW,
        ending_id="thanked",
        end_state=EndState.RESOLVED,
        outcome=Outcome.SUCCESS,
        score=77.5,
        criteria={"greeting": 4, "speed": 2},
        path=("opening", "thanked"),
        transcript_json=json.dumps({"transcript": []}),
    )
    return replace(base, **fields)  # type: ignore[arg-type]
