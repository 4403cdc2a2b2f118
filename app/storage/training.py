"""A trainer's records (tables of storage v9): scenarios saved in the app, assignments and
the trainees' finished attempts.

Rows come back as the domain's types (:mod:`app.domain.training`); the ops layer
validates before writing. Scenarios and assignments carry ``version`` (what the sync's
``If-Match`` compares, bumped on every write) and ``server_version`` (the version the
server last confirmed; NULL: never sent). Attempts are written once and never edited.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from app.domain.training import (
    Assignment,
    AssignmentState,
    AttemptRecord,
    EndState,
    Outcome,
    PlayOptions,
)
from app.storage.link import Link

MAX_LISTED = 5000  # attempts or assignments one query returns (newest first)

_ASSIGNMENT_COLUMNS = (
    "t.id, t.uid, t.scenario_id, t.trainee_agent_id, tr.name, t.assigned_by_agent_id, by.name,"
    " t.due_at, t.options, t.state, t.created_at, t.updated_at, t.version"
)
_ASSIGNMENT_FROM = (
    "FROM training_assignments t JOIN agents tr ON tr.id = t.trainee_agent_id"
    " LEFT JOIN agents by ON by.id = t.assigned_by_agent_id"
)
_ATTEMPT_COLUMNS = (
    "t.uid, t.scenario_id, t.scenario_version, t.trainee_agent_id, tr.name,"
    " t.trainee_language, t.started_at, t.finished_at, t.ending_id, t.end_state, t.outcome,"
    " t.score, t.criteria, t.path, t.transcript_json, t.options, t.assignment_uid, t.id"
)
_ATTEMPT_FROM = "FROM training_attempts t LEFT JOIN agents tr ON tr.id = t.trainee_agent_id"


def options_json(options: PlayOptions) -> str:
    return json.dumps(
        {
            "translation": options.translation,
            "etiquette": options.etiquette,
            "clock_speed": options.clock_speed,
        },
        sort_keys=True,
    )


def options_from_json(raw: str | None) -> PlayOptions:
    """Stored options; anything unreadable falls back to the defaults, field by field."""
    data = _json(raw, {})
    if not isinstance(data, dict):
        data = {}
    default = PlayOptions()
    speed = data.get("clock_speed", default.clock_speed)
    return PlayOptions(
        translation=bool(data.get("translation", default.translation)),
        etiquette=bool(data.get("etiquette", default.etiquette)),
        clock_speed=float(speed) if isinstance(speed, int | float) else default.clock_speed,
    )


def _criteria(raw: str) -> dict[str, int]:
    data = _json(raw, {})
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, int) and not isinstance(v, bool)}


def _path(raw: str) -> tuple[str, ...]:
    data = _json(raw, [])
    return tuple(str(p) for p in data) if isinstance(data, list) else ()


def _assignment(r: Any) -> Assignment:
    return Assignment(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], options_from_json(r[8]),
        AssignmentState(r[9]), r[10], r[11], r[12],
    )  # fmt: skip


def _attempt(r: Any) -> AttemptRecord:
    return AttemptRecord(
        uid=r[0],
        scenario_id=r[1],
        scenario_version=r[2],
        trainee_agent_id=r[3],
        trainee_name=r[4],
        trainee_language=r[5],
        started_at=r[6],
        finished_at=r[7],
        ending_id=r[8],
        end_state=EndState(r[9]),
        outcome=Outcome(r[10]),
        score=float(r[11]),
        criteria=_criteria(r[12]),
        path=_path(r[13]),
        transcript_json=r[14],
        options=options_from_json(r[15]),
        assignment_uid=r[16],
        id=r[17],
    )


@dataclass(frozen=True, slots=True)
class SavedScenario:
    """A scenario's YAML text as a trainer saved it (``uid``: the scenario id)."""

    uid: str
    body: str
    version: int
    updated_at: int
    updated_by: int | None


class TrainingRepository:
    """Saved scenarios, assignments and attempts (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self._conn = link.conn

    # ------------------------------------------------------------------ scenarios
    def saved_scenarios(self) -> list[SavedScenario]:
        """The trainers' scenarios (deleted ones left out), by id."""
        return [
            SavedScenario(*r)
            for r in self._conn.execute(
                "SELECT uid, body, version, updated_at, updated_by FROM training_scenarios"
                " WHERE deleted = 0 ORDER BY uid"
            )
        ]

    def saved_scenario(self, uid: str) -> SavedScenario | None:
        row = self._conn.execute(
            "SELECT uid, body, version, updated_at, updated_by FROM training_scenarios"
            " WHERE uid = ? AND deleted = 0",
            (uid,),
        ).fetchone()
        return None if row is None else SavedScenario(*row)

    def save_scenario(self, uid: str, body: str, by: int | None, now: int) -> int:
        """Insert or replace the text of this scenario (a deleted one comes back); returns
        its new version."""
        with self._link.transaction():
            self._conn.execute(
                "INSERT INTO training_scenarios (uid, body, updated_at, updated_by)"
                " VALUES (?, ?, ?, ?) ON CONFLICT(uid) DO UPDATE SET body = excluded.body,"
                " updated_at = excluded.updated_at, updated_by = excluded.updated_by,"
                " deleted = 0, version = training_scenarios.version + 1",
                (uid, body, now, by),
            )
            row = self._conn.execute(
                "SELECT version FROM training_scenarios WHERE uid = ?", (uid,)
            ).fetchone()
        return int(row[0])

    def delete_scenario(self, uid: str, now: int) -> bool:
        """Delete a saved scenario: at once if the server never had it, else marked deleted
        until the server confirms. False when there was none."""
        with self._link.transaction():
            gone = self._conn.execute(
                "DELETE FROM training_scenarios WHERE uid = ? AND server_version IS NULL",
                (uid,),
            ).rowcount
            marked = self._conn.execute(
                "UPDATE training_scenarios SET deleted = 1, updated_at = ?,"
                " version = version + 1 WHERE uid = ? AND deleted = 0",
                (now, uid),
            ).rowcount
        return bool(gone or marked)

    # ------------------------------------------------------------------ assignments
    def add_assignment(
        self,
        scenario_id: str,
        trainee_id: int,
        by: int | None,
        due_at: int | None,
        options: PlayOptions,
        now: int,
        *,
        uid: str | None = None,
    ) -> str:
        """A new open assignment; returns its uid."""
        uid = uid or str(uuid.uuid4())
        with self._link.transaction():
            self._conn.execute(
                "INSERT INTO training_assignments (uid, scenario_id, trainee_agent_id,"
                " assigned_by_agent_id, due_at, options, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (uid, scenario_id, trainee_id, by, due_at, options_json(options), now, now),
            )
        return uid

    def assignment(self, uid: str) -> Assignment | None:
        row = self._conn.execute(
            f"SELECT {_ASSIGNMENT_COLUMNS} {_ASSIGNMENT_FROM} WHERE t.uid = ?", (uid,)
        ).fetchone()
        return None if row is None else _assignment(row)

    def assignments(self, trainee_id: int | None = None) -> list[Assignment]:
        """Open ones first (soonest due first), then the rest, newest first."""
        where, params = (
            ("WHERE t.trainee_agent_id = ?", (trainee_id,)) if trainee_id is not None else ("", ())
        )
        return [
            _assignment(r)
            for r in self._conn.execute(
                f"SELECT {_ASSIGNMENT_COLUMNS} {_ASSIGNMENT_FROM} {where}"
                " ORDER BY t.state <> 'open', coalesce(t.due_at, 9223372036854775807),"
                " t.created_at DESC, t.id DESC LIMIT ?",
                (*params, MAX_LISTED),
            )
        ]

    def set_assignment_state(
        self, uid: str, state: AssignmentState, now: int, *, edit: bool = True
    ) -> bool:
        """Change an assignment's state. ``edit``: the trainer's edit, sent to the server
        (version grows); otherwise a consequence the server makes by itself (an attempt
        recorded for it), changing nothing to send. False when there is no such row."""
        bump = ", version = version + 1" if edit else ""
        with self._link.transaction():
            cursor = self._conn.execute(
                f"UPDATE training_assignments SET state = ?, updated_at = ?{bump} WHERE uid = ?",
                (state.value, now, uid),
            )
        return cursor.rowcount == 1

    # ------------------------------------------------------------------ attempts
    def add_attempt(self, record: AttemptRecord) -> int:
        """Store a finished attempt (once: the same uid again changes nothing); returns its
        row id. The ops layer bounds it (the table refuses a transcript over
        MAX_TRANSCRIPT_JSON too)."""
        with self._link.transaction():
            self._conn.execute(
                "INSERT INTO training_attempts (uid, scenario_id, scenario_version,"
                " trainee_agent_id, trainee_language, started_at, finished_at, ending_id,"
                " end_state, outcome, score, criteria, path, transcript_json, options,"
                " assignment_uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(uid) DO NOTHING",
                (
                    record.uid,
                    record.scenario_id,
                    record.scenario_version,
                    record.trainee_agent_id,
                    record.trainee_language,
                    record.started_at,
                    record.finished_at,
                    record.ending_id,
                    record.end_state.value,
                    record.outcome.value,
                    record.score,
                    json.dumps(dict(record.criteria), sort_keys=True),
                    json.dumps(list(record.path)),
                    record.transcript_json,
                    options_json(record.options),
                    record.assignment_uid,
                ),
            )
            row = self._conn.execute(
                "SELECT id FROM training_attempts WHERE uid = ?", (record.uid,)
            ).fetchone()
        return int(row[0])

    def attempt(self, uid: str) -> AttemptRecord | None:
        row = self._conn.execute(
            f"SELECT {_ATTEMPT_COLUMNS} {_ATTEMPT_FROM} WHERE t.uid = ?", (uid,)
        ).fetchone()
        return None if row is None else _attempt(row)

    def attempts(
        self, trainee_id: int | None = None, scenario_id: str | None = None
    ) -> list[AttemptRecord]:
        """Attempts, oldest first (a chart of scores over time reads them in order)."""
        where: list[str] = []
        params: list[Any] = []
        if trainee_id is not None:
            where.append("t.trainee_agent_id = ?")
            params.append(trainee_id)
        if scenario_id is not None:
            where.append("t.scenario_id = ?")
            params.append(scenario_id)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._conn.execute(
            f"SELECT * FROM (SELECT {_ATTEMPT_COLUMNS} {_ATTEMPT_FROM} {clause}"
            " ORDER BY t.finished_at DESC, t.id DESC LIMIT ?) ORDER BY 8, 18",
            (*params, MAX_LISTED),
        ).fetchall()
        return [_attempt(r) for r in rows]

    def has_uid(self, table: str, uid: str) -> bool:
        """Whether a training row with this wire id is stored (demo and sync)."""
        if table not in ("training_scenarios", "training_assignments", "training_attempts"):
            raise ValueError(table)
        found = self._conn.execute(f"SELECT 1 FROM {table} WHERE uid = ?", (uid,))
        return found.fetchone() is not None


def _json(raw: str | None, default: Any) -> Any:
    try:
        return json.loads(raw) if raw else default
    except ValueError:
        return default
