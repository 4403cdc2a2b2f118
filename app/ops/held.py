"""The human-translation hold as a workflow: a held reply waits in the "Needs translation"
queue, may be given to a colleague, notifies them, and leaves no tag behind once it is sent
or taken back.

Holding and releasing go through :func:`app.ops.reply.send` (the one write path), which
calls :func:`on_hold` and :func:`on_release` inside its transaction. A held reply stays on
this computer until it is released: nothing is queued for the server but the tag and the
reopened status (``held_for_agent_id`` is local too; the contract has no held replies).
"""

from __future__ import annotations

from app.domain.changes import Changes
from app.domain.errors import LocalizedError
from app.domain.lang import primary_language
from app.domain.models import MessageKind, Status
from app.i18n import N_
from app.ops import inbox, outbox
from app.storage.held import HeldReply, NotHeldError, Translator
from app.storage.store import Store

__all__ = [
    "TAG",
    "HeldReply",
    "NotHeldError",
    "Translator",
    "UnknownAgentError",
    "assign",
    "cancel",
    "check_held",
    "conversation_ids",
    "for_agent",
    "joined_draft",
    "on_hold",
    "on_release",
    "translators",
]

TAG = "needs-human-translation"  # on a conversation while one of its replies is held
ASSIGNED_EVENT = "held_assigned"  # conversation_events kinds ("held"/"released": reply.send)
CANCELLED_EVENT = "hold_cancelled"


class UnknownAgentError(LocalizedError):
    """The colleague chosen is not (or no longer) in this workspace."""

    def __init__(self) -> None:
        super().__init__(N_("This colleague is not in this workspace any more."))


# ---------------------------------------------------------------------- inside reply.send
def on_hold(store: Store, conversation_id: int, now: int) -> None:
    """A reply was just held (``send`` records who held it): tag the conversation and
    keep it in view. A resolved, snoozed or pending conversation is reopened (as Zendesk
    keeps a ticket open while an action on it is pending): the customer has not had this
    answer yet."""
    inbox.add_tag(store, conversation_id, TAG, now)
    if store.conversations.conversation_row(conversation_id).status is not Status.OPEN:
        inbox.set_status(store, conversation_id, Status.OPEN, now)


def check_held(store: Store, message_id: int) -> None:
    """NotHeldError if the reply was sent or taken back meanwhile (never send it twice)."""
    store.held.conversation_of(message_id)


def on_release(store: Store, conversation_id: int, now: int) -> None:
    """A held reply was just sent (``send`` records who sent it, ``release_held`` clears
    whom it waited for): the tag goes unless another reply of the conversation is held."""
    _untag_if_done(store, conversation_id, now)


def _untag_if_done(store: Store, conversation_id: int, now: int) -> None:
    if store.held.remaining(conversation_id) == 0:
        inbox.remove_tag(store, conversation_id, TAG, now)


# ---------------------------------------------------------------------- the agent's actions
def assign(
    store: Store, message_id: int, agent_id: int | None, actor_id: int | None, now: int
) -> Changes:
    """Store lane: give a held reply to a colleague to translate (None: to anyone). They
    see it in their Needs translation queue ("for me") and in a notice."""
    with store.transaction():
        name = None
        if agent_id is not None:
            agent = next((a for a in store.conversations.agents() if a.id == agent_id), None)
            if agent is None:
                raise UnknownAgentError()
            name = agent.name
        conversation_id = store.held.assign(message_id, agent_id)
        store.events.record(conversation_id, ASSIGNED_EVENT, actor_id, {"to": name}, now)
    return Changes.of(conversation_id, list_membership=True, messages=True)


def joined_draft(current: str, words: str) -> str:
    """The composer's text with a taken-back reply after it (nothing the agent typed since
    is replaced)."""
    if not current.strip():
        return words
    return current.rstrip("\n") + "\n\n" + words


def cancel(store: Store, message_id: int, composer_text: str, now: int) -> Changes:
    """Store lane: take a held reply back. Its words go back into the composer's draft,
    after whatever the agent is writing there (``composer_text``); the tag goes unless
    another reply is still held."""
    with store.transaction():
        conversation_id = store.held.conversation_of(message_id)
        words = store.held.words(message_id)
        store.held.take_back(message_id)
        draft = joined_draft(composer_text, words)
        store.drafts.save_draft(conversation_id, MessageKind.AGENT, draft, now)
        _untag_if_done(store, conversation_id, now)
        store.events.record(conversation_id, CANCELLED_EVENT, None, {}, now)
    return Changes.of(
        conversation_id,
        list_membership=True,
        messages=True,
        choices=True,
        outbox=outbox.synced(store),
    )


# ---------------------------------------------------------------------- reading
def for_agent(store: Store, agent_id: int | None) -> tuple[HeldReply, ...]:
    """The replies waiting for this agent's translation, newest first."""
    return () if agent_id is None else store.held.for_agent(agent_id)


def conversation_ids(store: Store, for_agent: int | None = None) -> tuple[int, ...]:
    """The Needs translation queue: conversations with a held reply, whatever their
    status (``for_agent``: the replies given to that agent)."""
    return store.held.conversation_ids(for_agent)


def translators(store: Store, language: str | None) -> tuple[Translator, ...]:
    """Who may translate into ``language``: agents who recently replied in it first."""
    return store.held.translators(primary_language(language or ""))
