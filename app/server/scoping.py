"""Who may read which conversation: the scope of an account (contract 1.2).

An account may belong to teams and to regions (``accounts.teams``/``regions``); a
conversation may belong to one team and one region (set by its first inbound message).
The rule, the same for the lists, the feeds and every route that names a conversation:

- ``admin`` and ``integration`` accounts, and accounts with neither teams nor regions,
  are not scoped: they read everything (so a server that never sets a scope behaves as
  contract 1.1 did);
- a scoped account reads a conversation when, on each axis it is limited on, the
  conversation belongs to one of its teams (regions). A conversation with no team is
  outside every team-limited scope: unlabelled data is not shared by default.

``agent``, ``lead`` and ``trainer`` are scoped alike (a lead reads the team's
conversations, their agents' included, as the agents do). Outside the scope a
conversation does not exist for the caller: 404, never 403, so its id leaks nothing.

A feed cursor carries a digest of the scope it was issued under; a cursor from another
scope (the account's teams changed) is 410 ``cursor_expired``, so the client wipes the
collection and takes a new snapshot: what left the scope is dropped, what entered it
arrives, and nothing is missed below the old cursor.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, true

from app.contract.models import Conversation
from app.server import db
from app.server.auth import Principal

UNSCOPED_ROLES = ("admin", "integration")


@dataclass(frozen=True, slots=True)
class Scope:
    """The teams and regions a caller is limited to; ``None`` on an axis: not limited."""

    teams: frozenset[str] | None = None
    regions: frozenset[str] | None = None

    @property
    def unlimited(self) -> bool:
        return self.teams is None and self.regions is None

    def key(self) -> str:
        """A short digest naming this scope in cursors and cached pages ("" when unlimited,
        so cursors issued before scopes existed stay valid for unscoped accounts)."""
        if self.unlimited:
            return ""
        raw = json.dumps(
            [sorted(self.teams or ()), sorted(self.regions or ())],
            separators=(",", ":"),
        )
        digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]
        axes = ("t" if self.teams is not None else "") + ("r" if self.regions is not None else "")
        return axes + digest

    def admits(self, team: str | None, region: str | None) -> bool:
        """Whether a conversation with this team and region is inside the scope."""
        if self.teams is not None and team not in self.teams:
            return False
        return not (self.regions is not None and region not in self.regions)

    def conversation_clause(self) -> ColumnElement[bool]:
        """The WHERE clause (over ``conversations``) for what the scope admits."""
        parts: list[ColumnElement[bool]] = []
        table = db.conversations
        if self.teams is not None:
            parts.append(table.c.team.in_(sorted(self.teams)))
        if self.regions is not None:
            parts.append(table.c.region.in_(sorted(self.regions)))
        return and_(true(), *parts)

    def conversation_ids(self) -> Any:
        """A sub-select of the ids of the conversations the scope admits."""
        return select(db.conversations.c.id).where(self.conversation_clause())


UNLIMITED = Scope()


def scope_of(principal: Principal) -> Scope:
    """The caller's scope, from its account (read at every request, so a change of teams
    takes effect at once)."""
    if set(principal.roles) & set(UNSCOPED_ROLES):
        return UNLIMITED
    agent = principal.agent
    teams = frozenset(agent.teams) if agent.teams else None
    regions = frozenset(agent.regions) if agent.regions else None
    return Scope(teams=teams, regions=regions)


def message_clause(scope: Scope) -> ColumnElement[bool] | None:
    """The WHERE clause over ``messages`` for a scope (``None``: every message)."""
    if scope.unlimited:
        return None
    return db.messages.c.conversation_id.in_(scope.conversation_ids())


def conversation_clause(scope: Scope) -> ColumnElement[bool] | None:
    """The WHERE clause over ``conversations`` for a scope (``None``: every one)."""
    return None if scope.unlimited else scope.conversation_clause()


def by_conversation(scope: Scope, column: Any) -> ColumnElement[bool] | None:
    """The WHERE clause for rows of another table keyed by ``column`` (a conversation id):
    reviews, annotations and survey answers follow their conversation's scope."""
    if scope.unlimited:
        return None
    return or_(column.in_(scope.conversation_ids()))


def can_read(principal: Principal, conversation: Conversation | None) -> bool:
    """Whether the caller may see this conversation (``None``, no such one: never)."""
    if conversation is None:
        return False
    return scope_of(principal).admits(conversation.team, conversation.region)
