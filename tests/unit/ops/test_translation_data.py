"""Saving the glossary or the memory is one operation: all or nothing, then one Changes."""

from __future__ import annotations

from typing import Any, cast

import pytest

from app.domain.changes import Changes
from app.ops import translation_data
from app.storage.sqlite import sqlite3
from app.storage.store import Store
from app.storage.translation_store import GlossaryRow, MemoryRow

NOW = 1_700_000_000


def term(uid: str, text: Any) -> GlossaryRow:
    return GlossaryRow(uid, cast(str, text), None, None, None, "")


def test_a_glossary_save_that_fails_half_way_leaves_the_table_as_it_was(repo: Store) -> None:
    kept = repo.translation.save_term(term("", "Aurora"), NOW)
    # deleted, then one good row, then one SQLite refuses: nothing of it may stay
    with pytest.raises(sqlite3.Error):
        translation_data.save_glossary(
            repo, [term("", "Zenit"), term("", object())], [kept], NOW, None
        )
    assert [(row.uid, row.term) for row in repo.translation.glossary()] == [(kept, "Aurora")]


def test_saves_name_the_translation_data_only(repo: Store) -> None:
    saved = translation_data.save_glossary(repo, [term("", "Aurora")], [], NOW, None)
    assert saved == Changes(translation_data=True)
    memory = MemoryRow("", "en", "es", "See you", "Hasta luego", "lead", None)
    assert translation_data.save_memory(repo, [memory], [], NOW, None) == saved
    assert [r.target_text for r in repo.translation.memory()] == ["Hasta luego"]


def test_a_pack_change_names_the_packs_only(repo: Store) -> None:
    assert translation_data.packs_changed(repo, None) == Changes(packs=True)
    assert translation_data.packs_changed(repo, "es-en@1.0") == Changes(packs=True)
