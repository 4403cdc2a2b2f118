"""The inbox's queue counts (Mine, Unassigned, Breached, Due within the hour, Needs
translation and its "for me" row, Mentions, All), read in one statement after every change.

The open-and-pending counts come from two partial indexes that hold only open and
pending conversations (by assignee, by deadline): All is a count of the first, Mine and
Unassigned are seeks in it, "with a deadline" is All minus a seek in the second; the held
replies and unseen mentions come from their own small partial indexes. All are subqueries
of one statement (one trip to SQLite): about 3 ms at 100,000 conversations, against 11 ms
for one pass over ``conversations_by_sla`` that counted with ``FILTER``.

The time-independent part (All, Mine, Unassigned, and how many have a
deadline) is kept until something is written: the clock tick that moves Breached and Due
within the hour then pays only for two seeks on the SLA key (well under a millisecond).
"Something written" is the connection's own ``total_changes`` or another connection's
commit (``PRAGMA data_version``), so no write can be missed.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.filters import DUE_SOON_SECONDS
from app.storage.link import Link
from app.storage.migrations import NO_SLA

_SLA_KEY = f"coalesce(sla_due_at, {NO_SLA})"  # the expression conversations_by_sla starts with
_OPEN = "status IN ('open', 'pending')"

# All, Mine, Unassigned, With a deadline; Needs translation, ... for me; Mentions.
# A conversation merged into another is not listed, so not counted either.
_BY_ASSIGNEE = f"FROM conversations INDEXED BY conversations_open_by_assignee WHERE {_OPEN}"
_OPEN_BY_SLA = f"FROM conversations INDEXED BY conversations_open_by_sla WHERE {_OPEN}"
_COUNTS = (
    f"SELECT (SELECT count(*) {_BY_ASSIGNEE}),"
    f" (SELECT count(*) {_BY_ASSIGNEE} AND assignee_id = :me),"
    f" (SELECT count(*) {_BY_ASSIGNEE} AND assignee_id IS NULL),"
    f" (SELECT count(*) {_BY_ASSIGNEE})"
    f" - (SELECT count(*) {_OPEN_BY_SLA} AND {_SLA_KEY} = {NO_SLA}),"
    " (SELECT count(DISTINCT m.conversation_id) FROM messages m INDEXED BY messages_held"
    "   JOIN conversations c ON c.id = m.conversation_id"
    "   WHERE m.state = 'held' AND coalesce(c.merged_into, 0) = 0),"
    " (SELECT count(DISTINCT m.conversation_id) FROM messages m INDEXED BY messages_held"
    "   JOIN conversations c ON c.id = m.conversation_id"
    "   WHERE m.state = 'held' AND m.held_for_agent_id = :me"
    "   AND coalesce(c.merged_into, 0) = 0),"
    " (SELECT count(DISTINCT n.conversation_id) FROM mentions n"
    "   JOIN conversations c ON c.id = n.conversation_id"
    "   WHERE n.agent_id = :me AND n.seen_at IS NULL AND coalesce(c.merged_into, 0) = 0)"
)
# Deadlines between two instants (a seek on the partial deadline index).
_BETWEEN = f"SELECT count(*) {_OPEN_BY_SLA} AND {_SLA_KEY} >= ? AND {_SLA_KEY} < ?"


@dataclass(frozen=True, slots=True)
class QueueCounts:
    """How many conversations each queue holds now."""

    all: int
    mine: int
    unassigned: int
    breached: int
    due_soon: int
    held: int
    held_for_me: int
    mentions: int


@dataclass(frozen=True, slots=True)
class _Steady:
    """The counts that only a write can change, and the write they were read after."""

    written: tuple[int, int, int]  # (total_changes, data_version, me)
    all: int
    mine: int
    unassigned: int
    with_deadline: int
    held: int
    held_for_me: int
    mentions: int


class QueueRepository:
    """Counts for the queue list (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self._conn = link.conn
        self._steady: _Steady | None = None
        self._breached_last = 0  # decides which side of "now" is cheaper to count

    def _written(self, me: int) -> tuple[int, int, int]:
        version = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        return (self._conn.total_changes, version, me)

    def counts(self, me_id: int | None, now: int) -> QueueCounts:
        """Every queue's count; ``now`` decides Breached and Due within the hour."""
        me = me_id if me_id is not None else -1
        written = self._written(me)
        steady = self._steady
        if steady is None or steady.written != written:
            row = self._conn.execute(_COUNTS, {"me": me}).fetchone()
            steady = _Steady(written, *(int(value) for value in row))
            # Inside a transaction what was read may yet be rolled back (which leaves
            # total_changes as it is): kept only once committed.
            self._steady = None if self._conn.in_transaction else steady
        due_soon = self._between(now, now + DUE_SOON_SECONDS)
        # Breached: count whichever side of "now" held fewer deadlines last time (on a
        # desk most deadlines lie ahead; on a swamped one, most have passed).
        if self._breached_last * 2 <= steady.with_deadline:
            breached = self._between(-(2**63), now)
        else:
            breached = steady.with_deadline - self._between(now, NO_SLA)
        self._breached_last = breached
        return QueueCounts(
            all=steady.all,
            mine=steady.mine,
            unassigned=steady.unassigned,
            breached=breached,
            due_soon=due_soon,
            held=steady.held,
            held_for_me=steady.held_for_me,
            mentions=steady.mentions,
        )

    def _between(self, start: int, end: int) -> int:
        return int(self._conn.execute(_BETWEEN, (start, end)).fetchone()[0])
