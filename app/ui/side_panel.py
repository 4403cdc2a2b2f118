"""The right-hand panel: the customer card now; etiquette and knowledge join it later."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.domain.models import ConversationDetail
from app.i18n import I18n
from app.ui.conversation.header import plain_label
from app.ui.labels import isolate


class SidePanel(QFrame):
    """Customer details beside the conversation (country, language, zone, contacts)."""

    def __init__(self, i18n: I18n, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidePanel")
        self._i18n = i18n
        _ = i18n._
        title = QLabel(_("Customer"), self)
        title.setObjectName("sectionTitle")
        self.card = plain_label(self, "customerCard")
        self.card.setWordWrap(True)
        # Absolute left: a right-to-left name must not flip its own line to the right.
        self.card.setAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignTop
        )
        self.card.setText(_("No conversation selected."))
        later = QLabel(
            _(
                "Etiquette, local holidays and knowledge articles for this customer "
                "will appear here."
            ),
            self,
        )
        later.setObjectName("muted")
        later.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 14, 14, 14)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(self.card)
        layout.addSpacing(12)
        layout.addWidget(later)
        layout.addStretch(1)

    def show_detail(self, detail: ConversationDetail | None, now: int) -> None:
        i18n = self._i18n
        if detail is None:
            self.card.setText(i18n._("No conversation selected."))
            return
        customer = detail.customer
        lines = [
            isolate(customer.name),
            i18n.country_name(customer.country),
            i18n._("Language: {language}").format(language=i18n.language_name(customer.language)),
            i18n._("Time zone: {zone}").format(zone=customer.timezone),
            i18n._("Local time: {time}").format(
                time=i18n.day_and_time(now, now, customer.timezone)
            ),
        ]
        lines += [f"{kind}: {isolate(handle)}" for kind, handle in sorted(customer.handles.items())]
        self.card.setText("\n".join(lines))
