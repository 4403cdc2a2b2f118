"""What an operation changed, so the window refreshes exactly that (Anki's ``OpChanges``).

Every mutation in ``app.ops`` and every sync cycle returns one :class:`Changes`; the
window hands it to each pane, and each pane refreshes only what the flags name: the
inbox re-queries only if list membership may have changed, the open conversation
reloads only if it is named, the article list only if articles changed.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class Changes:
    """Which kinds of thing changed, and which conversations.

    Attributes:
        conversation_ids: conversations whose content (row, messages, state) changed.
        list_membership: which conversations a filter lists (or their order) may differ.
        messages: messages were added or changed in ``conversation_ids``.
        choices: what the filter and header menus offer may differ (tags, channels,
            languages, countries, agents, canned replies).
        translation_data: the team's glossary or translation memory changed.
        packs: language packs were installed or removed (their cached translations too).
        articles: knowledge articles were added, changed or removed.
        sync_problems: conflicts or refused operations appeared or were decided.
        outbox: something waits to be sent to the server (the window syncs at once).
        reviews: reviews, annotations, the rubric or survey answers changed.
        training: practice scenarios, assignments or attempts changed.
        data_requests: data-subject requests were opened, extended or closed.
    """

    conversation_ids: frozenset[int] = frozenset()
    list_membership: bool = False
    messages: bool = False
    choices: bool = False
    translation_data: bool = False
    packs: bool = False
    articles: bool = False
    sync_problems: bool = False
    outbox: bool = False
    reviews: bool = False
    training: bool = False
    data_requests: bool = False

    @classmethod
    def of(cls, *conversation_ids: int, **flags: bool) -> Changes:
        """``Changes.of(7, list_membership=True)``: these conversations, these flags."""
        return cls(frozenset(conversation_ids), **flags)

    def __or__(self, other: Changes) -> Changes:
        """Both changes (a sync cycle's steps, or several operations in a row)."""
        return Changes(
            self.conversation_ids | other.conversation_ids,
            *(
                getattr(self, f.name) or getattr(other, f.name)
                for f in fields(self)
                if f.name != "conversation_ids"
            ),
        )

    def __bool__(self) -> bool:
        """False when nothing at all changed (nothing to refresh)."""
        return bool(self.conversation_ids) or any(
            getattr(self, f.name) for f in fields(self) if f.name != "conversation_ids"
        )

    def names(self, conversation_id: int | None) -> bool:
        """Whether this conversation's content changed (None: no conversation is open)."""
        return conversation_id is not None and conversation_id in self.conversation_ids

    @property
    def translation(self) -> bool:
        """Translations already made may be stale (team data or packs changed)."""
        return self.translation_data or self.packs


NOTHING = Changes()


class ChangeLog:
    """Changes gathered step by step (a sync cycle, page after page), frozen at the end.

    Mutable on purpose: a pull of many pages adds to one set instead of copying a growing
    frozenset per page; whatever was stored before a cycle stops half-way is still named.
    """

    __slots__ = ("_flags", "conversation_ids")

    def __init__(self) -> None:
        self.conversation_ids: set[int] = set()
        self._flags: dict[str, bool] = {}

    def mark(self, *conversation_ids: int, **flags: bool) -> None:
        """These conversations changed, and the kinds of thing whose flag is true."""
        self.conversation_ids.update(conversation_ids)
        self._flags.update((name, True) for name, value in flags.items() if value)

    def changes(self) -> Changes:
        return Changes(frozenset(self.conversation_ids), **self._flags)
