"""Training on the reference server: tables and queries for the scenarios trainers save,
assignments and the trainees' attempts.

The tables join the server's metadata here (created at start like every other table: the
server has no migrations). Every write takes a new ``change_seq`` so the feeds carry it;
deletions leave tombstones. Rows become contract models here and nowhere else.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Connection,
    Float,
    Index,
    Integer,
    Row,
    String,
    Table,
    Text,
    update,
)

from app.contract.training_models import (
    Assignment,
    AssignmentWrite,
    Attempt,
    AttemptWrite,
    Scenario,
    ScenarioWrite,
)
from app.server import db, record_store
from app.server.db import next_seq

READ_ALL_ROLES = ("trainer", "lead", "admin")  # see every assignment and attempt
WRITE_ROLES = ("trainer", "lead", "admin")  # write scenarios and assignments

scenarios = record_store.versioned_table(
    "training_scenarios",
    Column("yaml", Text, nullable=False),
    Column("updated_by", String(128)),
    id_length=64,
)

assignments = record_store.versioned_table(
    "training_assignments",
    Column("scenario_id", String(64), nullable=False),
    Column("trainee_id", String(128), nullable=False, index=True),
    Column("assigned_by", String(128), nullable=False),
    Column("due_at", BigInteger),
    Column("options", JSON, nullable=False),
    Column("state", String(12), nullable=False),
    created=True,
)

attempts = Table(
    "training_attempts",
    db.metadata,
    Column("id", String(128), primary_key=True),
    Column("scenario_id", String(64), nullable=False),
    Column("scenario_version", Integer, nullable=False),
    Column("trainee_id", String(128), nullable=False),
    Column("trainee_language", String(2), nullable=False),
    Column("started_at", BigInteger, nullable=False),
    Column("finished_at", BigInteger, nullable=False),
    Column("ending_id", String(40), nullable=False),
    Column("end_state", String(12), nullable=False),
    Column("outcome", String(12), nullable=False),
    Column("score", Float, nullable=False),
    Column("criteria", JSON, nullable=False),
    Column("path", JSON, nullable=False),
    Column("transcript", JSON, nullable=False),
    Column("options", JSON, nullable=False),
    Column("assignment_id", String(128)),
    Column("recorded_at", BigInteger, nullable=False),
    Column("fingerprint", String(64), nullable=False),  # to tell a replay from a clash
    Column("change_seq", BigInteger, nullable=False, unique=True),
)
Index("ix_training_attempts_trainee", attempts.c.trainee_id, attempts.c.finished_at)

# feed (the collection its cursors and tombstones name: 16 characters at most) -> table
RECORDS = record_store.Records(
    tables={"tr_scenarios": scenarios, "tr_assignments": assignments, "tr_attempts": attempts},
    models={"tr_scenarios": Scenario, "tr_assignments": Assignment, "tr_attempts": Attempt},
)
get_row = RECORDS.get_row
delete_item = RECORDS.delete


def visible_to(collection: str, account_id: str, roles: tuple[str, ...]) -> Any:
    """The WHERE clause limiting a feed to what this caller may read (None: everything).
    An agent reads every scenario, and their own assignments and attempts."""
    if set(roles) & set(READ_ALL_ROLES) or collection == "tr_scenarios":
        return None
    return RECORDS.tables[collection].c.trainee_id == account_id


# ------------------------------------------------------------------------ writes
def put_scenario(
    conn: Connection,
    scenario_id: str,
    body: ScenarioWrite,
    current: Row[Any] | None,
    by: str,
    now: int,
) -> Scenario:
    fields = {"yaml": body.yaml, "updated_by": by}
    record_store.save_versioned(conn, "tr_scenarios", scenarios, scenario_id, current, fields, now)
    return record_store.from_row(Scenario, get_row(conn, "tr_scenarios", scenario_id))


def put_assignment(
    conn: Connection,
    assignment_id: str,
    body: AssignmentWrite,
    current: Row[Any] | None,
    by: str,
    now: int,
) -> Assignment:
    record_store.save_versioned(
        conn, "tr_assignments", assignments, assignment_id, current,
        body.model_dump(mode="json"), now, created={"assigned_by": by, "created_at": now},
    )  # fmt: skip
    return record_store.from_row(Assignment, get_row(conn, "tr_assignments", assignment_id))


def add_attempt(
    conn: Connection, attempt_id: str, body: AttemptWrite, fingerprint: str, now: int
) -> Attempt:
    """Store an attempt; the open assignment it answers (the same trainee's) is done."""
    closes = False
    if body.assignment_id is not None:
        given = get_row(conn, "tr_assignments", body.assignment_id, lock=True)
        closes = given is not None and given.state == "open" and given.trainee_id == body.trainee_id
        if closes:
            conn.execute(
                update(assignments)
                .where(assignments.c.id == body.assignment_id)
                .values(
                    state="done",
                    version=given.version + 1,
                    updated_at=now,
                    change_seq=next_seq(conn, "tr_assignments"),
                )
            )
    values = {"id": attempt_id, **body.model_dump(mode="json"), "recorded_at": now}
    record_store.add_once(conn, "tr_attempts", attempts, values, fingerprint)
    return record_store.from_row(Attempt, get_row(conn, "tr_attempts", attempt_id))
