"""Annotate one message: kind, severity, a note; the corrected translation for a
mistranslation; the profile or rule for an etiquette issue.

The dialog stores the annotation itself and stays open if the store refuses it (too
long, not the author...), with the reason and every word the lead typed still there.
"""

from __future__ import annotations

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

from app.domain.changes import Changes
from app.domain.models import ConversationDetail
from app.domain.review import (
    MAX_COMMENT_CHARS,
    MAX_CORRECTION_CHARS,
    MAX_REFERENCE_CHARS,
    Annotation,
    AnnotationKind,
    Severity,
)
from app.ops import review
from app.ops.context import AppContext
from app.ops.review_transcript import ReviewLine
from app.ui.review.labels import KINDS, SEVERITIES
from app.ui.shell.labels import localize


def references(detail: ConversationDetail | None, line: ReviewLine | None) -> list[str]:
    """What an etiquette annotation can concern: the customer's country profile, then the
    draft-check rules that fired on this reply."""
    found: list[str] = []
    if detail is not None:
        found.append(f"profile:{detail.customer.country}")
    if line is not None:
        found += [f"rule:{f.rule_id}" for f in line.findings if f"rule:{f.rule_id}" not in found]
    return found


class AnnotateDialog(QDialog):
    """Signals: saved(object): the Changes of the stored annotation."""

    saved = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        detail: ConversationDetail | None,
        line: ReviewLine,
        parent: QWidget | None = None,
        existing: Annotation | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._line = line
        self._existing = existing
        _ = ctx.i18n._
        self.setObjectName("annotateDialog")
        self.setWindowTitle(_("Edit annotation") if existing else _("Annotate message"))
        self.kind = QComboBox(self)
        for kind, label in KINDS.items():
            self.kind.addItem(_(label), kind)
        self.severity = QComboBox(self)
        for severity, label in SEVERITIES.items():
            self.severity.addItem(_(label), severity)
        self.body = QPlainTextEdit(self)
        self.body.setObjectName("annotationBody")
        self.body.setPlaceholderText(_("What you noticed, for the agent"))
        self.correction = QPlainTextEdit(self)
        self.correction.setObjectName("annotationCorrection")
        self.correction.setPlaceholderText(_("The correct translation"))
        self.reference = QComboBox(self)
        self.reference.setEditable(True)
        self.reference.addItems(references(detail, line))
        editor = self.reference.lineEdit()
        if editor is not None:
            editor.setMaxLength(MAX_REFERENCE_CHARS)
        self.error = QLabel(self)
        self.error.setObjectName("annotationError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #B00020;")
        self.error.hide()

        form = QFormLayout()
        form.addRow(_("Kind"), self.kind)
        form.addRow(_("Severity"), self.severity)
        form.addRow(_("Note"), self.body)
        self.correction_label = QLabel(_("Corrected translation"), self)
        form.addRow(self.correction_label, self.correction)
        self.reference_label = QLabel(_("Concerns (profile or rule)"), self)
        form.addRow(self.reference_label, self.reference)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)

        if existing is not None:
            self.kind.setCurrentIndex(self.kind.findData(existing.kind))
            self.severity.setCurrentIndex(self.severity.findData(existing.severity))
            self.body.setPlainText(existing.body)
            self.correction.setPlainText(existing.correction or "")
            self.reference.setEditText(existing.reference or "")
        else:
            # The translation as it stands is where a correction starts.
            self.correction.setPlainText(line.right or "")
        self._kind_changed()
        self.resize(520, 420)

    def chosen_kind(self) -> AnnotationKind:
        return AnnotationKind(self.kind.currentData())

    def _kind_changed(self) -> None:
        kind = self.chosen_kind()
        mistranslation = kind is AnnotationKind.MISTRANSLATION
        etiquette = kind is AnnotationKind.ETIQUETTE
        self.correction.setVisible(mistranslation)
        self.correction_label.setVisible(mistranslation)
        self.reference.setVisible(etiquette)
        self.reference_label.setVisible(etiquette)

    def save(self) -> None:
        """Store the annotation; on refusal the reason is shown and the dialog stays."""
        _ = self._ctx.i18n._
        kind = self.chosen_kind()
        severity = Severity(self.severity.currentData())
        body = self.body.toPlainText()
        correction = self.correction.toPlainText() if kind is AnnotationKind.MISTRANSLATION else ""
        reference = self.reference.currentText() if kind is AnnotationKind.ETIQUETTE else ""
        if len(body) > MAX_COMMENT_CHARS or len(correction) > MAX_CORRECTION_CHARS:
            self._refused_text(
                _("The note or the correction is too long (at most {count} characters)").format(
                    count=self._ctx.i18n.number(MAX_COMMENT_CHARS)
                )
            )
            return
        if kind is AnnotationKind.MISTRANSLATION and not correction.strip():
            self._refused_text(_("Write the correct translation"))
            return
        line, me, now = self._line, self._ctx.workspace.me_id, self._ctx.clock()
        cid, mid = line.message.conversation_id, line.message.id
        existing = self._existing
        self.setEnabled(False)
        tasks = self._ctx.tasks
        if existing is None:
            tasks.run_store(
                lambda repo: review.add_annotation(
                    repo,
                    cid,
                    mid,
                    kind,
                    severity,
                    body,
                    me,
                    now,
                    correction=correction or None,
                    reference=reference or None,
                ),
                self._stored,
                self._refused,
                owner=self,
            )
            return
        aid = existing.id
        tasks.run_store(
            lambda repo: review.edit_annotation(
                repo,
                aid,
                me,
                now,
                kind=kind,
                severity=severity,
                body=body,
                correction=correction or None,
                reference=reference or None,
            ),
            self._stored,
            self._refused,
            owner=self,
        )

    def _stored(self, changes: Changes) -> None:
        self.setEnabled(True)
        self.saved.emit(changes)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.setEnabled(True)
        self._refused_text(localize(self._ctx.i18n, error))

    def _refused_text(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
