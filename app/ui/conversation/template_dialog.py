"""Choosing, filling and sending an approved message template (WhatsApp, once its 24-hour
window has closed), and the pane's wiring of the window notice and the template send.

What is sent is exactly the preview's text (``app.domain.message_templates.fill``); the
outbox payload names the template and its values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.display import display_text
from app.domain.message_templates import (
    MAX_VALUE_CHARS,
    MessageTemplate,
    TemplateValueError,
    preview,
    variables_of,
)
from app.ops import templates as template_ops
from app.ops.context import AppContext
from app.ops.reply import Reply
from app.ui.conversation.channel_window import WindowGate

if TYPE_CHECKING:
    from app.ui.conversation.pane import ConversationPane

NAME_CHARS = 80  # a template's name in the list


class TemplateDialog(QDialog):
    """Pick a template (the customer's language first, or any), fill every variable,
    read the preview, send. ``reply`` holds the reply to store once accepted."""

    def __init__(
        self,
        i18n_ctx: AppContext,
        templates: tuple[MessageTemplate, ...],
        customer_language: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        i18n = i18n_ctx.i18n
        self._i18n = i18n
        _ = i18n._
        self.setWindowTitle(_("Send an approved template"))
        self.setObjectName("templateDialog")
        self.resize(560, 520)
        self._all = templates
        self._language = customer_language
        self._fields: dict[str, QLineEdit] = {}
        self.template: MessageTemplate | None = None
        self.reply: Reply | None = None

        language = i18n.language_name(customer_language) if customer_language else ""
        self.any_language = QCheckBox(_("Show templates in every language"), self)
        self.any_language.setObjectName("anyLanguage")
        self.note = QLabel(self)
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("templateList")
        self.list.currentItemChanged.connect(self._chosen)
        self.form = QFormLayout()
        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("templatePreview")
        self.preview.setReadOnly(True)
        self.preview.setMaximumHeight(120)
        self.problem = QLabel(self)
        self.problem.setObjectName("templateProblem")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.send_button = self.buttons.addButton(
            _("Send template"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.send_button.setObjectName("sendTemplate")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._send)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.any_language)
        layout.addWidget(self.note)
        layout.addWidget(self.list, 1)
        layout.addLayout(self.form)
        layout.addWidget(QLabel(_("What the customer will receive:"), self))
        layout.addWidget(self.preview)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        matching = template_ops.in_language(templates, customer_language)
        self.any_language.setChecked(not matching)
        if not templates:
            self.note.setText(_("No approved templates: ask your administrator to add them."))
        elif not matching:
            self.note.setText(
                _("No template in {language}: showing every language.").format(
                    language=language or _("the customer's language")
                )
            )
        else:
            self.note.setText(_("Templates in {language}.").format(language=language))
        self.any_language.toggled.connect(lambda _c: self._fill_list())
        self._fill_list()

    # ------------------------------------------------------------------ choosing
    def _fill_list(self) -> None:
        shown = (
            self._all
            if self.any_language.isChecked()
            else template_ops.in_language(self._all, self._language)
        )
        self.list.clear()
        for template in shown:
            name = display_text(template.name, NAME_CHARS)
            text = f"{name} · {self._i18n.language_name(template.language)}"
            item = QListWidgetItem(text, self.list)
            item.setData(Qt.ItemDataRole.UserRole, template.uid)
            item.setToolTip(display_text(template.body, 500))
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self._chosen(None, None)

    def _chosen(self, current: QListWidgetItem | None, _previous: object) -> None:
        uid = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        self.template = next((t for t in self._all if t.uid == uid), None)
        while self.form.rowCount():
            self.form.removeRow(0)
        self._fields = {}
        if self.template is not None:
            for name in variables_of(self.template):
                field = QLineEdit(self)
                field.setObjectName(f"templateVar_{name}")
                field.setMaxLength(MAX_VALUE_CHARS)
                field.setPlaceholderText(self._i18n._("Required"))
                field.textChanged.connect(self._update)
                self.form.addRow("{{" + name + "}}", field)
                self._fields[name] = field
        self._update()

    # ------------------------------------------------------------------ filling
    def values(self) -> dict[str, str]:
        return {name: field.text() for name, field in self._fields.items()}

    def _update(self) -> None:
        template = self.template
        self.preview.setPlainText(preview(template, self.values()) if template else "")
        problem = self._problem()
        self.problem.setText(problem or "")
        self.send_button.setEnabled(template is not None and problem is None)

    def _problem(self) -> str | None:
        if self.template is None:
            return None
        try:
            template_ops.template_reply(self.template, self.values())
        except TemplateValueError as error:
            return self._explain(error)
        return None

    def _explain(self, error: TemplateValueError) -> str:
        _ = self._i18n._
        name = "{{" + error.variable + "}}"
        if error.reason == "missing":
            return _("Fill in {name}.").format(name=name)
        if error.reason == "line_break":
            return _("{name} must be on one line.").format(name=name)
        return _("{name} is too long (at most {limit} characters).").format(
            name=name, limit=MAX_VALUE_CHARS
        )

    def _send(self) -> None:
        if self.template is None:
            return
        try:
            self.reply = template_ops.template_reply(self.template, self.values())
        except TemplateValueError as error:
            self.problem.setText(self._explain(error))
            return
        self.accept()


class TemplateSender(QObject):
    """The pane's part for closed windows: the notice above the composer (``gate``), the
    composer's refusal of free-form replies, and the template picker's send."""

    def __init__(
        self,
        ctx: AppContext,
        pane: ConversationPane,
        report_error: Callable[[BaseException], None],
    ) -> None:
        super().__init__(pane)
        self._ctx = ctx
        self._pane = pane
        self._report_error = report_error
        self.gate = WindowGate(ctx.i18n, pane)
        self.dialog: TemplateDialog | None = None
        self._typing: dict[str, int] = {}  # the last sync's typing indicators, by uid
        self.gate.blocked_changed.connect(pane.composer.set_reply_blocked)
        self.gate.template_requested.connect(self.choose)

    def refresh(self) -> None:
        """The header has recounted the window (a new conversation, or the clock)."""
        self.gate.show_window(self._pane.header.channel_status.reply_window)
        if self._typing:
            self._show_typing(self._ctx.clock())

    def show_typing(self, typing: tuple[tuple[str, int], ...], now: int) -> None:
        """A sync cycle's typing indicators: "typing…" if the open conversation's customer
        is typing (nothing when the backend reports none)."""
        self._typing = dict(typing)
        self._show_typing(now)

    def _show_typing(self, now: int) -> None:
        detail = self._pane.detail
        until = self._typing.get(detail.row.uid) if detail is not None else None
        self._pane.header.channel_status.set_typing_until(until, now)

    def choose(self) -> None:
        """Open the picker with this channel's templates (read on the store lane)."""
        detail = self._pane.detail
        if detail is None:
            return
        channel = detail.row.channel
        self._ctx.tasks.run_store(
            lambda store: template_ops.templates_for(store, channel),
            self._open,
            self._report_error,
            owner=self,
        )

    def _open(self, templates: tuple[MessageTemplate, ...]) -> None:
        pane = self._pane
        if pane.detail is None:
            return
        cid = pane.detail.row.id
        self.dialog = TemplateDialog(self._ctx, templates, pane.customer_language, pane)
        self.dialog.accepted.connect(lambda: self._send(cid))
        self.dialog.open()

    def _send(self, cid: int) -> None:
        dialog = self.dialog
        if dialog is None or dialog.reply is None:
            return
        message, me, now = dialog.reply, self._ctx.workspace.me_id, self._ctx.clock()
        self._pane.composer.flush_draft()  # what the agent typed stays their draft

        def done(changes: Changes) -> None:
            self._pane.changed.emit(changes)

        self._ctx.tasks.run_store(
            lambda store: template_ops.send_template(store, cid, message, me, now),
            done,
            self._report_error,
            owner=self,
        )
