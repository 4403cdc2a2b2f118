"""A read-only table of conversations (queues, feedback): one row each, plain text."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.domain.models import ConversationRow
from app.i18n import I18n
from app.ui.shell.labels import channel_label, status_label

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def conversation_cells(i18n: I18n, row: ConversationRow) -> list[str]:
    _ = i18n._
    return [
        row.customer_name,
        row.subject or row.last_message_preview[:80],
        row.country,
        i18n.language_name(row.language),
        channel_label(i18n, row.channel),
        row.assignee_name or _("Unassigned"),
        status_label(i18n, row.status),
    ]


def conversation_headers(i18n: I18n) -> list[str]:
    _ = i18n._
    return [
        _("Customer"),
        _("Subject"),
        _("Country"),
        _("Language"),
        _("Channel"),
        _("Agent"),
        _("Status"),
    ]


class ConversationTable(QTableWidget):
    """Rows of text; each row carries its conversation id."""

    def __init__(self, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(list(headers))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)

    def set_rows(self, rows: Sequence[tuple[int, Sequence[str]]]) -> None:
        self.setRowCount(0)
        self.setRowCount(len(rows))
        for r, (conversation_id, cells) in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, conversation_id)
                self.setItem(r, c, item)
        self.resizeColumnsToContents()

    def ids(self) -> list[int]:
        items = (self.item(r, 0) for r in range(self.rowCount()))
        return [int(item.data(ID_ROLE)) for item in items if item is not None]

    def current_id(self) -> int | None:
        row = self.currentRow()
        item = self.item(row, 0) if row >= 0 else None
        return int(item.data(ID_ROLE)) if item is not None else None
