"""How many conversations each customer language has: what the pack manager's "Needed by
this inbox" list is built from (one grouped scan; merged duplicates are not counted)."""

from __future__ import annotations

from dataclasses import dataclass

from app.storage.link import Link

MAX_LANGUAGES = 300  # more than any inbox has; a bound all the same


@dataclass(frozen=True, slots=True)
class LanguageCount:
    """Conversations in one customer language (the primary subtag, e.g. "pt" of "pt-BR")."""

    language: str
    conversations: int


class LanguageRepository:
    """Read-only counts over the conversations table (store lane only)."""

    def __init__(self, link: Link) -> None:
        self._conn = link.conn

    def conversations_per_language(self) -> list[LanguageCount]:
        """Each customer language with its conversation count, most conversations first."""
        rows = self._conn.execute(
            "SELECT language_primary, count(*) FROM conversations"
            " WHERE merged_into IS NULL AND language_primary <> ''"
            " GROUP BY language_primary ORDER BY count(*) DESC, language_primary LIMIT ?",
            (MAX_LANGUAGES,),
        )
        return [LanguageCount(str(language), int(count)) for language, count in rows]
