"""The canned-reply editor (Translation > Canned replies…): text with variables, when a
reply is suggested, and what sending it also does. Everything is checked before it is
saved, and a save is all or nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.canned import (
    MAX_ITEM_CHARS,
    MAX_LIST_ITEMS,
    MAX_TEMPLATE_CHARS,
    CannedActions,
    SuggestWhen,
)
from app.domain.changes import Changes
from app.domain.display import display_text
from app.domain.models import Agent, Status
from app.ops import canned as canned_ops
from app.ops.canned import CannedReply
from app.ops.context import AppContext

MAX_TITLE_CHARS = 200
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
KNOWN_VARIABLES = (
    "customer.first_name",
    "customer.name",
    "order.number",
    "agent.name",
    "conversation.subject",
)


class CannedEditorDialog(QDialog):
    """One canned reply at a time on the right, the list on the left.

    Signals:
        saved(object): the replies were written (the save's Changes).
    """

    saved = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        _ = ctx.i18n._
        self.setWindowTitle(_("Canned replies"))
        self.setObjectName("cannedEditor")
        self.resize(900, 560)
        self.replies: list[CannedReply] = []
        self.deleted: list[str] = []
        self.agents: tuple[Agent, ...] = ()
        self._shown = -1

        self.list = QListWidget(self)
        self.list.currentRowChanged.connect(self._row_changed)
        add = QPushButton(_("New canned reply"), self)
        add.clicked.connect(self.add_reply)
        remove = QPushButton(_("Delete"), self)
        remove.clicked.connect(self.delete_current)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addWidget(add)
        left.addWidget(remove)

        self.title = QLineEdit(self)
        self.title.setMaxLength(MAX_TITLE_CHARS)
        self.language = QLineEdit(self)
        self.language.setPlaceholderText("en, zh, pt-BR…")
        self.body = QPlainTextEdit(self)
        self.body.setObjectName("cannedBody")
        variables = QLabel(
            _("Variables, filled when inserted: {names}").format(
                names="  ".join("{{" + v + "}}" for v in KNOWN_VARIABLES)
            ),
            self,
        )
        variables.setObjectName("muted")
        variables.setWordWrap(True)
        self.countries = self._list_edit(_("BR, MX, JP"))
        self.languages = self._list_edit(_("pt, es"))
        self.tags = self._list_edit(_("refund, vip"))
        self.keywords = self._list_edit(_("where is my order, tracking, 退款"))
        self.status = QComboBox(self)
        self.status.addItem(_("Don't change"), None)
        self.status.addItem(_("Open"), Status.OPEN.value)
        self.status.addItem(_("Pending"), Status.PENDING.value)
        self.status.addItem(_("Resolved"), Status.RESOLVED.value)
        self.add_tags = self._list_edit(_("refund"))
        self.assign = QComboBox(self)

        form = QFormLayout()
        form.addRow(_("Title"), self.title)
        form.addRow(_("Written in"), self.language)
        form.addRow(_("Text"), self.body)
        form.addRow("", variables)
        form.addRow(QLabel(_("Suggest it when the conversation has (any of each):"), self))
        form.addRow(_("Countries"), self.countries)
        form.addRow(_("Languages"), self.languages)
        form.addRow(_("Tags"), self.tags)
        form.addRow(_("Words in the last message"), self.keywords)
        form.addRow(QLabel(_("When the reply is sent:"), self))
        form.addRow(_("Set status"), self.status)
        form.addRow(_("Add tags"), self.add_tags)
        form.addRow(_("Assign to"), self.assign)
        self.form = QWidget(self)
        self.form.setLayout(form)

        self.problem = QLabel(self)
        self.problem.setObjectName("notice")
        self.problem.setWordWrap(True)
        self.problem.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addLayout(left, 1)
        top.addWidget(self.form, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.form.setEnabled(False)
        ctx.tasks.run_store(canned_ops.editor_data, self._show, owner=self)

    def _list_edit(self, example: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setPlaceholderText(example)
        return edit

    def _show(self, data: tuple[list[CannedReply], tuple[Agent, ...]]) -> None:
        self.replies, self.agents = list(data[0]), data[1]
        _ = self._ctx.i18n._
        self.assign.clear()
        self.assign.addItem(_("Don't change"), None)
        self.assign.addItem(_("Whoever sends it"), "me")
        for agent in self.agents:
            self.assign.addItem(display_text(agent.name, 60), agent.uid)
        for reply in self.replies:
            self.list.addItem(display_text(reply.title, 80))
        if self.replies:
            self.list.setCurrentRow(0)

    # ------------------------------------------------------------------ editing
    def _row_changed(self, row: int) -> None:
        if 0 <= self._shown < len(self.replies):
            self.replies[self._shown] = self._from_form(self.replies[self._shown])
            self.list.item(self._shown).setText(display_text(self.replies[self._shown].title, 80))
        self._shown = row
        self.form.setEnabled(0 <= row < len(self.replies))
        if 0 <= row < len(self.replies):
            self._to_form(self.replies[row])

    def _to_form(self, reply: CannedReply) -> None:
        self.title.setText(reply.title)
        self.language.setText(reply.language)
        self.body.setPlainText(reply.body)
        when = reply.suggest_when
        for edit, items in (
            (self.countries, when.countries),
            (self.languages, when.languages),
            (self.tags, when.tags),
            (self.keywords, when.keywords),
            (self.add_tags, reply.actions.add_tags),
        ):
            edit.setText(", ".join(items))
        status = reply.actions.status.value if reply.actions.status else None
        self.status.setCurrentIndex(max(0, self.status.findData(status)))
        index = self.assign.findData(reply.actions.assign_to)
        if index < 0 and reply.actions.assign_to:  # an agent this workspace does not know
            self.assign.addItem(reply.actions.assign_to, reply.actions.assign_to)
            index = self.assign.count() - 1
        self.assign.setCurrentIndex(max(0, index))

    def _from_form(self, reply: CannedReply) -> CannedReply:
        """The form as typed (checked only on save, so nothing typed is refused mid-way)."""
        return replace(
            reply,
            title=self.title.text(),
            language=self.language.text().strip(),
            body=self.body.toPlainText(),
            suggest_when=SuggestWhen(
                tuple(c.upper() for c in _items(self.countries.text())),
                tuple(c.lower() for c in _items(self.languages.text())),
                _items(self.tags.text()),
                tuple(k.casefold() for k in _items(self.keywords.text())),
            ),
            actions=CannedActions(
                Status(status) if (status := self.status.currentData()) else None,
                _items(self.add_tags.text()),
                self.assign.currentData(),
            ),
        )

    def add_reply(self) -> None:
        agent = self._ctx.agent_language if self._ctx.agent_language != "auto" else "en"
        self.replies.append(CannedReply("", self._ctx.i18n._("New canned reply"), agent, ""))
        self.list.addItem(self.replies[-1].title)
        self.list.setCurrentRow(len(self.replies) - 1)
        self.title.selectAll()
        self.title.setFocus()

    def delete_current(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.replies):
            return
        self._shown = -1  # not written back
        gone = self.replies.pop(row)
        if gone.uid:
            self.deleted.append(gone.uid)
        self.list.takeItem(row)

    # ------------------------------------------------------------------ saving
    def problems(self) -> str | None:
        """The first thing that stops the save, in words the editor understands."""
        _ = self._ctx.i18n._
        for index, reply in enumerate(self.replies):
            name = display_text(reply.title, 40) or str(index + 1)
            lists = (
                reply.suggest_when.countries,
                reply.suggest_when.languages,
                reply.suggest_when.tags,
                reply.suggest_when.keywords,
                reply.actions.add_tags,
            )
            if not reply.title.strip():
                return _("Canned reply {n} needs a title.").format(n=index + 1)
            if not reply.body.strip():
                return _("“{name}” has no text.").format(name=name)
            if len(reply.body) > MAX_TEMPLATE_CHARS:
                return _("“{name}” is too long (at most {limit} characters).").format(
                    name=name, limit=self._ctx.i18n.number(MAX_TEMPLATE_CHARS)
                )
            if not _LANGUAGE.match(reply.language):
                return _(
                    "“{name}”: “Written in” must be a language code such as en or pt-BR."
                ).format(name=name)
            if any(not _COUNTRY.match(c) for c in reply.suggest_when.countries):
                return _("“{name}”: countries are two-letter codes such as BR or JP.").format(
                    name=name
                )
            if any(len(items) > MAX_LIST_ITEMS for items in lists) or any(
                len(item) > MAX_ITEM_CHARS for items in lists for item in items
            ):
                return _(
                    "“{name}”: at most {count} entries per list, each at most {chars} characters."
                ).format(name=name, count=MAX_LIST_ITEMS, chars=MAX_ITEM_CHARS)
        return None

    def save(self) -> None:
        self._row_changed(self.list.currentRow())  # the form's edits count
        problem = self.problems()
        if problem:
            self.problem.setText(problem)
            self.problem.show()
            return
        replies = [replace(r, title=r.title.strip()) for r in self.replies]
        deleted, now, service = list(self.deleted), self._ctx.clock(), self._ctx.translation

        def done(changes: Changes) -> None:
            self.saved.emit(changes)
            self.accept()

        def failed(error: BaseException) -> None:
            self.problem.setText(
                self._ctx.i18n._("Not saved: {reason}").format(reason=display_text(str(error), 200))
            )
            self.problem.show()

        self._ctx.tasks.run_store(
            lambda store: canned_ops.save_canned(store, replies, deleted, now, service),
            done,
            failed,
            owner=self,
        )


def _items(text: str) -> tuple[str, ...]:
    """A comma-separated list as typed (also the Chinese, Japanese and Arabic commas)."""
    parts = re.split(r"[,，、;；،؛]", text)
    return tuple(dict.fromkeys(" ".join(p.split()) for p in parts if p.strip()))


def open_canned_editor(
    ctx: AppContext, parent: QWidget, apply: Callable[[Changes, object], None]
) -> CannedEditorDialog:
    """Open the editor; a save is applied to the window like any other change."""
    dialog = CannedEditorDialog(ctx, parent)
    dialog.saved.connect(lambda changes: apply(changes, dialog))
    dialog.open()
    return dialog
