"""The server's training records mirrored into the local store, and the trainer's and
trainees' local changes found for the outbox (store lane only).

Like the review mirror (:mod:`app.storage.remote_reviews`): a scenario or assignment is
*dirty* while local edits to it are unsent (``server_version`` NULL, or behind
``version``); a pull never overwrites a dirty row, so the local edit goes out first and a
412 tells a real conflict. An attempt is written once: it is unsent until the server has
it (``server_version`` NULL). Wire values go in and out as plain dicts (no pydantic here).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.storage.link import Link
from app.storage.remote_records import UNSENT, acknowledge, ids_by_uid, json_or, yield_to_server

PUT_SCENARIO = "put_training_scenario"
DELETE_SCENARIO = "delete_training_scenario"
PUT_ASSIGNMENT = "put_training_assignment"
PUT_ATTEMPT = "put_training_attempt"
# outbox operation -> the table whose row it sends
OPS = {
    PUT_SCENARIO: "training_scenarios",
    DELETE_SCENARIO: "training_scenarios",
    PUT_ASSIGNMENT: "training_assignments",
    PUT_ATTEMPT: "training_attempts",
}
TABLES = ("training_scenarios", "training_assignments", "training_attempts")
KEY_PREFIX = "training:"  # the outbox's conversation_uid of a training record


def outbox_key(uid: str) -> str:
    """What a training record's operations are ordered (and blocked) by in the outbox."""
    return KEY_PREFIX + uid


@dataclass(frozen=True, slots=True)
class Dirty:
    """A row with unsent local changes: what to queue for it."""

    op: str
    uid: str
    server_version: int | None


class RemoteTraining:
    """Training records to and from the server (SQL of the training sync)."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self._conn = link.conn

    # ------------------------------------------------------------------ push
    def dirty(self, limit: int = 500) -> list[Dirty]:
        """Rows with unsent changes and no operation queued for them yet (oldest first)."""
        queued = " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.conversation_uid = ? || t.uid)"
        found = [
            Dirty(DELETE_SCENARIO if r[1] else PUT_SCENARIO, r[0], r[2])
            for r in self._conn.execute(
                "SELECT t.uid, t.deleted, t.server_version FROM training_scenarios t"
                f" WHERE {UNSENT}{queued} ORDER BY t.updated_at, t.id LIMIT ?",
                (KEY_PREFIX, limit),
            )
        ]
        found += [
            Dirty(PUT_ASSIGNMENT, r[0], r[1])
            for r in self._conn.execute(
                "SELECT t.uid, t.server_version FROM training_assignments t"
                f" WHERE {UNSENT}{queued} ORDER BY t.updated_at, t.id LIMIT ?",
                (KEY_PREFIX, limit),
            )
        ]
        found += [
            Dirty(PUT_ATTEMPT, r[0], None)
            for r in self._conn.execute(
                "SELECT t.uid FROM training_attempts t WHERE t.server_version IS NULL"
                f"{queued} ORDER BY t.finished_at, t.id LIMIT ?",
                (KEY_PREFIX, limit),
            )
        ]
        return found

    def scenario_body(self, uid: str) -> tuple[int, bool, dict[str, Any]] | None:
        """(local version, deleted here, the wire's ScenarioWrite as a dict)."""
        row = self._conn.execute(
            "SELECT version, deleted, body FROM training_scenarios WHERE uid = ?", (uid,)
        ).fetchone()
        return None if row is None else (int(row[0]), bool(row[1]), {"yaml": row[2]})

    def assignment_body(self, uid: str) -> tuple[int, dict[str, Any]] | None:
        row = self._conn.execute(
            "SELECT t.version, t.scenario_id, a.uid, t.due_at, t.options, t.state"
            " FROM training_assignments t JOIN agents a ON a.id = t.trainee_agent_id"
            " WHERE t.uid = ?",
            (uid,),
        ).fetchone()
        if row is None:
            return None
        body = {
            "scenario_id": row[1],
            "trainee_id": row[2],
            "due_at": row[3],
            "options": json_or(row[4], {}),
            "state": row[5],
        }
        return int(row[0]), body

    def attempt_body(self, uid: str) -> dict[str, Any] | None:
        row = self._conn.execute(
            "SELECT t.scenario_id, t.scenario_version, a.uid, t.trainee_language, t.started_at,"
            " t.finished_at, t.ending_id, t.end_state, t.outcome, t.score, t.criteria, t.path,"
            " t.transcript_json, t.options, t.assignment_uid FROM training_attempts t"
            " LEFT JOIN agents a ON a.id = t.trainee_agent_id WHERE t.uid = ?",
            (uid,),
        ).fetchone()
        if row is None:
            return None
        keys = (
            "scenario_id", "scenario_version", "trainee_id", "trainee_language", "started_at",
            "finished_at", "ending_id", "end_state", "outcome", "score",
        )  # fmt: skip
        body = dict(zip(keys, row[:10], strict=True))
        body.update(
            criteria=json_or(row[10], {}),
            path=json_or(row[11], []),
            transcript=json_or(row[12], {}),
            options=json_or(row[13], {}),
            assignment_id=row[14],
        )
        return body

    def acknowledge(self, table: str, uid: str, sent_version: int, server_version: int) -> bool:
        """The server stored the row as sent at local ``sent_version``. True when the row
        is now clean; False when it was edited meanwhile (still dirty, on top of the
        server's new version)."""
        _check(table)
        if table == "training_attempts":
            self._conn.execute(
                "UPDATE training_attempts SET server_version = ? WHERE uid = ?",
                (server_version, uid),
            )
            return True
        return acknowledge(self._conn, table, uid, sent_version, server_version)

    def acknowledge_delete(self, uid: str, sent_version: int) -> bool:
        """The server deleted the scenario. True when the row went; False when it was saved
        again meanwhile (then it is sent again, as a new scenario)."""
        gone = self._conn.execute(
            "DELETE FROM training_scenarios WHERE uid = ? AND version = ? AND deleted = 1",
            (uid, sent_version),
        ).rowcount
        if not gone:
            self._conn.execute(
                "UPDATE training_scenarios SET server_version = NULL WHERE uid = ?", (uid,)
            )
        return bool(gone)

    def drop_operations(self, uid: str) -> None:
        """Forget queued operations on a record the server deleted (nothing left to send)."""
        self._conn.execute("DELETE FROM outbox WHERE conversation_uid = ?", (outbox_key(uid),))

    # ------------------------------------------------------------------ pull
    def _agents(self, uids: Iterable[str | None]) -> dict[str, int]:
        return ids_by_uid(self._conn, "agents", uids)

    def upsert_scenarios(self, items: Iterable[Mapping[str, Any]]) -> int:
        """Scenarios from the feed (a row with unsent local changes keeps them)."""
        items = list(items)
        agents = self._agents(s.get("updated_by") for s in items)
        rows = [
            (s["id"], s["yaml"], s["updated_at"], agents.get(s.get("updated_by") or ""),
             s["version"], s["version"])
            for s in items
        ]  # fmt: skip
        self._conn.executemany(
            "INSERT INTO training_scenarios (uid, body, updated_at, updated_by, version,"
            " server_version) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(uid) DO UPDATE SET"
            " body = excluded.body, updated_at = excluded.updated_at,"
            " updated_by = excluded.updated_by, deleted = 0, version = excluded.version,"
            " server_version = excluded.server_version"
            " WHERE training_scenarios.server_version IS NOT NULL"
            " AND training_scenarios.version = training_scenarios.server_version"
            " AND excluded.server_version >= training_scenarios.server_version",
            rows,
        )
        return len(rows)

    def upsert_assignments(self, items: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
        """Assignments from the feed: (stored, skipped because their trainee is not here)."""
        items = list(items)
        agents = self._agents([u for a in items for u in (a["trainee_id"], a.get("assigned_by"))])
        rows = [
            (
                a["id"], a["scenario_id"], agents[a["trainee_id"]],
                agents.get(a.get("assigned_by") or ""), a.get("due_at"),
                json.dumps(a.get("options") or {}, sort_keys=True), a["state"],
                a["created_at"], a["updated_at"], a["version"], a["version"],
            )
            for a in items
            if a["trainee_id"] in agents
        ]  # fmt: skip
        self._conn.executemany(
            "INSERT INTO training_assignments (uid, scenario_id, trainee_agent_id,"
            " assigned_by_agent_id, due_at, options, state, created_at, updated_at, version,"
            " server_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(uid) DO UPDATE SET scenario_id = excluded.scenario_id,"
            " trainee_agent_id = excluded.trainee_agent_id,"
            " assigned_by_agent_id = excluded.assigned_by_agent_id, due_at = excluded.due_at,"
            " options = excluded.options, state = excluded.state,"
            " updated_at = excluded.updated_at, version = excluded.version,"
            " server_version = excluded.server_version"
            " WHERE training_assignments.server_version IS NOT NULL"
            " AND training_assignments.version = training_assignments.server_version"
            " AND excluded.server_version >= training_assignments.server_version",
            rows,
        )
        return len(rows), len(items) - len(rows)

    def upsert_attempts(self, items: Iterable[Mapping[str, Any]]) -> int:
        """Attempts from the feed (one recorded here and not yet acknowledged is now)."""
        items = list(items)
        agents = self._agents(a.get("trainee_id") for a in items)
        rows = [
            (
                a["id"], a["scenario_id"], a["scenario_version"],
                agents.get(a.get("trainee_id") or ""), a["trainee_language"], a["started_at"],
                a["finished_at"], a["ending_id"], a["end_state"], a["outcome"], a["score"],
                json.dumps(a.get("criteria") or {}, sort_keys=True),
                json.dumps(a.get("path") or []),
                compact_json(a.get("transcript") or {}),
                json.dumps(a.get("options") or {}, sort_keys=True), a.get("assignment_id"),
                a.get("version", 1),
            )
            for a in items
        ]  # fmt: skip
        self._conn.executemany(
            "INSERT INTO training_attempts (uid, scenario_id, scenario_version,"
            " trainee_agent_id, trainee_language, started_at, finished_at, ending_id,"
            " end_state, outcome, score, criteria, path, transcript_json, options,"
            " assignment_uid, server_version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(uid) DO UPDATE SET server_version = excluded.server_version",
            rows,
        )
        return len(rows)

    def take_server_copy(self, op: str, current: Mapping[str, Any]) -> None:
        """A local change was dropped after a conflict: the server's copy (``current``)
        replaces the local row (a deleted scenario comes back). A record that cannot be
        read changes nothing (the next snapshot brings it)."""
        table = OPS[op]
        yield_to_server(self._conn, table, str(current.get("id", "")))
        try:
            if table == "training_scenarios":
                self.upsert_scenarios([current])
            elif table == "training_assignments":
                self.upsert_assignments([current])
            else:
                self.upsert_attempts([current])
        except (KeyError, TypeError, ValueError):
            return

    def remove(self, table: str, uids: Iterable[str]) -> int:
        """Tombstones: the rows go (with any queued change of them); returns how many."""
        _check(table)
        removed = 0
        for uid in uids:
            removed += self._conn.execute(f"DELETE FROM {table} WHERE uid = ?", (uid,)).rowcount
            self.drop_operations(uid)
        return removed


def compact_json(value: Any) -> str:
    """JSON in its shortest form (what the contract's transcript bound measures)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _check(table: str) -> None:
    if table not in TABLES:
        raise ValueError(table)
