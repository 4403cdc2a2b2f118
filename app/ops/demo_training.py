"""The demo's training records (``resources/demo/training.yaml``): assignments and the
trainees' attempts, so the trainer's views and chart have data in the offline demo.

Part of loading the demo (:func:`app.ops.demo.load_demo_into`, same transaction); keyed
by the file's stable ids, so a second load adds only what is new. Nothing of the training
engine is loaded: the attempts' results are data (a test replays them through the engine).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.training import AssignmentState, AttemptRecord
from app.ops.review import default_rubric
from app.storage.store import Store

if TYPE_CHECKING:  # pydantic: only when the demo loads
    from app.contract.demo_schema import DemoWorkspace

TRAINING_FILE = "training.yaml"


def load_training_data(
    repo: Store, folder: Path, demo: DemoWorkspace, agents: dict[str, int], now: int
) -> None:
    """Store lane, inside the demo's transaction; DataFileError for a bad training.yaml."""
    path = folder / TRAINING_FILE
    if not path.exists():
        return
    from app.contract.demo_training_schema import (
        SCENARIOS,
        demo_transcript,
        load_training_demo,
    )

    rubric = default_rubric()
    data = load_training_demo(path, demo, rubric, folder.parent / SCENARIOS)
    done = data.done()
    for spec in data.assignments:
        if repo.training.has_uid("training_assignments", spec.id):
            continue
        repo.training.add_assignment(
            spec.scenario,
            agents[spec.trainee],
            agents[spec.by],
            None if spec.due is None else now + spec.due,
            spec.options.options(),
            now + spec.at,
            uid=spec.id,
        )
        if spec.id in done:
            repo.training.set_assignment_state(spec.id, AssignmentState.DONE, now, edit=False)
    for attempt in data.attempts:
        if repo.training.has_uid("training_attempts", attempt.id):
            continue
        facts = data.scenarios[attempt.scenario]
        state, outcome = facts.endings[attempt.ending]
        repo.training.add_attempt(
            AttemptRecord(
                uid=attempt.id,
                scenario_id=attempt.scenario,
                scenario_version=facts.version,
                trainee_agent_id=agents[attempt.trainee],
                trainee_name=None,
                trainee_language=attempt.language,
                started_at=now + attempt.at - attempt.took,
                finished_at=now + attempt.at,
                ending_id=attempt.ending,
                end_state=state,
                outcome=outcome,
                score=attempt.score,
                criteria=dict(attempt.criteria),
                path=tuple(attempt.path),
                transcript_json=json.dumps(
                    demo_transcript(attempt, facts, rubric), ensure_ascii=False
                ),
                assignment_uid=attempt.assignment,
            )
        )
