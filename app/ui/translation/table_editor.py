"""A dialog editing team data as a table (glossary, translation memory): add, remove, save."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.ops.context import AppContext


class TableEditorDialog(QDialog):
    """Rows of text cells, each row with the uid of what it edits ("" for a new row).

    Signals:
        saved(object): the rows were written to the store (the save's Changes).
    """

    saved = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        title: str,
        note: str,
        headers: list[str],
        stretch: tuple[int, ...],
        add_label: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        _ = ctx.i18n._
        self.setWindowTitle(title)
        self.resize(880, 500)
        self.uids: list[str] = []
        self.deleted: list[str] = []
        explanation = QLabel(note, self)
        explanation.setWordWrap(True)
        explanation.setObjectName("muted")
        self.table = QTableWidget(0, len(headers), self)
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().hide()
        for column in stretch:
            self.table.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.Stretch
            )
        add = QPushButton(add_label, self)
        add.clicked.connect(lambda: self.add_row([""] * len(headers)))
        remove = QPushButton(_("Remove"), self)
        remove.clicked.connect(self._remove_selected)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)

    def add_row(self, cells: list[str | None], uid: str = "") -> None:
        index = self.table.rowCount()
        self.table.insertRow(index)
        for column, text in enumerate(cells):
            self.table.setItem(index, column, QTableWidgetItem(text or ""))
        self.uids.append(uid)

    def cells(self, index: int) -> list[str]:
        """A row's cells, stripped ("" for an empty cell)."""
        return [
            (item.text().strip() if (item := self.table.item(index, c)) else "")
            for c in range(self.table.columnCount())
        ]

    def _remove_selected(self) -> None:
        for index in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            if self.uids[index]:
                self.deleted.append(self.uids[index])
            del self.uids[index]
            self.table.removeRow(index)

    def save(self) -> None:  # pragma: no cover - every subclass saves its own rows
        raise NotImplementedError

    def saved_and_close(self, changes: Changes) -> None:
        self.saved.emit(changes)
        self.accept()
