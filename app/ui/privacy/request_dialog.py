""" "Data request…": record a customer's request to access, correct, export or erase their
data, with the law of their country and the deadline it sets, shown before OK.

The law and deadline come from the country profile (:func:`app.ops.privacy.preview_deadline`,
on the store lane); where the law sets no period the dialog says the team default applies
rather than pretending the law set it. The etiquette profiles load at start-up: until they
are in, the dialog says so and waits (it never records a request without its law).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.data_requests import NOTE_MAX_CHARS, RequestKind
from app.ops import privacy
from app.ops.context import AppContext
from app.ops.culture import CultureData
from app.ops.privacy import DeadlinePreview, OpenedRequest
from app.ops.types import Store
from app.ui.conversation.header import plain_label
from app.ui.privacy import texts
from app.ui.shell.labels import localize

CultureSource = Callable[[Callable[[CultureData], None]], None]


class RequestDialog(QDialog):
    """Kind, law, deadline and a note for one customer; OK records the request.

    Signals:
        opened(object): the OpenedRequest recorded.
        changed(object): its Changes (the window's change path).
    """

    opened = Signal(object)
    changed = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        customer_id: int,
        customer_name: str,
        zone: str | None,
        culture: CultureSource,
        parent: QWidget | None = None,
    ) -> None:
        """``culture`` calls back with the etiquette data once it is loaded (at once if it is)."""
        super().__init__(parent)
        self._ctx = ctx
        self._customer_id = customer_id
        self._zone = zone
        self.culture: CultureData | None = None
        self.preview: DeadlinePreview | None = None
        i18n = ctx.i18n
        _ = i18n._
        self.setWindowTitle(_("Data request"))
        self.setObjectName("dataRequestDialog")
        self.customer = plain_label(self, "customerName")
        self.customer.setText(texts.customer_text(i18n, customer_name))
        self.customer.setAccessibleName(_("Customer"))
        self.kind = QComboBox(self)
        self.kind.setObjectName("requestKind")
        self.kind.setAccessibleName(_("What the customer asks for"))
        for kind in RequestKind:
            self.kind.addItem(texts.kind_label(i18n, kind), kind.value)
        self.law = plain_label(self, "requestLaw")
        self.law.setWordWrap(True)
        self.law.setAccessibleName(_("Law that applies"))
        self.law.setText(_("Reading the customer's country profile…"))
        self.due = plain_label(self, "requestDue")
        self.due.setWordWrap(True)
        self.due.setAccessibleName(_("Deadline"))
        self.source = QLabel(self)
        self.source.setObjectName("requestSource")
        self.source.setTextFormat(Qt.TextFormat.RichText)  # built in texts.source_link, escaped
        self.source.setOpenExternalLinks(True)
        self.source.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.source.setAccessibleName(_("Source of the deadline"))
        self.source.hide()
        self.profile_note = plain_label(self, "muted")
        self.profile_note.setWordWrap(True)
        self.profile_note.hide()
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("requestNote")
        self.note.setAccessibleName(_("Note"))
        self.note.setPlaceholderText(
            _("What the customer asked, how they proved who they are (no copies of their data)")
        )
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(90)
        self.note.textChanged.connect(self._bound_note)
        self.error = plain_label(self, "warning")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(self)
        self.ok_button = self.buttons.addButton(
            _("Open request"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("primary")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.record)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_("Customer"), self.customer)
        form.addRow(_("Request"), self.kind)
        form.addRow(_("Law"), self.law)
        form.addRow(_("Deadline"), self.due)
        form.addRow("", self.source)
        form.addRow("", self.profile_note)
        form.addRow(_("Note"), self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(520, 360)
        self.ok_button.setEnabled(False)
        culture(self._culture_ready)

    # ------------------------------------------------------------------ the preview
    def _culture_ready(self, data: CultureData) -> None:
        self.culture = data
        cid, now, lang = self._customer_id, self._ctx.clock(), self._ctx.i18n.ui_locale
        self._ctx.tasks.run_store(
            lambda store: privacy.preview_deadline(store, data, cid, now, lang),
            self._show_preview,
            self._failed,
            key="data-request-preview",
            owner=self,
        )

    def _show_preview(self, preview: DeadlinePreview) -> None:
        i18n = self._ctx.i18n
        self.preview = preview
        self.law.setText(texts.law_text(i18n, preview.law, preview.country))
        self.due.setText(texts.due_text(i18n, preview.due_at, preview.rule, self._zone))
        link = texts.source_link(i18n, preview.source_title, preview.source_url)
        self.source.setText(link)
        self.source.setVisible(bool(link))
        self.profile_note.setText(preview.note or "")
        self.profile_note.setVisible(bool(preview.note))
        self.ok_button.setEnabled(True)

    def _bound_note(self) -> None:
        text = self.note.toPlainText()
        if len(text) > NOTE_MAX_CHARS:
            self.note.setPlainText(text[:NOTE_MAX_CHARS])
            self.note.moveCursor(self.note.textCursor().MoveOperation.End)

    # ------------------------------------------------------------------ recording
    def record(self) -> None:
        """OK: record the request (the deadline is computed again at this moment)."""
        if self.culture is None or self.preview is None:
            return
        self.ok_button.setEnabled(False)
        data, cid, now = self.culture, self._customer_id, self._ctx.clock()
        kind = RequestKind(str(self.kind.currentData()))
        note, lang = self.note.toPlainText()[:NOTE_MAX_CHARS], self._ctx.i18n.ui_locale

        def work(store: Store) -> OpenedRequest:
            return privacy.open_request(store, data, cid, kind, now, note, ui_language=lang)

        def done(result: OpenedRequest) -> None:
            self.opened.emit(result)
            self.changed.emit(result.changes)
            self.accept()

        self._ctx.tasks.run_store(work, done, self._failed, owner=self)

    def _failed(self, error: BaseException) -> None:
        self.error.setText(
            self._ctx.i18n._("The request was not recorded: {reason}").format(
                reason=localize(self._ctx.i18n, error)[:300]
            )
        )
        self.error.show()
        self.ok_button.setEnabled(self.preview is not None)
