"""The demo's training records on the reference server: the assignments and attempts of
``resources/demo/training.yaml`` - the same validated file the desktop's offline demo
reads, so a trainer signing in to a demo server finds what the offline demo shows."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

from app.contract.demo_schema import DemoWorkspace
from app.contract.demo_training_schema import (
    SCENARIOS,
    TRAINING_FILE,
    demo_transcript,
    load_training_demo,
)
from app.contract.review_schema import load_rubric
from app.contract.training_models import AssignmentWrite, AttemptWrite, PlayOptions
from app.server import store, training_store
from app.server.review_demo import RUBRIC_FILE


def seed(conn: Connection, demo: DemoWorkspace, demo_folder: Path, now: int) -> None:
    """Write the demo's assignments and attempts (once: the caller checks)."""
    path = demo_folder / TRAINING_FILE
    rubric_file = demo_folder.parent / RUBRIC_FILE
    if not path.exists() or not rubric_file.exists():
        return
    rubric = load_rubric(rubric_file)
    data = load_training_demo(path, demo, rubric, demo_folder.parent / SCENARIOS)
    for spec in data.assignments:
        if training_store.get_row(conn, "tr_assignments", spec.id) is not None:
            continue
        body = AssignmentWrite(
            scenario_id=spec.scenario,
            trainee_id=spec.trainee,
            due_at=None if spec.due is None else now + spec.due,
            options=PlayOptions(**spec.options.model_dump()),
        )
        training_store.put_assignment(conn, spec.id, body, None, spec.by, now + spec.at)
    for attempt in data.attempts:
        if training_store.get_row(conn, "tr_attempts", attempt.id) is not None:
            continue
        facts = data.scenarios[attempt.scenario]
        state, outcome = facts.endings[attempt.ending]
        write = AttemptWrite(
            scenario_id=attempt.scenario,
            scenario_version=facts.version,
            trainee_id=attempt.trainee,
            trainee_language=attempt.language,
            started_at=now + attempt.at - attempt.took,
            finished_at=now + attempt.at,
            ending_id=attempt.ending,
            end_state=state.value,
            outcome=outcome.value,
            score=attempt.score,
            criteria=dict(attempt.criteria),
            path=list(attempt.path),
            transcript=demo_transcript(attempt, facts, rubric),
            assignment_id=attempt.assignment,
        )  # the assignment it answers becomes done, as for a real attempt
        fingerprint = store.fingerprint(write.model_dump(mode="json"))
        training_store.add_attempt(conn, attempt.id, write, fingerprint, now + attempt.at)
