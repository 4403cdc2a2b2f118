"""@mentions in the composer (Note mode) and in the thread.

Typing "@" in an internal note offers the colleagues whose name starts with (or has a
word starting with) what follows; Up/Down choose, Enter or Tab complete, Esc closes, and
typing goes on in the editor all along (the list never takes the focus). In the thread a
note's mentions are highlighted by a character format on their range: the note's text is
inserted as plain text like any other, never as HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QFont, QKeyEvent, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from app.domain.display import display_text
from app.domain.mentions import completion_prefix, find_mentions
from app.domain.models import Agent, MessageKind

if TYPE_CHECKING:
    from app.ui.conversation.composer import Composer

ID_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_OFFERED = 8
MENTION_COLOR = QColor("#1F5FBF")
MENTION_BACKGROUND = QColor("#E3ECFA")


def _units(text: str, index: int) -> int:
    """A Python index as a Qt text position (UTF-16 code units)."""
    return len(text[:index].encode("utf-16-le")) // 2


def offered(agents: Sequence[Agent], prefix: str) -> list[Agent]:
    """Colleagues whose name, or a word of it, starts with ``prefix`` (case-insensitive)."""
    wanted = prefix.casefold()
    first = [a for a in agents if a.name.casefold().startswith(wanted)]
    words = [
        a
        for a in agents
        if a not in first and any(w.startswith(wanted) for w in a.name.casefold().split())
    ]
    return (first + words)[:MAX_OFFERED]


class MentionCompleter(QObject):
    """Completes "@name" in the composer while it is in Note mode."""

    def __init__(self, composer: Composer) -> None:
        super().__init__(composer)
        self._composer = composer
        self.agents: tuple[Agent, ...] = ()
        # A list over the pane (not a window): the editor keeps the focus and the keys.
        self.popup = QListWidget(composer.parentWidget() or composer)
        self.popup.setObjectName("mentionPopup")
        self.popup.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.popup.hide()
        self.popup.itemClicked.connect(self._complete_item)
        composer.editor.installEventFilter(self)
        composer.editor.cursorPositionChanged.connect(self.update)
        composer.text_edited.connect(lambda *_: self.update())

    def update(self) -> None:
        """Show (or hide) the colleagues that complete the "@..." before the cursor."""
        editor = self._composer.editor
        if self._composer.kind is not MessageKind.NOTE or not editor.hasFocus():
            self.popup.hide()
            return
        cursor = editor.textCursor()
        block = cursor.block().text()[: cursor.positionInBlock()]
        prefix = completion_prefix(block)
        matches = offered(self.agents, prefix) if prefix is not None else []
        if not matches:
            self.popup.hide()
            return
        self.popup.clear()
        for agent in matches:
            item = QListWidgetItem(display_text(agent.name, 60))
            item.setData(ID_ROLE, agent.id)
            self.popup.addItem(item)
        self.popup.setCurrentRow(0)
        rect = editor.cursorRect()
        height = self.popup.sizeHintForRow(0) * len(matches) + 6
        self.popup.resize(240, height)
        host = self.popup.parentWidget()
        at = editor.viewport().mapTo(host, rect.topLeft()) if host else rect.topLeft()
        self.popup.move(at.x(), max(0, at.y() - height - 2))  # above the line: the thread
        self.popup.show()
        self.popup.raise_()

    def complete(self) -> bool:
        """Replace "@prefix" before the cursor with "@Full Name " (the current choice)."""
        item = self.popup.currentItem()
        return item is not None and self._complete_item(item)

    def _complete_item(self, item: QListWidgetItem) -> bool:
        agent = next((a for a in self.agents if a.id == item.data(ID_ROLE)), None)
        editor = self._composer.editor
        cursor = editor.textCursor()
        before = cursor.block().text()[: cursor.positionInBlock()]
        prefix = completion_prefix(before)
        self.popup.hide()
        if agent is None or prefix is None:
            return False
        cursor.movePosition(
            QTextCursor.MoveOperation.Left,
            QTextCursor.MoveMode.KeepAnchor,
            _units(prefix, len(prefix)) + 1,
        )
        cursor.insertText(f"@{agent.name} ")
        editor.setTextCursor(cursor)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.FocusOut:
            self.popup.hide()
        if event.type() != QEvent.Type.KeyPress or not self.popup.isVisible():
            return super().eventFilter(watched, event)
        assert isinstance(event, QKeyEvent)
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            row = self.popup.currentRow() + (1 if key == Qt.Key.Key_Down else -1)
            self.popup.setCurrentRow(max(0, min(row, self.popup.count() - 1)))
            return True
        plain = not event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab) and plain:
            return self.complete()
        if key == Qt.Key.Key_Escape:
            self.popup.hide()
            return True
        return super().eventFilter(watched, event)


def highlight_mentions(
    document: QTextDocument, start: int, text: str, agents: Sequence[tuple[int, str]]
) -> int:
    """Mark the mentions in ``text`` (inserted at ``start`` of ``document``) in the
    mention style; returns how many. Only formats change: the text stays as inserted."""
    found = find_mentions(text, agents)
    if not found:
        return 0
    style = QTextCharFormat()
    style.setForeground(MENTION_COLOR)
    style.setBackground(MENTION_BACKGROUND)
    style.setFontWeight(QFont.Weight.DemiBold)
    style.setProperty(QTextCharFormat.Property.UserProperty + 7, "mention")
    for mention in found:
        cursor = QTextCursor(document)
        cursor.setPosition(start + _units(text, mention.start))
        cursor.setPosition(start + _units(text, mention.end), QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(style)
    return len(found)
