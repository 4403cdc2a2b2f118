"""Canned replies' extras (actions, suggestion rules) and what filling one needs.

The macros themselves (title, language, body) stay in :mod:`app.storage.translation_store`;
this module reads and writes the two JSON columns schema version 6 added, and the
conversation's backend fields and last customer message that variables and suggestions use.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.storage.link import Link

LAST_TEXT_CHARS = 4000


@dataclass(frozen=True, slots=True)
class CannedContextRow:
    """The stored facts a canned reply is filled and suggested from (JSON as stored)."""

    customer_fields: str
    conversation_fields: str
    last_customer_text: str


class CannedStore:
    """Macro actions and suggestion rules, and the conversation context (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self._conn = link.conn

    def extras(self) -> dict[str, tuple[str, str]]:
        """uid -> (actions JSON, suggest_when JSON) for every canned reply."""
        return {
            uid: (actions, suggest)
            for uid, actions, suggest in self._conn.execute(
                "SELECT uid, actions, suggest_when FROM macros"
            )
        }

    def save_extras(self, uid: str, actions: str, suggest_when: str) -> None:
        with self._link.transaction():
            self._conn.execute(
                "UPDATE macros SET actions = ?, suggest_when = ? WHERE uid = ?",
                (actions, suggest_when, uid),
            )

    def context(self, conversation_id: int) -> CannedContextRow:
        row = self._conn.execute(
            "SELECT cu.fields, c.fields FROM conversations c"
            " JOIN customers cu ON cu.id = c.customer_id WHERE c.id = ?",
            (conversation_id,),
        ).fetchone()
        if row is None:
            raise KeyError(conversation_id)
        last = self._conn.execute(
            "SELECT substr(body, 1, ?) FROM messages WHERE conversation_id = ?"
            " AND kind = 'customer' ORDER BY seq DESC LIMIT 1",
            (LAST_TEXT_CHARS, conversation_id),
        ).fetchone()
        return CannedContextRow(row[0] or "{}", row[1] or "{}", last[0] if last else "")
