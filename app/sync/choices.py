"""Whether what a pull stores changes what the filter and header menus offer.

A cycle that brings a message to one conversation must not make the window re-read its
menus (four DISTINCT scans: ~0.2 s on a 100,000-conversation store); one that brings a new
channel, language, country, tag or agent must. The engine keeps the values it has seen,
read from the store once (the first page a cycle stores) and grown page by page, so each
later page costs a few set look-ups. A value the agent added locally meanwhile is only
reported once more (the menus re-read for nothing), never missed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from app.contract import models as wire
from app.domain.lang import primary_language
from app.storage.store import Store


def new_agents(repo: Store, agents: Iterable[wire.Agent]) -> bool:
    """An agent the store does not know yet, or a known one renamed (a small table)."""
    known = {agent.uid: agent.name for agent in repo.conversations.agents()}
    return any(known.get(agent.id) != agent.name for agent in agents)


def _values(conv: wire.Conversation) -> Iterator[tuple[str, str]]:
    """What the menus would list for this conversation, as the store writes it."""
    yield "channel", conv.channel
    yield "language", primary_language(conv.language or conv.customer.language or "und")
    yield "country", conv.customer.country
    for tag in conv.tags:
        yield "tag", tag.strip()


class MenuValues:
    """The values the filter menus offer, as far as this engine has seen."""

    def __init__(self) -> None:
        self._known: dict[str, set[str]] | None = None

    def load(self, repo: Store) -> None:
        """Store lane, before the first page is written (later: nothing to do)."""
        if self._known is None:
            known = repo.conversations.distinct_values()
            self._known = {key: set(values) for key, values in known.items()}

    def brings_new(self, conversations: Iterable[wire.Conversation]) -> bool:
        """Once the page is stored: whether it held a value the menus did not list."""
        assert self._known is not None, "load() first"
        new = False
        for conv in conversations:
            for key, value in _values(conv):
                seen = self._known[key]
                if value and value not in seen:
                    seen.add(value)
                    new = True
        return new
