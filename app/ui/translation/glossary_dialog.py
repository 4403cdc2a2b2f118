"""The team glossary: terms never translated, or always translated one approved way."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.ops import translation_data
from app.ops.context import AppContext
from app.ops.translation_data import GlossaryRow
from app.ui.translation.table_editor import TableEditorDialog


class GlossaryDialog(TableEditorDialog):
    """Term, approved rendering (empty: keep as is), languages (empty: any), note."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        _ = ctx.i18n._
        super().__init__(
            ctx,
            _("Glossary"),
            _(
                "Brand and product names are kept exactly as written in every language. Give a "
                "rendering to force a term's approved translation (for one target language, or "
                "all). Leave the languages empty to mean any."
            ),
            [
                _("Term"),
                _("Approved rendering (empty: keep as is)"),
                _("From language"),
                _("To language"),
                _("Note"),
            ],
            (1,),
            _("Add term"),
            parent,
        )
        self.table.setObjectName("glossaryTable")
        ctx.tasks.run_store(translation_data.glossary, self._show, owner=self)

    def _show(self, rows: list[GlossaryRow]) -> None:
        for row in rows:
            self.add_row(
                [row.term, row.rendering, row.source_language, row.target_language, row.note],
                row.uid,
            )

    def rows(self) -> list[GlossaryRow]:
        """The table's terms (rows without a term are ignored)."""
        result = []
        for index, uid in enumerate(self.uids):
            term, rendering, source, target, note = self.cells(index)
            if term:
                result.append(
                    GlossaryRow(
                        uid,
                        term,
                        rendering or None,
                        source.lower() or None,
                        target.lower() or None,
                        note,
                    )
                )
        return result

    def save(self) -> None:
        rows, deleted, now = self.rows(), list(self.deleted), self._ctx.clock()
        service = self._ctx.translation

        self._ctx.tasks.run_store(
            lambda store: translation_data.save_glossary(store, rows, deleted, now, service),
            self.saved_and_close,
            owner=self,
        )
