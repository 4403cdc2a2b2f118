"""The keyboard shortcuts help, generated from the window's own actions (so it cannot drift)."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import I18n

# A dynamic property: an action of a pane (not of the window's menus) that this help lists
# too, found among the window's children (the inbox's Alt+1 ... Alt+8 queue keys).
LISTED_IN_HELP = "listedInShortcutHelp"


class ShortcutsDialog(QDialog):
    """A two-column table: what the action does, which keys do it."""

    def __init__(self, i18n: I18n, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _ = i18n._
        self.setWindowTitle(_("Keyboard shortcuts"))
        self.resize(520, 480)
        if parent is not None:
            actions = actions + [
                a
                for a in parent.findChildren(QAction)
                if a.property(LISTED_IN_HELP) and a not in actions
            ]
        rows = [(a.text().replace("&", ""), a.shortcuts()) for a in actions if a.shortcuts()]
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels([_("Action"), _("Keys")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        for row, (text, keys) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(text))
            shown = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
            self.table.setItem(row, 1, QTableWidgetItem(shown))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
