"""The reply in the customer's language, live, with a back-translation to check it.

While the agent types in their own language, a preview in the customer's
language is made off the UI thread (greedy decoding, then a wider beam once
typing pauses) and translated back so the agent can check the meaning. The
agent may edit the customer-language text; what is sent is exactly the text in
the preview box, with its provenance (MT pack, memory, or edited by the agent).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.context import AppContext
from app.services.tasks import TaskHandle
from app.services.translation import SEND_BEAM, Preview
from app.translation.engine import NoRouteError
from app.translation.pipeline import Provenance, primary
from app.ui.conversation.header import plain_label
from app.ui.labels import localize, provenance_text

PREVIEW_DEBOUNCE_MS = 400


@dataclass(frozen=True, slots=True)
class Outgoing:
    """What will be sent: the text, its language and where it came from."""

    text: str
    language: str
    provenance: Provenance


class ReplyTranslation(QFrame):
    """Preview, back-translation and the translation choices under the composer.

    Signals:
        human_translation_requested(): hold the reply for a colleague to translate.
        state_changed(): the preview started, arrived, was edited or failed.
    """

    human_translation_requested = Signal()
    state_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replyTranslation")
        self._ctx = ctx
        _ = ctx.i18n._
        self.customer_tag: str | None = None
        self.source_text = ""  # the agent's text the preview belongs to
        self.preview: Preview | None = None
        self.edited = False
        self.pending = False
        self.problem: str | None = None
        self._handle: TaskHandle | None = None
        self._loading = False

        self.title = QLabel(self)
        self.title.setObjectName("sectionTitle")
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("previewEdit")
        self.editor.setMinimumHeight(48)
        self.editor.setMaximumHeight(84)
        self.editor.setAccessibleName(_("Reply in the customer's language"))
        self.editor.textChanged.connect(self._preview_edited)
        self.provenance = plain_label(self, "muted")
        self.back = plain_label(self, "backTranslation")
        self.back.setWordWrap(True)
        self.status = plain_label(self, "muted")
        self.untranslated = QCheckBox(_("Send without translation"), self)
        self.untranslated.setObjectName("sendUntranslated")
        self.untranslated.toggled.connect(self._untranslated_toggled)
        self.human = QPushButton(_("Needs human translation"), self)
        self.human.setObjectName("needsHuman")
        self.human.setToolTip(
            _("Keep the reply for a colleague or lead to translate; it is not sent until they do.")
        )
        self.human.clicked.connect(self.human_translation_requested.emit)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(PREVIEW_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._start_preview)
        self._pending_text = ""

        options = QHBoxLayout()
        options.addWidget(self.untranslated)
        options.addStretch(1)
        options.addWidget(self.human)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.editor)
        layout.addWidget(self.provenance)
        layout.addWidget(self.back)
        layout.addWidget(self.status)
        layout.addLayout(options)
        self.set_customer_language(None)

    # ------------------------------------------------------------------ state
    @property
    def active(self) -> bool:
        """True when replies to this customer are translated."""
        return (
            self._ctx.translation is not None
            and self.customer_tag is not None
            and primary(self.customer_tag) != primary(self._ctx.agent_language)
        )

    def set_customer_language(self, tag: str | None) -> None:
        """The conversation's language: show the panel only when a translation is needed."""
        self.customer_tag = tag
        self._reset()  # the title says what will happen (collapsed until the agent writes)
        self.setVisible(self.active)

    def _show_preview_area(self, shown: bool) -> None:
        # Collapsed while the agent has not written anything: the thread keeps the room.
        for widget in (self.editor, self.provenance, self.back):
            widget.setVisible(shown)
        if self.customer_tag:
            i18n = self._ctx.i18n
            template = (
                i18n._("The customer will read ({language}):")
                if shown
                else i18n._("Your reply will be translated into {language}.")
            )
            self.title.setText(template.format(language=i18n.language_name(self.customer_tag)))

    def _reset(self) -> None:
        self._show_preview_area(False)
        if self._handle is not None:
            self._handle.cancel()
        self._debounce.stop()
        self.source_text, self.preview, self.edited, self.pending = "", None, False, False
        self.problem = None
        self._loading = True
        self.editor.setPlainText("")
        self._loading = False
        self.provenance.setText("")
        self.back.setText("")
        self.status.setText("")
        self.untranslated.setChecked(False)

    def text_changed(self, text: str) -> None:
        """The agent's text changed: a new preview after a pause in typing."""
        if not self.active or self.untranslated.isChecked():
            return
        self._pending_text = text
        if not text.strip():
            self._reset()
            self.state_changed.emit()
            return
        if self.edited and text == self.source_text:
            return
        self._show_preview_area(True)
        self.pending = True
        self.status.setText(self._ctx.i18n._("Translating…"))
        self._debounce.start()
        self.state_changed.emit()

    def refresh_now(self) -> None:
        """Make the preview at once (the agent tried to send before it was ready)."""
        if self._debounce.isActive():
            self._debounce.stop()
            self._start_preview()

    def outgoing(self, agent_text: str) -> Outgoing | None:
        """What to send for ``agent_text``, or None while the preview is not up to date."""
        agent = self._ctx.agent_language
        if not self.active or self.untranslated.isChecked():
            return Outgoing(
                agent_text,
                agent,
                Provenance("untranslated", source_language=agent, target_language=agent),
            )
        if self.pending or self.preview is None or self.source_text != agent_text:
            return None
        text = self.editor.toPlainText()
        if not text.strip():
            return None
        provenance = self.preview.provenance
        if self.edited:
            provenance = Provenance(
                "human_edited",
                provenance.route,
                provenance.pivots,
                source_language=agent,
                target_language=self.customer_tag,
            )
        assert self.customer_tag is not None
        return Outgoing(text, self.customer_tag, provenance)

    # ------------------------------------------------------------------ preview
    def _start_preview(self, beam: int | None = None) -> None:
        service, text, tag = self._ctx.translation, self._pending_text, self.customer_tag
        if service is None or tag is None or not text.strip():
            return
        agent = self._ctx.agent_language
        kwargs = {"beam": beam} if beam is not None else {}
        self._handle = self._ctx.tasks.run(
            lambda: service.preview(text, agent, tag, **kwargs),
            lambda preview: self._arrived(preview, refine=beam is None),
            self._failed,
            key="reply-preview",
            owner=self,
        )

    def _arrived(self, preview: Preview, *, refine: bool) -> None:
        if preview.source_text != self._pending_text:
            return  # the agent kept typing; a newer preview is on its way
        self.preview, self.source_text, self.pending, self.edited = (
            preview,
            preview.source_text,
            False,
            False,
        )
        self.problem = None
        self._loading = True
        self.editor.setPlainText(preview.text)
        self._loading = False
        i18n = self._ctx.i18n
        self.provenance.setText(provenance_text(i18n, preview.provenance))
        self.back.setText(
            i18n._("Back-translation: {text}").format(text=preview.back_translation or "")
        )
        self.status.setText("")
        self.state_changed.emit()
        if refine and preview.provenance.kind == "mt":  # the better beam, once typing paused
            self._start_preview(beam=SEND_BEAM)

    def _failed(self, error: BaseException) -> None:
        self.pending = False
        i18n = self._ctx.i18n
        if isinstance(error, NoRouteError):
            self.problem = i18n._(
                "{reason} Install a pack, send without translation, or ask for a human translation."
            ).format(reason=localize(i18n, error))
        else:
            self.problem = i18n._("The translation failed: {error}").format(
                error=localize(i18n, error)
            )
        self.status.setText(self.problem)
        self.state_changed.emit()

    def _preview_edited(self) -> None:
        if self._loading or self.preview is None:
            return
        self.edited = True
        self.provenance.setText(
            self._ctx.i18n._("Edited by you; the back-translation follows your text.")
        )
        service, text, tag = self._ctx.translation, self.editor.toPlainText(), self.customer_tag
        if service is None or tag is None:
            return
        agent = self._ctx.agent_language
        self._ctx.tasks.run(
            lambda: service.back_translate(text, tag, agent),
            lambda back: self._back_arrived(text, back),
            self._failed,
            key="reply-back-translation",
            owner=self,
        )
        self.state_changed.emit()

    def _back_arrived(self, text: str, back: str) -> None:
        if text == self.editor.toPlainText():
            self.back.setText(self._ctx.i18n._("Back-translation: {text}").format(text=back))

    def _untranslated_toggled(self, checked: bool) -> None:
        self.editor.setEnabled(not checked)
        if not checked and self._pending_text.strip():
            self.text_changed(self._pending_text)
        self.state_changed.emit()
