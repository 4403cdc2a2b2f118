"""What a sync cycle reports: counts for the status bar, :class:`Changes` for the window.

Value types only (no network, no store), so the window can name them without the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from app.domain.changes import NOTHING, Changes


class Outcome(Enum):
    """What pushing one operation did."""

    SENT = "sent"  # acknowledged
    REBASED = "rebased"  # onto the server's version: to be sent again now
    WAITING = "waiting"  # refused, in conflict, or retrying later


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one sync cycle did: counts for the status bar, ``changes`` for the window."""

    online: bool
    pushed: int = 0
    pulled_conversations: int = 0
    pulled_messages: int = 0
    quarantined: int = 0
    pending: int = 0
    needs_attention: int = 0
    conflicts: int = 0
    retrying: int = 0  # operations the server failed transiently, waiting for their next try
    retry_attempts: int = 0  # the soonest one's failed tries so far
    next_retry_at: int | None = None  # and when it is tried again
    error: str | None = None
    signed_out: bool = False
    finished_at: int = 0
    changes: Changes = NOTHING  # what it stored, even if it stopped half-way
    # (conversation uid, until): the customers a backend says are typing (never stored)
    typing: tuple[tuple[str, int], ...] = ()
