""" "Merge conversations…": two conversations that are one (the customer wrote again
instead of replying). Offered for two selected in the inbox and from the customer's
history; the agent chooses which one to keep, the messages of the other join it in time
order, and the window's undo bar offers Undo.

Local workspaces only: the sync contract has no merge, so with a server the action is
shown disabled with the reason.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QMenu, QMessageBox, QPushButton, QWidget

from app.domain.changes import Changes
from app.domain.display import isolated
from app.domain.models import ConversationRow
from app.ops import customer, inbox
from app.ops.context import AppContext
from app.ops.customer import ConversationMerge
from app.ops.types import Store
from app.ui.shell.labels import localize

SUBJECT_CHARS = 60


class ConversationMerger(QObject):
    """Asks which conversation to keep, merges, and offers Undo.

    Signals:
        changed(object): the Changes of a merge or its undo (the window's change path).
        undo_offered(str, object): what happened and the work that undoes it (the undo bar).
        merged(int): the conversation that was kept (the window shows it).
        failed(str): why a merge did not happen, for the agent.
    """

    changed = Signal(object)
    undo_offered = Signal(str, object)
    merged = Signal(int)
    failed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget, local_only: bool) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._parent = parent
        self.local_only = local_only
        self.box: QMessageBox | None = None  # the open question (tests answer it)

    def action(self, menu: QMenu, pair: tuple[int, int], text: str | None = None) -> QAction:
        """Add "Merge conversations…" for ``pair`` to ``menu`` (disabled with a server)."""
        _ = self._ctx.i18n._
        action = menu.addAction(text or _("Merge conversations…"))
        action.setObjectName("mergeConversations")
        if not self.local_only:
            action.setEnabled(False)
            action.setToolTip(
                _("Merging is available in a local workspace only: the server has no merge.")
            )
            menu.setToolTipsVisible(True)
        action.triggered.connect(lambda _checked=False: self.ask(pair))
        return action

    def pair_action(self, menu: QMenu, pair: tuple[int, int]) -> None:
        """The inbox's hook for two selected conversations."""
        self.action(menu, pair)

    def ask(self, pair: tuple[int, int], keep: int | None = None) -> None:
        """Read both rows, then ask which one to keep (``keep``: the default choice)."""
        self._ctx.tasks.run_store(
            lambda store: inbox.conversation_rows(store, list(pair)),
            lambda rows: self._question(pair, rows, keep if keep is not None else pair[0]),
            owner=self,
        )

    def _question(self, pair: tuple[int, int], rows: dict[int, ConversationRow], keep: int) -> None:
        if not all(cid in rows for cid in pair):
            return
        _ = self._ctx.i18n._
        first, second = (rows[cid] for cid in (keep, pair[1] if keep == pair[0] else pair[0]))
        box = QMessageBox(self._parent)
        box.setObjectName("mergeConversationsQuestion")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Merge conversations"))
        text = _(
            "Merge these two conversations? The messages of one move into the other, in "
            "time order; the other leaves the inbox. You can undo this right after."
        )
        if first.customer_name != second.customer_name:
            text += "\n\n" + _(
                "They are from different customers ({first} and {second}): the messages "
                "will show with the conversation you keep."
            ).format(
                first=isolated(first.customer_name, 60), second=isolated(second.customer_name, 60)
            )
        box.setText(text)
        buttons: dict[QAbstractButton, tuple[int, int]] = {}
        keeps: list[QPushButton] = []
        for kept, other in ((first, second), (second, first)):
            label = _("Keep “{subject}”").format(subject=self._title(kept))
            keeps.append(box.addButton(label, QMessageBox.ButtonRole.AcceptRole))
            buttons[keeps[-1]] = (other.id, kept.id)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keeps[0])

        def answered(button: QAbstractButton) -> None:
            self.box = None
            choice = buttons.get(button)
            if choice is not None:
                self.merge(*choice)

        box.buttonClicked.connect(answered)
        self.box = box
        box.open()

    def _title(self, row: ConversationRow) -> str:
        return isolated(
            row.subject or row.last_message_preview or self._ctx.i18n._("(no subject)"),
            SUBJECT_CHARS,
        )

    def merge(self, absorbed: int, into: int) -> None:
        """Merge without asking (the agent chose); Undo is offered on the undo bar."""
        now = self._ctx.clock()

        def done(result: ConversationMerge) -> None:
            self.changed.emit(result.changes)
            self.merged.emit(into)

            def undo(store: Store, when: int) -> Changes:
                return customer.undo_merge_conversations(store, result, when)

            self.undo_offered.emit(self._ctx.i18n._("Conversations merged"), undo)

        def refused(error: BaseException) -> None:
            self.failed.emit(
                self._ctx.i18n._("The conversations were not merged: {reason}").format(
                    reason=localize(self._ctx.i18n, error)[:200]
                )
            )

        self._ctx.tasks.run_store(
            lambda store: customer.merge_conversations(store, absorbed, into, now),
            done,
            refused,
            owner=self,
        )
