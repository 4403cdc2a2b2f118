""" "Merge customers…": the same person wrote from two handles (an e-mail and a WhatsApp
number). The agent finds the other customer, reads what will happen, and confirms;
the panel then offers Undo.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.display import display_text, isolated
from app.ops import customer
from app.ops.context import AppContext
from app.ops.customer import CustomerMerge
from app.ui.conversation.header import plain_label
from app.ui.shell.debounce import debouncer

SEARCH_DEBOUNCE_MS = 200
ID_ROLE = Qt.ItemDataRole.UserRole


class MergeCustomersDialog(QDialog):
    """Choose the customer to merge into the open one.

    Signals:
        merged(object): the CustomerMerge done (the panel offers Undo).
        changed(object): its Changes (the window's change path).
    """

    merged = Signal(object)
    changed = Signal(object)

    def __init__(
        self, ctx: AppContext, customer_id: int, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._customer_id = customer_id
        _ = ctx.i18n._
        self.setWindowTitle(_("Merge customers"))
        self.setObjectName("mergeCustomersDialog")
        intro = plain_label(self)
        intro.setWordWrap(True)
        intro.setText(
            _(
                "Find the other customer who is {name}. Their conversations and notes will "
                "show with this customer's; you can undo the merge right after."
            ).format(name=isolated(name, 80))
        )
        self.search = QLineEdit(self)
        self.search.setObjectName("mergeSearch")
        self.search.setPlaceholderText(_("Name, e-mail or phone"))
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget(self)
        self.results.setObjectName("mergeResults")
        self.results.currentItemChanged.connect(lambda *_a: self._update())
        self.error = plain_label(self, "warning")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(self)
        self.merge_button = self.buttons.addButton(
            _("Merge"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.merge)
        self.buttons.rejected.connect(self.reject)
        self._debounce = debouncer(self, SEARCH_DEBOUNCE_MS, self.look_up)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(420, 360)
        self._update()
        self.look_up()

    def look_up(self) -> None:
        text, who = self.search.text(), self._customer_id
        self._ctx.tasks.run_store(
            lambda store: customer.customer_choices(store, who, text),
            self._show,
            key="merge-choices",
            owner=self,
        )

    def _show(self, rows: list[tuple[int, str, str]]) -> None:
        self.results.clear()
        for cid, name, country in rows:
            country_name = self._ctx.i18n.country_name(country) or country
            item = QListWidgetItem(f"{display_text(name, 80)} · {display_text(country_name, 40)}")
            item.setData(ID_ROLE, cid)
            self.results.addItem(item)
        self._update()

    def _update(self) -> None:
        item = self.results.currentItem()
        self.merge_button.setEnabled(item is not None)

    def merge(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        absorbed, into = int(item.data(ID_ROLE)), self._customer_id

        def done(merge: CustomerMerge) -> None:
            self.merged.emit(merge)
            self.changed.emit(merge.changes)
            self.accept()

        def failed(error: BaseException) -> None:
            self.error.setText(
                self._ctx.i18n._("The customers were not merged: {reason}").format(
                    reason=str(error)[:200]
                )
            )
            self.error.show()

        self._ctx.tasks.run_store(
            lambda store: customer.merge_customers(store, absorbed, into), done, failed, owner=self
        )
