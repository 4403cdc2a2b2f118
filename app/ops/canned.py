"""Canned replies on the store lane: the list with its actions and suggestion rules, the
conversation's values for variables, the editor's save, and sending with actions.

Decision: a canned reply's actions (status, tags, assignee) are applied when the reply is
SENT, in the send's own transaction, as Zendesk applies a macro on submit: inserting one
and then deleting it changes nothing, and the reply and its actions never part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.canned import (
    CannedActions,
    SuggestContext,
    SuggestWhen,
    parse_actions,
    parse_suggest_when,
    suggestions,
    variable_values,
)
from app.domain.changes import Changes
from app.domain.fields import fields_from_json
from app.domain.models import Agent, Status
from app.ops import inbox, reply
from app.storage.store import Store
from app.storage.translation_store import MacroRow

if TYPE_CHECKING:
    from app.ops.translation import TranslationService


@dataclass(frozen=True, slots=True)
class CannedReply:
    """A canned reply as the picker and the editor see it."""

    uid: str
    title: str
    language: str
    body: str
    actions: CannedActions = field(default_factory=CannedActions)
    suggest_when: SuggestWhen = field(default_factory=SuggestWhen)

    @property
    def macro(self) -> MacroRow:
        return MacroRow(self.uid, self.title, self.language, self.body)


@dataclass(frozen=True, slots=True)
class CannedContext:
    """What filling and suggesting canned replies needs from the open conversation."""

    conversation_id: int
    values: dict[str, object]
    suggest: SuggestContext


def canned_replies(store: Store) -> list[CannedReply]:
    """Every canned reply, by title, with its (leniently read) actions and rules."""
    extras = store.canned.extras()
    replies = []
    for m in store.translation.macros():
        actions, when = extras.get(m.uid, ("{}", "{}"))
        replies.append(
            CannedReply(
                m.uid, m.title, m.language, m.body, parse_actions(actions), parse_suggest_when(when)
            )
        )
    return replies


def canned_context(store: Store, conversation_id: int, agent_name: str | None) -> CannedContext:
    row = store.conversations.conversation_row(conversation_id)
    stored = store.canned.context(conversation_id)
    values = variable_values(
        customer_name=row.customer_name,
        agent_name=agent_name,
        subject=row.subject,
        customer_fields=fields_from_json(stored.customer_fields),
        conversation_fields=fields_from_json(stored.conversation_fields),
    )
    suggest = SuggestContext(row.country, row.language, row.tags, stored.last_customer_text)
    return CannedContext(conversation_id, values, suggest)


def picker_data(
    store: Store, conversation_id: int, agent_name: str | None
) -> tuple[list[CannedReply], CannedContext]:
    """One trip for the picker: the replies and the open conversation's context."""
    return canned_replies(store), canned_context(store, conversation_id, agent_name)


def suggested(replies: Sequence[CannedReply], context: CannedContext) -> list[str]:
    """The uids of the replies that fit this conversation, best first."""
    return suggestions(((r.uid, r.suggest_when) for r in replies), context.suggest)


def apply_actions(
    store: Store, conversation_id: int, actions: CannedActions, me_id: int | None, now: int
) -> Changes:
    """Tags and assignee of a canned reply (the status goes with the send, see below).
    An assignee no longer in the workspace is skipped rather than failing the send."""
    changes = Changes()
    for tag in actions.add_tags:
        if tag not in store.conversations.conversation_row(conversation_id).tags:
            changes |= inbox.add_tag(store, conversation_id, tag, now)
    target = actions.assign_to
    agent_id = me_id if target == "me" else None
    if target and target != "me":
        agent = store.conversations.agent_by_uid(target)
        agent_id = agent.id if agent is not None else None
    if agent_id is not None and (
        store.conversations.conversation_row(conversation_id).assignee_id != agent_id
    ):
        changes |= inbox.assign(store, conversation_id, agent_id, now)
    return changes


def send_with_actions(
    store: Store,
    conversation_id: int,
    message: reply.Reply,
    me_id: int | None,
    now: int,
    then: Status | None,
    actions: CannedActions,
) -> Changes:
    """Send a reply that used canned replies and apply their actions, all or nothing. The
    agent's own "Send and ..." choice wins over the canned status. Refused: the words are
    kept as the draft (as :func:`app.ops.reply.send_or_keep_draft`)."""
    try:
        with store.transaction():
            changes = reply.send(
                store, conversation_id, message, me_id, now, then or actions.status
            )
            return changes | apply_actions(store, conversation_id, actions, me_id, now)
    except Exception:
        store.drafts.save_draft(conversation_id, message.kind, message.words, now)
        raise


def merge_actions(first: CannedActions, second: CannedActions) -> CannedActions:
    """Two canned replies in one message: tags add up, the later status and assignee win."""
    return CannedActions(
        second.status or first.status,
        tuple(dict.fromkeys(first.add_tags + second.add_tags)),
        second.assign_to or first.assign_to,
    )


def save_canned(
    store: Store,
    rows: Sequence[CannedReply],
    deleted: Sequence[str],
    now: int,
    service: TranslationService | None,
) -> Changes:
    """The editor's save: texts, actions and rules, all or nothing; then the engine reads
    the macros again (their approved translations live in the memory)."""
    with store.transaction():
        for uid in deleted:
            store.translation.delete_macro(uid)
        for row in rows:
            uid = store.translation.save_macro(row.macro, now)
            store.canned.save_extras(uid, row.actions.to_json(), row.suggest_when.to_json())
    if service is not None:
        service.load_team_data(store)
    return Changes(choices=True, translation_data=True)


def load_canned_file(store: Store, path: Path, now: int) -> Changes:
    """Store lane: add the canned replies of a data file (the demo's), with their actions
    and suggestions; DataFileError if the file is wrong (then nothing is added)."""
    from app.contract.canned_schema import load_canned  # pydantic: only here

    replies = [
        CannedReply(f"demo-canned-{s.id}", s.title, s.language, s.body.rstrip("\n"), a, w)
        for s, a, w in load_canned(path)
    ]
    return save_canned(store, replies, [], now, None)


def editor_data(store: Store) -> tuple[list[CannedReply], tuple[Agent, ...]]:
    """What the canned-reply editor shows: the replies, and the agents one may assign to."""
    return canned_replies(store), store.conversations.agents()
