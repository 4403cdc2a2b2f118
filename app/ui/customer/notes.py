"""Notes on the customer: written once, seen from every conversation of theirs.

Plain text only; an agent edits or deletes only their own notes. A deleted note can be
put back from the notice under the list (nothing the agent wrote is lost by one click).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextOption
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.customer import NOTE_MAX_CHARS, CustomerNote
from app.domain.display import display_body, isolated
from app.ops import customer
from app.ops.context import AppContext
from app.ops.types import Store
from app.ui.conversation.header import plain_label

EDITOR_HEIGHT = 64


class NotesSection(QWidget):
    """The list of notes, a box to write one, and Edit / Delete on one's own.

    Signals:
        changed(object): the Changes of an add, edit, delete or restore.
    """

    changed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        _ = ctx.i18n._
        self.customer_id: int | None = None
        self.notes: tuple[CustomerNote, ...] = ()
        self.editing: int | None = None  # the note whose text is in the box
        self._deleted: str | None = None  # the text of the note just deleted (Undo)
        self.list = QVBoxLayout()
        self.list.setSpacing(4)
        self.empty = plain_label(self, "muted")
        self.empty.setText(_("No notes on this customer yet."))
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("customerNoteEditor")
        self.editor.setPlaceholderText(_("A note on this customer (only the team sees it)"))
        self.editor.setAccessibleName(self.editor.placeholderText())
        self.editor.setTabChangesFocus(True)  # Tab moves on: the keyboard is never trapped
        self.editor.setFixedHeight(EDITOR_HEIGHT)
        self.editor.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.editor.textChanged.connect(self._text_changed)
        save_key = QShortcut(QKeySequence("Ctrl+Return"), self.editor)
        save_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        save_key.activated.connect(self.submit)
        self.save = QPushButton(_("Add note"), self)
        self.save.setObjectName("saveCustomerNote")
        self.save.setEnabled(False)
        self.save.clicked.connect(self.submit)
        self.cancel = QPushButton(_("Cancel"), self)
        self.cancel.clicked.connect(self.cancel_edit)
        self.cancel.hide()
        self.notice = plain_label(self, "muted")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.restore = QToolButton(self)
        self.restore.setText(_("Undo"))
        self.restore.setAutoRaise(True)
        self.restore.clicked.connect(self._restore)
        self.restore.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.notice, 1)
        buttons.addWidget(self.restore)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(self.list)
        layout.addWidget(self.empty)
        layout.addWidget(self.editor)
        layout.addLayout(buttons)

    # ------------------------------------------------------------------ showing
    def show_notes(self, customer_id: int, notes: tuple[CustomerNote, ...]) -> None:
        if customer_id != self.customer_id:
            self._forget_edit()
            self._say("")
        self.customer_id, self.notes = customer_id, notes
        while self.list.count():
            item = self.list.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for note in notes:
            self.list.addWidget(self._note_widget(note))
        self.empty.setVisible(not notes)

    def _note_widget(self, note: CustomerNote) -> QFrame:
        i18n = self._ctx.i18n
        _ = i18n._
        frame = QFrame(self)
        frame.setObjectName("customerNote")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        head = plain_label(frame, "muted")
        when = i18n.day_and_time(note.created_at, self._ctx.clock())
        author = _("You") if note.mine else isolated(note.author_name or _("Someone"), 80)
        line = f"{author} · {when}"
        if note.updated_at != note.created_at:
            line += " · " + _("edited")
        head.setText(line)
        body = plain_label(frame, "customerNoteBody")
        body.setWordWrap(True)
        body.setText(display_body(note.body))
        top = QHBoxLayout()
        top.addWidget(head, 1)
        if note.mine:
            for text, slot in ((_("Edit"), self.start_edit), (_("Delete"), self.delete)):
                button = QToolButton(frame)
                button.setText(text)
                button.setAutoRaise(True)
                button.setObjectName(f"note{text}")
                button.clicked.connect(lambda _c=False, n=note.id, s=slot: s(n))
                top.addWidget(button)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(body)
        return frame

    def _text_changed(self) -> None:
        length = len(self.editor.toPlainText().strip())
        too_long = length > NOTE_MAX_CHARS
        self.save.setEnabled(0 < length <= NOTE_MAX_CHARS and self.customer_id is not None)
        if too_long:
            self._say(
                self._ctx.i18n._("{count} characters: a note holds at most {limit}.").format(
                    count=self._ctx.i18n.number(length), limit=self._ctx.i18n.number(NOTE_MAX_CHARS)
                )
            )
        elif self.notice.property("warning"):
            self._say("")
        self.notice.setProperty("warning", too_long)

    def _say(self, text: str, undo: bool = False) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        self.restore.setVisible(undo)

    # ------------------------------------------------------------------ actions
    def start_edit(self, note_id: int) -> None:
        note = next((n for n in self.notes if n.id == note_id), None)
        if note is None:
            return
        self.editing = note_id
        self.editor.setPlainText(note.body)
        self.save.setText(self._ctx.i18n._("Save note"))
        self.cancel.show()
        self.editor.setFocus()

    def cancel_edit(self) -> None:
        self._forget_edit()
        self.editor.clear()

    def _forget_edit(self) -> None:
        self.editing = None
        self.save.setText(self._ctx.i18n._("Add note"))
        self.cancel.hide()

    def submit(self) -> None:
        """Add the note in the box (or save the one being edited)."""
        text, who = self.editor.toPlainText(), self.customer_id
        if who is None or not text.strip():
            return
        me, now, editing = self._ctx.workspace.me_id, self._ctx.clock(), self.editing

        def work(store: Store) -> Changes:
            if editing is not None:
                return customer.edit_note(store, editing, text, me, now)
            return customer.add_note(store, who, text, me, now)

        def done(changes: Changes) -> None:
            if self.editor.toPlainText() == text:  # keep anything typed since
                self.cancel_edit()
            self._say("")
            self.changed.emit(changes)

        self._run(work, done)

    def delete(self, note_id: int) -> None:
        note = next((n for n in self.notes if n.id == note_id), None)
        if note is None:
            return
        me = self._ctx.workspace.me_id

        def done(changes: Changes) -> None:
            self._deleted = note.body
            if self.editing == note_id:
                self.cancel_edit()
            self._say(self._ctx.i18n._("Note deleted."), undo=True)
            self.changed.emit(changes)

        self._run(lambda store: customer.delete_note(store, note_id, me), done)

    def _restore(self) -> None:
        """Undo a delete: the note's text comes back (as a new note, dated now)."""
        text, who = self._deleted, self.customer_id
        self._deleted = None
        self._say("")
        if text is None or who is None:
            return
        me, now = self._ctx.workspace.me_id, self._ctx.clock()
        self._run(lambda store: customer.add_note(store, who, text, me, now), self.changed.emit)

    def _run(self, work: Callable[[Store], Changes], done: Callable[[Changes], None]) -> None:
        def failed(error: BaseException) -> None:
            self._say(note_error(self._ctx, error))

        self._ctx.tasks.run_store(work, done, failed, owner=self)


def note_error(ctx: AppContext, error: BaseException) -> str:
    """Why a note was not saved, in the agent's words (the text stays in the box)."""
    _ = ctx.i18n._
    if isinstance(error, customer.NoteTooLongError):
        return _("A note holds at most {limit} characters.").format(
            limit=ctx.i18n.number(NOTE_MAX_CHARS)
        )
    if isinstance(error, customer.NotYourNoteError):
        return _("Only the author of a note can change or delete it.")
    if isinstance(error, customer.NoteError):
        return _("A note needs some text.")
    if isinstance(error, KeyError):
        return _("This note no longer exists.")
    return _("The note could not be saved: {reason}").format(reason=str(error)[:200])
