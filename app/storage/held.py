"""Replies held for a human translator: who they wait for, and their way out.

A held reply is a ``messages`` row with ``state = 'held'`` (see :mod:`app.storage.messages`
for holding and releasing it); this module reads the holds (through the partial index
``messages_held``), gives one to a colleague (``held_for_agent_id``) and takes one back
(cancel). Every write checks the row is still held, so a reply released or cancelled
elsewhere meanwhile is never changed twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.domain.errors import LocalizedError
from app.i18n import N_
from app.storage.conversations import ConversationRepository
from app.storage.link import Link

MAX_LISTED = 200  # holds listed for one agent (the notice names the newest)
MAX_AGENTS = 500  # offered as translators
RECENT_MESSAGES = 20_000  # replies looked at to know who writes a language
_PRIMARY = re.compile(r"[a-z]{2,8}")


class NotHeldError(LocalizedError):
    """The reply is no longer waiting (a colleague sent or cancelled it meanwhile)."""

    def __init__(self) -> None:
        super().__init__(N_("This reply is no longer waiting for a translation."))


@dataclass(frozen=True, slots=True)
class HeldReply:
    """A reply waiting for a translator, as the "to translate" notice lists it."""

    message_id: int
    conversation_id: int
    customer_name: str
    language: str | None  # the customer's: what the translator writes
    held_for_agent_id: int | None
    created_at: int


@dataclass(frozen=True, slots=True)
class Translator:
    """An agent who may translate a held reply; ``replies``: how many of their recent
    replies went out in that language (0: not known to write it)."""

    agent_id: int
    name: str
    replies: int


class HeldRepository:
    """Holds and their assignees (store lane only)."""

    def __init__(self, link: Link, conversations: ConversationRepository) -> None:
        self._link = link
        self._conn = link.conn
        self._conversations = conversations

    def conversation_of(self, message_id: int) -> int:
        """The conversation of a held reply; NotHeldError if it is not held any more."""
        row = self._conn.execute(
            "SELECT conversation_id FROM messages WHERE id = ? AND state = 'held'", (message_id,)
        ).fetchone()
        if row is None:
            raise NotHeldError()
        return int(row[0])

    def words(self, message_id: int) -> str:
        """The agent's own words of a held reply (what goes back into the composer)."""
        row = self._conn.execute(
            "SELECT coalesce(original_body, body) FROM messages WHERE id = ? AND state = 'held'",
            (message_id,),
        ).fetchone()
        if row is None:
            raise NotHeldError()
        return str(row[0])

    def remaining(self, conversation_id: int) -> int:
        """How many replies of the conversation still wait for a translator."""
        return int(
            self._conn.execute(
                "SELECT count(*) FROM messages INDEXED BY messages_held"
                " WHERE conversation_id = ? AND state = 'held'",
                (conversation_id,),
            ).fetchone()[0]
        )

    def assign(self, message_id: int, agent_id: int | None) -> int:
        """Give the held reply to ``agent_id`` (None: to anyone); its conversation id."""
        with self._link.transaction():
            conversation_id = self.conversation_of(message_id)
            self._conn.execute(
                "UPDATE messages SET held_for_agent_id = ? WHERE id = ? AND state = 'held'",
                (agent_id, message_id),
            )
        return conversation_id

    def take_back(self, message_id: int) -> int:
        """Remove a held reply (its words go back to the composer, by the caller); its files
        become the draft's again. Returns the conversation id."""
        with self._link.transaction():
            conversation_id = self.conversation_of(message_id)
            self._conn.execute(
                "UPDATE attachments SET message_id = NULL WHERE message_id = ?",
                (message_id,),
            )
            self._conn.execute(
                "DELETE FROM messages WHERE id = ? AND state = 'held'", (message_id,)
            )
            self._conversations.reindex(conversation_id)
        return conversation_id

    def for_agent(self, agent_id: int) -> tuple[HeldReply, ...]:
        """The replies waiting for this agent's translation, newest first."""
        rows = self._conn.execute(
            "SELECT m.id, m.conversation_id, cu.name, m.language, m.held_for_agent_id,"
            " m.created_at FROM messages m INDEXED BY messages_held"
            " JOIN conversations c ON c.id = m.conversation_id"
            " JOIN customers cu ON cu.id = c.customer_id"
            " WHERE m.state = 'held' AND m.held_for_agent_id = ?"
            " ORDER BY m.created_at DESC, m.id DESC LIMIT ?",
            (agent_id, MAX_LISTED),
        ).fetchall()
        return tuple(HeldReply(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows)

    def conversation_ids(self, for_agent: int | None = None) -> tuple[int, ...]:
        """Conversations with a reply waiting for a translator (``for_agent``: for them)."""
        sql = (
            "SELECT DISTINCT conversation_id FROM messages INDEXED BY messages_held"
            " WHERE state = 'held'"
        )
        params: tuple[int, ...] = ()
        if for_agent is not None:
            sql += " AND held_for_agent_id = ?"
            params = (for_agent,)
        return tuple(int(r[0]) for r in self._conn.execute(sql + " ORDER BY 1", params))

    def translators(self, language: str | None) -> tuple[Translator, ...]:
        """Every agent, those whose recent replies went out in ``language`` (a primary
        subtag such as "es") first: the team's own record of who writes it."""
        counts: dict[int, int] = {}
        primary = (language or "").lower()
        if _PRIMARY.fullmatch(primary):
            for agent_id, count in self._conn.execute(
                "SELECT author_agent_id, count(*) FROM messages"
                " WHERE id > (SELECT coalesce(max(id), 0) - ? FROM messages)"
                " AND kind = 'agent' AND state = 'sent' AND author_agent_id IS NOT NULL"
                " AND (lower(language) = ? OR lower(language) LIKE ?)"
                " GROUP BY author_agent_id",
                (RECENT_MESSAGES, primary, primary + "-%"),
            ):
                counts[int(agent_id)] = int(count)
        agents = [
            Translator(int(r[0]), str(r[1]), counts.get(int(r[0]), 0))
            for r in self._conn.execute(
                "SELECT id, name FROM agents ORDER BY name COLLATE NOCASE, id LIMIT ?",
                (MAX_AGENTS,),
            )
        ]
        return tuple(sorted(agents, key=lambda a: a.replies == 0))  # stable: by name within
