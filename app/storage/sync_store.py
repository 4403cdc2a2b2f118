"""The outbox and the sync cursors, next to the inbox tables they protect.

An operation is written in the same transaction as the local change it carries,
so a crash can never leave a reply on screen that will not reach the server, or
an operation for a change that did not happen.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from app.storage.link import Link

SEND = "send_message"
PATCH = "patch"


@dataclass(frozen=True, slots=True)
class Operation:
    """One queued change for the server."""

    id: int
    conversation_uid: str
    op: str
    payload: dict[str, Any]
    base_version: int | None
    idempotency_key: str
    message_uid: str | None
    state: str
    attempts: int
    next_attempt_at: int
    last_error: str | None
    conflict: dict[str, Any] | None


def _operation(row: tuple[Any, ...]) -> Operation:
    return Operation(
        row[0],
        row[1],
        row[2],
        json.loads(row[3]),
        row[4],
        row[5],
        row[6],
        row[7],
        row[8],
        row[9],
        row[10],
        json.loads(row[11]) if row[11] else None,
    )


@dataclass(frozen=True, slots=True)
class NextRetry:
    """Operations the server failed transiently, waiting for their next try: how many,
    and the soonest one's failed tries so far and next try (epoch seconds)."""

    waiting: int
    attempts: int
    at: int


# Pending after a transient failure: tried again on the backoff schedule, not by the agent.
RETRYING = "state = 'pending' AND attempts > 0 AND last_error IS NOT NULL"

_COLUMNS = (
    "id, conversation_uid, op, payload, base_version, idempotency_key, message_uid, "
    "state, attempts, next_attempt_at, last_error, conflict"
)


class SyncStore:
    """Outbox and cursor access over the inbox repository's connection (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self._conn = link.conn

    # ------------------------------------------------------------------ outbox
    def enqueue(
        self,
        conversation_uid: str,
        op: str,
        payload: dict[str, Any],
        now: int,
        *,
        base_version: int | None = None,
        message_uid: str | None = None,
    ) -> str:
        """Queue an operation (call inside the transaction of the local change)."""
        key = str(uuid.uuid4())
        self._conn.execute(
            "INSERT INTO outbox (conversation_uid, op, payload, base_version, idempotency_key,"
            " message_uid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                conversation_uid,
                op,
                json.dumps(payload, ensure_ascii=False, sort_keys=True),
                base_version,
                key,
                message_uid,
                now,
            ),
        )
        return key

    def due(self, now: int, limit: int = 200) -> list[Operation]:
        """Pending operations in order; a conversation whose head is blocked is skipped whole
        (its later operations wait), other conversations go on."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM outbox WHERE state != 'needs_attention' ORDER BY id"
        ).fetchall()
        blocked: set[str] = set()
        due: list[Operation] = []
        for row in rows:
            operation = _operation(row)
            if operation.conversation_uid in blocked:
                continue
            if operation.state == "conflict" or operation.next_attempt_at > now:
                blocked.add(operation.conversation_uid)
                continue
            due.append(operation)
            blocked.add(operation.conversation_uid)  # one in flight per conversation
            if len(due) >= limit:
                break
        return due

    def pending(self, conversation_uid: str | None = None) -> list[Operation]:
        sql = f"SELECT {_COLUMNS} FROM outbox"
        params: tuple[Any, ...] = ()
        if conversation_uid is not None:
            sql += " WHERE conversation_uid = ?"
            params = (conversation_uid,)
        return [_operation(r) for r in self._conn.execute(sql + " ORDER BY id", params)]

    def operation(self, operation_id: int) -> Operation:
        """One operation by id (KeyError if it is gone: sent or dropped meanwhile)."""
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", (operation_id,)
        ).fetchone()
        if row is None:
            raise KeyError(operation_id)
        return _operation(row)

    def retrying(self) -> list[Operation]:
        """Operations waiting for their next automatic try, oldest first."""
        rows = self._conn.execute(f"SELECT {_COLUMNS} FROM outbox WHERE {RETRYING} ORDER BY id")
        return [_operation(r) for r in rows]

    def next_retry(self) -> NextRetry | None:
        """The retrying operations in one row (None: none is retrying)."""
        row = self._conn.execute(
            f"SELECT count(*), min(next_attempt_at) FROM outbox WHERE {RETRYING}"
        ).fetchone()
        if not row[0]:
            return None
        first = self._conn.execute(
            f"SELECT attempts FROM outbox WHERE {RETRYING} AND next_attempt_at = ?"
            " ORDER BY id LIMIT 1",
            (row[1],),
        ).fetchone()
        return NextRetry(row[0], first[0], row[1])

    def problems(self) -> list[Operation]:
        """Operations waiting for the agent: conflicts and refused ones, oldest first."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM outbox WHERE state IN ('conflict', 'needs_attention')"
            " ORDER BY id"
        )
        return [_operation(r) for r in rows]

    def counts(self) -> dict[str, int]:
        counts = {"pending": 0, "needs_attention": 0, "conflict": 0}
        for state, count in self._conn.execute("SELECT state, count(*) FROM outbox GROUP BY state"):
            counts[state] = count
        return counts

    def done(self, operation_id: int) -> None:
        self._conn.execute("DELETE FROM outbox WHERE id = ?", (operation_id,))

    def retry_later(self, operation_id: int, at: int, error: str) -> None:
        """A transient failure: one more failed try, the next one at ``at``."""
        self._conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?"
            " WHERE id = ?",
            (at, error[:1000], operation_id),
        )

    def park(self, operation_id: int, error: str) -> None:
        """A poisoned operation: kept for the agent to see, blocking nothing else."""
        self._conn.execute(
            "UPDATE outbox SET state = 'needs_attention', attempts = attempts + 1,"
            " last_error = ? WHERE id = ?",
            (error[:1000], operation_id),
        )
        self._set_delivery(operation_id, "failed")

    def retry_now(self, operation_id: int) -> None:
        """The agent asked to try a parked or retrying operation again now (same key: still
        one send); a new series of tries begins, so its backoff starts short again."""
        self._conn.execute(
            "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = 0,"
            " last_error = NULL WHERE id = ?",
            (operation_id,),
        )
        self._set_delivery(operation_id, "queued")

    def keep_mine(self, operation_id: int, version: int, expected: dict[str, Any]) -> None:
        """After a conflict the agent keeps their change: send it on top of ``version``,
        now expecting what the server has (a further change by someone else conflicts again)."""
        row = self._conn.execute("SELECT payload FROM outbox WHERE id = ?", (operation_id,))
        payload = json.loads(row.fetchone()[0])
        payload["expected"] = expected
        self._conn.execute(
            "UPDATE outbox SET payload = ? WHERE id = ?",
            (json.dumps(payload, ensure_ascii=False, sort_keys=True), operation_id),
        )
        self.rebase(operation_id, version)

    def _set_delivery(self, operation_id: int, delivery: str) -> None:
        self._conn.execute(
            "UPDATE messages SET delivery = ? WHERE uid ="
            " (SELECT message_uid FROM outbox WHERE id = ? AND message_uid IS NOT NULL)",
            (delivery, operation_id),
        )

    def mark_conflict(self, operation_id: int, current: dict[str, Any]) -> None:
        self._conn.execute(
            "UPDATE outbox SET state = 'conflict', conflict = ? WHERE id = ?",
            (json.dumps(current, ensure_ascii=False), operation_id),
        )

    def rebase(self, operation_id: int, base_version: int) -> None:
        """Send again on top of the server's current version (a new key: a new request)."""
        self._conn.execute(
            "UPDATE outbox SET base_version = ?, idempotency_key = ?, state = 'pending',"
            " conflict = NULL, next_attempt_at = 0 WHERE id = ?",
            (base_version, str(uuid.uuid4()), operation_id),
        )

    def drop(self, operation_id: int) -> None:
        self._conn.execute("DELETE FROM outbox WHERE id = ?", (operation_id,))

    # ------------------------------------------------------------------ cursors
    def cursor(self, collection: str) -> str | None:
        row = self._conn.execute(
            "SELECT cursor FROM sync_state WHERE collection = ?", (collection,)
        ).fetchone()
        return row[0] if row else None

    def set_cursor(self, collection: str, cursor: str | None, now: int) -> None:
        self._conn.execute(
            "INSERT INTO sync_state (collection, cursor, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT(collection) DO UPDATE SET cursor = excluded.cursor,"
            " updated_at = excluded.updated_at",
            (collection, cursor, now),
        )

    def conversation_head(self, conversation_id: int) -> tuple[str, int | None, str, str | None]:
        """What an operation on a conversation carries: its uid, the server version it was
        based on, and its status and assignee's uid now (what the agent saw)."""
        row = self._conn.execute(
            "SELECT c.uid, c.server_version, c.status, a.uid FROM conversations c"
            " LEFT JOIN agents a ON a.id = c.assignee_id WHERE c.id = ?",
            (conversation_id,),
        ).fetchone()
        if row is None:
            raise KeyError(conversation_id)
        return row[0], row[1], row[2], row[3]
