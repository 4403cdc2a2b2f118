"""Translating a held reply by hand: a colleague or lead writes what the customer reads."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.models import Message
from app.ops.context import AppContext
from app.translation.api import Provenance, ProvenanceKind
from app.ui.shell.labels import localize


class HeldReplyDialog(QDialog):
    """The agent's words, and an editor for the human translation, pre-filled with the
    translation the agent edited by hand if they did (else a machine suggestion on request),
    so the translator corrects rather than starts from nothing.

    Signals:
        release_requested(object, str): the message and its human translation, to send.
    """

    release_requested = Signal(object, str)

    def __init__(self, ctx: AppContext, message: Message, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._message = message
        i18n = ctx.i18n
        _ = i18n._
        self.setWindowTitle(_("Translate and send"))
        self.resize(640, 480)
        source = message.original_language or ctx.agent_language
        target = message.language or source
        original_label = QLabel(
            _("The agent wrote ({language}):").format(language=i18n.language_name(source)), self
        )
        self.original = QPlainTextEdit(self)
        self.original.setReadOnly(True)
        self.original.setPlainText(message.original_body or message.body)
        target_label = QLabel(
            _("What the customer will read ({language}):").format(
                language=i18n.language_name(target)
            ),
            self,
        )
        self.translation = QPlainTextEdit(self)
        self.translation.setObjectName("humanTranslation")
        self.suggest = QPushButton(_("Suggest a machine translation"), self)
        self.suggest.clicked.connect(lambda: self._suggest(source, target))
        self.suggest.setEnabled(ctx.translation is not None)
        self.status = QLabel(self)
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        provenance = Provenance.from_json(message.provenance)
        if (
            provenance is not None
            and provenance.kind == ProvenanceKind.HUMAN_EDITED
            and message.body.strip()
        ):
            self.translation.setPlainText(message.body)
            self.status.setText(
                _(
                    "This is the agent's own edit of the machine translation: check it against"
                    " their words above before sending."
                )
            )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.send = buttons.addButton(_("Send"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.send.setObjectName("primary")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (
            original_label,
            self.original,
            target_label,
            self.translation,
            self.suggest,
            self.status,
            buttons,
        ):
            layout.addWidget(widget)

    def _suggest(self, source: str, target: str) -> None:
        service = self._ctx.translation
        if service is None:
            return
        text = self.original.toPlainText()
        self.status.setText(self._ctx.i18n._("Translating…"))
        self._ctx.tasks.run(
            lambda: service.pipeline().translate([text], source, target)[0].text,
            self._suggested,
            self._failed,
            owner=self,
        )

    def _suggested(self, text: str) -> None:
        if not self.translation.toPlainText().strip():
            self.translation.setPlainText(text)
        self.status.setText(self._ctx.i18n._("Machine suggestion: check every sentence."))

    def _failed(self, error: BaseException) -> None:
        self.status.setText(localize(self._ctx.i18n, error))

    def _accept(self) -> None:
        text = self.translation.toPlainText()
        if not text.strip():
            self.status.setText(self._ctx.i18n._("Write the translation first."))
            return
        self.release_requested.emit(self._message, text)
        self.accept()
