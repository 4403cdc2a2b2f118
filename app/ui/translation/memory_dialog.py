"""Approved translations: the translation memory (leads' corrections, canned replies)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.ops import translation_data
from app.ops.context import AppContext
from app.ops.translation_data import MemoryRow
from app.ui.translation.table_editor import TableEditorDialog

ORIGINS = ("lead", "macro", "agent")


class MemoryDialog(TableEditorDialog):
    """From, to, text, approved translation, origin; editable, saved on Save."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        _ = ctx.i18n._
        super().__init__(
            ctx,
            _("Translation memory"),
            _(
                "An approved translation is used instead of machine translation whenever a text "
                "matches it closely (at least 90%), and is labelled as such. Canned replies keep "
                "their approved translations here too."
            ),
            [_("From"), _("To"), _("Text"), _("Approved translation"), _("Origin")],
            (2, 3),
            _("Add translation"),
            parent,
        )
        self.table.setObjectName("memoryTable")
        self._macros: list[str | None] = []
        ctx.tasks.run_store(translation_data.memory, self._show, owner=self)

    def _show(self, rows: list[MemoryRow]) -> None:
        for row in rows:
            self.add_row(
                [
                    row.source_language,
                    row.target_language,
                    row.source_text,
                    row.target_text,
                    row.origin,
                ],
                row.uid,
            )
            self._macros.append(row.macro_uid)

    def rows(self) -> list[MemoryRow]:
        result = []
        for index, uid in enumerate(self.uids):
            source, target, text, translated, origin = self.cells(index)
            if source and target and text and translated:
                macro = self._macros[index] if index < len(self._macros) else None
                result.append(
                    MemoryRow(
                        uid,
                        source.lower(),
                        target.lower(),
                        text,
                        translated,
                        origin if origin in ORIGINS else "lead",
                        macro,
                    )
                )
        return result

    def save(self) -> None:
        rows, deleted, now = self.rows(), list(self.deleted), self._ctx.clock()
        service = self._ctx.translation

        self._ctx.tasks.run_store(
            lambda store: translation_data.save_memory(store, rows, deleted, now, service),
            self.saved_and_close,
            owner=self,
        )
