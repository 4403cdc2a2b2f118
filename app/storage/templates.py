"""Approved message templates (WhatsApp), as the server lists them or the demo ships them."""

from __future__ import annotations

import json
from collections.abc import Iterable

from app.domain.message_templates import MAX_TEMPLATES, MessageTemplate
from app.storage.link import Link


class TemplateRepository:
    """The ``message_templates`` table (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self._conn = link.conn

    def templates(self, channel: str | None = None) -> tuple[MessageTemplate, ...]:
        """Every template (of ``channel``), by name then language."""
        where, params = ("WHERE channel = ?", (channel,)) if channel else ("", ())
        rows = self._conn.execute(
            "SELECT uid, name, channel, language, body, variables FROM message_templates "
            f"{where} ORDER BY name, language LIMIT {MAX_TEMPLATES}",
            params,
        )
        return tuple(MessageTemplate(r[0], r[1], r[2], r[3], r[4], _names(r[5])) for r in rows)

    def template(self, uid: str) -> MessageTemplate | None:
        r = self._conn.execute(
            "SELECT uid, name, channel, language, body, variables FROM message_templates"
            " WHERE uid = ?",
            (uid,),
        ).fetchone()
        return None if r is None else MessageTemplate(r[0], r[1], r[2], r[3], r[4], _names(r[5]))

    def replace_all(self, templates: Iterable[MessageTemplate], now: int) -> bool:
        """The server's list is the whole truth: keep exactly these (at most
        MAX_TEMPLATES). Returns whether anything changed."""
        wanted = {t.uid: t for t in list(templates)[:MAX_TEMPLATES]}
        if set(self.templates()) == set(wanted.values()):
            return False
        with self._link.transaction():
            self._conn.execute("DELETE FROM message_templates")
            self._conn.executemany(
                "INSERT INTO message_templates"
                " (uid, name, channel, language, body, variables, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (t.uid, t.name, t.channel, t.language, t.body, json.dumps(t.variables), now)
                    for t in wanted.values()
                ],
            )
        return True

    def save(self, template: MessageTemplate, now: int) -> None:
        """Add or replace one template (the demo's)."""
        with self._link.transaction():
            self._conn.execute(
                "INSERT INTO message_templates"
                " (uid, name, channel, language, body, variables, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(uid) DO UPDATE SET"
                " name = excluded.name, channel = excluded.channel,"
                " language = excluded.language, body = excluded.body,"
                " variables = excluded.variables, updated_at = excluded.updated_at",
                (
                    template.uid,
                    template.name,
                    template.channel,
                    template.language,
                    template.body,
                    json.dumps(list(template.variables)),
                    now,
                ),
            )


def _names(raw: str) -> tuple[str, ...]:
    """The stored JSON list of variable names (anything else reads as none)."""
    try:
        value = json.loads(raw)
    except ValueError:
        return ()
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()
