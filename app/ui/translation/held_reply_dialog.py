"""A held reply's dialogs: a colleague or lead writes what the customer reads, or the
reply is given to a colleague to translate."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.display import display_text
from app.domain.errors import ReplyWindowClosedError
from app.domain.models import Message
from app.ops import held, reply
from app.ops.context import AppContext
from app.translation.api import Provenance, ProvenanceKind
from app.ui.shell.labels import localize


class HeldReplyDialog(QDialog):
    """The agent's words, and an editor for the human translation, pre-filled with the
    translation the agent edited by hand if they did (else a machine suggestion on request),
    so the translator corrects rather than starts from nothing.

    It sends the reply itself and closes only once it is sent: a refusal (WhatsApp's
    window has closed, a colleague sent it meanwhile) is said here, with the translation
    still in the editor and the reply still held.

    Signals:
        released(object): the send's Changes.
        template_requested(): the window has closed; the agent wants an approved template.
    """

    released = Signal(object)
    template_requested = Signal()

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
        self.refusal = QLabel(self)  # why it cannot be sent (the window has closed)
        self.refusal.setObjectName("windowRefusal")
        self.refusal.setStyleSheet("color: #B42318;")
        self.refusal.setTextFormat(Qt.TextFormat.PlainText)
        self.refusal.setWordWrap(True)
        self.refusal.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.keep = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.template = buttons.addButton(
            _("Choose template…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.template.setObjectName("chooseTemplate")
        self.template.clicked.connect(self.template_requested.emit)  # this dialog stays
        self.template.hide()
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
            self.refusal,
            buttons,
        ):
            layout.addWidget(widget)
        now, cid = ctx.clock(), message.conversation_id
        ctx.tasks.run_store(  # say up front, before the translator writes in vain
            lambda store: reply.window_refusal(store, cid, now),
            self._window_checked,
            self._failed,
            owner=self,
        )

    def _window_checked(self, refusal: ReplyWindowClosedError | None) -> None:
        if refusal is not None:
            self._refused(refusal)

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
        message, me, now = self._message, self._ctx.workspace.me_id, self._ctx.clock()
        # One send at a time, and not closed mid-send (the pane would miss the change).
        self.send.setEnabled(False)
        if self.keep is not None:
            self.keep.setEnabled(False)
        self._ctx.tasks.run_store(
            lambda store: reply.release_held(store, message, text, me, now),
            self._released,
            self._refused,
            owner=self,
        )

    def _released(self, changes: Changes) -> None:
        self.released.emit(changes)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        """Not sent: say why here; the translation stays in the editor, the reply held."""
        self.send.setEnabled(True)
        if self.keep is not None:
            self.keep.setEnabled(True)
        if not isinstance(error, ReplyWindowClosedError):
            self.status.setText(localize(self._ctx.i18n, error))
            return
        _ = self._ctx.i18n._
        self.refusal.setText(
            localize(self._ctx.i18n, error)
            + " "
            + _("The reply stays held until you send it or take it back.")
        )
        self.refusal.show()
        self.template.setVisible(error.template_allowed)
        if self.keep is not None:
            self.keep.setText(_("Keep it held"))


class AssignTranslatorDialog(QDialog):
    """Give a held reply to a colleague to translate. Agents have no language list, so
    every agent is offered, those whose recent replies went out in the customer's language
    first (with how many): the team's own record of who writes it.

    Signals:
        chosen(object): the agent id, or None for "anyone".
    """

    chosen = Signal(object)

    def __init__(self, ctx: AppContext, message: Message, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._message = message
        i18n = ctx.i18n
        _ = i18n._
        self.setWindowTitle(_("Assign to colleague"))
        self.resize(420, 380)
        self._language = message.language or ""
        intro = QLabel(
            _("Who translates this reply into {language}?").format(
                language=i18n.language_name(self._language)
            )
            if self._language
            else _("Who translates this reply?"),
            self,
        )
        intro.setWordWrap(True)
        self.agents = QListWidget(self)
        self.agents.setObjectName("translators")
        self.agents.itemDoubleClicked.connect(lambda _item: self._accept())
        self.status = QLabel(_("Loading colleagues…"), self)
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.assign = buttons.addButton(_("Assign"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.assign.setObjectName("primary")
        self.assign.setEnabled(False)
        self.anyone = buttons.addButton(_("Anyone"), QDialogButtonBox.ButtonRole.ResetRole)
        self.anyone.setToolTip(_("No one in particular: it stays in Needs translation"))
        self.anyone.clicked.connect(lambda: self._choose(None))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (intro, self.agents, self.status, buttons):
            layout.addWidget(widget)
        ctx.tasks.run_store(
            lambda store: held.translators(store, self._language),
            self._show,
            self._failed,
            owner=self,
        )

    def _show(self, translators: tuple[held.Translator, ...]) -> None:
        i18n = self._ctx.i18n
        _ = i18n._
        me = self._ctx.workspace.me_id
        language = i18n.language_name(self._language) if self._language else ""
        self.agents.clear()
        for translator in translators:
            name = display_text(translator.name, 80)
            if translator.agent_id == me:
                name = _("{name} (you)").format(name=name)
            if translator.replies and language:
                count = i18n.ngettext(
                    "{count} recent reply in {language}",
                    "{count} recent replies in {language}",
                    translator.replies,
                ).format(count=i18n.number(translator.replies), language=language)
                name = f"{name} — {count}"
            item = QListWidgetItem(name, self.agents)
            item.setData(Qt.ItemDataRole.UserRole, translator.agent_id)
            if translator.agent_id == self._message.held_for_agent_id:
                self.agents.setCurrentItem(item)
        if self.agents.currentItem() is None and self.agents.count():
            self.agents.setCurrentRow(0)
        self.assign.setEnabled(self.agents.count() > 0)
        self.status.setText("" if self.agents.count() else _("No colleagues in this workspace."))

    def _failed(self, error: BaseException) -> None:
        self.status.setText(localize(self._ctx.i18n, error))

    def _accept(self) -> None:
        item = self.agents.currentItem()
        if item is not None:
            self._choose(int(item.data(Qt.ItemDataRole.UserRole)))

    def _choose(self, agent_id: int | None) -> None:
        self.chosen.emit(agent_id)
        self.accept()
