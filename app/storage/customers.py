"""The customer as a person: their conversations, notes, backend fields and merges.

A customer merged into another (``customers.merged_into``) is the same person: their
conversations and notes count for the one they were merged into. Merges always point at
the surviving customer directly (a later merge re-points earlier ones), so "the person"
is one root and the customers pointing at it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from app.domain.customer import CustomerNote, PastConversation
from app.domain.fields import Fields, fields_from_json, fields_to_json
from app.domain.models import Channel, Status
from app.storage.link import Link

_ME = "(SELECT a.id FROM agents a JOIN meta m ON m.key = 'me_agent_uid' AND a.uid = m.value)"


class CustomerRepository:
    """Customers beyond one conversation (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self._conn = link.conn

    # ------------------------------------------------------------------ the person
    def root(self, customer_id: int) -> int:
        """The customer this one was merged into (itself if never merged)."""
        row = self._conn.execute(
            "SELECT coalesce(merged_into, id) FROM customers WHERE id = ?", (customer_id,)
        ).fetchone()
        if row is None:
            raise KeyError(customer_id)
        return int(row[0])

    def person(self, customer_id: int) -> list[int]:
        """Every customer id that is this person (the root first)."""
        root = self.root(customer_id)
        merged = self._conn.execute(
            "SELECT id FROM customers WHERE merged_into = ? ORDER BY id", (root,)
        )
        return [root, *(int(r[0]) for r in merged)]

    def names(self, ids: list[int]) -> list[str]:
        marks = ",".join("?" * len(ids))
        return [
            r[0]
            for r in self._conn.execute(
                f"SELECT name FROM customers WHERE id IN ({marks}) ORDER BY id", ids
            )
        ]

    def history(
        self, conversation_id: int, person: list[int], limit: int
    ) -> tuple[list[PastConversation], int]:
        """The person's other conversations, newest first (``limit`` of them), and how
        many more there are. Conversations merged into another are not listed."""
        marks = ",".join("?" * len(person))
        where = f"c.customer_id IN ({marks}) AND c.id != ? AND c.merged_into IS NULL"
        params: list[Any] = [*person, conversation_id]
        total = int(
            self._conn.execute(
                f"SELECT count(*) FROM conversations c WHERE {where}", params
            ).fetchone()[0]
        )
        rows = self._conn.execute(
            "SELECT c.id, c.subject, c.last_message_preview, c.channel, c.status,"
            " c.last_activity_at, cu.name FROM conversations c"
            f" JOIN customers cu ON cu.id = c.customer_id WHERE {where}"
            " ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ?",
            [*params, limit],
        )
        items = [
            PastConversation(r[0], r[1], r[2], Channel(r[3]), Status(r[4]), r[5], r[6])
            for r in rows
        ]
        return items, max(0, total - len(items))

    # ------------------------------------------------------------------ fields
    def customer_fields(self, customer_id: int) -> Fields:
        row = self._conn.execute(
            "SELECT fields FROM customers WHERE id = ?", (customer_id,)
        ).fetchone()
        return fields_from_json(row[0]) if row else {}

    def conversation_fields(self, conversation_id: int) -> Fields:
        row = self._conn.execute(
            "SELECT fields FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
        return fields_from_json(row[0]) if row else {}

    def set_customer_fields(self, customer_id: int, fields: Mapping[str, object]) -> None:
        self._conn.execute(
            "UPDATE customers SET fields = ? WHERE id = ?", (fields_to_json(fields), customer_id)
        )

    def set_conversation_fields(self, conversation_id: int, fields: Mapping[str, object]) -> None:
        self._conn.execute(
            "UPDATE conversations SET fields = ? WHERE id = ?",
            (fields_to_json(fields), conversation_id),
        )

    # ------------------------------------------------------------------ notes
    def notes(self, person: list[int], limit: int) -> list[CustomerNote]:
        """The person's notes, newest first."""
        marks = ",".join("?" * len(person))
        rows = self._conn.execute(
            "SELECT n.id, n.body, n.author_agent_id, a.name, n.created_at, n.updated_at,"
            f" coalesce(n.author_agent_id = {_ME}, 0) FROM customer_notes n"
            " LEFT JOIN agents a ON a.id = n.author_agent_id"
            f" WHERE n.customer_id IN ({marks}) ORDER BY n.created_at DESC, n.id DESC LIMIT ?",
            [*person, limit],
        )
        return [CustomerNote(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6])) for r in rows]

    def add_note(self, customer_id: int, body: str, author_id: int | None, now: int) -> int:
        cursor = self._conn.execute(
            "INSERT INTO customer_notes (uid, customer_id, author_agent_id, body, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (str(uuid.uuid4()), customer_id, author_id, body, now, now),
        )
        return int(cursor.lastrowid or 0)

    def note_author(self, note_id: int) -> int | None:
        """The note's author; KeyError if there is no such note."""
        row = self._conn.execute(
            "SELECT author_agent_id FROM customer_notes WHERE id = ?", (note_id,)
        ).fetchone()
        if row is None:
            raise KeyError(note_id)
        return None if row[0] is None else int(row[0])

    def edit_note(self, note_id: int, body: str, now: int) -> None:
        self._conn.execute(
            "UPDATE customer_notes SET body = ?, updated_at = ? WHERE id = ?", (body, now, note_id)
        )

    def delete_note(self, note_id: int) -> None:
        self._conn.execute("DELETE FROM customer_notes WHERE id = ?", (note_id,))

    # ------------------------------------------------------------------ merges
    def merge_customers(self, absorbed: int, into: int) -> None:
        """``absorbed`` is the same person as ``into`` (both roots): it and everyone merged
        into it now point at ``into``."""
        with self._link.transaction():
            self._conn.execute(
                "UPDATE customers SET merged_into = ? WHERE id = ? OR merged_into = ?",
                (into, absorbed, absorbed),
            )

    def unmerge_customers(self, absorbed: int, pointed: list[int]) -> None:
        """Undo :meth:`merge_customers`: ``pointed`` were merged into ``absorbed`` before."""
        with self._link.transaction():
            self._conn.execute("UPDATE customers SET merged_into = NULL WHERE id = ?", (absorbed,))
            if pointed:
                marks = ",".join("?" * len(pointed))
                self._conn.execute(
                    f"UPDATE customers SET merged_into = ? WHERE id IN ({marks})",
                    [absorbed, *pointed],
                )

    def merged_into_me(self, customer_id: int) -> list[int]:
        return [
            int(r[0])
            for r in self._conn.execute(
                "SELECT id FROM customers WHERE merged_into = ? ORDER BY id", (customer_id,)
            )
        ]

    def conversation_ids(self, person: list[int]) -> list[int]:
        marks = ",".join("?" * len(person))
        return [
            int(r[0])
            for r in self._conn.execute(
                f"SELECT id FROM conversations WHERE customer_id IN ({marks})", person
            )
        ]

    def note_customer(self, note_id: int) -> int:
        row = self._conn.execute(
            "SELECT customer_id FROM customer_notes WHERE id = ?", (note_id,)
        ).fetchone()
        if row is None:
            raise KeyError(note_id)
        return int(row[0])

    def find(self, customer_id: int, text: str, limit: int) -> list[tuple[int, str, str]]:
        """Other (unmerged) customers whose name or handles contain ``text``."""
        root = self.root(customer_id)
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self._conn.execute(
            "SELECT id, name, country FROM customers WHERE merged_into IS NULL AND id != ?"
            " AND (name LIKE ? ESCAPE '\\' OR handles LIKE ? ESCAPE '\\')"
            " ORDER BY name, id LIMIT ?",
            (root, pattern, pattern, limit),
        )
        return [(int(r[0]), r[1], r[2]) for r in rows]
