"""Canned replies in the composer: a keyboard-first picker, variables filled on insert,
unfilled gaps that block sending, and the reply's actions applied when it is sent.

Ctrl+Shift+K (or the *Canned replies* button) opens the picker: type to filter, Up/Down,
Enter inserts at the cursor. Replies that fit the conversation (country, language, tags,
words in the customer's last message) come first. A variable the conversation cannot
fill stays as a marked gap (``⟦order.number⟧``), selected so the agent types over it,
and a reply with a gap is not sent. Actions (status, tags, assignee) are shown under the
editor and applied when the reply is sent (as Zendesk applies a macro on submit).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.canned import GAP_CLOSE, GAP_OPEN, CannedActions, gaps_in, matches, render
from app.domain.display import display_text
from app.domain.models import MessageKind, Status
from app.knowledge.tags import tag_name
from app.ops import canned as canned_ops
from app.ops import reply
from app.ops.canned import CannedContext, CannedReply
from app.ops.context import AppContext
from app.ops.types import Store
from app.translation.api import primary
from app.ui.conversation.header import plain_label
from app.ui.shell.labels import status_label

if TYPE_CHECKING:
    from app.domain.changes import Changes
    from app.ui.conversation.composer import Composer

UID_ROLE = Qt.ItemDataRole.UserRole + 1
TITLE_CHARS = 80
PREVIEW_CHARS = 600
PICKER_WIDTH = 460


class CannedPicker(QFrame):
    """The popup: a search box over the list, and the filled text of the current reply.

    Signals:
        chosen(object): the CannedReply to insert.
    """

    chosen = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        # A panel over the pane (not a top-level popup): it never grabs the keyboard, and
        # leaving the search box closes it.
        super().__init__(parent)
        self.setObjectName("cannedPicker")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.hide()
        _ = ctx.i18n._
        self._i18n = ctx.i18n
        self._agent_language = ctx.agent_language
        self.replies: list[CannedReply] = []
        self.context: CannedContext | None = None
        self.suggested: list[str] = []
        self.search = QLineEdit(self)
        self.search.setObjectName("cannedSearch")
        self.search.setPlaceholderText(_("Search canned replies"))
        self.search.setAccessibleName(_("Search canned replies"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._refill)
        self.search.installEventFilter(self)
        self.list = QListWidget(self)
        self.list.setObjectName("cannedList")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the search box
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self.list.currentItemChanged.connect(self._show_preview)
        self.preview = plain_label(self, "cannedPreview")
        self.preview.setWordWrap(True)
        self.preview.setMaximumHeight(120)
        self.hint = QLabel(_("Enter inserts · Esc closes"), self)
        self.hint.setObjectName("muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.preview)
        layout.addWidget(self.hint)
        self.resize(PICKER_WIDTH, 380)

    def show_for(
        self,
        replies: Sequence[CannedReply],
        context: CannedContext,
        anchor: QWidget,
    ) -> None:
        """Fill the list for this conversation and pop up above ``anchor``."""
        agent = primary(self._agent_language)
        mine = [r for r in replies if primary(r.language) == agent]
        self.replies = mine or list(replies)  # the agent's language; all if none is
        self.context = context
        self.suggested = canned_ops.suggested(self.replies, context)
        self.search.clear()
        self._refill()
        host = self.parentWidget()
        if host is not None:
            top_left = anchor.mapTo(host, anchor.rect().topLeft())
            width = min(PICKER_WIDTH, host.width())
            height = min(380, max(160, top_left.y()))
            x = max(0, min(top_left.x(), host.width() - width))
            self.setGeometry(x, max(0, top_left.y() - height), width, height)
        self.show()
        self.raise_()
        self.search.setFocus()

    def rows(self) -> list[str]:
        """The titles listed, in order (section headers included)."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _refill(self) -> None:
        _ = self._i18n._
        query = self.search.text()
        by_uid = {r.uid: r for r in self.replies}
        top = [by_uid[u] for u in self.suggested if u in by_uid]
        rest = [r for r in self.replies if r.uid not in self.suggested]
        self.list.clear()
        for header, group in ((_("Suggested for this conversation"), top), (_("All"), rest)):
            shown = [r for r in group if matches(query, (r.title, r.body))]
            if shown and top:
                item = QListWidgetItem(header)
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                self.list.addItem(item)
            for r in shown:
                item = QListWidgetItem(display_text(r.title, TITLE_CHARS))
                item.setData(UID_ROLE, r.uid)
                self.list.addItem(item)
        if not self._selectable():
            item = QListWidgetItem(
                _("No canned reply matches") if query else _("No canned replies yet")
            )
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(item)
        self._step(1, from_row=-1)

    def _selectable(self) -> list[int]:
        return [i for i in range(self.list.count()) if self.list.item(i).data(UID_ROLE)]

    def _step(self, delta: int, from_row: int | None = None) -> None:
        rows = self._selectable()
        if not rows:
            self.list.setCurrentRow(-1)
            self.preview.clear()
            return
        row = self.list.currentRow() if from_row is None else from_row
        later = [r for r in rows if (r > row if delta > 0 else r < row)]
        target = (
            (later[0] if delta > 0 else later[-1])
            if later
            else (rows[-1] if delta > 0 else rows[0])
        )
        self.list.setCurrentRow(target)

    def current(self) -> CannedReply | None:
        item = self.list.currentItem()
        uid = item.data(UID_ROLE) if item is not None else None
        return next((r for r in self.replies if r.uid == uid), None)

    def _show_preview(self, *_args: object) -> None:
        chosen = self.current()
        if chosen is None or self.context is None:
            self.preview.clear()
            return
        text = render(chosen.body, self.context.values).text
        self.preview.setText(display_text(text, PREVIEW_CHARS))

    def _activated(self, item: QListWidgetItem) -> None:
        if item.data(UID_ROLE):
            self.list.setCurrentItem(item)
            self.choose()

    def choose(self) -> None:
        chosen = self.current()
        if chosen is not None:
            self.hide()
            self.chosen.emit(chosen)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self._step(1 if key == Qt.Key.Key_Down else -1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.choose()
                return True
            if key == Qt.Key.Key_Escape:
                self.hide()
                return True
        if watched is self.search and event.type() == QEvent.Type.FocusOut:
            self.hide()
        return super().eventFilter(watched, event)


class CannedReplies(QObject):
    """The composer's canned-reply tools for one pane: the button, the picker, and the
    actions waiting for the reply to be sent (per conversation, until sent or cleared)."""

    def __init__(
        self,
        ctx: AppContext,
        composer: Composer,
        conversation_id: Callable[[], int | None],
        report_error: Callable[[BaseException], None],
    ) -> None:
        super().__init__(composer)
        self._ctx = ctx
        self._composer = composer
        self._conversation_id = conversation_id
        self._report_error = report_error
        _ = ctx.i18n._
        self.pending: dict[int, CannedActions] = {}
        self.agent_names: dict[str, str] = {}  # uid -> name, for "assign to …"
        self.button = QToolButton(composer)
        self.button.setObjectName("macroButton")
        self.button.setText(_("Canned replies"))
        self.button.setToolTip(_("Insert a canned reply (Ctrl+Shift+K)"))
        self.button.clicked.connect(self.open_picker)
        self.picker = CannedPicker(ctx, composer.parentWidget() or composer)
        self.picker.chosen.connect(self.insert)
        self.strip = QWidget(composer)
        self.strip.setObjectName("cannedActions")
        self.actions_label = plain_label(self.strip, "muted")
        self.actions_label.setWordWrap(True)
        self.clear_button = QToolButton(self.strip)
        self.clear_button.setText("✕")
        self.clear_button.setAutoRaise(True)
        self.clear_button.setAccessibleName(_("Don't apply the canned reply's actions"))
        self.clear_button.setToolTip(_("Don't apply the canned reply's actions"))
        self.clear_button.clicked.connect(self.clear_actions)
        row = QHBoxLayout(self.strip)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.actions_label, 1)
        row.addWidget(self.clear_button)
        self.strip.hide()
        composer.add_tool(self.button)
        composer.add_panel(self.strip)
        composer.text_edited.connect(self._edited)

    # ------------------------------------------------------------------ picking
    def open_picker(self) -> None:
        cid = self._conversation_id()
        if cid is None or self._composer.conversation_id != cid:
            return
        name = self._ctx.workspace.me_name

        def done(data: tuple[list[CannedReply], CannedContext]) -> None:
            if self._composer.conversation_id == cid == data[1].conversation_id:
                self.picker.show_for(data[0], data[1], self._composer.editor)

        self._ctx.tasks.run_store(
            lambda store: canned_ops.picker_data(store, cid, name),
            done,
            self._report_error,
            key="canned-picker",
            owner=self,
        )

    def insert(self, chosen: CannedReply) -> None:
        """Fill and insert at the cursor (replacing only the selection); select the first
        gap so the agent types over it; keep its actions for the send."""
        context = self.picker.context
        cid = self._composer.conversation_id
        if context is None or cid is None or context.conversation_id != cid:
            return
        rendered = render(chosen.body, context.values)
        editor = self._composer.editor
        start = editor.textCursor().selectionStart()
        self._composer.insert_text(rendered.text)
        if not chosen.actions.empty:
            before = self.pending.get(cid, CannedActions())
            self.pending[cid] = canned_ops.merge_actions(before, chosen.actions)
        self._show_actions()
        if rendered.gaps:
            self._select_gap(start)

    def _select_gap(self, start: int) -> None:
        editor = self._composer.editor
        text = editor.toPlainText()
        at = text.find(GAP_OPEN, start)
        end = text.find(GAP_CLOSE, at) if at != -1 else -1
        if at == -1 or end == -1:
            return
        cursor = editor.textCursor()
        cursor.setPosition(_units(text, at))
        cursor.setPosition(_units(text, end + 1), QTextCursor.MoveMode.KeepAnchor)
        editor.setTextCursor(cursor)

    # ------------------------------------------------------------------ sending
    def unfilled_notice(self, kind: MessageKind, text: str) -> str | None:
        """Why a reply cannot be sent yet (gaps left), or None."""
        gaps = gaps_in(text) if kind is MessageKind.AGENT else []
        if not gaps:
            return None
        shown = ", ".join(display_text(g, 40) for g in gaps[:5])
        return self._ctx.i18n._(
            "Fill in the marked gaps before sending: {gaps}. Type over each ⟦…⟧ "
            "(or delete it); your text is kept."
        ).format(gaps=shown)

    def send_work(
        self,
        cid: int,
        message: reply.Reply,
        me: int | None,
        now: int,
        then: Status | None,
    ) -> Callable[[Store], Changes] | None:
        """The store work that sends ``message`` with the pending actions, if any."""
        actions = self.pending.get(cid)
        if actions is None or actions.empty or message.kind is not MessageKind.AGENT:
            return None
        return lambda store: canned_ops.send_with_actions(
            store, cid, message, me, now, then, actions
        )

    def status_on_send(self, cid: int, kind: MessageKind) -> Status | None:
        """The status the pending canned actions set when this reply is sent (for Undo)."""
        actions = self.pending.get(cid) if kind is MessageKind.AGENT else None
        return actions.status if actions is not None else None

    def sent(self, cid: int, kind: MessageKind) -> None:
        """The reply is stored: its actions were applied with it."""
        if kind is MessageKind.AGENT:
            self.pending.pop(cid, None)
            self._show_actions()

    def clear_actions(self) -> None:
        cid = self._composer.conversation_id
        if cid is not None:
            self.pending.pop(cid, None)
        self._show_actions()

    def _edited(self, _kind: MessageKind, text: str) -> None:
        cid = self._composer.conversation_id
        if cid is not None and not text.strip() and cid in self.pending:
            self.pending.pop(cid)  # the canned text is gone: so are its actions
        self._show_actions()

    def _show_actions(self) -> None:
        cid = self._composer.conversation_id
        actions = self.pending.get(cid) if cid is not None else None
        if actions is None or actions.empty:
            self.strip.hide()
            return
        self.actions_label.setText(actions_text(self._ctx, actions, self.agent_names))
        self.strip.show()


def actions_text(ctx: AppContext, actions: CannedActions, names: dict[str, str]) -> str:
    """ "When sent: set to Resolved · add tag refund · assign to Wei Zhang" (``names``:
    agents' names by uid)."""
    _ = ctx.i18n._
    parts: list[str] = []
    if actions.status is not None:
        status = status_label(ctx.i18n, actions.status)
        parts.append(_("set to {status}").format(status=status))
    for tag in actions.add_tags:
        shown = tag_name(tag, ctx.i18n.ui_locale)
        parts.append(_("add tag {tag}").format(tag=display_text(shown, 40)))
    if actions.assign_to == "me":
        parts.append(_("assign to me"))
    elif actions.assign_to:
        agent = names.get(actions.assign_to, actions.assign_to)
        parts.append(_("assign to {agent}").format(agent=display_text(agent, 40)))
    return _("When sent: {actions}").format(actions=" · ".join(parts))


def _units(text: str, index: int) -> int:
    """A Python index as a Qt text position (UTF-16 code units)."""
    return len(text[:index].encode("utf-16-le")) // 2
