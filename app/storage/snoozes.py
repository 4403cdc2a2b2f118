"""Snooze "until the customer replies": the flag beside the conversation's wake-up time."""

from __future__ import annotations

from collections.abc import Iterable

from app.storage.link import Link


class SnoozeStore:
    """``conversations.snooze_until_reply`` (store lane only). The status and wake-up time
    themselves are the conversation repository's; this keeps the flag in step."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self._conn = link.conn

    def set_until_reply(self, conversation_id: int, on: bool) -> None:
        with self._link.transaction():
            self._conn.execute(
                "UPDATE conversations SET snooze_until_reply = ? WHERE id = ?",
                (int(on), conversation_id),
            )

    def until_reply(self, conversation_id: int) -> bool:
        row = self._conn.execute(
            "SELECT status = 'snoozed' AND snooze_until_reply = 1 FROM conversations WHERE id = ?",
            (conversation_id,),
        ).fetchone()
        return bool(row and row[0])

    def wake_on_reply(self, conversation_ids: Iterable[int], now: int) -> list[int]:
        """The customer wrote: those of ``conversation_ids`` snoozed until a reply reopen.
        Returns the ids reopened."""
        ids = sorted(set(conversation_ids))
        woken: list[int] = []
        with self._link.transaction():
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                woken += [
                    int(r[0])
                    for r in self._conn.execute(
                        f"UPDATE conversations SET status = 'open', snoozed_until = NULL,"
                        f" snooze_until_reply = 0, updated_at = ?, version = version + 1"
                        f" WHERE id IN ({marks}) AND status = 'snoozed'"
                        f" AND snooze_until_reply = 1 RETURNING id",
                        (now, *chunk),
                    )
                ]
        return woken
