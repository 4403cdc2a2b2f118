"""The team's translation data (glossary, memory, macros, cached packs): store-lane use cases.

The dialogs submit these and nothing else; a save replaces the edited table in one
transaction, so a failure half-way leaves the table as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from app.domain.changes import Changes
from app.storage.store import Store
from app.storage.translation_store import GlossaryRow, MacroRow, MemoryRow

if TYPE_CHECKING:
    from app.ops.translation import TranslationService

R = TypeVar("R", GlossaryRow, MemoryRow)


def glossary(store: Store) -> list[GlossaryRow]:
    return store.translation.glossary()


def memory(store: Store) -> list[MemoryRow]:
    return store.translation.memory()


def macros(store: Store) -> list[MacroRow]:
    return store.translation.macros()


def save_glossary(
    store: Store,
    rows: Sequence[GlossaryRow],
    deleted: Sequence[str],
    now: int,
    service: TranslationService | None,
) -> Changes:
    """Delete and save the edited terms, all or nothing; then the engine uses them."""
    table = store.translation
    return _save_team_data(store, rows, deleted, table.delete_term, table.save_term, now, service)


def save_memory(
    store: Store,
    rows: Sequence[MemoryRow],
    deleted: Sequence[str],
    now: int,
    service: TranslationService | None,
) -> Changes:
    """Delete and save the edited memory entries, all or nothing; then the engine uses them."""
    table = store.translation
    return _save_team_data(
        store, rows, deleted, table.delete_memory, table.save_memory, now, service
    )


def _save_team_data(
    store: Store,
    rows: Sequence[R],
    deleted: Sequence[str],
    delete: Callable[[str], object],
    save: Callable[[R, int], object],
    now: int,
    service: TranslationService | None,
) -> Changes:
    """One editor's save as one transaction: a failure half-way leaves the table as it was."""
    with store.transaction():
        for uid in deleted:
            delete(uid)
        for row in rows:
            save(row, now)
    return _team_data_changed(store, service)


def _team_data_changed(store: Store, service: TranslationService | None) -> Changes:
    """The engine reads the saved table (on this lane, before anything is translated again)."""
    if service is not None:
        service.load_team_data(store)
    return Changes(translation_data=True)


def packs_changed(store: Store, replaced: str | None) -> Changes:
    """A pack was installed, upgraded or removed (on disk, by the compute lane): the cached
    translations of the pack it ``replaced`` (if any) go too."""
    if replaced is not None:
        store.translation.forget_pack(replaced)
    return Changes(packs=True)


def set_language_override(store: Store, conversation_id: int, tag: str | None, now: int) -> Changes:
    """The agent chose the conversation's language (None: back to the detected one)."""
    store.translation.set_language_override(conversation_id, tag, now)
    return Changes.of(conversation_id, list_membership=True, choices=True)
