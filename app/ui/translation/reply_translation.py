"""The reply in the customer's language, live, with a back-translation to check it.

While the agent types in their own language, a preview in the customer's
language is made off the UI thread (greedy decoding, then a wider beam once
typing pauses) and translated back so the agent can check the meaning. The
agent may edit the customer-language text; what is sent is exactly the text in
the preview box, with its provenance (MT pack, memory, or edited by the agent).
The state and its rules are a Qt-free :class:`app.ops.reply.ReplyDraft`; this panel
shows it and reports the agent's actions to it.

Nothing the agent wrote is overwritten: once the preview is edited by hand, a
change to the agent's own text only marks it out of date (Regenerate replaces
it, on request). A machine translation that may be truncated is labelled so and
cannot be sent until the agent edits it or confirms it ("Send anyway").
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
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
from app.ops.reply import Blocked, EditedPreview, Outgoing, ReplyDraft, Typed
from app.ops.tasks import TaskHandle
from app.ops.translation import SEND_BEAM, Preview
from app.translation.api import NoRouteError, ProvenanceKind
from app.ui.conversation.header import plain_label
from app.ui.shell.debounce import debouncer
from app.ui.shell.labels import localize, provenance_details, provenance_text

__all__ = ["EditedPreview", "Outgoing", "ReplyTranslation"]

PREVIEW_DEBOUNCE_MS = 400
# The confidence shown for a translation that may be truncated: at most "low", whatever the
# model's own probabilities say (they are high for a fluent sentence that simply stops).
INCOMPLETE_CONFIDENCE = 0.0


class ReplyTranslation(QFrame):
    """Preview, back-translation and the translation choices under the composer.

    Signals:
        human_translation_requested(): hold the reply for a colleague to translate.
        state_changed(): the preview started, arrived, was edited or failed.
        send_confirmed(): the agent chose "Send anyway" on a possibly incomplete translation.
        send_requested(): Ctrl+Enter in the preview box: send, as from the composer.
        packs_requested(): the agent wants the language pack manager (no pack for this
            customer's language).
    """

    human_translation_requested = Signal()
    state_changed = Signal()
    send_confirmed = Signal()
    send_requested = Signal()
    packs_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replyTranslation")
        self._ctx = ctx
        _ = ctx.i18n._
        # Everything the panel shows and the rules about it; the widgets only display it.
        self.draft = ReplyDraft(ctx.agent_language, ctx.translation is not None)
        self._handle: TaskHandle | None = None
        self._loading = False

        self.title = QLabel(self)
        self.title.setObjectName("sectionTitle")
        self.title.setWordWrap(True)
        # Known before the agent types: no installed pack (or pivot) reaches this language.
        self.no_route: NoRouteError | None = None
        self.packs_link = QPushButton(_("Language packs…"), self)
        self.packs_link.setObjectName("replyPacks")
        self.packs_link.setFlat(True)
        self.packs_link.clicked.connect(self.packs_requested.emit)
        self.packs_link.hide()
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("previewEdit")
        self.editor.setMinimumHeight(48)
        self.editor.setMaximumHeight(84)
        self.editor.setAccessibleName(_("Reply in the customer's language"))
        self.editor.textChanged.connect(self._preview_edited)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):  # as in the composer, where it is typed
            shortcut = QShortcut(QKeySequence(keys), self.editor)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.send_requested.emit)
        self.provenance = plain_label(self, "muted")
        self.back = plain_label(self, "backTranslation")
        self.back.setWordWrap(True)
        self.provenance.setWordWrap(True)  # long reasons wrap: the pane stays narrow
        self.status = plain_label(self, "muted")
        self.status.setWordWrap(True)
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

        self._debounce = debouncer(self, PREVIEW_DEBOUNCE_MS, self._start_preview)

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
        title_row = QHBoxLayout()
        title_row.addWidget(self.title, 1)
        title_row.addWidget(self.packs_link)
        layout.addLayout(title_row)
        layout.addWidget(self.editor)
        layout.addWidget(self.provenance)
        layout.addWidget(self.back)
        layout.addWidget(self.status)
        layout.addLayout(warning_row)
        layout.addLayout(options)
        self.set_customer_language(None)

    # ------------------------------------------------------------------ state (the draft's)
    @property
    def active(self) -> bool:
        """True when replies to this customer are translated."""
        return self.draft.active

    @property
    def incomplete(self) -> bool:
        return self.draft.incomplete

    @property
    def customer_tag(self) -> str | None:
        return self.draft.customer_tag

    @property
    def edited(self) -> bool:
        return self.draft.edited

    @property
    def stale(self) -> bool:
        return self.draft.stale

    @property
    def pending(self) -> bool:
        return self.draft.pending

    @property
    def problem(self) -> str | None:
        """Why the translation failed, for the agent (None: it did not)."""
        error = self.draft.problem
        if error is None:
            return None
        i18n = self._ctx.i18n
        if isinstance(error, NoRouteError):
            return i18n._(
                "{reason} Install a pack, send without translation, or ask for a human translation."
            ).format(reason=localize(i18n, error))
        return i18n._("The translation failed: {error}").format(error=localize(i18n, error))

    def set_customer_language(self, tag: str | None) -> None:
        """The conversation's language: show the panel only when a translation is needed."""
        self.draft.set_customer_language(tag)
        self.no_route = None
        self._reset()  # the title says what will happen (collapsed until the agent writes)
        self.setVisible(self.active)
        self._check_route()

    def _check_route(self) -> None:
        """Find out now, not after typing, whether a pack can translate the reply."""
        service, tag = self._ctx.translation, self.draft.customer_tag
        if service is None or tag is None or not self.active:
            return
        agent = self._ctx.agent_language

        def failed(error: BaseException) -> None:
            if isinstance(error, NoRouteError):
                self._route_known(tag, error)

        self._ctx.tasks.run(
            lambda: service.route(agent, tag),
            lambda _route: self._route_known(tag, None),
            failed,
            key="reply-route",
            owner=self,
        )

    def _route_known(self, tag: str, error: NoRouteError | None) -> None:
        if tag != self.draft.customer_tag:
            return  # another conversation since
        self.no_route = error
        self._show_preview_area(bool(self.draft.agent_text.strip()))
        if error is not None and isinstance(self.draft.problem, NoRouteError):
            self._set_status("")  # the title already says it, with what to do

    def _show_preview_area(self, shown: bool) -> None:
        # Collapsed while the agent has not written anything: the thread keeps the room.
        for widget in (self.editor, self.provenance, self.back):
            widget.setVisible(shown and self.no_route is None)
        self.packs_link.setVisible(self.no_route is not None)
        tag = self.draft.customer_tag
        if tag and self.no_route is not None:
            i18n = self._ctx.i18n
            self.title.setText(
                i18n._(
                    "No pack can translate your reply into {language} yet: install one, or "
                    "send without translation."
                ).format(language=i18n.language_name(tag))
            )
        elif tag:
            i18n = self._ctx.i18n
            template = (
                i18n._("The customer will read ({language}):")
                if shown
                else i18n._("Your reply will be translated into {language}.")
            )
            self.title.setText(template.format(language=i18n.language_name(tag)))

    def clear(self) -> None:
        """Forget the preview (the reply was sent or held): the next reply starts afresh."""
        self.draft.reset()
        self._reset()
        self.state_changed.emit()

    def _reset(self) -> None:
        """Show the draft as reset: nothing translated, nothing coming."""
        self._show_preview_area(False)
        if self._handle is not None:
            self._handle.cancel()
        self._debounce.stop()
        self._set_editor("")
        self.provenance.setText("")
        self.provenance.setToolTip("")
        self.back.setText("")
        self._set_status("")
        self.untranslated.setChecked(False)
        self._update_warning()

    def _set_status(self, text: str) -> None:
        # An empty line would still take a line's height from the thread.
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _set_editor(self, text: str) -> None:
        self._loading = True
        try:
            self.editor.setPlainText(text)
        finally:
            self._loading = False

    def _show_back(self) -> None:
        self.back.setText(
            self._ctx.i18n._("Back-translation: {text}").format(
                text=self.draft.back_translation or ""
            )
        )

    def _show_edited(self) -> None:
        self.provenance.setToolTip("")
        self.provenance.setText(
            self._ctx.i18n._("Edited by you; the back-translation follows your text.")
        )

    def text_changed(self, text: str) -> None:
        """The agent's text changed: a new preview after a pause in typing.

        A preview the agent edited by hand is never replaced from here: it is only
        marked out of date (Regenerate replaces it when the agent asks).
        """
        step = self.draft.typed(text)
        if step is Typed.IGNORED:
            return
        if step is Typed.MARKED:
            self._update_warning()
        elif step is Typed.CLEARED:
            self._reset()
        else:
            self._show_preview_area(True)
            known = self.no_route is not None  # the title says no pack can: no false hope
            self._set_status("" if known else self._ctx.i18n._("Translating…"))
            self._debounce.start()
        self.state_changed.emit()

    def refresh_now(self) -> None:
        """Make the preview at once (the agent tried to send before it was ready)."""
        if self._debounce.isActive():
            self._debounce.stop()
            self._start_preview()

    def regenerate_preview(self) -> None:
        """The agent asked for a new translation of their text, replacing their edit."""
        self.draft.regenerate()
        self.text_changed(self.draft.agent_text)
        self.refresh_now()

    def confirm_incomplete(self) -> None:
        """The agent checked the possibly incomplete translation and sends it as it is."""
        self.draft.confirm()
        self._update_warning()
        self.state_changed.emit()
        self.send_confirmed.emit()

    def outgoing(self, agent_text: str) -> Outgoing | None:
        """What to send for ``agent_text``, or None while the preview is not up to date."""
        return self.draft.outgoing(agent_text)

    def edited_outgoing(self) -> Outgoing | None:
        """The agent's hand-edited translation, even out of date; None if there is none."""
        return self.draft.edited_outgoing()

    def blocked_reason(self) -> str:
        """Why ``outgoing`` gave nothing, and what to do about it (for the notice)."""
        _ = self._ctx.i18n._
        blocked = self.draft.blocked()
        if blocked is Blocked.PROBLEM:
            return self.problem or ""
        if blocked is Blocked.STALE:
            return _(
                "Your text changed after you edited the translation. Regenerate the translation"
                " or edit it to match your text, then send again."
            )
        if blocked is Blocked.INCOMPLETE:
            return _(
                "This translation may be incomplete. Check it against your text and edit it,"
                " or choose “Send anyway”."
            )
        return _("The translation is not ready yet: check it below, then send again.")

    # ------------------------------------------------------------------ edits kept aside
    def edited_state(self) -> EditedPreview | None:
        """The agent's hand-edited preview, to keep while another conversation is open."""
        return self.draft.kept()

    def restore(self, state: EditedPreview, agent_text: str) -> bool:
        """Show a kept edit again (same language only); False if it no longer applies."""
        if not self.draft.restore(state, agent_text):
            return False
        if self._handle is not None:
            self._handle.cancel()
        self._debounce.stop()
        self.untranslated.setChecked(False)
        self._show_preview_area(True)
        self._set_editor(self.draft.text)
        self._show_edited()
        self._show_back()
        self._set_status("")
        self._update_warning()
        self.state_changed.emit()
        return True

    def _update_warning(self) -> None:
        """Out of date after an edit, or possibly incomplete: say so, next to what to do."""
        _ = self._ctx.i18n._
        warning = self.draft.warning()
        if warning is Blocked.STALE:
            self.warning.setText(_("Your text changed after you edited the translation."))
        elif warning is Blocked.INCOMPLETE:
            self.warning.setText(
                _("This translation may be incomplete: check it against your text.")
            )
        self.warning.setVisible(warning is not None)
        self.regenerate.setVisible(warning is Blocked.STALE)
        self.send_anyway.setVisible(warning is Blocked.INCOMPLETE)

    # ------------------------------------------------------------------ preview
    def _start_preview(self, beam: int | None = None) -> None:
        service, text, tag = self._ctx.translation, self.draft.agent_text, self.draft.customer_tag
        if service is None or tag is None or not text.strip():
            return
        agent = self._ctx.agent_language

        def work() -> Preview:
            if beam is None:  # the service's own preview beam
                return service.preview(text, agent, tag)
            return service.preview(text, agent, tag, beam=beam)

        self._handle = self._ctx.tasks.run(
            work,
            lambda preview: self._arrived(preview, refine=beam is None),
            self._failed,
            key="reply-preview",
            owner=self,
        )

    def _arrived(self, preview: Preview, *, refine: bool) -> None:
        if not self.draft.arrived(preview):
            return  # the agent kept typing, or edited the preview meanwhile (theirs wins)
        self._set_editor(preview.text)
        shown = preview.provenance
        if shown.incomplete and shown.confidence is not None:
            shown = replace(shown, confidence=min(shown.confidence, INCOMPLETE_CONFIDENCE))
        self.provenance.setText(provenance_text(self._ctx.i18n, shown, outgoing=True))
        self.provenance.setToolTip(provenance_details(self._ctx.i18n, shown))
        self._show_back()
        self._set_status("")
        self._update_warning()
        self.state_changed.emit()
        if refine and preview.provenance.kind == ProvenanceKind.MT:  # once typing paused
            self._start_preview(beam=SEND_BEAM)

    def _failed(self, error: BaseException) -> None:
        self.draft.failed(error)
        known = self.no_route is not None and isinstance(error, NoRouteError)
        self._set_status("" if known else self.problem or "")
        self._update_warning()
        self.state_changed.emit()

    def _preview_edited(self) -> None:
        """The agent edited the customer-language text: it is now theirs, for their text as
        it stands (a later change to their text only marks it out of date)."""
        if self._loading:
            return
        text = self.editor.toPlainText()
        if not self.draft.edit(text):
            return
        self._debounce.stop()
        self._set_status("")
        self._show_edited()
        self._update_warning()
        service, tag = self._ctx.translation, self.draft.customer_tag
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
        if self.draft.back_arrived(text, back):
            self._show_back()

    def _untranslated_toggled(self, checked: bool) -> None:
        self.editor.setEnabled(not checked)
        if self.draft.set_untranslated(checked):
            self.text_changed(self.draft.agent_text)
        self.state_changed.emit()
