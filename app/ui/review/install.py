"""Plugs the review room into the main window: View → Review (Ctrl+Shift+V), Review
queues, Feedback; "Review conversation" in the inbox's right-click menu; the draft
check's findings recorded with each sent reply. Only leads (and trainers, admins) write;
an agent sees the entries disabled with the reason, and reads their own feedback."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from app.domain.changes import Changes
from app.ops import review
from app.ops.review_transcript import findings_at_send
from app.ui.review.audit_dialog import AuditEntryPoint
from app.ui.review.window import ReviewWindow
from app.ui.shell.menus import add_action, view_menu

if TYPE_CHECKING:
    from app.ui.review.feedback import FeedbackDialog
    from app.ui.review.queues import QueueDialog
    from app.ui.review.rubric_editor import RubricEditorDialog
    from app.ui.shell.main_window import MainWindow

REVIEW_KEYS = ["Ctrl+Shift+V"]


class ReviewRoom(QObject):
    """The review entries of one main window and the review windows it opened."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._ctx = window._ctx
        self.is_lead = False  # writes reviews (lead, admin)
        self.can_read = False  # reads the team's reviews (lead, trainer, admin)
        self.windows: dict[int, ReviewWindow] = {}
        _ = self._ctx.i18n._
        menu = view_menu(window)
        menu.setToolTipsVisible(True)  # why an entry is disabled
        menu.addSeparator()
        self.review_action: QAction = add_action(
            window, menu, _("Review conversation"), REVIEW_KEYS, self.review_current
        )
        self.queues_action: QAction = add_action(
            window, menu, _("Review queues…"), [], self.open_queues
        )
        self.rubric_action: QAction = add_action(
            window, menu, _("Scorecard rubric…"), [], self.open_rubric
        )
        self.feedback_action: QAction = add_action(
            window, menu, _("Feedback on my conversations…"), [], self.open_feedback
        )
        self.audit = AuditEntryPoint(window, menu)  # admins: the server's review audit log
        window.conversation.sent_findings = lambda: findings_at_send(window.draft_check.findings)
        window.changes_applied.connect(self._changes)
        self._wrap_inbox_menu()
        self._set_access((False, False))
        self.refresh_roles()

    def _wrap_inbox_menu(self) -> None:
        """The inbox's right-click menu gains "Review conversation" for one selected row."""

        def add(menu: QMenu, cid: int) -> None:
            action = menu.addAction(self.review_action.text())
            action.setEnabled(self.can_read)
            action.setToolTip(self.review_action.toolTip())
            action.triggered.connect(lambda _c=False: self.open_review(cid))

        self.window.inbox.bulk.row_actions.append(add)

    # ------------------------------------------------------------------ roles
    def refresh_roles(self) -> None:
        self._ctx.tasks.run_store(
            review.review_access, self._set_access, key="review-roles", owner=self
        )

    def _set_access(self, access: tuple[bool, bool]) -> None:
        _ = self._ctx.i18n._
        self.can_read, self.is_lead = access
        if self.is_lead:
            tip = ""
        elif self.can_read:
            tip = _("Trainers read the team's reviews; team leads and admins write them.")
        else:
            tip = _("Only team leads review conversations; your feedback is under View.")
        for action in (self.review_action, self.queues_action):
            action.setEnabled(self.can_read)
            action.setToolTip(tip)

    def _changes(self, changes: Changes, initiator: object = None) -> None:
        if changes.choices or changes.reviews:
            self.refresh_roles()
        for shown in list(self.windows.values()):
            shown.apply_changes(changes, initiator)

    # ------------------------------------------------------------------ opening
    def review_current(self) -> ReviewWindow | None:
        cid = self.window.conversation.conversation_id
        if cid is None or not self.can_read:
            return None
        return self.open_review(cid)

    def open_review(self, conversation_id: int, *, can_write: bool | None = None) -> ReviewWindow:
        """The review window of a conversation (brought forward if already open)."""
        write = self.is_lead if can_write is None else can_write and self.is_lead
        shown = self.windows.get(conversation_id)
        if shown is not None and shown.can_write == write:
            shown.raise_()
            shown.activateWindow()
            return shown
        if shown is not None:
            shown.close()
        shown = ReviewWindow(self._ctx, conversation_id, can_write=write, parent=self.window)
        if not write and can_write is None:  # a trainer reading the team's review
            shown.setWindowTitle(self._ctx.i18n._("Review (read only)"))
        shown.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        shown.changed.connect(lambda changes: self.window.apply_changes(changes, shown))
        shown.destroyed.connect(lambda _o=None, cid=conversation_id: self.windows.pop(cid, None))
        self.windows[conversation_id] = shown
        shown.show()
        return shown

    def open_queues(self) -> QueueDialog | None:
        if not self.can_read:
            return None
        from app.ui.review.queues import QueueDialog

        dialog = QueueDialog(self._ctx, self.window)
        dialog.review_requested.connect(self.open_review)
        dialog.open()
        return dialog

    def open_rubric(self) -> RubricEditorDialog:
        """The rubric editor: a lead or admin edits it, anyone else reads it."""
        from app.ui.review.rubric_editor import RubricEditorDialog

        dialog = RubricEditorDialog(self._ctx, self.window)
        dialog.saved.connect(lambda changes: self.window.apply_changes(changes, dialog))
        dialog.open()
        return dialog

    def open_feedback(self) -> FeedbackDialog:
        from app.ui.review.feedback import FeedbackDialog

        dialog = FeedbackDialog(self._ctx, self.window)
        dialog.open_requested.connect(lambda cid: self.open_review(cid, can_write=False))
        dialog.open()
        return dialog


def install_review(window: MainWindow) -> ReviewRoom:
    return ReviewRoom(window)
