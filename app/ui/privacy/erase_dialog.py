""" "Erase…": the confirmation before a customer is erased for their request.

It names what goes (their conversations with every message, note, attachment and
translation, their details and notes, translation-memory entries that carry their name or
contacts; the server is asked to erase them too), says it cannot be undone, and asks the
agent to type the customer's name: a destructive step is never one click or one Enter.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.i18n import I18n
from app.ui.conversation.header import plain_label
from app.ui.privacy import texts
from app.ui.shell.accessible import name_icon_buttons

TYPED_CHARS = 200


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


class EraseDialog(QDialog):
    """Accepted only once the customer's name is typed (case and spacing aside)."""

    def __init__(self, i18n: I18n, customer_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _ = i18n._
        self._name = customer_name
        shown = texts.customer_text(i18n, customer_name)
        self.setWindowTitle(_("Erase customer"))
        self.setObjectName("eraseCustomerDialog")
        self.explanation = plain_label(self)
        self.explanation.setObjectName("eraseExplanation")
        self.explanation.setWordWrap(True)
        self.explanation.setText(
            _(
                "This erases {name} from this workspace: all their conversations with every "
                "message, note, attachment and translation; their details and the notes on "
                "them; translation-memory entries and cached translations that carry their "
                "name or contact details. The server is asked to erase them too. The data "
                "request is then marked fulfilled (only counts are kept).\n\n"
                "This cannot be undone."
            ).format(name=shown)
        )
        self.prompt = plain_label(self)
        self.prompt.setWordWrap(True)
        self.prompt.setText(_("Type the customer's name to confirm: {name}").format(name=shown))
        self.typed = QLineEdit(self)
        self.typed.setObjectName("eraseConfirmName")
        self.typed.setMaxLength(TYPED_CHARS)
        self.typed.setAccessibleName(_("Customer's name, to confirm the erasure"))
        self.typed.setClearButtonEnabled(True)
        name_icon_buttons(self.typed, _("Clear"))
        self.buttons = QDialogButtonBox(self)
        self.erase_button = self.buttons.addButton(
            _("Erase permanently"), QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.erase_button.setObjectName("eraseConfirm")
        self.erase_button.setAutoDefault(False)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)
        self.erase_button.clicked.connect(self._erase)
        self.buttons.rejected.connect(self.reject)
        self.typed.textChanged.connect(lambda _t: self._update())
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.prompt)
        layout.addWidget(self.typed)
        layout.addWidget(self.buttons)
        self.resize(480, 260)
        self._update()
        self.typed.setFocus()

    def confirmed(self) -> bool:
        """The typed name matches the customer's (never for an empty name)."""
        return bool(_folded(self._name)) and _folded(self.typed.text()) == _folded(self._name)

    def _update(self) -> None:
        self.erase_button.setEnabled(self.confirmed())

    def _erase(self) -> None:
        if self.confirmed():
            self.accept()
