"""Training through the contract: scenarios trainers save in the app, assignments and the
trainees' attempts, under the same rules as the review objects.

- ``GET /v1/training/{scenarios,assignments,attempts}/changes``: change feeds with opaque
  cursors and tombstones (410 ``cursor_expired``: wipe and re-read). An agent's feeds hold
  every scenario and only their own assignments and attempts.
- ``PUT /v1/training/{scenarios,assignments}/{id}``: create (no ``If-Match``: 412 if the
  id exists) or replace (``If-Match`` with the current ETag: 412 with ``current`` when
  stale); trainers, leads and admins only (403 otherwise).
- ``DELETE /v1/training/scenarios/{id}``: needs ``If-Match``; a tombstone goes out.
- ``PUT /v1/training/attempts/{id}``: create once, by the trainee (the same attempt again:
  200 with the stored one; other content: 409 ``attempt_conflict``); the open assignment
  it answers becomes ``done``.
Every write needs an ``Idempotency-Key``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from sqlalchemy import Connection

from app.contract.models import Tombstone
from app.contract.training_models import (
    SCENARIO_ID_PATTERN,
    Assignment,
    AssignmentChanges,
    AssignmentWrite,
    Attempt,
    AttemptChanges,
    AttemptWrite,
    Scenario,
    ScenarioChanges,
    ScenarioWrite,
)
from app.server import store, training_store
from app.server.auth import CurrentPrincipal, Principal, require_roles
from app.server.feeds import Cursor, Limit
from app.server.idempotency import Outcome, run_idempotent
from app.server.problems import ProblemError, responses
from app.server.routes_inbox import (
    ETAG_HEADER,
    ConversationId,
    IdempotencyKey,
    IfMatch,
)
from app.server.state import server_state
from app.server.strict import strict_body
from app.server.versioned_feed import (
    DELETE_RESPONSES,
    FEED_RESPONSES,
    PUT_RESPONSES,
    FeedFamily,
    OptionalIfMatch,
    etag,
    invalid,
)

router = APIRouter(tags=["training"])
Trainer = Annotated[Principal, Depends(require_roles(*training_store.WRITE_ROLES))]
ScenarioIdPath = Annotated[
    str, Path(min_length=3, max_length=64, pattern=SCENARIO_ID_PATTERN, description="Its id")
]
ATTEMPTS_PAGE = 50  # attempts per page at most: each may carry a 400,000-character transcript
_FAMILY = FeedFamily(
    records=training_store.RECORDS,
    pages={
        "tr_scenarios": ScenarioChanges,
        "tr_assignments": AssignmentChanges,
        "tr_attempts": AttemptChanges,
    },
    names={"tr_scenarios": "scenario", "tr_assignments": "assignment", "tr_attempts": "attempt"},
    visible_to=training_store.visible_to,
)


# ------------------------------------------------------------------------ feeds
@router.get(
    "/v1/training/scenarios/changes", response_model=ScenarioChanges, responses=FEED_RESPONSES
)
def training_scenario_changes(
    request: Request, principal: CurrentPrincipal, cursor: Cursor = None, limit: Limit = 100
) -> Response:
    """Scenarios trainers saved, changed or deleted after the cursor (every account reads)."""
    return _FAMILY.read_changes(request, principal, "tr_scenarios", cursor, limit)


@router.get(
    "/v1/training/assignments/changes",
    response_model=AssignmentChanges,
    responses=FEED_RESPONSES,
)
def training_assignment_changes(
    request: Request, principal: CurrentPrincipal, cursor: Cursor = None, limit: Limit = 100
) -> Response:
    """Assignments changed after the cursor. Trainers, leads and admins read all; an agent
    reads their own."""
    return _FAMILY.read_changes(request, principal, "tr_assignments", cursor, limit)


@router.get(
    "/v1/training/attempts/changes", response_model=AttemptChanges, responses=FEED_RESPONSES
)
def training_attempt_changes(
    request: Request, principal: CurrentPrincipal, cursor: Cursor = None, limit: Limit = 100
) -> Response:
    """Finished attempts recorded after the cursor. Trainers, leads and admins read all;
    an agent reads their own. A page holds at most 50 (each carries its transcript)."""
    return _FAMILY.read_changes(
        request, principal, "tr_attempts", cursor, min(limit, ATTEMPTS_PAGE)
    )


# ------------------------------------------------------------------------ writes
@router.put(
    "/v1/training/scenarios/{scenario_id}",
    dependencies=[Depends(strict_body(ScenarioWrite))],
    response_model=Scenario,
    responses=PUT_RESPONSES,
)
def put_training_scenario(
    request: Request,
    scenario_id: ScenarioIdPath,
    body: ScenarioWrite,
    idempotency_key: IdempotencyKey,
    principal: Trainer,
    if_match: OptionalIfMatch = None,
) -> Response:
    """Create or replace a scenario's YAML text (trainers, leads, admins). The server keeps
    the text as given; the last saver is ``updated_by``."""

    def write(conn: Connection, current: Any, now: int) -> Any:
        return training_store.put_scenario(
            conn, scenario_id, body, current, principal.account_id, now
        )

    return _FAMILY.put(
        request, principal, "tr_scenarios", scenario_id, body, if_match, idempotency_key,
        write,
    )  # fmt: skip


@router.delete(
    "/v1/training/scenarios/{scenario_id}",
    response_model=Tombstone,
    responses=DELETE_RESPONSES,
)
def delete_training_scenario(
    request: Request,
    scenario_id: ScenarioIdPath,
    if_match: IfMatch,
    idempotency_key: IdempotencyKey,
    principal: Trainer,
) -> Response:
    """Delete a saved scenario at the version in If-Match; its tombstone goes out in the
    feed. Assignments and attempts of it stay (a client falls back to the bundled one)."""
    return _FAMILY.delete(
        request, principal, "tr_scenarios", scenario_id, if_match, idempotency_key
    )


def _check_assignment(conn: Connection, body: AssignmentWrite, current: Any) -> None:
    if current is not None and current.trainee_id != body.trainee_id:
        raise invalid("/trainee_id", "immutable", "An assignment stays with its trainee.")
    if current is None and body.state != "open":
        raise invalid("/state", "not_open", "A new assignment is open.")
    if not store.agent_exists(conn, body.trainee_id):
        raise invalid("/trainee_id", "unknown_agent", "No such agent (see /v1/agents).")
    if current is not None and current.state == "done" and body.state != "done":
        raise invalid("/state", "finished", "A done assignment stays done.")


@router.put(
    "/v1/training/assignments/{assignment_id}",
    dependencies=[Depends(strict_body(AssignmentWrite))],
    response_model=Assignment,
    responses=PUT_RESPONSES,
)
def put_training_assignment(
    request: Request,
    assignment_id: ConversationId,
    body: AssignmentWrite,
    idempotency_key: IdempotencyKey,
    principal: Trainer,
    if_match: OptionalIfMatch = None,
) -> Response:
    """Create or replace an assignment (trainers, leads, admins): a scenario for a trainee,
    with a due date and the play options. The creator is ``assigned_by``."""

    def write(conn: Connection, current: Any, now: int) -> Any:
        _check_assignment(conn, body, current)
        by = principal.account_id if current is None else current.assigned_by
        return training_store.put_assignment(conn, assignment_id, body, current, by, now)

    return _FAMILY.put(
        request, principal, "tr_assignments", assignment_id, body, if_match,
        idempotency_key, write,
    )  # fmt: skip


@router.put(
    "/v1/training/attempts/{attempt_id}",
    dependencies=[Depends(strict_body(AttemptWrite))],
    response_model=Attempt,
    status_code=201,
    responses={
        **responses(400, 401, 403, 409, 422),
        200: {
            "model": Attempt,
            "description": "Recorded before: the stored attempt",
            "headers": ETAG_HEADER,
        },
        201: {"description": "Recorded", "headers": ETAG_HEADER},
    },
)
def put_training_attempt(
    request: Request,
    attempt_id: ConversationId,
    body: AttemptWrite,
    idempotency_key: IdempotencyKey,
    principal: CurrentPrincipal,
) -> Response:
    """Record a finished attempt, once (any account, for itself: ``trainee_id`` is the
    caller). The same attempt again returns the stored one (200); other content under
    that id is 409 ``attempt_conflict``. An open assignment of this trainee named in
    ``assignment_id`` becomes ``done`` (its version grows)."""
    state = server_state(request)
    content = body.model_dump(mode="json")
    attempt_fingerprint = store.fingerprint(content)
    if body.trainee_id != principal.account_id:
        raise ProblemError(403, "forbidden", "An attempt is recorded by its own trainee.")

    def operation(conn: Connection) -> Outcome:
        existing = training_store.get_row(conn, "tr_attempts", attempt_id, lock=True)
        if existing is not None:
            if existing.fingerprint != attempt_fingerprint:
                raise ProblemError(
                    409,
                    "attempt_conflict",
                    f"Attempt '{attempt_id}' already holds a different attempt.",
                )
            return Outcome(200, training_store.RECORDS.to_model("tr_attempts", existing), etag(1))
        item = training_store.add_attempt(conn, attempt_id, body, attempt_fingerprint, state.now())
        return Outcome(201, item, etag(1))

    return run_idempotent(request, principal, idempotency_key, content, operation)
