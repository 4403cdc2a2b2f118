"""@mentions on the store lane: recorded with the note, marked seen when the mentioned
colleague opens the conversation (the Mentions queue counts the unseen ones)."""

from __future__ import annotations

from app.domain.changes import Changes
from app.domain.mentions import mentioned_agents
from app.storage.store import Store


def record(store: Store, message_id: int, conversation_id: int, body: str) -> int:
    """Store who a note mentions; call inside the note's transaction. Returns how many."""
    if "@" not in body:
        return 0
    agents = [(a.id, a.name) for a in store.conversations.agents()]
    ids = mentioned_agents(body, agents)
    return store.mentions.add(message_id, conversation_id, ids) if ids else 0


def _me(store: Store) -> int | None:
    uid = store.meta.get("me_agent_uid")
    agent = store.conversations.agent_by_uid(uid) if uid else None
    return agent.id if agent is not None else None


def mark_seen(store: Store, conversation_id: int, now: int) -> Changes:
    """The agent opened the conversation: mentions of them there are seen."""
    me = _me(store)
    if me is None or not store.mentions.mark_seen(conversation_id, me, now):
        return Changes()
    return Changes.of(conversation_id, list_membership=True)
