"""A trainer's records: scenarios saved in the app, assignments, the trainees' attempts
(store lane).

Every write is checked here and returns :class:`Changes` with ``training`` set, and
``outbox`` when the workspace syncs (the sync finds the changed rows, queues them in the
outbox and sends them as the training feed, :mod:`app.sync.training`; the window syncs at
once). Offline everything works the same: the rows wait, dirty, until the next sync.

Who may do what: saving or deleting scenarios, assigning and cancelling need the trainer
role (or lead, or admin); any agent records their own attempts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from app.config.paths import resources_dir
from app.domain.changes import Changes
from app.domain.errors import N_
from app.domain.models import Agent
from app.domain.review import MAX_SCALE, Role
from app.domain.training import (
    MAX_CLOCK_SPEED,
    MAX_SCENARIO_CHARS,
    MAX_TRANSCRIPT_JSON,
    MIN_CLOCK_SPEED,
    Assignment,
    AssignmentState,
    AttemptRecord,
    PlayOptions,
    TrainingError,
)
from app.ops.outbox import synced
from app.ops.review import me_id, roles_of
from app.storage.store import Store

if TYPE_CHECKING:
    from app.training.intents import IntentIndex

TRAINING_DIR = resources_dir() / "training"
MAX_TRAINEES = 500  # trainees one assignment names at once
MAX_ID_CHARS = 64
MAX_PATH_STEPS = 200
TRAINER_ROLES = frozenset({Role.TRAINER, Role.LEAD, Role.ADMIN})
TRAINEE_LANGUAGES = ("en", "zh")
SCENARIO_ID = re.compile(r"[a-z0-9][a-z0-9-]{2,63}")  # as the scenario format says


def _changed(store: Store) -> Changes:
    return Changes(training=True, outbox=synced(store))


def can_train(roles: Iterable[Role]) -> bool:
    """Whether these roles may author scenarios and assign them (trainer, lead, admin)."""
    return bool(TRAINER_ROLES & set(roles))


def is_trainer(store: Store) -> bool:
    """Whether "me" may author and assign scenarios."""
    me = me_id(store)
    return me is not None and can_train(roles_of(store, me))


def _require_trainer(store: Store, agent_id: int | None, message: str) -> None:
    """``agent_id``: who acts (None: "me", when this workspace knows who that is; a
    workspace with no one signed in is the user's own, where everything is allowed)."""
    who = agent_id if agent_id is not None else me_id(store)
    if who is not None and not can_train(roles_of(store, who)):
        raise TrainingError(message)


# ------------------------------------------------------------------ scenarios
@cache
def _intents(path: Path) -> IntentIndex:
    from app.training.intents import load_intents  # compute: only when a scenario is saved

    return load_intents(path)


def saved_scenarios(store: Store) -> list[tuple[str, str]]:
    """The trainers' scenarios as (id, YAML text), for ``load_training``."""
    return [(s.uid, s.body) for s in store.training.saved_scenarios()]


def save_scenario(store: Store, text: str, by: int | None, now: int) -> Changes:
    """Validate a scenario's YAML text and save it under its id (replacing a bundled
    scenario with that id for this team). DataFileError names the line that is wrong."""
    _require_trainer(
        store, by, N_("Only a trainer, team lead or admin can save or delete scenarios")
    )
    if len(text) > MAX_SCENARIO_CHARS:
        raise TrainingError(
            N_("A scenario can be at most {count} characters"), count=MAX_SCENARIO_CHARS
        )
    from app.training.schema import scenario_from_text  # pydantic: only when saving

    scenario = scenario_from_text(text, "scenario.yaml", _intents(TRAINING_DIR / "intents.yaml"))
    store.training.save_scenario(scenario.id, text, by if by is not None else me_id(store), now)
    return _changed(store)


def delete_scenario(store: Store, scenario_id: str, now: int) -> Changes:
    """Delete a trainer's saved scenario (a bundled one with that id shows again)."""
    _require_trainer(
        store, None, N_("Only a trainer, team lead or admin can save or delete scenarios")
    )
    if not store.training.delete_scenario(scenario_id, now):
        raise TrainingError(N_("There is no saved scenario “{id}”"), id=scenario_id)
    return _changed(store)


def _scenario_exists(store: Store, scenario_id: str) -> bool:
    if not SCENARIO_ID.fullmatch(scenario_id):
        return False
    if store.training.saved_scenario(scenario_id) is not None:
        return True
    return (TRAINING_DIR / "scenarios" / f"{scenario_id}.yaml").is_file()


# ------------------------------------------------------------------ assignments
def check_options(options: PlayOptions) -> PlayOptions:
    speed = options.clock_speed
    if not (math.isfinite(speed) and MIN_CLOCK_SPEED <= speed <= MAX_CLOCK_SPEED):
        raise TrainingError(
            N_("The clock speed must be between {low} and {high}"),
            low=MIN_CLOCK_SPEED,
            high=MAX_CLOCK_SPEED,
        )
    return options


def assign(
    store: Store,
    scenario_id: str,
    trainee_ids: Iterable[int],
    by: int | None,
    due_at: int | None,
    options: PlayOptions,
    now: int,
) -> Changes:
    """Give a scenario to trainees (one open assignment each), with the trainer's options
    (translation, etiquette panel, clock speed) and an optional due date."""
    _require_trainer(store, by, N_("Only a trainer, team lead or admin can assign scenarios"))
    trainees = sorted(set(trainee_ids))
    if not trainees:
        raise TrainingError(N_("Choose at least one trainee"))
    if len(trainees) > MAX_TRAINEES:
        raise TrainingError(N_("Choose at most {count} trainees at once"), count=MAX_TRAINEES)
    if len(scenario_id) > MAX_ID_CHARS or not _scenario_exists(store, scenario_id):
        raise TrainingError(N_("There is no scenario “{id}”"), id=scenario_id[:MAX_ID_CHARS])
    known = {a.id for a in store.conversations.agents()}
    if any(t not in known for t in trainees):
        raise TrainingError(N_("One of the trainees is not in this workspace"))
    if due_at is not None and due_at < 0:
        raise TrainingError(N_("The due date is not valid"))
    check_options(options)
    assigner = by if by is not None else me_id(store)
    with store.transaction():
        for trainee in trainees:
            store.training.add_assignment(scenario_id, trainee, assigner, due_at, options, now)
    return _changed(store)


def cancel_assignment(store: Store, uid: str, now: int) -> Changes:
    """Withdraw an open assignment (a done one stays done: its attempt is kept)."""
    _require_trainer(store, None, N_("Only a trainer, team lead or admin can cancel assignments"))
    current = store.training.assignment(uid)
    if current is None:
        raise TrainingError(N_("This assignment no longer exists"))
    if current.state is AssignmentState.DONE:
        raise TrainingError(N_("This assignment is done: it cannot be cancelled"))
    if current.state is AssignmentState.OPEN:
        store.training.set_assignment_state(uid, AssignmentState.CANCELLED, now)
    return _changed(store)


def assignments(store: Store, *, trainee_id: int | None = None) -> list[Assignment]:
    """Open assignments first (soonest due first), then done and cancelled ones."""
    return store.training.assignments(trainee_id)


def trainees(store: Store) -> list[Agent]:
    """Everyone who can be given a scenario (every agent of the team), by name."""
    return list(store.conversations.agents())


# ------------------------------------------------------------------ attempts
def _check_attempt(record: AttemptRecord) -> None:
    if record.trainee_language not in TRAINEE_LANGUAGES:
        raise TrainingError(N_("An attempt is played in English or Chinese"))
    if len(record.transcript_json) > MAX_TRANSCRIPT_JSON:
        raise TrainingError(
            N_("This attempt is too long to keep (at most {count} characters)"),
            count=MAX_TRANSCRIPT_JSON,
        )
    if not (
        math.isfinite(record.score)
        and 0 <= record.score <= 100
        and 0 < len(record.uid) <= 128
        and 0 < len(record.scenario_id) <= MAX_ID_CHARS
        and 0 < len(record.ending_id) <= MAX_ID_CHARS
        and record.scenario_version >= 1
        and record.started_at <= record.finished_at
        and len(record.path) <= MAX_PATH_STEPS
        and all(len(step) <= MAX_ID_CHARS for step in record.path)
        and len(record.criteria) <= 50
        and all(len(key) <= 40 and 0 <= v <= MAX_SCALE for key, v in record.criteria.items())
    ):
        raise TrainingError(N_("This attempt cannot be stored: its record is not valid"))
    check_options(record.options)


def record_attempt(store: Store, record: AttemptRecord, now: int) -> Changes:
    """Store a finished play (once per uid) and mark its assignment done.

    The attempt is the player's own: with no trainee named it is "me"'s; naming another
    agent than "me" is refused."""
    _check_attempt(record)
    me = me_id(store)
    if record.trainee_agent_id is None and me is not None:
        record = replace(record, trainee_agent_id=me)
    elif me is not None and record.trainee_agent_id != me:
        raise TrainingError(N_("An attempt is recorded by the trainee who played it"))
    with store.transaction():
        store.training.add_attempt(record)
        if record.assignment_uid:
            given = store.training.assignment(record.assignment_uid)
            if (
                given is not None
                and given.state is AssignmentState.OPEN
                and given.trainee_agent_id == record.trainee_agent_id
            ):  # the server closes it too on receiving the attempt: nothing to send for it
                store.training.set_assignment_state(
                    record.assignment_uid, AssignmentState.DONE, now, edit=False
                )
    return _changed(store)


def attempts(
    store: Store, *, trainee_id: int | None = None, scenario_id: str | None = None
) -> list[AttemptRecord]:
    """Finished attempts, oldest first (a trainee's progress over time)."""
    return store.training.attempts(trainee_id, scenario_id)
