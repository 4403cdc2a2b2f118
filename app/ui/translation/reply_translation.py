"""The reply in the customer's language, live, with a back-translation to check it.

While the agent types in their own language, a preview in the customer's
language is made off the UI thread (greedy decoding, then a wider beam once
typing pauses) and translated back so the agent can check the meaning. The
agent may edit the customer-language text; what is sent is exactly the text in
the preview box, with its provenance (MT pack, memory, or edited by the agent).

Nothing the agent wrote is overwritten: once the preview is edited by hand, a
change to the agent's own text only marks it out of date (Regenerate replaces
it, on request). A machine translation that may be truncated is labelled so and
cannot be sent until the agent edits it or confirms it ("Send anyway").
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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

from app.ops.context import AppContext
from app.ops.tasks import TaskHandle
from app.ops.translation import SEND_BEAM, Preview
from app.translation.engine import NoRouteError
from app.translation.pipeline import Provenance, primary
from app.ui.conversation.header import plain_label
from app.ui.shell.labels import localize, provenance_text

PREVIEW_DEBOUNCE_MS = 400
# The confidence shown for a translation that may be truncated: at most "low", whatever the
# model's own probabilities say (they are high for a fluent sentence that simply stops).
INCOMPLETE_CONFIDENCE = 0.0


@dataclass(frozen=True, slots=True)
class Outgoing:
    """What will be sent: the text, its language and where it came from."""

    text: str
    language: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class EditedPreview:
    """A hand-edited preview kept while the agent looks at another conversation."""

    customer_tag: str
    source_text: str  # the agent's text the edit was made against
    text: str
    back_translation: str
    preview: Preview | None


class ReplyTranslation(QFrame):
    """Preview, back-translation and the translation choices under the composer.

    Signals:
        human_translation_requested(): hold the reply for a colleague to translate.
        state_changed(): the preview started, arrived, was edited or failed.
        send_confirmed(): the agent chose "Send anyway" on a possibly incomplete translation.
    """

    human_translation_requested = Signal()
    state_changed = Signal()
    send_confirmed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replyTranslation")
        self._ctx = ctx
        _ = ctx.i18n._
        self.customer_tag: str | None = None
        self.source_text = ""  # the agent's text the preview belongs to
        self.preview: Preview | None = None
        self.edited = False
        self.stale = False  # edited, then the agent's text changed
        self.confirmed = False  # "Send anyway" on a possibly incomplete translation
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
        self.warning = plain_label(self, "notice")
        self.warning.setWordWrap(True)
        self.regenerate = QPushButton(_("Regenerate"), self)
        self.regenerate.setObjectName("regenerateTranslation")
        self.regenerate.setToolTip(
            _("Replace your edited translation with a new translation of your text.")
        )
        self.regenerate.clicked.connect(self.regenerate_preview)
        self.send_anyway = QPushButton(_("Send anyway"), self)
        self.send_anyway.setObjectName("sendAnyway")
        self.send_anyway.clicked.connect(self.confirm_incomplete)
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

        warning_row = QHBoxLayout()
        warning_row.addWidget(self.warning, 1)
        warning_row.addWidget(self.regenerate)
        warning_row.addWidget(self.send_anyway)
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
        layout.addLayout(warning_row)
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

    @property
    def incomplete(self) -> bool:
        """The machine translation on show may be truncated and the agent has not edited it."""
        return self.preview is not None and self.preview.provenance.incomplete and not self.edited

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

    def clear(self) -> None:
        """Forget the preview (the reply was sent or held): the next reply starts afresh."""
        self._reset()
        self.state_changed.emit()

    def _reset(self) -> None:
        self._show_preview_area(False)
        if self._handle is not None:
            self._handle.cancel()
        self._debounce.stop()
        self.source_text, self.preview, self.edited, self.pending = "", None, False, False
        self.stale = self.confirmed = False
        self.problem = None
        self._loading = True
        self.editor.setPlainText("")
        self._loading = False
        self.provenance.setText("")
        self.back.setText("")
        self.status.setText("")
        self.untranslated.setChecked(False)
        self._update_warning()

    def text_changed(self, text: str) -> None:
        """The agent's text changed: a new preview after a pause in typing.

        A preview the agent edited by hand is never replaced from here: it is only
        marked out of date (Regenerate replaces it when the agent asks).
        """
        if not self.active or self.untranslated.isChecked():
            return
        self._pending_text = text
        if self.edited:
            self.stale = text != self.source_text
            self._update_warning()
            self.state_changed.emit()
            return
        if not text.strip():
            self._reset()
            self.state_changed.emit()
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

    def regenerate_preview(self) -> None:
        """The agent asked for a new translation of their text, replacing their edit."""
        self.edited = self.stale = self.confirmed = False
        self.text_changed(self._pending_text)
        self.refresh_now()

    def confirm_incomplete(self) -> None:
        """The agent checked the possibly incomplete translation and sends it as it is."""
        self.confirmed = True
        self._update_warning()
        self.state_changed.emit()
        self.send_confirmed.emit()

    def outgoing(self, agent_text: str) -> Outgoing | None:
        """What to send for ``agent_text``, or None while the preview is not up to date."""
        agent = self._ctx.agent_language
        if not self.active or self.untranslated.isChecked():
            return Outgoing(
                agent_text,
                agent,
                Provenance("untranslated", source_language=agent, target_language=agent),
            )
        assert self.customer_tag is not None
        text = self.editor.toPlainText()
        if not text.strip() or self.source_text != agent_text:
            return None
        if self.edited:
            return self.edited_outgoing()
        if self.pending or self.preview is None or (self.incomplete and not self.confirmed):
            return None
        return Outgoing(text, self.customer_tag, self.preview.provenance)

    def edited_outgoing(self) -> Outgoing | None:
        """The agent's hand-edited translation, even out of date (a held reply keeps it as
        the translator's starting point); None if they have not edited one."""
        text = self.editor.toPlainText()
        if not self.active or not self.edited or not text.strip() or self.customer_tag is None:
            return None
        base = self.preview.provenance if self.preview is not None else None
        provenance = Provenance(
            "human_edited",
            base.route if base else None,
            base.pivots if base else (),
            source_language=self._ctx.agent_language,
            target_language=self.customer_tag,
        )
        return Outgoing(text, self.customer_tag, provenance)

    def blocked_reason(self) -> str:
        """Why ``outgoing`` gave nothing, and what to do about it (for the notice)."""
        _ = self._ctx.i18n._
        if self.problem:
            return self.problem
        if self.stale:
            return _(
                "Your text changed after you edited the translation. Regenerate the translation"
                " or edit it to match your text, then send again."
            )
        if self.incomplete and not self.pending and not self.confirmed:
            return _(
                "This translation may be incomplete. Check it against your text and edit it,"
                " or choose “Send anyway”."
            )
        return _("The translation is not ready yet: check it below, then send again.")

    # ------------------------------------------------------------------ edits kept aside
    def edited_state(self) -> EditedPreview | None:
        """The agent's hand-edited preview, to keep while another conversation is open."""
        if not self.edited or self.customer_tag is None:
            return None
        return EditedPreview(
            self.customer_tag,
            self.source_text,
            self.editor.toPlainText(),
            self.back.text(),
            self.preview,
        )

    def restore(self, state: EditedPreview, agent_text: str) -> bool:
        """Show a kept edit again (same language only); False if it no longer applies."""
        if not self.active or self.customer_tag is None:
            return False
        if primary(state.customer_tag) != primary(self.customer_tag):
            return False  # the conversation's language changed: the edit is for another one
        if self._handle is not None:
            self._handle.cancel()
        self._debounce.stop()
        self.untranslated.setChecked(False)
        self.preview, self.source_text, self.problem = state.preview, state.source_text, None
        self.edited, self.pending, self.confirmed = True, False, False
        self._pending_text = agent_text
        self.stale = agent_text != state.source_text
        self._show_preview_area(True)
        self._loading = True
        self.editor.setPlainText(state.text)
        self._loading = False
        self.provenance.setText(
            self._ctx.i18n._("Edited by you; the back-translation follows your text.")
        )
        self.back.setText(state.back_translation)
        self.status.setText("")
        self._update_warning()
        self.state_changed.emit()
        return True

    def _update_warning(self) -> None:
        """Out of date after an edit, or possibly incomplete: say so, next to what to do."""
        _ = self._ctx.i18n._
        incomplete = self.incomplete and not self.confirmed and not self.pending
        if self.stale:
            self.warning.setText(_("Your text changed after you edited the translation."))
        elif incomplete:
            self.warning.setText(
                _("This translation may be incomplete: check it against your text.")
            )
        self.warning.setVisible(self.stale or incomplete)
        self.regenerate.setVisible(self.stale)
        self.send_anyway.setVisible(incomplete and not self.stale)

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
        if self.edited:
            return  # the agent edited the preview meanwhile: their text wins
        self.preview, self.source_text, self.pending = preview, preview.source_text, False
        self.problem, self.confirmed = None, False
        self._loading = True
        self.editor.setPlainText(preview.text)
        self._loading = False
        i18n = self._ctx.i18n
        shown = preview.provenance
        if shown.incomplete and shown.confidence is not None:
            shown = replace(shown, confidence=min(shown.confidence, INCOMPLETE_CONFIDENCE))
        self.provenance.setText(provenance_text(i18n, shown))
        self.back.setText(
            i18n._("Back-translation: {text}").format(text=preview.back_translation or "")
        )
        self.status.setText("")
        self._update_warning()
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
        self._update_warning()
        self.state_changed.emit()

    def _preview_edited(self) -> None:
        """The agent edited the customer-language text: it is now theirs, for their text as
        it stands (a later change to their text only marks it out of date)."""
        if self._loading or not self.active or (self.preview is None and not self.pending):
            return
        self._debounce.stop()
        self.edited, self.stale, self.pending = True, False, False
        self.source_text = self._pending_text
        self.status.setText("")
        self.provenance.setText(
            self._ctx.i18n._("Edited by you; the back-translation follows your text.")
        )
        self._update_warning()
        service, text, tag = self._ctx.translation, self.editor.toPlainText(), self.customer_tag
        if service is not None and tag is not None:
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
