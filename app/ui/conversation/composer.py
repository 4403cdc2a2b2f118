"""The composer: reply or internal note, Ctrl+Enter sends, the draft is never lost.

The text is saved as a draft (debounced) while the agent types, when they switch
conversation and when the window closes; it is cleared only after the store has
confirmed the message was saved.

The editor belongs to one conversation at a time (``conversation_id``). While the next
one opens, the editor is emptied and sends nothing: what the agent types meanwhile is
for the next conversation and is added after its draft once it is on screen (or to its
stored draft, if the agent moves on or closes the window first). Every draft it saves
names the conversation it was typed for. A text on its way to the store is never saved as a draft
again (the send clears the stored draft, and a save queued after it must not bring the
sent text back) and cannot be sent twice.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.models import Draft, MessageKind, Status
from app.i18n import I18n
from app.ui.shell.debounce import debouncer
from app.ui.shell.icons import icon

DRAFT_DEBOUNCE_MS = 600


class Composer(QFrame):
    """Reply / internal-note editor.

    Signals:
        send_requested(object, str): kind (MessageKind.AGENT or NOTE) and text, for the
            conversation ``conversation_id``.
        draft_changed(int, object, str): the conversation the text was typed for, kind and
            text, after a pause in typing (and on switch and close).
        typed_ahead(int, str): text typed for a conversation that was still opening when the
            agent left it (or closed the window): to add after its stored draft.
        text_edited(object, str): kind and text, at every change (for the live translation).
        send_then_requested(object, str, object): as ``send_requested``, then set the
            conversation to this Status ("Send and resolve", "Send and set pending").
    """

    send_requested = Signal(object, str)
    draft_changed = Signal(int, object, str)
    typed_ahead = Signal(int, str)
    text_edited = Signal(object, str)
    send_then_requested = Signal(object, str, object)

    def __init__(self, i18n: I18n, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        # Only as tall as it needs: the thread above gets the rest of the height.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._i18n = i18n
        _ = i18n._
        self._loading = False
        self._dirty = False
        self._last_text = ""
        # None while no conversation's text is in the editor (the next one is opening).
        self.conversation_id: int | None = None
        self._opening: int | None = None  # the conversation being opened, while it is None
        self._sending: set[tuple[int, MessageKind, str]] = set()
        self.reply_blocked = False  # a closed channel window: free-form replies are refused
        self.has_attachments = False  # files on the draft: Send works without text

        self.reply_tab = self._mode_button(_("Reply"), "send", "replyMode")
        self.note_tab = self._mode_button(_("Internal note"), "note", "noteMode")
        self._modes = QButtonGroup(self)
        self._modes.setExclusive(True)
        self._modes.addButton(self.reply_tab)
        self._modes.addButton(self.note_tab)
        self.reply_tab.setChecked(True)
        self._modes.buttonToggled.connect(self._mode_toggled)

        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("composerEdit")
        self.editor.setTabChangesFocus(True)
        self.editor.setMinimumHeight(60)
        self.editor.setMaximumHeight(120)
        self.editor.setAccessibleName(_("Message"))
        self.editor.textChanged.connect(self._text_changed)

        self.hint = QLabel(_("Ctrl+Enter to send"), self)
        self.hint.setObjectName("muted")
        self.send_button = QPushButton(icon("send"), _("Send reply"), self)
        self.send_button.setObjectName("primary")
        self.send_button.clicked.connect(self.request_send)
        # The split half of Send: send, then move the conversation on, in one step.
        self.send_more = QToolButton(self)
        self.send_more.setObjectName("sendMore")
        self.send_more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.send_more.setArrowType(Qt.ArrowType.DownArrow)
        self.send_more.setAccessibleName(_("More ways to send"))
        menu = QMenu(self.send_more)
        self.send_resolve = menu.addAction("")
        self.send_resolve.setObjectName("sendAndResolve")
        self.send_resolve.triggered.connect(lambda: self.request_send_then(Status.RESOLVED))
        self.send_pending = menu.addAction("")
        self.send_pending.setObjectName("sendAndPending")
        self.send_pending.triggered.connect(lambda: self.request_send_then(Status.PENDING))
        self.send_more.setMenu(menu)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self.editor)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.request_send)

        self._debounce = debouncer(self, DRAFT_DEBOUNCE_MS, self.flush_draft)

        tabs = QHBoxLayout()
        tabs.setSpacing(4)
        tabs.addWidget(self.reply_tab)
        tabs.addWidget(self.note_tab)
        tabs.addStretch(1)
        self._tools = tabs
        # The send row: the thread split pins it under the composer's scroll area, so Send
        # stays in view however much the editor, preview and findings hold.
        self.send_row = QWidget(self)
        self.send_row.setObjectName("sendRow")
        bottom = QHBoxLayout(self.send_row)
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.hint)
        bottom.addStretch(1)
        bottom.addWidget(self.send_button)
        bottom.addWidget(self.send_more)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.setSpacing(6)
        layout.addLayout(tabs)
        layout.addWidget(self.editor)
        self._panels = QVBoxLayout()
        self._panels.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._panels)
        layout.addWidget(self.send_row)
        self._apply_mode()

    def add_tool(self, tool: QWidget) -> None:
        """A button in the composer's top row (canned replies)."""
        self._tools.addWidget(tool)

    def add_panel(self, panel: QWidget) -> None:
        """A panel shown between the editor and the send row (the reply translation)."""
        self._panels.addWidget(panel)

    def _mode_button(self, text: str, icon_name: str, name: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setIcon(icon(icon_name))
        button.setCheckable(True)
        button.setAutoRaise(True)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        return button

    # ------------------------------------------------------------------ state
    @property
    def kind(self) -> MessageKind:
        return MessageKind.NOTE if self.note_tab.isChecked() else MessageKind.AGENT

    def set_kind(self, kind: MessageKind) -> None:
        (self.note_tab if kind is MessageKind.NOTE else self.reply_tab).setChecked(True)

    def text(self) -> str:
        return self.editor.toPlainText()

    def await_conversation(self, conversation_id: int | None) -> None:
        """``conversation_id`` is opening: save the text of the one on screen, then empty
        the editor. Until ``load_draft`` what is typed is for the opening conversation."""
        self.flush_draft()
        self.conversation_id, self._opening = None, conversation_id
        self._loading = True
        try:
            self._debounce.stop()
            self._dirty = False
            self.editor.setPlainText("")
        finally:
            self._loading = False
        self._update_send_enabled()

    def load_draft(self, draft: Draft | None, conversation_id: int | None = None) -> None:
        """Show a conversation's saved draft (or an empty reply); the editor now belongs to
        ``conversation_id`` (by default the one it already belonged to)."""
        typed = ""
        if conversation_id is not None and self.conversation_id is None:
            typed = self.text()  # typed while it opened: it was meant for it
        if conversation_id is not None:
            self.conversation_id, self._opening = conversation_id, None
        self._loading = True
        try:
            self._debounce.stop()
            self._dirty = False
            self.set_kind(draft.kind if draft else MessageKind.AGENT)
            self.editor.setPlainText(draft.body if draft else "")
            cursor = self.editor.textCursor()
            cursor.movePosition(cursor.MoveOperation.End)
            self.editor.setTextCursor(cursor)
        finally:
            self._loading = False
        if typed:
            self.editor.insertPlainText(typed)  # after the draft; a change to save
        self._update_send_enabled()

    # ------------------------------------------------------------------ sending
    def begin_send(self, kind: MessageKind, text: str) -> int | None:
        """The pane is about to store ``text``: the conversation it is for, or None when it
        must not be stored now (the next conversation is opening, or the same text is
        already on its way). Until ``send_finished`` the text is never saved as a draft."""
        cid = self.conversation_id
        if cid is None or (cid, kind, text) in self._sending:
            return None
        self._sending.add((cid, kind, text))
        self._debounce.stop()
        self._dirty = False  # the send clears the stored draft; nothing to save after it
        return cid

    def send_finished(self, cid: int, kind: MessageKind, text: str, *, stored: bool) -> bool:
        """The store answered. Stored: empty the editor unless the agent kept typing (or it
        shows another conversation now); returns whether it was emptied. Not stored: the
        store kept the text as the draft, the editor keeps it too."""
        self._sending.discard((cid, kind, text))
        if self.conversation_id != cid:
            return False
        if not stored:
            if self.text() != text:  # typed on meanwhile: save it over the kept draft
                self._dirty = True
                self._debounce.start()
            return False
        if self.text() == text and self.kind is kind:
            self.load_draft(None)
            return True
        return False

    def insert_text(self, text: str) -> None:
        """Put text at the cursor, replacing only the selection: what the agent typed stays."""
        self.set_kind(MessageKind.AGENT)
        self.editor.insertPlainText(text)
        self.editor.setFocus()

    def focus_editor(self, kind: MessageKind | None = None) -> None:
        if kind is not None:
            self.set_kind(kind)
        self.editor.setFocus()

    # ------------------------------------------------------------------ events
    def request_send(self) -> None:
        self._request(None)

    def request_send_then(self, status: Status) -> None:
        """Send, then set the conversation's status (one store transaction)."""
        self._request(status)

    def _request(self, then: Status | None) -> None:
        text, cid = self.text(), self.conversation_id
        if cid is None or (cid, self.kind, text) in self._sending:
            return  # still opening, or this very text is already being sent
        if self.reply_blocked and self.kind is MessageKind.AGENT:
            return  # the window notice above says why and offers a template
        if (text.strip() or self.has_attachments) and self.isEnabled():
            if then is None:
                self.send_requested.emit(self.kind, text)
            else:
                self.send_then_requested.emit(self.kind, text, then)

    def flush_draft(self) -> None:
        """Save the draft now if it changed (on switch, on close, after a pause)."""
        self._debounce.stop()
        cid = self.conversation_id
        if cid is None and self._opening is not None and self.text():
            # Left (or closing) before it opened: what was typed for it joins its draft.
            self.typed_ahead.emit(self._opening, self.text())
            self._loading = True
            self.editor.setPlainText("")
            self._loading = False
        if self._dirty and cid is not None:
            self._dirty = False
            kind, text = self.kind, self.text()
            if (cid, kind, text) in self._sending:
                text = ""  # typed and deleted back to the text being sent: no draft
            self.draft_changed.emit(cid, kind, text)

    def _text_changed(self) -> None:
        # Highlighting (the draft check) changes formats, which Qt also reports as a
        # change: only a change of the text itself counts.
        text = self.text()
        if text == self._last_text:
            return
        self._last_text = text
        self._update_send_enabled()
        self.text_edited.emit(self.kind, text)
        if not self._loading and self.conversation_id is not None:
            self._dirty = True
            self._debounce.start()

    def _mode_toggled(self, _button: QToolButton, checked: bool) -> None:
        if checked:
            self._apply_mode()
            self._update_send_enabled()
            self.text_edited.emit(self.kind, self.text())
            if not self._loading and self.conversation_id is not None:
                self._dirty = True
                self._debounce.start()

    def _apply_mode(self) -> None:
        _ = self._i18n._
        note = self.kind is MessageKind.NOTE
        self.setProperty("mode", "note" if note else "reply")
        self.send_button.setText(_("Add note") if note else _("Send reply"))
        self.send_resolve.setText(_("Add note and resolve") if note else _("Send and resolve"))
        self.send_pending.setText(
            _("Add note and set pending") if note else _("Send and set pending")
        )
        self.editor.setPlaceholderText(
            _("Internal note: only your team sees this")
            if note
            else _("Write a reply to the customer")
        )
        for widget in (self, self.editor):
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def set_reply_blocked(self, blocked: bool) -> None:
        """A closed channel window: refuse free-form replies (notes still go)."""
        self.reply_blocked = blocked
        self._update_send_enabled()

    def set_has_attachments(self, has: bool) -> None:
        """Files on the draft (app.ui.conversation.attachment_tray): sendable without text."""
        self.has_attachments = has
        self._update_send_enabled()

    def _update_send_enabled(self) -> None:
        has_content = bool(self.text().strip()) or self.has_attachments
        enabled = self.conversation_id is not None and has_content
        enabled = enabled and not (self.reply_blocked and self.kind is MessageKind.AGENT)
        self.send_button.setEnabled(enabled)
        self.send_more.setEnabled(enabled)
