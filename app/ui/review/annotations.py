"""The selected message's annotations beside the transcript, with the lead's actions:
annotate, edit, delete, and promote a correction to the translation memory or a term
to the glossary in one step (the lead is the approver)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.models import ConversationDetail
from app.domain.review import Annotation, AnnotationKind
from app.ops import review
from app.ops.context import AppContext
from app.ops.review_transcript import ReviewLine
from app.ui.review.annotate_dialog import AnnotateDialog
from app.ui.review.labels import annotation_line
from app.ui.shell.labels import isolate, localize

PREVIEW_CHARS = 160
TERM_CHARS = 100


class AnnotationPanel(QWidget):
    """Signals: changed(object): the Changes of a write (annotation or promotion)."""

    changed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, can_write: bool) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.can_write = can_write
        self.detail: ConversationDetail | None = None
        self.line: ReviewLine | None = None
        self._annotations: tuple[Annotation, ...] = ()
        self.dialog: QDialog | None = None
        _ = ctx.i18n._
        self.message_label = QLabel(self)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("annotationList")
        self.list.setWordWrap(True)
        self.empty = QLabel(_("No annotations on this message."), self)
        self.empty.setObjectName("muted")
        self.error = QLabel(self)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.hide()
        self.annotate_button = QPushButton(_("Annotate…"), self)
        self.edit_button = QPushButton(_("Edit…"), self)
        self.delete_button = QPushButton(_("Delete"), self)
        self.promote_button = QPushButton(_("Promote to translation memory"), self)
        self.glossary_button = QPushButton(_("Add to glossary…"), self)
        self.promote_button.setToolTip(
            _("From now on the corrected translation wins over machine translation.")
        )
        row = QHBoxLayout()
        for button in (self.annotate_button, self.edit_button, self.delete_button):
            row.addWidget(button)
        row.addStretch(1)
        promote = QHBoxLayout()
        promote.addWidget(self.promote_button)
        promote.addWidget(self.glossary_button)
        promote.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message_label)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.error)
        layout.addLayout(row)
        layout.addLayout(promote)
        if not can_write:
            for button in (
                self.annotate_button,
                self.edit_button,
                self.delete_button,
                self.promote_button,
                self.glossary_button,
            ):
                button.hide()
        self.annotate_button.clicked.connect(lambda: self.annotate())
        self.edit_button.clicked.connect(lambda: self.edit())
        self.delete_button.clicked.connect(self.delete)
        self.promote_button.clicked.connect(self.promote)
        self.glossary_button.clicked.connect(lambda: self.add_to_glossary())
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self._update_buttons()

    # ------------------------------------------------------------------ showing
    def show_message(
        self,
        detail: ConversationDetail | None,
        line: ReviewLine | None,
        annotations: tuple[Annotation, ...],
    ) -> None:
        _ = self._ctx.i18n._
        self.detail, self.line, self._annotations = detail, line, annotations
        self.error.hide()
        if line is None:
            self.message_label.setText(_("Select a message to see or add annotations."))
        else:
            text = " ".join(line.left.split())
            if len(text) > PREVIEW_CHARS:
                text = text[: PREVIEW_CHARS - 1] + "…"
            self.message_label.setText(isolate(text))
        self.list.clear()
        for annotation in annotations:
            author = annotation.author_name or ""
            item = QListWidgetItem(
                f"{annotation_line(self._ctx.i18n, annotation)}\n— {isolate(author)}".rstrip("— \n")
            )
            item.setData(Qt.ItemDataRole.UserRole, annotation.id)
            self.list.addItem(item)
        if annotations:
            self.list.setCurrentRow(0)
        self.empty.setVisible(not annotations)
        self._update_buttons()

    def selected(self) -> Annotation | None:
        row = self.list.currentRow()
        return self._annotations[row] if 0 <= row < len(self._annotations) else None

    def _update_buttons(self) -> None:
        chosen = self.selected()
        mine = chosen is not None and chosen.author_agent_id == self._ctx.workspace.me_id
        self.annotate_button.setEnabled(self.line is not None)
        self.edit_button.setEnabled(mine)
        self.delete_button.setEnabled(mine)
        promotable = (
            chosen is not None
            and chosen.kind is AnnotationKind.MISTRANSLATION
            and bool(chosen.correction)
            and not chosen.promoted
        )
        self.promote_button.setEnabled(promotable)
        self.glossary_button.setEnabled(promotable)

    # ------------------------------------------------------------------ writes
    def annotate(self) -> AnnotateDialog | None:
        if self.line is None or not self.can_write:
            return None
        dialog = AnnotateDialog(self._ctx, self.detail, self.line, self)
        dialog.saved.connect(self.changed)
        self.dialog = dialog
        dialog.open()
        return dialog

    def edit(self) -> AnnotateDialog | None:
        chosen = self.selected()
        if self.line is None or chosen is None or not self.can_write:
            return None
        dialog = AnnotateDialog(self._ctx, self.detail, self.line, self, chosen)
        dialog.saved.connect(self.changed)
        self.dialog = dialog
        dialog.open()
        return dialog

    def delete(self) -> None:
        chosen = self.selected()
        if chosen is None or not self.can_write:
            return
        aid, me = chosen.id, self._ctx.workspace.me_id
        self._ctx.tasks.run_store(
            lambda repo: review.delete_annotation(repo, aid, me),
            self.changed.emit,
            self._failed,
            owner=self,
        )

    def promote(self) -> None:
        """The corrected translation into the translation memory, approved by me."""
        chosen = self.selected()
        if chosen is None or not self.can_write:
            return
        aid, me, now = chosen.id, self._ctx.workspace.me_id, self._ctx.clock()
        service, tag = self._ctx.translation, self._ctx.agent_language
        self._ctx.tasks.run_store(
            lambda repo: review.promote_correction(
                repo, aid, me, now, service, agent_language=tag, to="memory"
            ),
            self.changed.emit,
            self._failed,
            owner=self,
        )

    def add_to_glossary(self) -> QDialog | None:
        """A term and its approved rendering (prefilled from the message and the
        correction), into the team's glossary."""
        chosen = self.selected()
        if chosen is None or not self.can_write:
            return None
        _ = self._ctx.i18n._
        dialog = QDialog(self)
        dialog.setObjectName("glossaryTermDialog")
        dialog.setWindowTitle(_("Add to glossary"))
        source = QLineEdit(dialog)
        source.setObjectName("termSource")
        source.setMaxLength(TERM_CHARS)
        target = QLineEdit(dialog)
        target.setObjectName("termTarget")
        target.setMaxLength(TERM_CHARS)
        target.setText((chosen.correction or "")[:TERM_CHARS])
        form = QFormLayout(dialog)
        form.addRow(_("Term as written"), source)
        form.addRow(_("Approved rendering"), target)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
        )
        form.addRow(buttons)
        buttons.rejected.connect(dialog.reject)
        aid, me, now = chosen.id, self._ctx.workspace.me_id, self._ctx.clock()
        service, tag = self._ctx.translation, self._ctx.agent_language

        def accepted() -> None:
            term = (source.text().strip(), target.text().strip())
            if not all(term):
                return  # both are needed; the dialog stays open with what was typed
            dialog.accept()
            self._ctx.tasks.run_store(
                lambda repo: review.promote_correction(
                    repo, aid, me, now, service, agent_language=tag, to="glossary", term=term
                ),
                self.changed.emit,
                self._failed,
                owner=self,
            )

        buttons.accepted.connect(accepted)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _failed(self, error: BaseException) -> None:
        self.error.setText(localize(self._ctx.i18n, error))
        self.error.show()
