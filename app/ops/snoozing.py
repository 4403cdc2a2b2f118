"""Snooze until a chosen time or until the customer replies (store lane).

Decision for a synced workspace: the contract's PATCH needs ``snoozed_until`` with status
``snoozed``, so "until the customer replies" is sent as a snooze of at most
:data:`UNTIL_REPLY_SECONDS` (a safety net: nothing stays hidden for ever) and the flag
``snooze_until_reply`` is kept locally. A customer message reopens it: stored locally
(``app.storage.messages``) or pulled from the server (``app.storage.remote``; the server
reopens a snoozed conversation on a customer message itself, so nothing is queued).
"""

from __future__ import annotations

from app.domain.changes import Changes
from app.ops import inbox
from app.storage.store import Store

UNTIL_REPLY_SECONDS = 30 * 86400


def snooze_until_reply(store: Store, conversation_id: int, now: int) -> Changes:
    """Snooze until the customer writes again (or :data:`UNTIL_REPLY_SECONDS` at most)."""
    with store.transaction():
        changes = inbox.snooze(store, conversation_id, now + UNTIL_REPLY_SECONDS, now)
        store.snoozes.set_until_reply(conversation_id, True)
    return changes


def is_until_reply(store: Store, conversation_id: int) -> bool:
    return store.snoozes.until_reply(conversation_id)
