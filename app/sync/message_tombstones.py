"""Deletions learnt from the feeds: single-message tombstones, and what a re-snapshot no
longer lists.

A backend may delete one message (moderation, erasure of one message): its tombstone in
``GET /v1/messages/changes`` removes that message here (see
:mod:`app.storage.message_removal`), whatever became of its conversation. Tombstones are
compacted away in time, so after a 410 the snapshot of a feed is the only news of the
deletions since: conversations and messages it no longer lists are removed (except what
the agent has not sent yet).

Gaps in a conversation's seqs are normal then: the client never fetches by ``after_seq``
(the messages feed brings everything) and ``last_message_seq`` only tells the pull when a
conversation's newest message has come, to index its search text once; a conversation
whose newest message was deleted is indexed at the end of the pull instead, never
waited for again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.domain.changes import ChangeLog
from app.storage.store import Store

StoreCall = Callable[[Callable[[Store], Any]], Any]


def keep_listed(store_call: StoreCall, log: ChangeLog, collection: str, listed: set[str]) -> None:
    """A full snapshot of ``collection`` ended, listing ``listed``: remove what it left
    out (conversations, messages); the conversations that lost a message are reported."""
    if collection == "conversations":
        store_call(lambda repo: repo.remote.keep_listed_conversations(listed))
    elif collection == "messages":
        lost: set[int] = store_call(lambda repo: repo.remote.keep_listed_messages(listed))
        if lost:
            log.mark(*lost, messages=True, list_membership=True)
