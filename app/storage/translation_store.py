"""The translation tables: cache, glossary, translation memory, macros, detections.

Kept apart from the inbox repository (same connection, same store lane) so
each stays small. Every row the team edits has a ``uid`` so it can sync later.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.domain.lang import primary_language
from app.storage.link import Link


@dataclass(frozen=True, slots=True)
class CachedTranslation:
    translated: str
    confidence: float
    route: str


@dataclass(frozen=True, slots=True)
class GlossaryRow:
    uid: str
    term: str
    rendering: str | None
    source_language: str | None
    target_language: str | None
    note: str


@dataclass(frozen=True, slots=True)
class MemoryRow:
    uid: str
    source_language: str
    target_language: str
    source_text: str
    target_text: str
    origin: str
    macro_uid: str | None


@dataclass(frozen=True, slots=True)
class MacroRow:
    uid: str
    title: str
    language: str
    body: str


def text_digest(text: str) -> str:
    """The first part of every cache key made for ``text``: a conversation that is erased
    or outlives retention takes its cached translations with it (``app.storage.purge``)."""
    return hashlib.sha256(b"crossdesk-cache-text\x00" + text.encode("utf-8")).hexdigest()[:16]


def cache_key(text: str, source: str, target: str, route: str) -> str:
    """Text, languages and the exact packs: an upgraded pack never reuses an old answer.

    ``<text digest>:<digest of all four>``: the cache can be cleared of one text's
    translations without knowing the languages, packs or glossary they were made with."""
    digest = hashlib.sha256()
    for part in (route, source, target, text):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return f"{text_digest(text)}:{digest.hexdigest()}"


class TranslationStore:
    """Translation data over the inbox repository's connection (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._link = link
        self._conn = link.conn

    # ------------------------------------------------------------------ cache
    def cached(self, keys: Sequence[str]) -> dict[str, CachedTranslation]:
        found: dict[str, CachedTranslation] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for key, translated, confidence, route in self._conn.execute(
                f"SELECT key, translated, confidence, route FROM translation_cache"
                f" WHERE key IN ({marks})",
                chunk,
            ):
                found[key] = CachedTranslation(translated, confidence, route)
        return found

    def remember(self, entries: Iterable[tuple[str, CachedTranslation]], now: int) -> None:
        with self._link.transaction():
            self._conn.executemany(
                "INSERT OR REPLACE INTO translation_cache (key, route, translated, confidence,"
                " created_at) VALUES (?, ?, ?, ?, ?)",
                [(k, c.route, c.translated, c.confidence, now) for k, c in entries],
            )

    def forget_pack(self, pack_key: str) -> int:
        """Drop cached translations made with a pack that was upgraded or removed."""
        with self._link.transaction():
            cursor = self._conn.execute(
                "DELETE FROM translation_cache WHERE route = ? OR route LIKE ? OR route LIKE ?",
                (pack_key, f"{pack_key}>%", f"%>{pack_key}"),
            )
        return cursor.rowcount

    def cache_size(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM translation_cache").fetchone()[0])

    # ------------------------------------------------------------------ languages
    def save_detections(self, detections: Iterable[tuple[int, str, float]]) -> None:
        with self._link.transaction():
            self._conn.executemany(
                "UPDATE messages SET detected_language = ?, detected_confidence = ? WHERE id = ?",
                [(code, confidence, message_id) for message_id, code, confidence in detections],
            )

    def set_conversation_language(self, conversation_id: int, tag: str, now: int) -> None:
        """The detected language of the conversation (what the language filter sees)."""
        with self._link.transaction():
            self._conn.execute(
                "UPDATE conversations SET language = ?, language_primary = ?, updated_at = ?"
                " WHERE id = ? AND language != ?",
                (tag, primary_language(tag), now, conversation_id, tag),
            )

    def set_language_override(self, conversation_id: int, tag: str | None, now: int) -> None:
        """The agent's choice of language for the conversation (None: back to detection)."""
        with self._link.transaction():
            self._conn.execute(
                "UPDATE conversations SET language_override = ?, updated_at = ?,"
                " version = version + 1 WHERE id = ?",
                (tag, now, conversation_id),
            )
            if tag:
                self.set_conversation_language(conversation_id, tag, now)

    # ------------------------------------------------------------------ glossary
    def glossary(self) -> list[GlossaryRow]:
        return [
            GlossaryRow(*r)
            for r in self._conn.execute(
                "SELECT uid, term, rendering, source_language, target_language, note"
                " FROM glossary ORDER BY lower(term), target_language"
            )
        ]

    def save_term(self, row: GlossaryRow, now: int) -> str:
        uid = row.uid or str(uuid.uuid4())
        with self._link.transaction():
            self._conn.execute(
                "INSERT INTO glossary (uid, term, rendering, source_language, target_language,"
                " note, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(uid) DO UPDATE SET"
                " term = excluded.term, rendering = excluded.rendering,"
                " source_language = excluded.source_language,"
                " target_language = excluded.target_language, note = excluded.note,"
                " updated_at = excluded.updated_at",
                (
                    uid,
                    row.term,
                    row.rendering,
                    row.source_language,
                    row.target_language,
                    row.note,
                    now,
                ),
            )
        return uid

    def delete_term(self, uid: str) -> None:
        with self._link.transaction():
            self._conn.execute("DELETE FROM glossary WHERE uid = ?", (uid,))

    # ------------------------------------------------------------------ memory
    def memory(self) -> list[MemoryRow]:
        return [
            MemoryRow(*r)
            for r in self._conn.execute(
                "SELECT uid, source_language, target_language, source_text, target_text, origin,"
                " macro_uid FROM translation_memory ORDER BY source_language, target_language,"
                " source_text"
            )
        ]

    def save_memory(self, row: MemoryRow, now: int) -> str:
        """Add or correct an approved translation (same source text and pair: replaced)."""
        uid = row.uid or str(uuid.uuid4())
        with self._link.transaction():
            self._conn.execute(
                "INSERT INTO translation_memory (uid, source_language, target_language,"
                " source_text, target_text, origin, macro_uid, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(source_language, target_language,"
                " source_text) DO UPDATE SET target_text = excluded.target_text,"
                " origin = excluded.origin, macro_uid = excluded.macro_uid,"
                " updated_at = excluded.updated_at",
                (
                    uid,
                    row.source_language,
                    row.target_language,
                    row.source_text,
                    row.target_text,
                    row.origin,
                    row.macro_uid,
                    now,
                ),
            )
        return uid

    def delete_memory(self, uid: str) -> None:
        with self._link.transaction():
            self._conn.execute("DELETE FROM translation_memory WHERE uid = ?", (uid,))

    # ------------------------------------------------------------------ macros
    def macros(self) -> list[MacroRow]:
        return [
            MacroRow(*r)
            for r in self._conn.execute(
                "SELECT uid, title, language, body FROM macros ORDER BY lower(title)"
            )
        ]

    def save_macro(self, row: MacroRow, now: int) -> str:
        uid = row.uid or str(uuid.uuid4())
        with self._link.transaction():
            self._conn.execute(
                "INSERT INTO macros (uid, title, language, body, updated_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(uid) DO UPDATE SET title = excluded.title,"
                " language = excluded.language, body = excluded.body,"
                " updated_at = excluded.updated_at",
                (uid, row.title, row.language, row.body, now),
            )
        return uid

    def delete_macro(self, uid: str) -> None:
        with self._link.transaction():
            self._conn.execute("DELETE FROM translation_memory WHERE macro_uid = ?", (uid,))
            self._conn.execute("DELETE FROM macros WHERE uid = ?", (uid,))
